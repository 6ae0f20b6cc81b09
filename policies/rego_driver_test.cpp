// What a Rego template sees as input.review and data.inventory.
#include "policies/rego_driver.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;

TEST_CASE("rego review: oldObject and options are present as null and namespaceObject is {} when unknown",
          "[rego_driver]") {
  Value review = rego_review(yaml("{operation: CREATE, name: web, object: {kind: Pod}}"), nullptr);
  CHECK(review == yaml("{operation: CREATE, name: web, object: {kind: Pod}, oldObject: null, options: null, "
                       "namespaceObject: {}}"));
}

TEST_CASE("rego review: on DELETE the object is the old object, and a known Namespace is attached", "[rego_driver]") {
  Value ns = yaml("{kind: Namespace, metadata: {name: prod}}");
  Value review = rego_review(yaml("{operation: DELETE, object: null, oldObject: {kind: Pod}, options: {}}"), &ns);
  CHECK(review == yaml("{operation: DELETE, object: {kind: Pod}, oldObject: {kind: Pod}, options: {}, "
                       "namespaceObject: {kind: Namespace, metadata: {name: prod}}}"));
}

TEST_CASE("rego review: the members it adds sit in key order among the request's, each found by its key",
          "[rego_driver]") {
  // DELETE without `object`: object, options and namespaceObject are added
  // between keys of the request's own (name < namespace < namespaceObject <
  // object < oldObject < operation < options < uid).
  Value request = yaml("{uid: u1, operation: DELETE, oldObject: {kind: Pod}, name: web, namespace: prod, "
                       "namespaceObject: {stale: true}}");
  Value review = rego_review(request, nullptr);
  const auto& entries = review.entries();
  for (size_t i = 1; i < entries.size(); ++i) CHECK(entries[i - 1].first < entries[i].first);
  CHECK(review == yaml("{uid: u1, operation: DELETE, object: {kind: Pod}, oldObject: {kind: Pod}, name: web, "
                       "namespace: prod, options: null, namespaceObject: {}}"));
  for (const char* key : {"uid", "operation", "object", "oldObject", "name", "namespace", "options", "namespaceObject"}) {
    CHECK(review.find(key) != nullptr);
  }
  CHECK(review["object"] == yaml("{kind: Pod}"));
  CHECK(review["namespaceObject"] == yaml("{}"));
}

TEST_CASE("rego inventory: cluster and namespaced objects by groupVersion, kind and name", "[rego_driver]") {
  Value data = inventory_data({yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod}}"),
                               yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: prod}}")});
  CHECK(data["inventory"]["cluster"]["v1"]["Namespace"]["prod"]["metadata"]["name"].string_or("") == "prod");
  CHECK(data["inventory"]["namespace"]["prod"]["apps/v1"]["Deployment"]["web"]["kind"].string_or("") == "Deployment");
  CHECK(inventory_data({}) == yaml("{inventory: {}}"));
}
