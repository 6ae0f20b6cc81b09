#include "policies/gator/assertion.h"

#include <catch2/catch.hpp>

#include "policies/gator/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::deny_result;

namespace {

Assertion expect(Value violations, std::optional<std::string> message = std::nullopt) {
  return Assertion{std::move(violations), std::move(message)};
}

}  // namespace

TEST_CASE("violations yes, no and counts", "[gator][assertion]") {
  std::vector<Result> none;
  std::vector<Result> two = {deny_result("missing owner"), deny_result("missing team")};

  CHECK(check_assertion(expect(Value::null()), two).empty());  // absent = yes
  CHECK(check_assertion(expect(Value::string("yes")), two).empty());
  CHECK(check_assertion(expect(Value::string("no")), none).empty());
  CHECK(check_assertion(expect(Value::integer(2)), two).empty());
  CHECK(check_assertion(expect(Value::integer(0)), none).empty());

  CHECK(check_assertion(expect(Value::string("yes")), none) ==
        "unexpected number of violations: got 0 violations but want at least 1: got messages []");
  CHECK(check_assertion(expect(Value::string("no")), two) ==
        "unexpected number of violations: got 2 violations but want none: got messages [missing owner missing team]");
  CHECK(check_assertion(expect(Value::integer(1)), two) ==
        "unexpected number of violations: got 2 violations but want exactly 1: got messages [missing owner missing team]");
}

TEST_CASE("results of every enforcement action count", "[gator][assertion]") {
  Result warn = deny_result("warned");
  warn.enforcement_action = "warn";
  Result dryrun = deny_result("dry");
  dryrun.enforcement_action = "dryrun";
  CHECK(check_assertion(expect(Value::integer(2)), {warn, dryrun}).empty());
}

TEST_CASE("message is an unanchored, case-sensitive RE2 pattern", "[gator][assertion]") {
  std::vector<Result> results = {deny_result("container <nginx> has no memory limit"),
                                 deny_result("initContainer <init> has no cpu limit")};
  CHECK(check_assertion(expect(Value::integer(2), "limit"), results).empty());
  CHECK(check_assertion(expect(Value::integer(1), "^container"), results).empty());
  CHECK(check_assertion(expect(Value::integer(1), "memory|MEMORY"), results).empty());
  CHECK(check_assertion(expect(Value::string("no"), "CONTAINER"), results).empty());  // case matters
  CHECK(check_assertion(expect(Value::string("yes"), "CONTAINER"), results) ==
        "unexpected number of violations: got 0 violations containing \"CONTAINER\" but want at least 1: got "
        "messages [container <nginx> has no memory limit initContainer <init> has no cpu limit]");
  CHECK(check_assertion(expect(Value::integer(0), ""), results) ==
        "unexpected number of violations: got 2 violations containing \"\" but want exactly 0: got messages "
        "[container <nginx> has no memory limit initContainer <init> has no cpu limit]");
}

TEST_CASE("bad assertions are reported, not passed", "[gator][assertion]") {
  std::vector<Result> one = {deny_result("x")};
  CHECK(check_assertion(expect(Value::string("maybe")), one).rfind("invalid yaml: assertion.violation", 0) == 0);
  CHECK(check_assertion(expect(Value::integer(-1)), one).rfind("invalid yaml: assertion.violation", 0) == 0);
  CHECK(check_assertion(expect(Value::string("1")), one).rfind("invalid yaml: assertion.violation", 0) == 0);
  CHECK(check_assertion(expect(Value::boolean(true)), one).rfind("invalid yaml: assertion.violation", 0) == 0);
  CHECK(check_assertion(expect(Value::string("yes"), "(unclosed"), one)
            .rfind("message contains invalid regular expression: ", 0) == 0);
}
