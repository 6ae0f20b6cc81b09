#include "policies/mutation/path_tester.h"

namespace tollgate::policies::mutation {

std::optional<PathTester> PathTester::build(const Location& location, const std::vector<PathTest>& tests,
                                            std::string* error) {
  PathTester out;
  out.by_depth_.assign(location.size(), PathCondition::None);
  std::vector<const PathTest*> test_at(location.size(), nullptr);
  for (const PathTest& t : tests) {
    if (!t.sub_path.is_prefix_of(location)) {
      *error = "all subpaths must be a prefix of the `location` value of the mutation: subpath \"" + t.sub_path_text +
               "\" is not a prefix of location \"" + location.to_string() + "\"";
      return std::nullopt;
    }
    // An empty subPath names no node; Gatekeeper accepts it and never consults it.
    if (t.sub_path.empty()) continue;
    size_t depth = t.sub_path.size() - 1;
    if (test_at[depth] != nullptr && out.by_depth_[depth] != t.condition) {
      *error = "conflicting path test conditions: path \"" + t.sub_path_text +
               "\" is marked both MustExist and MustNotExist";
      return std::nullopt;
    }
    out.by_depth_[depth] = t.condition;
    test_at[depth] = &t;
  }
  // A node that must not exist has no children, so nothing below it can be
  // required to exist.
  const PathTest* must_not = nullptr;
  for (size_t depth = 0; depth < out.by_depth_.size(); ++depth) {
    if (out.by_depth_[depth] == PathCondition::MustNotExist && must_not == nullptr) must_not = test_at[depth];
    if (out.by_depth_[depth] == PathCondition::MustExist && must_not != nullptr) {
      *error = "conflicting path test conditions: path \"" + test_at[depth]->sub_path_text +
               "\" is marked MustExist but parent \"" + must_not->sub_path_text + "\" MustNotExist";
      return std::nullopt;
    }
  }
  return out;
}

PathTester PathTester::with(size_t depth, PathCondition condition) {
  PathTester out;
  out.by_depth_.assign(depth + 1, PathCondition::None);
  out.by_depth_[depth] = condition;
  return out;
}

}  // namespace tollgate::policies::mutation
