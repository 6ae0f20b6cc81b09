#include "policies/gator/run_filter.h"

#include <catch2/catch.hpp>

using namespace tollgate::policies::gator;

namespace {

Test test_named(std::string name, std::vector<std::string> cases) {
  Test t;
  t.name = std::move(name);
  for (auto& c : cases) t.cases.push_back(Case{std::move(c), "o.yaml", {}, false, {}});
  return t;
}

RunFilter parsed(const std::string& text) {
  RunFilter f;
  std::string error;
  REQUIRE(RunFilter::parse(text, &f, &error));
  return f;
}

}  // namespace

TEST_CASE("an empty filter runs everything", "[gator][filter]") {
  RunFilter f = parsed("");
  CHECK(f.matches_test(test_named("anything", {})));
  CHECK(f.matches_case("anything", "at-all"));
}

TEST_CASE("TEST//CASE needs both names to match", "[gator][filter]") {
  RunFilter f = parsed("require-foo-label//missing-label");
  CHECK(f.matches_test(test_named("not-require-foo-label", {})));
  CHECK_FALSE(f.matches_test(test_named("require-bar", {"missing-label"})));
  CHECK(f.matches_case("require-foo-label", "missing-label-and-annotation"));
  CHECK_FALSE(f.matches_case("require-foo-label", "with-label"));
  CHECK_FALSE(f.matches_case("other", "missing-label"));

  RunFilter exact = parsed("^require-foo-label$//");
  CHECK(exact.matches_case("require-foo-label", "no-labels"));
  CHECK_FALSE(exact.matches_case("not-require-foo-label", "no-labels"));

  RunFilter cases_only = parsed("//empty-object");
  CHECK(cases_only.matches_test(test_named("whatever", {})));
  CHECK(cases_only.matches_case("forbid-foo-label", "another-empty-object"));
  CHECK_FALSE(cases_only.matches_case("forbid-foo-label", "full-object"));
}

TEST_CASE("a single pattern matches the test name or the case name", "[gator][filter]") {
  RunFilter f = parsed("missing-label");
  CHECK(f.matches_case("forbid-missing-label", "with-foo-label"));
  CHECK(f.matches_case("required-labels", "missing-label"));
  CHECK_FALSE(f.matches_case("required-labels", "has-label"));
  // A test runs when one of its cases would.
  CHECK(f.matches_test(test_named("required-labels", {"has-label", "missing-label"})));
  CHECK_FALSE(f.matches_test(test_named("required-labels", {"has-label"})));
}

TEST_CASE("bad filters are refused", "[gator][filter]") {
  RunFilter f;
  std::string error;
  CHECK_FALSE(RunFilter::parse("a//b//c", &f, &error));
  CHECK(error == "invalid test filter: a filter may include at most one \"//\"");
  CHECK_FALSE(RunFilter::parse("(", &f, &error));
  CHECK(error.rfind("invalid test filter: ", 0) == 0);
}
