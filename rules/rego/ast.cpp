#include "rules/rego/ast.h"

namespace tollgate::rego {

Term::~Term() = default;

std::string Error::to_string() const {
  std::string out;
  if (!file.empty()) out += file;
  if (loc.line > 0) {
    if (!out.empty()) out += ':';
    out += std::to_string(loc.line);
    if (loc.column > 0) out += ':' + std::to_string(loc.column);
  }
  if (!out.empty()) out += ": ";
  if (!code.empty()) out += code + ": ";
  out += message;
  return out;
}

std::string Error::opa_text() const {
  std::string where;
  if (!file.empty()) {
    where = file;
    if (loc.line != 0) where += ":" + std::to_string(loc.line);
  } else if (loc.line != 0) {
    where = std::to_string(loc.line) + ":" + std::to_string(loc.column);
  }
  return (where.empty() ? "" : where + ": ") + code + ": " + message;
}

}  // namespace tollgate::rego
