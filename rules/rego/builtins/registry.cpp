#include <algorithm>

#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

void BuiltinRegistry::add(BuiltinInfo info) {
  std::string name = info.name;
  by_name_[name] = std::move(info);
}

const BuiltinInfo* BuiltinRegistry::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &it->second;
}

std::vector<std::string> BuiltinRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(by_name_.size());
  for (const auto& [name, info] : by_name_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

const BuiltinRegistry& BuiltinRegistry::standard() {
  static const BuiltinRegistry registry = [] {
    BuiltinRegistry r;
    register_operator_builtins(r);
    register_string_builtins(r);
    register_regex_builtins(r);
    register_glob_builtins(r);
    register_number_builtins(r);
    register_array_builtins(r);
    register_set_builtins(r);
    register_object_builtins(r);
    register_type_builtins(r);
    register_conversion_builtins(r);
    register_encoding_builtins(r);
    register_unit_builtins(r);
    register_semver_builtins(r);
    register_time_builtins(r);
    register_net_builtins(r);
    register_misc_builtins(r);
    register_template_string_builtins(r);
    register_jwt_builtins(r);
    register_jwt_verify_builtins(r);
    register_jwt_sign_builtins(r);
    register_x509_builtins(r);
    register_aws_builtins(r);
    register_rego_parse_builtins(r);
    register_json_schema_builtins(r);
    register_graphql_builtins(r);
    return r;
  }();
  return registry;
}

}  // namespace tollgate::rego
