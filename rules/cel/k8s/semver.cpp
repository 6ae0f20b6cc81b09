#include "rules/cel/k8s/semver.h"

#include "rules/value/go_quote.h"

namespace tollgate::cel::k8s {

using value::go_quote;

namespace {

constexpr std::string_view kNumbers = "0123456789";
constexpr std::string_view kAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-0123456789";

bool contains_only(std::string_view s, std::string_view set) { return s.find_first_not_of(set) == std::string_view::npos; }

bool has_leading_zeroes(std::string_view s) { return s.size() > 1 && s[0] == '0'; }

std::vector<std::string_view> split(std::string_view s, char sep, size_t max_parts = std::string_view::npos) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    size_t at = s.find(sep);
    if (at == std::string_view::npos) break;
    parts.push_back(s.substr(0, at));
    s = s.substr(at + 1);
  }
  parts.push_back(s);
  return parts;
}

// strconv.ParseUint(s, 10, 64) on a string already known to be digits only.
std::optional<uint64_t> parse_uint(std::string_view s, std::string* error) {
  if (s.empty()) {
    *error = "strconv.ParseUint: parsing " + go_quote(s) + ": invalid syntax";
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : s) {
    uint64_t digit = uint64_t(c - '0');
    if (v > (UINT64_MAX - digit) / 10) {
      *error = "strconv.ParseUint: parsing " + go_quote(s) + ": value out of range";
      return std::nullopt;
    }
    v = v * 10 + digit;
  }
  return v;
}

// Kubernetes' normalizeAndParse preprocessing.
std::optional<std::string> normalize_version(std::string_view s, std::string* error) {
  if (s.starts_with('v')) s.remove_prefix(1);
  std::vector<std::string> parts;
  for (auto p : split(s, '.', 3)) parts.emplace_back(p);
  for (auto& p : parts) {
    if (p.size() > 1) {
      size_t first = p.find_first_not_of('0');
      p = first == std::string::npos ? "" : p.substr(first);
      if (p.empty() || kNumbers.find(p[0]) == std::string_view::npos) p = "0" + p;
    }
  }
  if (parts.size() < 3) {
    if (parts.back().find_first_of("+-") != std::string::npos) {
      *error = "short version cannot contain PreRelease/Build meta data";
      return std::nullopt;
    }
    while (parts.size() < 3) parts.emplace_back("0");
  }
  return parts[0] + "." + parts[1] + "." + parts[2];
}

}  // namespace

std::optional<Semver> Semver::parse(std::string_view text, bool normalize, std::string* error) {
  std::string scratch;
  std::string& err = error != nullptr ? *error : scratch;
  std::string normalized;
  if (normalize) {
    auto n = normalize_version(text, &err);
    if (!n) return std::nullopt;
    normalized = std::move(*n);
    text = normalized;
  }
  if (text.empty()) {
    err = "Version string empty";
    return std::nullopt;
  }
  auto parts = split(text, '.', 3);
  if (parts.size() != 3) {
    err = "No Major.Minor.Patch elements found";
    return std::nullopt;
  }
  Semver v;
  auto read_number = [&](std::string_view s, const char* name, const char* capitalized, uint64_t* out) {
    if (!contains_only(s, kNumbers)) {
      err = std::string("Invalid character(s) found in ") + name + " number " + go_quote(s);
      return false;
    }
    if (has_leading_zeroes(s)) {
      err = std::string(capitalized) + " number must not contain leading zeroes " + go_quote(s);
      return false;
    }
    auto n = parse_uint(s, &err);
    if (!n) return false;
    *out = *n;
    return true;
  };
  if (!read_number(parts[0], "major", "Major", &v.major_)) return std::nullopt;
  if (!read_number(parts[1], "minor", "Minor", &v.minor_)) return std::nullopt;

  std::string_view patch = parts[2];
  std::vector<std::string_view> build;
  std::vector<std::string_view> prerelease;
  if (size_t plus = patch.find('+'); plus != std::string_view::npos) {
    build = split(patch.substr(plus + 1), '.');
    patch = patch.substr(0, plus);
  }
  if (size_t dash = patch.find('-'); dash != std::string_view::npos) {
    prerelease = split(patch.substr(dash + 1), '.');
    patch = patch.substr(0, dash);
  }
  if (!read_number(patch, "patch", "Patch", &v.patch_)) return std::nullopt;

  for (auto pr : prerelease) {
    if (pr.empty()) {
      err = "Prerelease is empty";
      return std::nullopt;
    }
    PreRelease parsed;
    if (contains_only(pr, kNumbers)) {
      if (has_leading_zeroes(pr)) {
        err = "Numeric PreRelease version must not contain leading zeroes " + go_quote(pr);
        return std::nullopt;
      }
      auto n = parse_uint(pr, &err);
      if (!n) return std::nullopt;
      parsed.numeric = true;
      parsed.number = *n;
    } else if (contains_only(pr, kAlphanumeric)) {
      parsed.text = std::string(pr);
    } else {
      err = "Invalid character(s) found in prerelease " + go_quote(pr);
      return std::nullopt;
    }
    v.pre_.push_back(std::move(parsed));
  }
  for (auto b : build) {
    if (b.empty()) {
      err = "Buildstr is empty";
      return std::nullopt;
    }
    if (!contains_only(b, kAlphanumeric)) {
      err = "Invalid character(s) found in build meta data " + go_quote(b);
      return std::nullopt;
    }
    v.build_.emplace_back(b);
  }
  return v;
}

int Semver::PreRelease::compare(const PreRelease& other) const {
  if (numeric && other.numeric) return number == other.number ? 0 : (number < other.number ? -1 : 1);
  if (numeric) return -1;  // numeric identifiers have lower precedence
  if (other.numeric) return 1;
  int c = text.compare(other.text);
  return c == 0 ? 0 : (c < 0 ? -1 : 1);
}

int Semver::compare(const Semver& o) const {
  if (major_ != o.major_) return major_ < o.major_ ? -1 : 1;
  if (minor_ != o.minor_) return minor_ < o.minor_ ? -1 : 1;
  if (patch_ != o.patch_) return patch_ < o.patch_ ? -1 : 1;
  // A version without pre-release identifiers ranks above one with them.
  if (pre_.empty() || o.pre_.empty()) {
    if (pre_.empty() && o.pre_.empty()) return 0;
    return pre_.empty() ? 1 : -1;
  }
  size_t i = 0;
  for (; i < pre_.size() && i < o.pre_.size(); ++i) {
    if (int c = pre_[i].compare(o.pre_[i]); c != 0) return c;
  }
  if (i == pre_.size() && i == o.pre_.size()) return 0;
  return i == pre_.size() ? -1 : 1;
}

std::string Semver::to_string() const {
  std::string out = std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  for (size_t i = 0; i < pre_.size(); ++i) {
    out += i == 0 ? "-" : ".";
    out += pre_[i].numeric ? std::to_string(pre_[i].number) : pre_[i].text;
  }
  for (size_t i = 0; i < build_.size(); ++i) {
    out += i == 0 ? "+" : ".";
    out += build_[i];
  }
  return out;
}

}  // namespace tollgate::cel::k8s
