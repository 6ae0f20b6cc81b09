// Helpers for builtin unit tests: call a standard builtin by name, catch its
// error, and write argument values as JSON text.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/number.h"
#include "rules/value/json.h"

namespace tollgate::rego::testing {

// JSON text -> Value, numbers in Rego's canonical form (1.0 is the integer 1).
inline Value json(std::string_view text) {
  struct Canonical {
    static Value of(const Value& v) {
      if (v.is_number()) return canonical_number(v);
      if (v.is_array()) {
        std::vector<Value> items;
        for (const Value& item : v.items()) items.push_back(of(item));
        return Value::array(std::move(items));
      }
      if (v.is_object()) {
        std::vector<Value::Entry> entries;
        for (const auto& [k, item] : v.entries()) entries.emplace_back(k, of(item));
        return Value::object(std::move(entries));
      }
      return v;
    }
  };
  return Canonical::of(value::parse_json_or_throw(text));
}

inline Value str(std::string_view s) { return Value::string(s); }
inline Value set_of(std::vector<Value> items) { return Value::set(std::move(items)); }

// Result of the builtin `name`; nullopt when it is undefined. A thrown
// BuiltinError propagates.
inline std::optional<Value> try_call(std::string_view name, std::vector<Value> args) {
  const BuiltinInfo* info = BuiltinRegistry::standard().find(name);
  INFO("builtin " << name);
  REQUIRE(info != nullptr);
  REQUIRE(info->function != nullptr);
  REQUIRE(static_cast<int>(args.size()) == info->arity);
  BuiltinContext ctx;
  return info->function(args, ctx);
}

// Result of the builtin `name`, which must be defined.
inline Value call(std::string_view name, std::vector<Value> args) {
  std::optional<Value> out = try_call(name, std::move(args));
  INFO("builtin " << name);
  REQUIRE(out.has_value());
  return *out;
}

// The error the builtin `name` raises (the test fails when it raises none).
inline BuiltinError call_error(std::string_view name, std::vector<Value> args) {
  try {
    try_call(name, std::move(args));
  } catch (const BuiltinError& e) {
    return e;
  }
  FAIL("builtin " << name << " raised no error");
  return BuiltinError(BuiltinError::Code::Builtin, "");
}

}  // namespace tollgate::rego::testing
