#include "rules/rego/trace.h"

#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("the text tracer prints locations, depth bars, ops and Rego text like opa --explain", "[eval][trace]") {
  std::string m = R"(package k8s

violation contains msg if {
  not input.labels.owner
  msg := "missing owner"
})";
  TextTracer tracer;
  QueryOptions o;
  o.input = json(R"({"labels": {}})");
  o.tracer = &tracer;
  auto r = run({m}, "data.k8s.violation[v]", o);
  REQUIRE(r.ok());
  REQUIRE(r.result.rows.size() == 1);
  std::string text = tracer.text();
  CHECK(text.find("query:1      Enter data.k8s.violation[v]\n") != std::string::npos);
  CHECK(text.find("query:1      | Eval data.k8s.violation[v]\n") != std::string::npos);
  CHECK(text.find("m0.rego:3    | Enter data.k8s.violation\n") != std::string::npos);
  CHECK(text.find("m0.rego:4    | | Eval not input.labels.owner\n") != std::string::npos);
  CHECK(text.find("m0.rego:5    | | Eval msg := \"missing owner\"\n") != std::string::npos);
  CHECK(text.find("m0.rego:3    | | Exit data.k8s.violation\n") != std::string::npos);
  CHECK(text.find("query:1      | Exit data.k8s.violation[v]\n") != std::string::npos);
}

TEST_CASE("failed expressions and trace() notes appear in the trace", "[eval][trace]") {
  TextTracer tracer;
  QueryOptions o;
  o.tracer = &tracer;
  auto r = run({"package t\np if {\n  trace(\"checking\")\n  1 > 2\n}"}, "data.t.p", o);
  CHECK(r.undefined());
  std::string text = tracer.text();
  CHECK(text.find("| | Note \"checking\"") != std::string::npos);
  CHECK(text.find("m0.rego:4    | | Fail 1 > 2") != std::string::npos);
}

TEST_CASE("tracing does not change results", "[eval][trace]") {
  std::string m = "package t\nxs := [x | x := [3, 1, 2][_]; x > 1]\np := count(xs)";
  TextTracer tracer;
  QueryOptions traced;
  traced.tracer = &tracer;
  CHECK(run({m}, "x := data.t.xs", traced).json("x") == run({m}, "x := data.t.xs").json("x"));
  CHECK(tracer.size() > 5);
}
