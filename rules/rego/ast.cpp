#include "rules/rego/ast.h"

namespace tollgate::rego {

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

}  // namespace tollgate::rego
