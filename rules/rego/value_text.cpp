#include "rules/rego/value_text.h"

#include "rules/rego/number.h"
#include "rules/value/go_quote.h"

namespace tollgate::rego {

using value::Kind;
using value::Value;

void append_rego_text(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Kind::Null: out += "null"; return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::Int:
    case Kind::Uint:
    case Kind::Double:
    case Kind::BigNum: out += number_text(v); return;
    case Kind::String:
    case Kind::Bytes: out += value::go_quote(v.as_string()); return;
    case Kind::Array: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out += ", ";
        append_rego_text(item, out);
        first = false;
      }
      out.push_back(']');
      return;
    }
    case Kind::Object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [key, item] : v.entries()) {
        if (!first) out += ", ";
        append_rego_text(key, out);
        out += ": ";
        append_rego_text(item, out);
        first = false;
      }
      out.push_back('}');
      return;
    }
    case Kind::Set: {
      if (v.items().empty()) {
        out += "set()";
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out += ", ";
        append_rego_text(item, out);
        first = false;
      }
      out.push_back('}');
      return;
    }
    case Kind::Opaque: out += v.as_opaque().debug_string(); return;
  }
}

std::string rego_text(const Value& v) {
  std::string out;
  append_rego_text(v, out);
  return out;
}

}  // namespace tollgate::rego
