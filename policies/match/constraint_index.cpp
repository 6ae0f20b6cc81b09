#include "policies/match/constraint_index.h"

namespace tollgate::policies {

void ConstraintIndex::add(uint32_t id, const MatchCriteria& match) {
  ids_.push_back(id);
  if (match.kinds().empty()) {
    any_kind_.push_back({"*", id});
    return;
  }
  for (const MatchCriteria::Kinds& k : match.kinds()) {
    std::vector<std::string> groups = k.api_groups;
    if (groups.empty()) groups.push_back("*");
    bool any_kind = k.kinds.empty();
    for (const std::string& kind : k.kinds) any_kind = any_kind || kind == "*";
    for (const std::string& group : groups) {
      std::string g = group;
      if (any_kind) {
        any_kind_.push_back({g, id});
        continue;
      }
      for (const std::string& kind : k.kinds) by_kind_[kind].push_back({g, id});
    }
  }
}

void ConstraintIndex::all(std::vector<uint32_t>& out) const { out.insert(out.end(), ids_.begin(), ids_.end()); }

void ConstraintIndex::append_matching(const std::vector<Entry>& bucket, std::string_view group,
                                      std::vector<uint32_t>& out) {
  for (const Entry& e : bucket) {
    if (e.group == "*" || e.group == group) out.push_back(e.id);
  }
}

void ConstraintIndex::candidates(std::string_view group, std::string_view kind, std::vector<uint32_t>& out) const {
  append_matching(any_kind_, group, out);
  auto it = by_kind_.find(kind);
  if (it != by_kind_.end()) append_matching(it->second, group, out);
}

}  // namespace tollgate::policies
