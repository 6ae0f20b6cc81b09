#include "policies/model/object_shape.h"

#include <catch2/catch.hpp>

#include "rules/value/json.h"

using tollgate::policies::malformed_object_reason;
using tollgate::value::parse_json_or_throw;

TEST_CASE("objects the API server would not decode are named with the reason", "[object-shape]") {
  CHECK(malformed_object_reason(parse_json_or_throw(R"({"kind":"Pod","metadata":"x"})")) ==
        "metadata must be an object, got string");
  CHECK(malformed_object_reason(parse_json_or_throw(R"({"kind":"Pod","metadata":{"labels":"x"}})")) ==
        "metadata.labels must be an object, got string");
  CHECK(malformed_object_reason(parse_json_or_throw(R"({"kind":"Pod","metadata":{"annotations":{"a":1}}})")) ==
        "metadata.annotations[\"a\"] must be a string, got int");
  CHECK(malformed_object_reason(parse_json_or_throw(R"({"kind":"Pod","metadata":{"name":["a"]}})")) ==
        "metadata.name must be a string, got array");
  CHECK(malformed_object_reason(parse_json_or_throw(R"("Pod")")) == "object must be a JSON object, got string");
}

TEST_CASE("well-formed objects, and no object at all, pass", "[object-shape]") {
  CHECK(malformed_object_reason(parse_json_or_throw("null")).empty());
  CHECK(malformed_object_reason(parse_json_or_throw(R"({"kind":"Pod"})")).empty());
  CHECK(malformed_object_reason(parse_json_or_throw(R"({"kind":"Pod","metadata":null})")).empty());
  CHECK(malformed_object_reason(
            parse_json_or_throw(R"({"kind":"Pod","metadata":{"name":"a","namespace":"b","labels":{"x":"y"},)"
                                R"("annotations":null}})"))
            .empty());
}
