// semver.compare and semver.is_valid (OPA topdown/semver.go and
// internal/semver): MAJOR.MINOR.PATCH with optional "v" prefix,
// -pre.release and +build metadata.
#include <algorithm>
#include <charconv>
#include <tuple>
#include <string>
#include <string_view>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/value/go_quote.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

struct Version {
  int64_t major = 0, minor = 0, patch = 0;
  std::string_view pre_release;
};

std::pair<std::string_view, std::string_view> cut(std::string_view s, char sep) {
  size_t i = s.find(sep);
  if (i == std::string_view::npos) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

// ^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$
bool valid_identifiers(std::string_view s) {
  if (s.empty()) return false;
  bool empty_part = true;
  for (char c : s) {
    if (c == '.') {
      if (empty_part) return false;
      empty_part = true;
    } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') {
      empty_part = false;
    } else {
      return false;
    }
  }
  return !empty_part;
}

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits.
bool parse_int(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s[0] == '+' || s[0] == '-') return false;
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
  if (v > static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0)) return false;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool parse_version(std::string_view s, Version* v) {
  if (s.starts_with("v")) s.remove_prefix(1);
  auto [rest, metadata] = cut(s, '+');
  if (!metadata.empty() && !valid_identifiers(metadata)) return false;
  auto [core, pre] = cut(rest, '-');
  if (!pre.empty() && !valid_identifiers(pre)) return false;
  v->pre_release = pre;
  if (std::count(core.begin(), core.end(), '.') != 2) return false;
  auto [major, after_major] = cut(core, '.');
  auto [minor, patch] = cut(after_major, '.');
  return parse_int(major, &v->major) && parse_int(minor, &v->minor) && parse_int(patch, &v->patch);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int compare_versions(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.pre_release == b.pre_release) return 0;
  if (a.pre_release.empty()) return 1;
  if (b.pre_release.empty()) return -1;
  auto [x, rest_a] = cut(a.pre_release, '.');
  auto [y, rest_b] = cut(b.pre_release, '.');
  while (true) {
    if (x.empty() && y.empty()) return 0;  // equal numerically ("1" vs "01"); OPA loops forever here
    if (x.empty() && !y.empty()) return -1;
    if (!x.empty() && y.empty()) return 1;
    bool x_num = all_digits(x), y_num = all_digits(y);
    if (x_num && !y_num) return -1;
    if (!x_num && y_num) return 1;
    if (x_num && y_num) {
      // strconv.Atoi; identifiers too long for an int compare as 0, as in OPA.
      int64_t xi = 0, yi = 0;
      if (!parse_int(x, &xi)) xi = 0;
      if (!parse_int(y, &yi)) yi = 0;
      if (xi != yi) return xi < yi ? -1 : 1;
    } else if (x != y) {
      return x < y ? -1 : 1;
    }
    if (!rest_a.empty() && rest_b.empty()) return 1;
    if (rest_a.empty() && !rest_b.empty()) return -1;
    std::tie(x, rest_a) = cut(rest_a, '.');
    std::tie(y, rest_b) = cut(rest_b, '.');
  }
}

Result semver_compare(Args args, BuiltinContext&) {
  const std::string& a = string_operand(args, 1);
  const std::string& b = string_operand(args, 2);
  Version va, vb;
  if (!parse_version(a, &va)) throw_builtin_error("operand 1: string " + value::go_quote(a) + " is not a valid SemVer");
  if (!parse_version(b, &vb)) throw_builtin_error("operand 2: string " + value::go_quote(b) + " is not a valid SemVer");
  return Value::integer(compare_versions(va, vb));
}

Result semver_is_valid(Args args, BuiltinContext&) {
  Version v;
  return Value::boolean(args[0].is_string() && parse_version(args[0].as_string(), &v));
}

}  // namespace

void register_semver_builtins(BuiltinRegistry& r) {
  r.add({.name = "semver.compare", .arity = 2, .function = semver_compare});
  r.add({.name = "semver.is_valid", .arity = 1, .function = semver_is_valid});
}

}  // namespace tollgate::rego
