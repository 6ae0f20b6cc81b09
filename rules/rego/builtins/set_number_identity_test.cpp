// Set members as OPA identifies them: 2 and 2.0 are equal, yet a set that
// received 2.0 first takes 2 as a second member (an integer only matches an
// integer), and set algebra follows OPA's insertion order.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego {
namespace {

using namespace testing;

std::string value_of(const std::string& expr) {
  Outcome o = run({"package test\np := " + expr}, "x = data.test.p");
  if (!o.error().empty()) return "error: " + o.error();
  if (o.result.rows.empty()) return "undefined";
  return rego_text(o.only("x"));
}

TEST_CASE("union of sets holding 2.0 and 2 keeps both numbers, as OPA does", "[builtins]") {
  CHECK(value_of("union({{1, 2.0, 1.0}, {1, 2, 3}})") == "{1, 2.0, 2, 3}");
  CHECK(value_of("{2.0} | {2}") == "{2.0, 2}");
  CHECK(value_of("{2} | {2.0}") == "{2}");
  CHECK(value_of("{1.0, 1}") == "{1.0, 1}");
  CHECK(value_of("{1, 1.0}") == "{1}");
  CHECK(value_of("{x | some x in [2.0, 2, 2.00, 2]}") == "{2.0, 2}");
}

TEST_CASE("intersection and difference find members by OPA's number identity", "[builtins]") {
  CHECK(value_of("{2.0, 2} & {2}") == "{2}");
  CHECK(value_of("{2.0, 2} & {2.0}") == "{2.0}");
  CHECK(value_of("{2.0} & {2}") == "{2.0}");
  CHECK(value_of("{2} & {2.0}") == "set()");
  CHECK(value_of("{2.0, 2} - {2}") == "set()");
  CHECK(value_of("{2.0, 2} - {2.0}") == "{2}");
}

TEST_CASE("an integer still does not find 2.0 among set members and object keys", "[builtins]") {
  CHECK(value_of("2 in {2.0}") == "false");
  CHECK(value_of("2.0 in {2}") == "true");
  CHECK(value_of("2 in {2.0, 2}") == "true");
  CHECK(value_of("{2.0: \"x\"}[2]") == "undefined");
}

}  // namespace
}  // namespace tollgate::rego
