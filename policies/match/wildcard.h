// Gatekeeper's name glob (util.Wildcard): `*x*` contains, `*x` suffix, `x*`
// prefix, anything else exact; a lone `*` matches everything, even "".
#pragma once

#include <string>
#include <string_view>

namespace tollgate::policies {

class Wildcard {
 public:
  Wildcard() = default;
  explicit Wildcard(std::string pattern);

  bool matches(std::string_view candidate) const;
  // Whether an object created with this generateName may end up matching:
  // only prefix and contains patterns can say so (the random suffix is
  // unknown).
  bool matches_generate_name(std::string_view generate_name) const;
  const std::string& pattern() const { return pattern_; }

  // The constraint CRD schema for wildcard fields: ^\*?[-:a-z0-9]*\*?$
  static bool is_valid(std::string_view pattern);

 private:
  enum class Mode { Exact, Prefix, Suffix, Contains };
  std::string pattern_;
  std::string core_;  // the pattern without its glob stars
  Mode mode_ = Mode::Exact;
};

}  // namespace tollgate::policies
