// units.parse and units.parse_bytes (OPA topdown/parse_units.go,
// parse_bytes.go): a number with an SI or binary suffix.
#include <string>
#include <string_view>

#include "rules/rego/big_int.h"
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"
#include "rules/rego/go_float.h"
#include "rules/rego/number.h"
#include "rules/value/decimal.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

constexpr uint64_t kKi = uint64_t{1} << 10, kMi = uint64_t{1} << 20, kGi = uint64_t{1} << 30,
                   kTi = uint64_t{1} << 40, kPi = uint64_t{1} << 50, kEi = uint64_t{1} << 60;
constexpr uint64_t kK = 1000, kM = kK * 1000, kG = kM * 1000, kT = kG * 1000, kP = kT * 1000, kE = kP * 1000;

struct NumberAndUnit {
  std::string_view number;
  std::string_view unit;
  bool exponent_too_large = false;
};

// OPA's extractNumAndUnit: the longest prefix of digits, '.', signs and
// exponents ('e' followed by a digit or sign) is the number, the rest the unit.
NumberAndUnit split_number_and_unit(std::string_view s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t first_non_number = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!digit(c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      first_non_number = i;
      break;
    }
    if (c == 'e' || c == 'E') {
      if (i == s.size() - 1 || (!digit(s[i + 1]) && s[i + 1] != '+' && s[i + 1] != '-')) {
        first_non_number = i;
        break;
      }
      if (s[i + 1] == '+' || s[i + 1] == '-') ++i;
      size_t exp_end = i + 1;
      while (exp_end < s.size() && digit(s[exp_end])) ++exp_end;
      if (exp_end - (i + 1) > 6) return {{}, {}, true};
    }
  }
  if (first_non_number == std::string_view::npos) return {s, {}};
  return {s.substr(0, first_non_number), s.substr(first_non_number)};
}

std::string without_quotes(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '"') out.push_back(c);
  }
  return out;
}

// value × multiplier / divisor exactly, rounded to 10 decimals (half away
// from zero) when not an integer, as big.Rat's FloatString(10).
Value scaled(const value::Decimal& d, uint64_t multiplier, bool milli) {
  std::string digits = (BigInt::from_decimal_digits(d.digits) * BigInt::from_uint64(multiplier)).to_string();
  int64_t exponent = d.point - static_cast<int64_t>(d.digits.size()) - (milli ? 3 : 0);
  if (exponent < -10) {
    size_t drop = static_cast<size_t>(-10 - exponent);
    bool round_up = false;
    if (drop <= digits.size()) {
      round_up = digits[digits.size() - drop] >= '5';
      digits.resize(digits.size() - drop);
    } else {
      digits.clear();
    }
    BigInt kept = BigInt::from_decimal_digits(digits);
    if (round_up) kept = kept + BigInt::from_int64(1);
    digits = kept.to_string();
    exponent = -10;
  }
  std::string text = (d.negative ? "-" : "") + digits + "e" + std::to_string(exponent);
  return canonical_number(*number_from_text(text));
}

Result units_parse(Args args, BuiltinContext&) {
  std::string s = without_quotes(string_operand(args, 1));
  if (s.find(' ') != std::string::npos) throw_builtin_error("units.parse: spaces not allowed in resource strings");
  NumberAndUnit parts = split_number_and_unit(s);
  if (parts.exponent_too_large) throw_builtin_error("units.parse: exponent too large");
  if (parts.number.empty()) throw_builtin_error("units.parse: no amount provided");
  // Only the letters after the first are case-insensitive, so that m (milli) and M (mega) differ.
  std::string unit(parts.unit);
  if (unit.size() > 1) unit = unit.substr(0, 1) + to_lower(unit.substr(1));
  uint64_t multiplier = 1;
  bool milli = false;
  if (unit == "m") milli = true;
  else if (unit.empty()) multiplier = 1;
  else if (unit == "k" || unit == "K") multiplier = kK;
  else if (unit == "ki" || unit == "Ki") multiplier = kKi;
  else if (unit == "M") multiplier = kM;
  else if (unit == "mi" || unit == "Mi") multiplier = kMi;
  else if (unit == "g" || unit == "G") multiplier = kG;
  else if (unit == "gi" || unit == "Gi") multiplier = kGi;
  else if (unit == "t" || unit == "T") multiplier = kT;
  else if (unit == "ti" || unit == "Ti") multiplier = kTi;
  else if (unit == "p" || unit == "P") multiplier = kP;
  else if (unit == "pi" || unit == "Pi") multiplier = kPi;
  else if (unit == "e" || unit == "E") multiplier = kE;
  else if (unit == "ei" || unit == "Ei") multiplier = kEi;
  else throw_builtin_error("units.parse: unit " + unit + " not recognized");
  value::Decimal d;
  if (!value::parse_decimal(parts.number, &d, nullptr)) throw_builtin_error("units.parse: could not parse amount to a number");
  return scaled(d, multiplier, milli);
}

Result units_parse_bytes(Args args, BuiltinContext&) {
  std::string s = without_quotes(to_lower(string_operand(args, 1)));
  if (s.find(' ') != std::string::npos) {
    throw_builtin_error("units.parse_bytes: spaces not allowed in resource strings");
  }
  NumberAndUnit parts = split_number_and_unit(s);
  if (parts.exponent_too_large) throw_builtin_error("units.parse_bytes: exponent too large");
  if (parts.number.empty()) throw_builtin_error("units.parse_bytes: no byte amount provided");
  std::string_view unit = parts.unit;
  uint64_t multiplier = 0;
  if (unit.empty()) multiplier = 1;
  else if (unit == "kb" || unit == "k") multiplier = kK;
  else if (unit == "kib" || unit == "ki") multiplier = kKi;
  else if (unit == "mb" || unit == "m") multiplier = kM;
  else if (unit == "mib" || unit == "mi") multiplier = kMi;
  else if (unit == "gb" || unit == "g") multiplier = kG;
  else if (unit == "gib" || unit == "gi") multiplier = kGi;
  else if (unit == "tb" || unit == "t") multiplier = kT;
  else if (unit == "tib" || unit == "ti") multiplier = kTi;
  else if (unit == "pb" || unit == "p") multiplier = kP;
  else if (unit == "pib" || unit == "pi") multiplier = kPi;
  else if (unit == "eb" || unit == "e") multiplier = kE;
  else if (unit == "eib" || unit == "ei") multiplier = kEi;
  else throw_builtin_error("units.parse_bytes: byte unit " + std::string(unit) + " not recognized");
  value::Decimal d;
  if (!value::parse_decimal(parts.number, &d, nullptr)) {
    throw_builtin_error("units.parse_bytes: could not parse byte amount to a number");
  }
  // OPA multiplies big.Floats (64-bit mantissa) and truncates to an integer.
  GoFloat product = GoFloat::mul(GoFloat::parse(d), GoFloat::from_int(BigInt::from_uint64(multiplier)));
  return canonical_number(*number_from_text(product.truncated().to_string()));
}

}  // namespace

void register_unit_builtins(BuiltinRegistry& r) {
  r.add({.name = "units.parse", .arity = 1, .function = units_parse});
  r.add({.name = "units.parse_bytes", .arity = 1, .function = units_parse_bytes});
}

}  // namespace tollgate::rego
