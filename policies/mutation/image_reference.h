// Container image references as AssignImage sees them (gatekeeper-semantics.md
// §5.6): `[domain/]path[tag]`, where the domain is the part before the first
// '/' when it contains '.' or ':' or is "localhost", and the tag starts at the
// first ':' or '@' of the rest (so a digest is a tag too).
#pragma once

#include <string>
#include <string_view>

namespace tollgate::policies::mutation {

struct ImageReference {
  std::string domain;
  std::string path;
  std::string tag;  // with its leading ':' or '@'

  static ImageReference parse(std::string_view reference);
  std::string to_string() const;
};

// The reference with each non-empty part replaced.
std::string assign_image(std::string_view reference, std::string_view domain, std::string_view path,
                         std::string_view tag);

// Checks assignDomain/assignPath/assignTag so that the mutation converges:
// no part may carry a separator that would move it into its neighbour the
// next time the image is split. Returns "" when valid, else the reason.
std::string validate_image_parts(std::string_view domain, std::string_view path, std::string_view tag);

}  // namespace tollgate::policies::mutation
