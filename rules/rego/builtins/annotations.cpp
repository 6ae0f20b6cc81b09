#include "rules/rego/builtins/annotations.h"

#include <sstream>

#include "rules/value/yaml.h"

namespace tollgate::rego {

namespace {

using value::Value;

Value str(std::string_view s) { return Value::string(s); }

std::vector<std::string> fields(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "Jane Doe <jane@example.com>" -> {"name": "Jane Doe", "email": "jane@example.com"}.
std::optional<Value> author_from_string(std::string_view s, std::string* error) {
  std::vector<std::string> parts = fields(s);
  if (parts.empty()) {
    *error = "author is an empty string";
    return std::nullopt;
  }
  std::string email;
  const std::string& last = parts.back();
  if (last.size() >= 2 && last.front() == '<' && last.back() == '>') {
    email = last.substr(1, last.size() - 2);
    parts.pop_back();
  }
  std::string name;
  for (const auto& p : parts) name += (name.empty() ? "" : " ") + p;
  value::ObjectBuilder out;
  if (!name.empty()) out.add("name", str(name));
  if (!email.empty()) out.add("email", str(email));
  return out.build();
}

std::optional<Value> author(const Value& v, std::string* error) {
  if (v.is_string()) return author_from_string(v.as_string(), error);
  if (v.is_object()) {
    const Value* name = v.find("name");
    const Value* email = v.find("email");
    value::ObjectBuilder out;
    if (name && name->is_string() && !name->as_string().empty()) out.add("name", *name);
    if (email && email->is_string() && !email->as_string().empty()) out.add("email", *email);
    Value built = out.build();
    if (built.size() == 0) {
      *error = "'name' and/or 'email' values required in object";
      return std::nullopt;
    }
    return built;
  }
  *error = "invalid author";
  return std::nullopt;
}

std::optional<Value> related_resource(const Value& v, std::string* error) {
  if (v.is_string()) {
    if (v.as_string().empty()) {
      *error = "ref URL may not be empty string";
      return std::nullopt;
    }
    return Value::object({{str("ref"), v}});
  }
  if (v.is_object()) {
    const Value* ref = v.find("ref");
    if (ref == nullptr || !ref->is_string() || ref->as_string().empty()) {
      *error = "'ref' value required in object";
      return std::nullopt;
    }
    value::ObjectBuilder out;
    out.add("ref", *ref);
    if (const Value* d = v.find("description"); d && d->is_string() && !d->as_string().empty()) out.add("description", *d);
    return out.build();
  }
  *error = "invalid related-resource";
  return std::nullopt;
}

// A dotted reference as the array of its parts: "schema.input" -> ["schema", "input"].
Value ref_array(std::string_view ref) {
  std::vector<Value> parts;
  size_t start = 0;
  for (;;) {
    const size_t dot = ref.find('.', start);
    parts.push_back(str(ref.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Value::array(std::move(parts));
}

std::optional<Value> schema(const Value& v, std::string* error) {
  if (!v.is_object() || v.size() != 1) {
    *error = "invalid schema annotation";
    return std::nullopt;
  }
  const auto& [path, target] = v.entries().front();
  value::ObjectBuilder out;
  out.add("path", ref_array(path.as_string()));
  if (target.is_string()) {
    out.add("schema", ref_array(target.as_string()));
  } else if (target.is_object() && target.find("definition")) {
    out.add("definition", *target.find("definition"));
  } else {
    *error = "invalid schema annotation";
    return std::nullopt;
  }
  return out.build();
}

template <typename F>
bool list_of(const Value* v, const char* key, F convert, std::vector<Value>* out, std::string* error) {
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_array()) {
    *error = std::string("invalid ") + key + ": expected a list";
    return false;
  }
  for (const Value& item : v->items()) {
    auto converted = convert(item, error);
    if (!converted) return false;
    out->push_back(std::move(*converted));
  }
  return true;
}

}  // namespace

std::optional<Value> parse_annotation_block(std::string_view yaml, std::string_view default_scope, std::string* error) {
  std::vector<value::YamlDocument> docs;
  value::YamlError yaml_error;
  if (!value::parse_yaml(yaml, &docs, &yaml_error)) {
    *error = "yaml: line " + std::to_string(std::max(yaml_error.location.line, 1)) + ": " + yaml_error.message;
    return std::nullopt;
  }
  const Value raw = docs.empty() ? Value::empty_object() : docs.front().value;
  if (!raw.is_object()) {
    *error = "yaml: unmarshal errors: cannot unmarshal into annotations";
    return std::nullopt;
  }
  auto text = [&](const char* key) -> std::string {
    const Value* v = raw.find(key);
    return v && v->is_string() ? v->as_string() : "";
  };
  const Value* entrypoint_value = raw.find("entrypoint");
  const bool entrypoint = entrypoint_value && entrypoint_value->is_bool() && entrypoint_value->as_bool();
  std::string scope = text("scope");
  if (scope.empty()) scope = default_scope == "rule" && entrypoint ? "document" : std::string(default_scope);

  std::vector<Value> authors, resources, schemas, organizations;
  if (!list_of(raw.find("authors"), "authors", author, &authors, error)) return std::nullopt;
  if (!list_of(raw.find("related_resources"), "related_resources", related_resource, &resources, error))
    return std::nullopt;
  if (!list_of(raw.find("schemas"), "schemas", schema, &schemas, error)) return std::nullopt;
  auto organization = [](const Value& v, std::string* err) -> std::optional<Value> {
    if (v.is_string()) return v;
    *err = "invalid organizations: expected strings";
    return std::nullopt;
  };
  if (!list_of(raw.find("organizations"), "organizations", organization, &organizations, error)) return std::nullopt;

  value::ObjectBuilder out;
  out.add("scope", str(scope));
  if (!text("title").empty()) out.add("title", str(text("title")));
  if (entrypoint) out.add("entrypoint", Value::boolean(true));
  if (!text("description").empty()) out.add("description", str(text("description")));
  if (!organizations.empty()) out.add("organizations", Value::array(std::move(organizations)));
  if (!resources.empty()) out.add("related_resources", Value::array(std::move(resources)));
  if (!authors.empty()) out.add("authors", Value::array(std::move(authors)));
  if (!schemas.empty()) out.add("schemas", Value::array(std::move(schemas)));
  if (const Value* custom = raw.find("custom"); custom && custom->is_object() && custom->size() > 0)
    out.add("custom", *custom);
  return out.build();
}

namespace {

Value chain_entry(const std::vector<Value>& path, const Value* annotations) {
  value::ObjectBuilder out;
  out.add("path", Value::array(path));
  if (annotations) out.add("annotations", *annotations);
  return out.build();
}

}  // namespace

Value metadata_chain(const RuleAnnotations& a) {
  std::vector<Value> chain;
  if (a.rule_scope.empty()) chain.push_back(chain_entry(a.rule_path, nullptr));
  for (const Value& r : a.rule_scope) chain.push_back(chain_entry(a.rule_path, &r));
  if (a.document) chain.push_back(chain_entry(a.rule_path, &*a.document));
  if (a.package) chain.push_back(chain_entry(a.package_path, &*a.package));
  for (const auto& [path, annotations] : a.subpackages) chain.push_back(chain_entry(path, &annotations));
  return Value::array(std::move(chain));
}

Value metadata_rule(const RuleAnnotations& a) {
  if (!a.rule_scope.empty()) return a.rule_scope.front();
  return Value::empty_object();
}

}  // namespace tollgate::rego
