// Helpers shared by the Rego parser tests: parse and require success (or
// failure), and read AST pieces back as text.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/ast_text.h"
#include "rules/rego/parser.h"

namespace tollgate::rego::testing {

inline std::string errors_text(const std::vector<Error>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

inline Module module_ok(std::string_view text, RegoVersion version) {
  ParseResult r = parse_module("test.rego", text, version);
  INFO(text);
  INFO(errors_text(r.errors));
  REQUIRE(r.module.has_value());
  REQUIRE(r.errors.empty());
  return std::move(*r.module);
}

inline std::vector<Error> module_errors(std::string_view text, RegoVersion version) {
  ParseResult r = parse_module("test.rego", text, version);
  INFO(text);
  REQUIRE_FALSE(r.module.has_value());
  REQUIRE_FALSE(r.errors.empty());
  for (const auto& e : r.errors) {
    CHECK(e.code == "rego_parse_error");
    CHECK(e.file == "test.rego");
    CHECK(e.loc.line > 0);
    CHECK(e.loc.column > 0);
  }
  return r.errors;
}

inline Query query_ok(std::string_view text, RegoVersion version = RegoVersion::V1) {
  std::vector<Error> errors;
  auto q = parse_query(text, version, errors);
  INFO(text);
  INFO(errors_text(errors));
  REQUIRE(q.has_value());
  REQUIRE(errors.empty());
  return std::move(*q);
}

inline Error query_error(std::string_view text, RegoVersion version = RegoVersion::V1) {
  std::vector<Error> errors;
  auto q = parse_query(text, version, errors);
  INFO(text);
  REQUIRE_FALSE(q.has_value());
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0].code == "rego_parse_error");
  CHECK(errors[0].file == "query");
  return errors[0];
}

// The single literal of a one-literal query.
inline Expr expr_ok(std::string_view text, RegoVersion version = RegoVersion::V1) {
  Query q = query_ok(text, version);
  REQUIRE(q.exprs.size() == 1);
  return std::move(q.exprs[0]);
}

// The term of a one-literal query that is a plain term.
inline Term term_ok(std::string_view text, RegoVersion version = RegoVersion::V1) {
  Expr e = expr_ok(text, version);
  REQUIRE(e.kind == ExprKind::Term);
  REQUIRE(e.terms.size() == 1);
  return std::move(e.terms[0]);
}

// The builtin name of a call term's operator ("plus", "regex.match").
inline std::string call_name(const Term& call) {
  REQUIRE(call.kind == TermKind::Call);
  return to_text(call.items[0]);
}

inline std::string location(Location loc) { return std::to_string(loc.line) + ":" + std::to_string(loc.column); }

}  // namespace tollgate::rego::testing
