// The Namespace cache: what the admission endpoints read while the
// reflector writes.
#include "webhook/kube/namespace_cache.h"

#include <catch2/catch.hpp>

#include "policies/test_support.h"

using namespace tollgate::webhook::kube;
using tollgate::policies::testing::yaml;

TEST_CASE("The Namespace cache answers by name from immutable snapshots", "[kube][namespaces]") {
  NamespaceCache cache;
  size_t reported = 0;
  cache.on_change([&](size_t count) { reported = count; });
  CHECK(cache.find("payments").is_null());
  cache.replace({yaml("metadata: {name: payments, labels: {env: prod}}"), yaml("metadata: {name: sandbox}")});
  CHECK(reported == 2);
  CHECK(cache.find("payments")["metadata"]["labels"]["env"].string_or("") == "prod");
  auto before = cache.snapshot();
  cache.apply(WatchEventType::Modified, yaml("metadata: {name: payments, labels: {env: dev}}"));
  cache.apply(WatchEventType::Deleted, yaml("metadata: {name: sandbox}"));
  cache.apply(WatchEventType::Added, yaml("metadata: {name: new-team}"));
  CHECK(cache.find("payments")["metadata"]["labels"]["env"].string_or("") == "dev");
  CHECK(cache.find("sandbox").is_null());
  CHECK(cache.size() == 2);
  CHECK(reported == 2);
  // A reader holding the old snapshot still sees what it saw.
  CHECK(before->size() == 2);
  CHECK(before->at("payments")["metadata"]["labels"]["env"].string_or("") == "prod");
  CHECK(before->count("sandbox") == 1);
}
