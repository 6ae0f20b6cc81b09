// Runs one OPA conformance case through the Rego engine and judges the
// outcome the way OPA's own runner does (v1/topdown/exported_test.go):
//
//  - modules are named test-0.rego, test-1.rego... (expected error texts
//    contain these names); the query is compiled against them;
//  - `want_error` is a substring of the error text, formatted as OPA's
//    Error() does ("test-0.rego:4: eval_type_error: ..."), `want_error_code`
//    the error's code; compile errors count as errors;
//  - `want_result` rows and the engine's rows are compared as sets after
//    OPA's JSON round trip of every binding (sets become sorted arrays,
//    non-string object keys their JSON text) and, with `sort_bindings`,
//    sorting array bindings; numbers compare by value.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/rego/parser.h"
#include "rules/rego/rego.h"
#include "rules/value/json.h"
#include "rules/value/value.h"
#include "tests/conformance/opa_case.h"

namespace tollgate::conformance {

struct OpaOutcome {
  enum class Kind { Passed, Failed, Skipped };
  Kind kind = Kind::Passed;
  std::string why;      // Failed/Skipped: the details
  std::string summary;  // Failed: a short reason shared by similar failures, for grouping

  static OpaOutcome passed() { return {}; }
  static OpaOutcome failed(std::string summary, std::string why) {
    return {Kind::Failed, std::move(why), std::move(summary)};
  }
  static OpaOutcome skipped(std::string why) { return {Kind::Skipped, std::move(why), ""}; }
};

// OPA's Error() text of one error: "file:line: code: message".
inline std::string opa_error_text(const rego::Error& e) { return e.opa_text(); }

// OPA's text of a list of compile errors (ast.Errors.Error()).
inline std::string opa_errors_text(const std::vector<rego::Error>& errors) {
  if (errors.size() == 1) return "1 error occurred: " + opa_error_text(errors[0]);
  std::string out = std::to_string(errors.size()) + " errors occurred:";
  for (const auto& e : errors) out += "\n" + opa_error_text(e);
  return out;
}

// The value of a ground term (scalars, arrays, sets, objects of those), as
// OPA's MustParseTerm gives `input_term`; nullopt for anything else.
inline std::optional<Value> ground_term_value(const rego::Term& term) {
  using rego::TermKind;
  switch (term.kind) {
    case TermKind::Scalar: return term.value;
    case TermKind::Array:
    case TermKind::Set: {
      std::vector<Value> items;
      for (const auto& item : term.items) {
        auto v = ground_term_value(item);
        if (!v) return std::nullopt;
        items.push_back(std::move(*v));
      }
      return term.kind == TermKind::Array ? Value::array(std::move(items)) : Value::set(std::move(items));
    }
    case TermKind::Object: {
      std::vector<Value::Entry> entries;
      for (const auto& [k, v] : term.entries) {
        auto key = ground_term_value(k);
        auto val = ground_term_value(v);
        if (!key || !val) return std::nullopt;
        entries.emplace_back(std::move(*key), std::move(*val));
      }
      return Value::object(std::move(entries));
    }
    default: return std::nullopt;
  }
}

// A value after OPA's ast.JSON conversion: sets become arrays (in set
// order), object keys that are not strings become their JSON text.
inline Value json_shaped(const Value& v) {
  if (v.is_array() || v.is_set()) {
    std::vector<Value> items;
    items.reserve(v.items().size());
    for (const auto& item : v.items()) items.push_back(json_shaped(item));
    return Value::array(std::move(items));
  }
  if (v.is_object()) {
    std::vector<Value::Entry> entries;
    entries.reserve(v.entries().size());
    for (const auto& [k, x] : v.entries()) {
      Value key = json_shaped(k);
      if (!key.is_string()) key = Value::string(value::to_json(key));
      entries.emplace_back(std::move(key), json_shaped(x));
    }
    return Value::object(std::move(entries));
  }
  return v;
}

// Compiler-generated variable names (`__local0__`, `__localq1__`).
inline bool is_generated_var(const std::string& name) {
  return name.size() > 4 && name.rfind("__", 0) == 0 && name.compare(name.size() - 2, 2, "__") == 0;
}

// The engine's rows as the set OPA's runner compares: one object per row.
inline Value got_rows(const std::vector<std::map<std::string, Value>>& rows, bool sort_bindings,
                      bool ignore_generated_vars) {
  std::vector<Value> out;
  for (const auto& row : rows) {
    std::vector<Value::Entry> entries;
    for (const auto& [name, v] : row) {
      if (ignore_generated_vars && is_generated_var(name)) continue;
      Value shaped = json_shaped(v);
      if (sort_bindings && shaped.is_array()) {
        std::vector<Value> items = shaped.items();
        std::stable_sort(items.begin(), items.end(), [](const Value& a, const Value& b) { return a < b; });
        shaped = Value::array(std::move(items));
      }
      entries.emplace_back(Value::string(name), std::move(shaped));
    }
    out.push_back(Value::object(std::move(entries)));
  }
  return Value::set(std::move(out));
}

// `want_result` as a set of row objects.
inline Value wanted_rows(const Value& want_result) {
  std::vector<Value> rows;
  for (const auto& row : want_result.items()) rows.push_back(json_shaped(row));
  return Value::set(std::move(rows));
}

inline std::string first_line(const std::string& s, size_t max = 160) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > max) line = line.substr(0, max) + "...";
  return line;
}

