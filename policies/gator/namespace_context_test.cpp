#include "policies/gator/namespace_context.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::policies::gator;
using tollgate::policies::testing::yaml;

TEST_CASE("gator gives an object without a namespace an empty Namespace, not none", "[gator][namespace]") {
  NamespaceContext namespaces({});
  for (const char* object : {"{apiVersion: v1, kind: Pod, metadata: {name: p}}",
                             "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: r}}"}) {
    Value ns = namespaces.for_object(yaml(object));
    REQUIRE_FALSE(ns.is_null());
    CHECK(ns["kind"] == Value::string("Namespace"));
    CHECK(ns["metadata"]["name"].is_null());
    CHECK(ns["metadata"]["labels"].is_null());
  }
}

TEST_CASE("gator invents a label-less default Namespace but no other", "[gator][namespace]") {
  NamespaceContext namespaces({});
  Value in_default = namespaces.for_object(yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: default}}"));
  CHECK(in_default["metadata"] == yaml("{name: default}"));
  CHECK(namespaces.for_object(yaml("{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: shop}}")).is_null());
}

TEST_CASE("gator uses the Namespaces among its inputs, the last of a name winning", "[gator][namespace]") {
  NamespaceContext namespaces({
      yaml("{apiVersion: v1, kind: Namespace, metadata: {name: default, labels: {tier: first}}}"),
      yaml("{apiVersion: v1, kind: Namespace, metadata: {name: default, labels: {tier: second}}}"),
      yaml("{apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: a}}}"),
      // Not a core Namespace: ignored.
      yaml("{apiVersion: example.com/v1, kind: Namespace, metadata: {name: other}}"),
  });
  CHECK(namespaces.for_object(yaml("{kind: Pod, metadata: {namespace: shop}}"))["metadata"]["labels"] ==
        yaml("{team: a}"));
  CHECK(namespaces.for_object(yaml("{kind: Pod, metadata: {namespace: default}}"))["metadata"]["labels"] ==
        yaml("{tier: second}"));
  CHECK(namespaces.named("other").is_null());
}
