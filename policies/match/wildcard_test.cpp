#include "policies/match/wildcard.h"

#include <catch2/catch.hpp>

using tollgate::policies::Wildcard;

TEST_CASE("wildcard: exact pattern matches only the same string", "[wildcard]") {
  Wildcard w("kube-system");
  CHECK(w.matches("kube-system"));
  CHECK_FALSE(w.matches("kube-system2"));
  CHECK_FALSE(w.matches("kube"));
  CHECK_FALSE(w.matches(""));
}

TEST_CASE("wildcard: prefix, suffix and contains globs", "[wildcard]") {
  CHECK(Wildcard("kube-*").matches("kube-public"));
  CHECK(Wildcard("kube-*").matches("kube-"));
  CHECK_FALSE(Wildcard("kube-*").matches("xkube-public"));
  CHECK(Wildcard("*-system").matches("gatekeeper-system"));
  CHECK_FALSE(Wildcard("*-system").matches("gatekeeper-system-x"));
  CHECK(Wildcard("*gate*").matches("gatekeeper"));
  CHECK(Wildcard("*gate*").matches("my-gate"));
  CHECK_FALSE(Wildcard("*gate*").matches("gat"));
}

TEST_CASE("wildcard: a lone star matches everything including the empty string", "[wildcard]") {
  CHECK(Wildcard("*").matches(""));
  CHECK(Wildcard("*").matches("anything"));
  CHECK(Wildcard("**").matches(""));
}

TEST_CASE("wildcard: generateName can only satisfy prefix and contains patterns", "[wildcard]") {
  CHECK(Wildcard("web-*").matches_generate_name("web-"));
  CHECK(Wildcard("*eb*").matches_generate_name("web-"));
  CHECK_FALSE(Wildcard("*-abc").matches_generate_name("web-"));
  CHECK_FALSE(Wildcard("web-").matches_generate_name("web-"));
  CHECK_FALSE(Wildcard("web-*").matches_generate_name(""));
}

TEST_CASE("wildcard: schema allows only lowercase, digits, '-' and ':' with optional outer stars", "[wildcard]") {
  CHECK(Wildcard::is_valid("kube-system"));
  CHECK(Wildcard::is_valid("*-system"));
  CHECK(Wildcard::is_valid("a:b*"));
  CHECK(Wildcard::is_valid("*"));
  CHECK(Wildcard::is_valid(""));
  CHECK_FALSE(Wildcard::is_valid("Kube"));
  CHECK_FALSE(Wildcard::is_valid("a.b"));
  CHECK_FALSE(Wildcard::is_valid("a*b"));
  CHECK_FALSE(Wildcard::is_valid("***"));
}
