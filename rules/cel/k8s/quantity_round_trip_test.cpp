// The canonical text of a quantity parses back to the same quantity, as in
// Kubernetes, even when that text no longer fits the int64 representation:
// 999999999999999999e99994 prints as 9999999999999999990e99993 (the
// mantissa times 10 to reach an exponent that is a multiple of 3), which
// used to be refused as "too large to represent exactly". Found by
// fuzz_k8s_quantity.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "rules/cel/k8s/quantity.h"

using tollgate::cel::k8s::Quantity;

namespace {

void check_round_trip(const std::string& text, const std::string& canonical) {
  INFO("parsing " << text);
  std::optional<Quantity> q = Quantity::parse(text);
  REQUIRE(q);
  CHECK(q->to_string() == canonical);
  std::string error;
  std::optional<Quantity> again = Quantity::parse(q->to_string(), &error);
  INFO(error);
  REQUIRE(again);
  CHECK(again->to_string() == canonical);
  CHECK(again->compare(*q) == 0);
}

}  // namespace

TEST_CASE("quantity: a canonical text beyond int64 with a huge exponent parses back", "[k8s][quantity]") {
  check_round_trip("999999999999999999e99994", "9999999999999999990e99993");
  check_round_trip("-999999999999999999e99994", "-9999999999999999990e99993");
  check_round_trip("9223372036854775807e2000000000", "922337203685477580700e1999999998");
  check_round_trip("999999999999999999E1000000001", "99999999999999999900e999999999");
}

TEST_CASE("quantity: decimal quantities with huge exponents compare without expanding", "[k8s][quantity]") {
  std::optional<Quantity> a = Quantity::parse("99999999999999999990e999999999");
  std::optional<Quantity> b = Quantity::parse("1e1000000018");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->compare(*b) > 0);  // 9.9999999999999999990e1000000018 > 1e1000000018
  CHECK(b->compare(*a) < 0);
  CHECK(a->compare(*a) == 0);
  // A sum that would need more than 100k digits is refused, not computed.
  std::optional<Quantity> one = Quantity::parse("1");
  REQUIRE(one);
  CHECK_FALSE(a->add(*one));
}
