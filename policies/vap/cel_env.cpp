#include "policies/vap/cel_env.h"

#include <algorithm>

#include "rules/cel/struct_value.h"

namespace tollgate::policies::vap {

using value::Value;

std::optional<EnvironmentVersion> parse_environment_version(std::string_view text) {
  if (text == "1.32") return EnvironmentVersion::Kubernetes132;
  if (text == "current") return EnvironmentVersion::Current;
  return std::nullopt;
}

std::string render_compile_error(std::string_view expression, const cel::CompileError& error) {
  std::string out = "ERROR: <input>:" + std::to_string(error.line) + ":" + std::to_string(error.column) + ": " +
                    error.message;
  // The error's line of the expression, tabs shown as spaces.
  int line = 1;
  size_t start = 0;
  while (line < error.line) {
    size_t nl = expression.find('\n', start);
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
    ++line;
  }
  size_t end = expression.find('\n', start);
  std::string snippet(expression.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  std::replace(snippet.begin(), snippet.end(), '\t', ' ');
  out += "\n | " + snippet + "\n | ";
  // One dot per code point before the column (cel-go counts runes).
  size_t dots = error.column > 1 ? static_cast<size_t>(error.column - 1) : 0;
  size_t code_points = 0;
  for (unsigned char c : snippet) code_points += (c & 0xC0) != 0x80 ? 1 : 0;
  out.append(std::min(dots, code_points), '.');
  out += '^';
  return out;
}

namespace {

// `request` is declared as Kubernetes declares it (§2.2): an object type
// whose fields are checked at compile time (`request.uid` is an undefined
// field) and typed (`request.userInfo.username` is a string, fit for an
// audit annotation). Values stay JSON maps: an absent field is "no such key".
constexpr std::string_view kRequestType = "kubernetes.AdmissionRequest";
constexpr std::string_view kKindType = "kubernetes.AdmissionRequest.kind";
constexpr std::string_view kResourceType = "kubernetes.AdmissionRequest.resource";
constexpr std::string_view kUserInfoType = "kubernetes.AdmissionRequest.userInfo";

class AdmissionTypes final : public cel::StructTypeProvider {
 public:
  bool has_type(std::string_view name) const override {
    return name == kRequestType || name == kKindType || name == kResourceType || name == kUserInfoType;
  }
  std::optional<cel::CelType> field_type(std::string_view type, std::string_view field) const override {
    using cel::CelType;
    if (type == kRequestType) {
      if (field == "kind" || field == "requestKind") return CelType::opaque(std::string(kKindType));
      if (field == "resource" || field == "requestResource") return CelType::opaque(std::string(kResourceType));
      if (field == "subResource" || field == "requestSubResource" || field == "name" || field == "namespace" ||
          field == "operation") {
        return CelType::string();
      }
      if (field == "userInfo") return CelType::opaque(std::string(kUserInfoType));
      if (field == "dryRun") return CelType::bool_();
      if (field == "options") return CelType::dyn();
      return std::nullopt;
    }
    if (type == kKindType) {
      if (field == "group" || field == "version" || field == "kind") return CelType::string();
      return std::nullopt;
    }
    if (type == kResourceType) {
      if (field == "group" || field == "version" || field == "resource") return CelType::string();
      return std::nullopt;
    }
    if (type == kUserInfoType) {
      if (field == "username" || field == "uid") return CelType::string();
      if (field == "groups") return CelType::list(CelType::string());
      if (field == "extra") return CelType::map(CelType::string(), CelType::list(CelType::string()));
      return std::nullopt;
    }
    return std::nullopt;
  }
  cel::Result make(const std::string& type, Value) const override {
    return cel::make_error("type " + type + " cannot be constructed");
  }
};

const AdmissionTypes& admission_types() {
  static const AdmissionTypes types;
  return types;
}

std::vector<std::string> identifiers(bool has_params, const std::vector<std::string>& extra) {
  std::vector<std::string> out = {"object", "oldObject", "request", "namespaceObject"};
  // Slots stay fixed: without a paramKind `params` is not declared, but its
  // slot is still there (named so that no expression can reach it).
  out.push_back(has_params ? "params" : "@params");
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::string output_name(OutputType output) {
  switch (output) {
    case OutputType::Bool: return "bool";
    case OutputType::String: return "string";
    default: return "";
  }
}

}  // namespace

PolicyEnvironment::PolicyEnvironment(std::shared_ptr<const cel::Environment> env, bool has_params,
                                     const std::vector<NamedExpression>& variables,
                                     std::vector<std::string> extra_identifiers, bool typed_request)
    : env_(std::move(env)), has_params_(has_params) {
  options_.identifiers = identifiers(has_params, extra_identifiers);
  if (typed_request) {
    options_.identifier_types = {cel::CelType::dyn(), cel::CelType::dyn(),
                                 cel::CelType::opaque(std::string(kRequestType))};
    options_.struct_types = &admission_types();
  }
  for (const NamedExpression& v : variables) {
    // Each variable sees the ones before it.
    CompiledExpression e = compile_with(v.expression, OutputType::Any, options_);
    cel::CelType type = e.ok() ? e.type : cel::CelType::dyn();
    // A later definition of a name replaces the earlier one (§2.6).
    auto same = std::find(variable_names_.begin(), variable_names_.end(), v.name);
    if (same != variable_names_.end()) {
      size_t i = same - variable_names_.begin();
      variables_[i] = std::move(e);
      options_.lazy_variable_types[i] = type;
      continue;
    }
    variables_.push_back(std::move(e));
    variable_names_.push_back(v.name);
    options_.lazy_variables.push_back(v.name);
    options_.lazy_variable_types.push_back(type);
  }
}

CompiledExpression PolicyEnvironment::compile(std::string_view text, OutputType output) const {
  return compile_with(text, output, options_);
}

CompiledExpression PolicyEnvironment::compile_with(std::string_view text, OutputType output,
                                                   const cel::CompileOptions& options) const {
  CompiledExpression e;
  e.text = std::string(text);
  cel::CompileResult r = env_->compile(text, options);
  if (!r.ok()) {
    e.error = "compilation failed: " + render_compile_error(text, *r.error);
    return e;
  }
  e.type = r.type;
  cel::TypeKind kind = r.type.kind();
  bool fits = true;
  switch (output) {
    case OutputType::Any: break;
    case OutputType::Bool: fits = kind == cel::TypeKind::Bool; break;
    case OutputType::String: fits = kind == cel::TypeKind::String; break;
    case OutputType::StringOrNull: fits = kind == cel::TypeKind::String || kind == cel::TypeKind::Null; break;
  }
  if (!fits) {
    e.error = output == OutputType::StringOrNull
                  ? "must evaluate to one of [string null_type] but got " + r.type.to_string()
                  : "must evaluate to " + output_name(output) + " but got " + r.type.to_string();
    return e;
  }
  e.program = std::move(r.program);
  return e;
}

const cel::EvalResult& VariableScope::get(size_t index) {
  std::optional<cel::EvalResult>& slot = memo_.at(index);
  if (!slot) {
    const CompiledExpression& e = env_.variables().at(index);
    const std::string& name = env_.variable_names().at(index);
    cel::EvalResult r = run_expression(e, activation_);
    cost_ += r.cost;
    if (!e.ok()) {
      r.error = "composited variable \"" + name + "\" fails to compile: " + e.error;
    } else if (!r.ok() && !r.budget_exceeded) {
      r.error = "composited variable \"" + name + "\" fails to evaluate: " + *r.error;
    }
    slot = std::move(r);
  }
  return *slot;
}

cel::EvalResult run_expression(const CompiledExpression& e, const cel::Activation& activation) {
  if (!e.ok()) {
    cel::EvalResult r;
    r.error = "compilation error: " + e.error;
    return r;
  }
  cel::EvalOptions options;
  options.cost_limit = kPerCallCostLimit;
  return e.program->evaluate(activation, options);
}

std::string expression_error(const CompiledExpression& e, const std::string& error) {
  if (!e.ok()) return error;
  return "expression '" + e.text + "' resulted in error: " + error;
}

namespace {

Value gvk_value(const std::string& group, const std::string& version, std::string_view key, const std::string& name) {
  return Value::object_sorted({{Value::string("group"), Value::string(group)},
                               {Value::string(key), Value::string(name)},
                               {Value::string("version"), Value::string(version)}});
}

bool empty_value(const Value& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.as_string().empty();
  if (v.is_array() || v.is_object()) return v.size() == 0;
  return false;
}

}  // namespace

Value request_view(const Value& request, const GroupVersionKind& matched_kind,
                   const GroupVersionResource& matched_resource) {
  std::vector<Value::Entry> entries;
  auto add = [&](std::string_view key, Value v) { entries.emplace_back(Value::string(key), std::move(v)); };
  auto add_if = [&](std::string_view key) {
    const Value* v = request.is_object() ? request.find(key) : nullptr;
    if (v != nullptr && !empty_value(*v)) add(key, *v);
  };
  add("kind", gvk_value(matched_kind.group, matched_kind.version, "kind", matched_kind.kind));
  add("resource", gvk_value(matched_resource.group, matched_resource.version, "resource", matched_resource.resource));
  add_if("subResource");
  const Value& kind = request["requestKind"].is_object() ? request["requestKind"] : request["kind"];
  add("requestKind", gvk_value(std::string(kind["group"].string_or("")), std::string(kind["version"].string_or("")),
                               "kind", std::string(kind["kind"].string_or(""))));
  const Value& resource = request["requestResource"].is_object() ? request["requestResource"] : request["resource"];
  add("requestResource",
      gvk_value(std::string(resource["group"].string_or("")), std::string(resource["version"].string_or("")),
                "resource", std::string(resource["resource"].string_or(""))));
  if (request["requestSubResource"].is_string()) {
    add_if("requestSubResource");
  } else {
    const Value* sub = request.is_object() ? request.find("subResource") : nullptr;
    if (sub != nullptr && !empty_value(*sub)) add("requestSubResource", *sub);
  }
  add_if("name");
  add_if("namespace");
  add("operation", Value::string(request["operation"].string_or("")));
  std::vector<Value::Entry> user;
  const Value& user_info = request["userInfo"];
  for (std::string_view key : {"username", "uid", "groups", "extra"}) {
    const Value* v = user_info.is_object() ? user_info.find(key) : nullptr;
    if (v != nullptr && !empty_value(*v)) user.emplace_back(Value::string(key), *v);
  }
  add("userInfo", Value::object(std::move(user)));
  const Value& dry_run = request["dryRun"];
  add("dryRun", Value::boolean(dry_run.is_bool() && dry_run.as_bool()));
  add_if("options");
  return Value::object(std::move(entries));
}

}  // namespace tollgate::policies::vap
