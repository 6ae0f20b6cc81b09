#include "policies/gator/review_builder.h"

#include <catch2/catch.hpp>

#include "rules/value/json.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;
using tollgate::value::parse_json_or_throw;

TEST_CASE("a plain object becomes the request gator synthesises", "[gator][review]") {
  Value deployment = parse_json_or_throw(
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{}})");
  BuiltReview built = build_gator_review(deployment, Value::null(), {});
  REQUIRE(built.ok());
  const Value& request = built.input.request;

  CHECK(request["uid"] == Value::string(""));
  CHECK(request["kind"] == parse_json_or_throw(R"({"group":"apps","version":"v1","kind":"Deployment"})"));
  CHECK(request["resource"] == parse_json_or_throw(R"({"group":"","version":"","resource":""})"));
  CHECK(request["name"] == Value::string("web"));
  CHECK(request["namespace"] == Value::string("shop"));
  CHECK(request["operation"] == Value::string(""));
  CHECK(request["userInfo"] == Value::empty_object());
  CHECK(request["object"] == deployment);
  // oldObject and options are present and null, not absent.
  REQUIRE(request.find("oldObject") != nullptr);
  CHECK(request.find("oldObject")->is_null());
  REQUIRE(request.find("options") != nullptr);
  CHECK(request.find("options")->is_null());
}

TEST_CASE("core objects have an empty group, empty name and namespace are omitted", "[gator][review]") {
  Value ns = parse_json_or_throw(R"({"apiVersion":"v1","kind":"Namespace","metadata":{}})");
  BuiltReview built = build_gator_review(ns, Value::null(), {});
  const Value& request = built.input.request;
  CHECK(request["kind"] == parse_json_or_throw(R"({"group":"","version":"v1","kind":"Namespace"})"));
  CHECK(request.find("name") == nullptr);
  CHECK(request.find("namespace") == nullptr);
}

TEST_CASE("an AdmissionReview is reviewed with its own request", "[gator][review]") {
  Value review = parse_json_or_throw(R"({
    "apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",
    "request": {"operation": "UPDATE",
                "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}},
                "oldObject": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}}})");
  REQUIRE(is_admission_review(review));
  BuiltReview built = build_gator_review(review, Value::null(), {});
  REQUIRE(built.ok());
  CHECK(built.input.request == review["request"]);
  CHECK(built.input.enforcement_point == kGatorPoint);
}

TEST_CASE("an AdmissionReview is decoded strictly", "[gator][review]") {
  Value request;
  std::string error;
  SECTION("unknown request field") {
    Value review = parse_json_or_throw(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
      "request":{"operation":"CREATE","objekt":{},"object":{"apiVersion":"v1","kind":"Pod"}}})");
    CHECK_FALSE(request_from_admission_review(review, &request, &error));
    CHECK(error.find("unknown field \"request.objekt\"") != std::string::npos);
  }
  SECTION("no request") {
    Value review = parse_json_or_throw(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})");
    CHECK_FALSE(request_from_admission_review(review, &request, &error));
    CHECK(error.rfind("missing an AdmissionRequest object", 0) == 0);
  }
  SECTION("nothing to review") {
    Value review = parse_json_or_throw(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
      "request":{"operation":"CREATE"}})");
    CHECK_FALSE(request_from_admission_review(review, &request, &error));
    CHECK(error.rfind("no object or oldObject found to review", 0) == 0);
  }
  SECTION("DELETE without oldObject") {
    Value review = parse_json_or_throw(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
      "request":{"operation":"DELETE","object":{"apiVersion":"v1","kind":"Pod"}}})");
    CHECK_FALSE(request_from_admission_review(review, &request, &error));
    CHECK(error.find("oldObject is nil") != std::string::npos);
  }
}

TEST_CASE("a kind named AdmissionReview in another group is a plain object", "[gator][review]") {
  Value other = parse_json_or_throw(R"({"apiVersion":"example.com/v1","kind":"AdmissionReview","metadata":{"name":"x"}})");
  CHECK_FALSE(is_admission_review(other));
  BuiltReview built = build_gator_review(other, Value::null(), {});
  REQUIRE(built.ok());
  CHECK(built.input.request["object"] == other);
}
