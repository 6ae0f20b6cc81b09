#include "policies/gator/namespace_context.h"

#include "policies/model/parse_context.h"

namespace tollgate::policies::gator {

bool is_core_namespace(const Value& object) {
  return object["kind"].string_or("") == "Namespace" && api_group_of(object["apiVersion"].string_or("")).empty();
}

NamespaceContext::NamespaceContext(const std::vector<Value>& objects) {
  for (const Value& o : objects) {
    if (!is_core_namespace(o)) continue;
    by_name_[std::string(o["metadata"]["name"].string_or(""))] = o;
  }
}

Value NamespaceContext::synthesized(std::string_view name) {
  value::ObjectBuilder metadata;
  if (!name.empty()) metadata.add("name", Value::string(name));
  value::ObjectBuilder ns;
  ns.add("apiVersion", Value::string("v1"));
  ns.add("kind", Value::string("Namespace"));
  ns.add("metadata", metadata.build());
  return ns.build();
}

Value NamespaceContext::named(std::string_view name) const {
  if (auto it = by_name_.find(std::string(name)); it != by_name_.end()) return it->second;
  if (name == "default") return synthesized("default");
  return Value::null();
}

Value NamespaceContext::for_object(const Value& object) const {
  std::string_view ns = object["metadata"]["namespace"].string_or("");
  if (ns.empty()) return synthesized("");
  return named(ns);
}

}  // namespace tollgate::policies::gator
