// Helpers shared by the CEL unit tests: compile and evaluate an expression
// in the Kubernetes or the standard environment with named bindings.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/cel/cel.h"
#include "rules/value/json.h"

namespace tollgate::cel::testing {

struct Outcome {
  bool compiled = false;
  std::string compile_error;
  EvalResult result;

  bool ok() const { return compiled && result.ok(); }
  bool eval_error() const { return compiled && !result.ok(); }
  std::string error() const { return compiled ? result.error.value_or("") : compile_error; }
};

inline Outcome run(const Environment& env, std::string_view expr,
                   const std::vector<std::pair<std::string, Value>>& bindings = {}, uint64_t cost_limit = 1'000'000) {
  CompileOptions options;
  Activation activation;
  for (const auto& [name, v] : bindings) {
    options.identifiers.push_back(name);
    activation.identifiers.push_back(v);
  }
  Outcome out;
  auto compiled = env.compile(expr, options);
  if (!compiled.ok()) {
    out.compile_error = compiled.error->message;
    return out;
  }
  out.compiled = true;
  EvalOptions eval_options;
  eval_options.cost_limit = cost_limit;
  out.result = compiled.program->evaluate(activation, eval_options);
  return out;
}

inline Outcome k8s(std::string_view expr, const std::vector<std::pair<std::string, Value>>& bindings = {}) {
  return run(*Environment::kubernetes(), expr, bindings);
}

inline Outcome standard(std::string_view expr, const std::vector<std::pair<std::string, Value>>& bindings = {}) {
  return run(*Environment::standard(), expr, bindings);
}

// The result as compact JSON, or "error: ..." / "compile error: ...".
inline std::string show(const Outcome& o) {
  if (!o.compiled) return "compile error: " + o.compile_error;
  if (!o.result.ok()) return "error: " + *o.result.error;
  return value::to_json(o.result.value);
}

inline Value json(std::string_view text) { return value::parse_json_or_throw(text); }

}  // namespace tollgate::cel::testing
