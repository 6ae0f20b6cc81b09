// ConstraintIndex: constraint ids bucketed by the (group, kind) their
// `spec.match.kinds` can select, so a review only looks at candidates.
// Wildcard kinds and constraints without kinds land in an "any kind" bucket;
// wildcard groups are kept per entry. The index only narrows: candidates
// still go through the full match.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policies/match/match_criteria.h"

namespace tollgate::policies {

class ConstraintIndex {
 public:
  void add(uint32_t id, const MatchCriteria& match);
  // Every constraint registered with add(); ids ascending.
  void all(std::vector<uint32_t>& out) const;
  // Appends the candidates for an object of this group and kind (may repeat
  // ids already in `out`; callers sort and de-duplicate).
  void candidates(std::string_view group, std::string_view kind, std::vector<uint32_t>& out) const;

 private:
  struct Entry {
    std::string group;  // "*" = any group
    uint32_t id;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static void append_matching(const std::vector<Entry>& bucket, std::string_view group, std::vector<uint32_t>& out);

  std::unordered_map<std::string, std::vector<Entry>, StringHash, std::equal_to<>> by_kind_;
  std::vector<Entry> any_kind_;
  std::vector<uint32_t> ids_;
};

}  // namespace tollgate::policies
