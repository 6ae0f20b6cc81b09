#include "policies/match/label_selector.h"

#include <algorithm>

#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_name_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// RFC 1123 subdomain: dot-separated lowercase labels, each starting and ending alphanumeric.
bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_lower_alnum(c) || c == '-'; })) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

std::string check_label_key(std::string_view key) {
  std::string_view name = key;
  size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (!is_dns1123_subdomain(prefix)) {
      return "prefix part must be a lowercase RFC 1123 subdomain (e.g. 'example.com')";
    }
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > 63) return "name part must be no more than 63 characters";
  if (!is_qualified_name_part(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character";
  }
  return "";
}

std::string check_label_value(std::string_view v) {
  if (v.size() > 63) return "must be no more than 63 characters";
  if (!v.empty() && !is_qualified_name_part(v)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
           "start and end with an alphanumeric character";
  }
  return "";
}

std::optional<LabelSelector> LabelSelector::parse(const Value& selector, ParseError* error) {
  auto fail = [&](std::string pointer, std::string message) {
    error->pointer = std::move(pointer);
    error->message = std::move(message);
    return std::nullopt;
  };
  LabelSelector out;
  if (selector.is_null()) return out;
  if (!selector.is_object()) return fail("", std::string("label selector must be an object, got ") + value::kind_name(selector.kind()));

  if (const Value* labels = selector.find("matchLabels"); labels != nullptr && !labels->is_null()) {
    if (!labels->is_object()) return fail("/matchLabels", "matchLabels must be an object");
    for (const auto& [k, v] : labels->entries()) {
      const std::string& key = k.as_string();
      std::string ptr = value::pointer_append("/matchLabels", key);
      if (!v.is_string()) return fail(ptr, "matchLabels value for \"" + key + "\" must be a string");
      if (std::string why = check_label_key(key); !why.empty()) return fail(ptr, "invalid label key \"" + key + "\": " + why);
      if (std::string why = check_label_value(v.as_string()); !why.empty()) {
        return fail(ptr, "invalid label value \"" + v.as_string() + "\": " + why);
      }
      out.requirements_.push_back({key, Op::In, {v.as_string()}});
    }
  }

  if (const Value* exprs = selector.find("matchExpressions"); exprs != nullptr && !exprs->is_null()) {
    if (!exprs->is_array()) return fail("/matchExpressions", "matchExpressions must be a list");
    for (size_t i = 0; i < exprs->items().size(); ++i) {
      const Value& e = exprs->items()[i];
      std::string ptr = value::pointer_append("/matchExpressions", i);
      if (!e.is_object()) return fail(ptr, "matchExpressions item must be an object");
      const Value& key = e["key"];
      const Value& op = e["operator"];
      if (!key.is_string()) return fail(ptr + "/key", "matchExpressions key must be a string");
      if (!op.is_string()) return fail(ptr + "/operator", "matchExpressions operator must be a string");
      if (std::string why = check_label_key(key.as_string()); !why.empty()) {
        return fail(ptr + "/key", "invalid label key \"" + key.as_string() + "\": " + why);
      }
      Requirement r{key.as_string(), Op::In, {}};
      const std::string& name = op.as_string();
      if (name == "In") r.op = Op::In;
      else if (name == "NotIn") r.op = Op::NotIn;
      else if (name == "Exists") r.op = Op::Exists;
      else if (name == "DoesNotExist") r.op = Op::DoesNotExist;
      else return fail(ptr + "/operator", "\"" + name + "\" is not a valid label selector operator");

      const Value& values = e["values"];
      if (!values.is_null() && !values.is_array()) return fail(ptr + "/values", "matchExpressions values must be a list");
      if (values.is_array()) {
        for (size_t j = 0; j < values.items().size(); ++j) {
          const Value& v = values.items()[j];
          std::string vptr = value::pointer_append(ptr + "/values", j);
          if (!v.is_string()) return fail(vptr, "matchExpressions values must be strings");
          if (std::string why = check_label_value(v.as_string()); !why.empty()) {
            return fail(vptr, "invalid label value \"" + v.as_string() + "\": " + why);
          }
          r.values.push_back(v.as_string());
        }
      }
      if ((r.op == Op::In || r.op == Op::NotIn) && r.values.empty()) {
        return fail(ptr + "/values", "for 'in', 'notin' operators, values set can't be empty");
      }
      if ((r.op == Op::Exists || r.op == Op::DoesNotExist) && !r.values.empty()) {
        return fail(ptr + "/values", "values set must be empty for exists and does not exist");
      }
      out.requirements_.push_back(std::move(r));
    }
  }
  return out;
}

bool LabelSelector::matches(const Value* labels) const {
  for (const Requirement& r : requirements_) {
    const Value* v = (labels != nullptr) ? labels->find(std::string_view(r.key)) : nullptr;
    bool present = v != nullptr;
    auto in_values = [&] {
      if (!v->is_string()) return false;
      const std::string& s = v->as_string();
      return std::find(r.values.begin(), r.values.end(), s) != r.values.end();
    };
    switch (r.op) {
      case Op::In:
        if (!present || !in_values()) return false;
        break;
      case Op::NotIn:
        if (present && in_values()) return false;
        break;
      case Op::Exists:
        if (!present) return false;
        break;
      case Op::DoesNotExist:
        if (present) return false;
        break;
    }
  }
  return true;
}

}  // namespace tollgate::policies
