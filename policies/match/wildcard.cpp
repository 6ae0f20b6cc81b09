#include "policies/match/wildcard.h"

namespace tollgate::policies {

Wildcard::Wildcard(std::string pattern) : pattern_(std::move(pattern)) {
  std::string_view p = pattern_;
  bool leading = !p.empty() && p.front() == '*';
  if (leading) p.remove_prefix(1);
  bool trailing = !p.empty() && p.back() == '*';
  if (trailing) p.remove_suffix(1);
  core_ = std::string(p);
  if (leading && (trailing || pattern_.size() == 1)) {
    mode_ = Mode::Contains;
  } else if (leading) {
    mode_ = Mode::Suffix;
  } else if (trailing) {
    mode_ = Mode::Prefix;
  } else {
    mode_ = Mode::Exact;
  }
}

bool Wildcard::matches(std::string_view candidate) const {
  switch (mode_) {
    case Mode::Exact: return candidate == core_;
    case Mode::Prefix: return candidate.substr(0, core_.size()) == core_;
    case Mode::Suffix:
      return candidate.size() >= core_.size() && candidate.substr(candidate.size() - core_.size()) == core_;
    case Mode::Contains: return candidate.find(core_) != std::string_view::npos;
  }
  return false;
}

bool Wildcard::matches_generate_name(std::string_view generate_name) const {
  if (generate_name.empty()) return false;
  if (mode_ != Mode::Prefix && mode_ != Mode::Contains) return false;
  return matches(generate_name);
}

bool Wildcard::is_valid(std::string_view pattern) {
  std::string_view p = pattern;
  if (!p.empty() && p.front() == '*') p.remove_prefix(1);
  if (!p.empty() && p.back() == '*') p.remove_suffix(1);
  for (char c : p) {
    bool ok = c == '-' || c == ':' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace tollgate::policies
