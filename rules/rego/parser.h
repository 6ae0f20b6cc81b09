// The Rego parser: module, query and term text -> the AST in ast.h
// (rego-notes.md §1, §2), in either syntax version. Errors carry the code
// "rego_parse_error", the file and the 1-based line:column, and say what was
// expected and what was found, in OPA's words where OPA has them
// ("unexpected } token: expected \n or ; or }").
//
// Shapes the parser produces, beyond what ast.h states:
//   - Rule heads, as OPA classifies them:
//       f(args) ...                  Function; ref = the name (Var, or Ref for a.b.f)
//       p contains x                 PartialSet; ref = p (any head ref), key = x
//       v0 p[x] { } (no value)       PartialSet; ref = Var p, key = x (also OPA's old
//                                    body-less `p[x]` and `p.q`, which means p contains "q")
//       head ref with a non-ground operand: p[k] = v, p[x] if, p[x].y := z
//                                    PartialObject; ref = the FULL head ref, key = its
//                                    last operand (a copy); value absent means true
//       anything else: p, a.b.c, p["k"] if
//                                    Complete; ref = Var or ground Ref
//     `value` is absent wherever the source gave none (true).
//   - Bare `input` and `data` are Vars; an import path is always a Ref (one item
//     for `import input`).
//   - A call's operator is a Var (`count`) or a Ref of a Var and strings
//     (`regex.match`, `data.lib.f`); `x in c` / `k, v in c` use internal.member_2 /
//     internal.member_3 written the same way; `set()` is an empty Set term.
//   - Template strings $"a{e}b" (and $`...`) are calls of internal.template_string
//     on one Array: text pieces are strings, constant scalars stay as they are, any
//     other expression e becomes the set comprehension {__template_N__ | __template_N__ = e}
//     (carrying e's `with` modifiers), so that an undefined e yields set() and the
//     builtin prints "<undefined>".
//   - Module::version is V1 when parsed as v1 or when a v0 module imports rego.v1.
//   - Module::metadata holds the `# METADATA` comment blocks as raw YAML (OPA's
//     annotations); the compiler reads them only when a rule calls rego.metadata.*.
//
// Nesting is capped (1000 levels, and a stack budget): deeper input is a parse
// error, never a crash.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego {

struct ParseResult {
  std::optional<Module> module;  // absent when errors is non-empty
  std::vector<Error> errors;
};

// Parses one module with the given syntax version.
ParseResult parse_module(std::string_view file, std::string_view text, RegoVersion version);

// Gatekeeper's rule: parse as v1; if that fails, parse as v0. When both fail
// the v0 errors are reported.
ParseResult parse_module_any(std::string_view file, std::string_view text);

// A query (body) such as `data.x.p[y] = z; y > 1`, for `tollgate eval` and
// conformance cases. `file` names it in errors. Errors are appended.
std::optional<Query> parse_query(std::string_view text, RegoVersion version, std::vector<Error>& errors,
                                 std::string_view file = "query");

// A single term (conformance cases' `input_term`, e.g. `{"a", {1, 2}}`), in
// v1 syntax; errors name the file "term" and are appended.
std::optional<Term> parse_term(std::string_view text, std::vector<Error>& errors);

}  // namespace tollgate::rego
