// Rego text for AST pieces, as OPA prints them: used by --explain traces and
// error messages. Infix calls print as operators again (`x == 1`, `x in c`).
#pragma once

#include <string>

#include "rules/rego/ast.h"

namespace tollgate::rego {

std::string to_text(const Term& term);
std::string to_text(const Expr& expr);
// The rule's head only (`p[x] = v`, `f(a, b) := v`, `default p := false`).
std::string to_text(const Rule& rule);

}  // namespace tollgate::rego