// The part of an error text worth grouping failures by: no file:line prefix.
inline std::string error_gist(const std::string& code, const std::string& message) {
  return code + ": " + first_line(message, 100);
}

inline std::string rows_text(const Value& rows) {
  std::string s = value::to_json(rows);
  if (s.size() > 600) s = s.substr(0, 600) + "...";
  return s;
}

inline OpaOutcome run_opa_case(const OpaCase& c) {
  if (!c.skip_reason.empty()) return OpaOutcome::skipped(c.skip_reason);

  // What happened: an error (compile, query, evaluation) or rows.
  std::optional<std::string> error_text;
  std::vector<std::string> error_codes;
  std::string error_summary;
  std::vector<std::map<std::string, Value>> rows;

  std::vector<rego::ModuleSource> modules;
  for (size_t i = 0; i < c.modules.size(); ++i)
    modules.push_back({"test-" + std::to_string(i) + ".rego", c.modules[i], c.version});
  auto compiled = rego::compile(modules);
  std::vector<rego::Error> static_errors = compiled.errors;
  std::shared_ptr<const rego::PreparedQuery> query;
  if (static_errors.empty()) {
    auto prepared = rego::PreparedQuery::prepare(compiled.policy, c.query, c.version);
    static_errors = prepared.errors;
    query = prepared.query;
  }
  if (!static_errors.empty() || query == nullptr) {
    if (static_errors.empty()) static_errors.push_back({"internal_error", "no query and no errors", "", {}});
    error_text = opa_errors_text(static_errors);
    for (const auto& e : static_errors) error_codes.push_back(e.code);
    error_summary = "compile error " + error_gist(static_errors[0].code, static_errors[0].message);
  } else {
    rego::QueryOptions options;
    options.data = c.data;
    options.strict_builtin_errors = c.strict_error;
    if (c.input_term) {
      std::vector<rego::Error> errors;
      auto term = rego::parse_term(*c.input_term, errors);
      std::optional<Value> input = term && errors.empty() ? ground_term_value(*term) : std::nullopt;
      if (!input) {
        std::string why = errors.empty() ? "not a ground term" : opa_errors_text(errors);
        return OpaOutcome::failed("input_term does not parse", "input_term " + *c.input_term + ": " + why);
      }
      options.input = std::move(*input);
    } else if (c.input) {
      options.input = *c.input;
    }
    rego::QueryResult result = query->run(options);
    // Like OPA's Query.Run, rows found before an error stay part of the
    // result (one case wants both a result and a strict builtin error).
    rows = std::move(result.rows);
    if (result.error) {
      error_text = opa_error_text(*result.error);
      error_codes.push_back(result.error->code);
      error_summary = "eval error " + error_gist(result.error->code, result.error->message);
    }
  }

  const Value got = got_rows(rows, c.sort_bindings, c.ignore_generated_vars);
  if (c.want_error) {
    if (!error_text)
      return OpaOutcome::failed("expected an error, got a result",
                                "want error containing \"" + *c.want_error + "\", got rows " + rows_text(got));
    if (error_text->find(*c.want_error) == std::string::npos)
      return OpaOutcome::failed("different error text (" + error_summary + ")",
                                "want error containing \"" + *c.want_error + "\", got \"" + *error_text + "\"");
  }
  if (c.want_error_code) {
    if (!error_text)
      return OpaOutcome::failed("expected " + *c.want_error_code + ", got a result",
                                "want error code " + *c.want_error_code + ", got rows " + rows_text(got));
    if (std::find(error_codes.begin(), error_codes.end(), *c.want_error_code) == error_codes.end())
      return OpaOutcome::failed("expected " + *c.want_error_code + ", got " + error_summary,
                                "want error code " + *c.want_error_code + ", got \"" + *error_text + "\"");
  }
  if (error_text && !c.want_error && !c.want_error_code)
    return OpaOutcome::failed(error_summary, "unexpected error: " + *error_text);
  if (c.want_result) {
    const Value want = wanted_rows(*c.want_result);
    if (value::compare(want, got) != 0) {
      std::string summary = got.size() == 0 ? "undefined, want a result"
                            : want.size() == 0 ? "a result, want undefined"
                                               : "wrong result";
      return OpaOutcome::failed(summary, "want " + rows_text(want) + ", got " + rows_text(got));
    }
  }
  if (c.want_defined && *c.want_defined != !rows.empty())
    return OpaOutcome::failed(*c.want_defined ? "undefined, want a result" : "a result, want undefined",
                              "want_defined " + std::string(*c.want_defined ? "true" : "false") + ", got rows " +
                                  rows_text(got));
  return OpaOutcome::passed();
}

}  // namespace tollgate::conformance
