// Helpers for the compiler and evaluator tests: compile Rego text, run a
// query, and look at results as JSON text or Values.
#pragma once

#include <string>
#include <vector>

#include "rules/rego/rego.h"
#include "rules/value/json.h"

namespace tollgate::rego::testing {

struct Outcome {
  std::vector<Error> compile_errors;
  QueryResult result;

  bool ok() const { return compile_errors.empty() && !result.error; }
  // The first compile error's or evaluation error's "code: message", or "".
  std::string error() const {
    if (!compile_errors.empty()) return compile_errors[0].code + ": " + compile_errors[0].message;
    if (result.error) return result.error->code + ": " + result.error->message;
    return "";
  }
  // The value of `var` in the only row; throws when there is not exactly one row.
  value::Value only(const std::string& var) const {
    if (result.rows.size() != 1) throw std::runtime_error("expected one row, got " + std::to_string(result.rows.size()) +
                                                          (error().empty() ? "" : " (" + error() + ")"));
    return result.rows[0].at(var);
  }
  std::string json(const std::string& var) const { return value::to_json(only(var)); }
  bool undefined() const { return ok() && result.rows.empty(); }
};

inline Outcome run(const std::vector<std::string>& modules, const std::string& query, QueryOptions options = {},
                   std::optional<RegoVersion> version = RegoVersion::V1, CompileOptions compile_options = {}) {
  Outcome out;
  std::vector<ModuleSource> sources;
  for (size_t i = 0; i < modules.size(); ++i) {
    sources.push_back({"m" + std::to_string(i) + ".rego", modules[i], version});
  }
  auto compiled = compile(sources, compile_options);
  if (!compiled.errors.empty()) {
    out.compile_errors = compiled.errors;
    return out;
  }
  auto prepared = PreparedQuery::prepare(compiled.policy, query);
  if (!prepared.errors.empty()) {
    out.compile_errors = prepared.errors;
    return out;
  }
  out.result = prepared.query->run(options);
  return out;
}

// `data.test.p = x` against one module; the JSON of x ("undefined" when there is no row).
inline std::string eval_p(const std::string& module, QueryOptions options = {},
                          std::optional<RegoVersion> version = RegoVersion::V1, const std::string& rule = "p") {
  Outcome o = run({module}, "x = data.test." + rule, std::move(options), version);
  if (!o.error().empty()) return "error: " + o.error();
  if (o.result.rows.empty()) return "undefined";
  return o.json("x");
}

inline value::Value json(const std::string& text) { return value::parse_json_or_throw(text); }

}  // namespace tollgate::rego::testing
