// Gatekeeper hands the review to OPA after a JSON round trip into Go's
// interface{}, so the object's numbers reach Rego as float64 text
// (strconv.FormatFloat 'g'): a message printing them reads as Gatekeeper's.
#include <catch2/catch.hpp>

#include "policies/policy_set.h"
#include "policies/rego_driver.h"
#include "policies/review_request.h"
#include "policies/test_support.h"
#include "rules/rego/value_text.h"
#include "rules/value/json.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::policies::testing::yaml_all;
using tollgate::value::Value;

namespace {

constexpr const char* kPrintNumbers = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sprintnumbers}
spec:
  crd: {spec: {names: {kind: K8sPrintNumbers}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8sprintnumbers
      violation[{"msg": msg}] {
        s := input.review.object.spec
        msg := sprintf("replicas %v, memory %d, ratio %v, port %v, count %v", [s.replicas, s.memory, s.ratio, s.port, count({s.replicas, 1000000})])
      }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPrintNumbers
metadata: {name: print}
)";

std::string only_message(const Decision& d) {
  REQUIRE(d.results.size() == 1);
  return d.results[0].message;
}

}  // namespace

TEST_CASE("a violation message prints the object's numbers as Gatekeeper's float64 input does", "[rego_driver]") {
  LoadResult r = PolicySet::from_objects(yaml_all(kPrintNumbers), {});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  Value object = yaml(
      "{apiVersion: v1, kind: Pod, metadata: {name: web, namespace: prod}, "
      "spec: {replicas: 1000000, memory: 1234567, ratio: 2.50, port: 8080}}");
  ReviewInput in;
  in.request = admission_request_for_object(object, "CREATE");
  in.enforcement_point = kValidationPoint;
  // 1e+06 is not an integer to OPA: %d refuses it, and it is a second member
  // beside the integer 1000000 (Number("1e+06") finds only non-integers).
  CHECK(only_message(r.policies->validate(in)) ==
        "replicas 1e+06, memory %!d(float64=1.234567e+06), ratio 2.5, port 8080, count 2");
}

TEST_CASE("the review's numbers become float64 text, other values and small integers stay as they are",
          "[rego_driver]") {
  Value request = tollgate::value::parse_json_or_throw(
      R"({"operation": "CREATE", "object": {"a": [1, 999999, 1000000, 2.0, 0.1, 1e-05],)"
      R"( "b": {"big": 9007199254740993, "s": "1000000"}}})");
  Value review = rego_review(request, nullptr);
  CHECK(tollgate::rego::rego_text(review["object"]) ==
        R"({"a": [1, 999999, 1e+06, 2, 0.1, 1e-05], "b": {"big": 9.007199254740992e+15, "s": "1000000"}})");
  // Equal values still compare equal to the integers they came from.
  CHECK(review["object"]["a"].items()[2] == Value::integer(1000000));

  Value small = yaml("{operation: CREATE, object: {spec: {replicas: 3, name: web}}}");
  CHECK(rego_review(small, nullptr)["object"].identity() == small["object"].identity());
}
