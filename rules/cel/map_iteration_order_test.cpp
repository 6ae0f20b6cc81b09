// cel-go ranges over the Go map a document or a map literal was decoded
// into, and a small Go map's iteration starts from its insertion order:
// macros over a map see the keys in the order they were written.
#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

namespace tollgate::cel {
namespace {

using namespace testing;

TEST_CASE("map macros walk a JSON object's keys in the order the document gives them", "[cel]") {
  const Value object = value::parse_json_or_throw(R"({"url": "u", "created": "c", "Mixed": "m"})");
  CHECK(show(k8s("object.filter(k, k.lowerAscii() == k)", {{"object", object}})) == R"(["url","created"])");
  CHECK(show(k8s("object.map(k, k)", {{"object", object}})) == R"(["url","created","Mixed"])");
  // Equality and lookups are those of the object whatever its order.
  CHECK(show(k8s("object == {'Mixed': 'm', 'created': 'c', 'url': 'u'}", {{"object", object}})) == "true");
}

TEST_CASE("map macros walk a map literal's keys in the order written", "[cel]") {
  CHECK(show(k8s("{'b': 1, 'a': 2, 'c': 3}.map(k, k)")) == R"(["b","a","c"])");
  CHECK(show(k8s("{'b': 1, 'a': 2}.filter(k, k != 'c')")) == R"(["b","a"])");
}

}  // namespace
}  // namespace tollgate::cel
