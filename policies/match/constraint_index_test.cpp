#include "policies/match/constraint_index.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;

namespace {

MatchCriteria criteria(std::string_view text) {
  tollgate::value::Value v = yaml(text);
  std::vector<LoadError> errors;
  ObjectOrigin origin("t", nullptr);
  ParseContext ctx(origin, errors);
  auto m = MatchCriteria::parse(&v, "", ctx);
  REQUIRE(m);
  return *m;
}

std::vector<uint32_t> lookup(const ConstraintIndex& index, std::string_view group, std::string_view kind) {
  std::vector<uint32_t> out;
  index.candidates(group, kind, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

TEST_CASE("constraint index: candidates by group and kind, wildcards included", "[index]") {
  ConstraintIndex index;
  index.add(0, criteria("kinds: [{apiGroups: [''], kinds: [Pod]}]"));
  index.add(1, criteria("kinds: [{apiGroups: [apps], kinds: [Deployment, StatefulSet]}]"));
  index.add(2, criteria("kinds: [{apiGroups: ['*'], kinds: [Pod]}]"));
  index.add(3, criteria("{}"));
  index.add(4, criteria("kinds: [{apiGroups: [apps]}]"));
  index.add(5, criteria("kinds: [{kinds: ['*']}]"));

  CHECK(lookup(index, "", "Pod") == std::vector<uint32_t>{0, 2, 3, 5});
  CHECK(lookup(index, "apps", "Deployment") == std::vector<uint32_t>{1, 3, 4, 5});
  CHECK(lookup(index, "apps", "Pod") == std::vector<uint32_t>{2, 3, 4, 5});
  CHECK(lookup(index, "batch", "Job") == std::vector<uint32_t>{3, 5});

  std::vector<uint32_t> all;
  index.all(all);
  CHECK(all.size() == 6);
}
