// pathTests (gatekeeper-semantics.md §5.5): per depth of the location, whether
// the node there must exist or must not exist for the mutator to apply. A
// failed test makes the mutator a silent no-op; MustNotExist on the whole
// location means "set if absent".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policies/mutation/path.h"

namespace tollgate::policies::mutation {

enum class PathCondition : uint8_t { None, MustExist, MustNotExist };

struct PathTest {
  Location sub_path;
  std::string sub_path_text;  // as written, for messages
  PathCondition condition = PathCondition::None;
};

class PathTester {
 public:
  PathTester() = default;

  // Validates the tests against the location: every subPath must be a
  // node-wise prefix of it, a depth takes one condition, and nothing below a
  // MustNotExist may be MustExist. Returns nullopt with *error otherwise.
  static std::optional<PathTester> build(const Location& location, const std::vector<PathTest>& tests,
                                         std::string* error);
  // A single condition at one depth (AssignMetadata's add-only rule).
  static PathTester with(size_t depth, PathCondition condition);

  // Whether the mutation may go on when the node at `depth` exists / is missing.
  bool exists_okay(size_t depth) const { return at(depth) != PathCondition::MustNotExist; }
  bool missing_okay(size_t depth) const { return at(depth) != PathCondition::MustExist; }
  PathCondition at(size_t depth) const { return depth < by_depth_.size() ? by_depth_[depth] : PathCondition::None; }

 private:
  std::vector<PathCondition> by_depth_;
};

}  // namespace tollgate::policies::mutation
