#include "policies/decision.h"

#include <catch2/catch.hpp>

using namespace tollgate::policies;

namespace {

Result result(std::string name, std::string message, std::string action, std::vector<std::string> scoped = {}) {
  Result r;
  r.constraint_kind = "K8sTest";
  r.constraint_name = std::move(name);
  r.message = std::move(message);
  r.enforcement_action = std::move(action);
  r.scoped_actions = std::move(scoped);
  return r;
}

}  // namespace

TEST_CASE("decision: no results is allowed with code 200", "[decision]") {
  Decision d = decide({});
  CHECK(d.allowed);
  CHECK(d.code == 200);
  CHECK(d.message.empty());
  CHECK(d.warnings.empty());
}

TEST_CASE("decision: any deny is a 403 Forbidden with '[name] msg' lines in result order", "[decision]") {
  Decision d = decide({result("c2", "zeta", "deny"), result("c1", "alpha", "deny"), result("w", "careful", "warn")});
  CHECK_FALSE(d.allowed);
  CHECK(d.code == 403);
  CHECK(d.reason == "Forbidden");
  CHECK(d.message == "[c1] alpha\n[c2] zeta");
  CHECK(d.warnings == std::vector<std::string>{"[w] careful"});
}

TEST_CASE("decision: warn only is allowed with code 299 and warnings", "[decision]") {
  Decision d = decide({result("w2", "b", "warn"), result("w1", "a", "warn")});
  CHECK(d.allowed);
  CHECK(d.code == 299);
  CHECK(d.warnings == std::vector<std::string>{"[w1] a", "[w2] b"});
}

TEST_CASE("decision: dryrun results are reported but change nothing", "[decision]") {
  Decision d = decide({result("d", "seen", "dryrun")});
  CHECK(d.allowed);
  CHECK(d.code == 200);
  REQUIRE(d.results.size() == 1);
  CHECK(d.results[0].message == "seen");
}

TEST_CASE("decision: results sorted by action then message (deny < dryrun < scoped < warn)", "[decision]") {
  Decision d = decide({result("a", "m", "warn"), result("b", "z", "scoped", {"dryrun"}), result("c", "y", "dryrun"),
                       result("d", "x", "dryrun"), result("e", "q", "deny")});
  std::vector<std::string> order;
  for (const Result& r : d.results) order.push_back(r.constraint_name);
  CHECK(order == std::vector<std::string>{"e", "d", "c", "b", "a"});
}

TEST_CASE("decision: a scoped deny+warn result lands in both lists", "[decision]") {
  Decision d = decide({result("s", "both", "scoped", {"deny", "warn"})});
  CHECK_FALSE(d.allowed);
  CHECK(d.message == "[s] both");
  CHECK(d.warnings == std::vector<std::string>{"[s] both"});
}

TEST_CASE("decision: helpers for exclusions and internal errors", "[decision]") {
  Decision excluded = allowed_with_message("Namespace is set to be ignored by Gatekeeper config");
  CHECK(excluded.allowed);
  CHECK(excluded.code == 200);
  Decision err = internal_error("boom");
  CHECK_FALSE(err.allowed);
  CHECK(err.code == 500);
  CHECK(err.message == "boom");
}
