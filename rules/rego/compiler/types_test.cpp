// The type lattice of OPA's `types` package: unions, unification and the
// printed form that appears in type errors.
#include <catch2/catch.hpp>

#include "rules/rego/compiler/types.h"

using namespace tollgate::rego::types;

namespace {

TypeRef T(const char* text) {
  auto t = parse_type(text);
  REQUIRE(t.has_value());
  return *t;
}

}  // namespace

TEST_CASE("types print as OPA prints them", "[types]") {
  CHECK(to_text(T("object<y: number, x: number>")) == "object<x: number, y: number>");
  CHECK(to_text(T("any<string, null, set[any], array[any]>")) == "any<null, string, array[any], set[any]>");
  CHECK(to_text(T("object[any: any]")) == "object[any: any]");
  CHECK(to_text(T("array<number, string>")) == "array<number, string>");
  CHECK(to_text(nullptr) == "???");
}

TEST_CASE("a union absorbs its members and any absorbs everything", "[types]") {
  CHECK(to_text(or_types(number_type(), string_type())) == "any<number, string>");
  CHECK(to_text(or_types(number_type(), number_type())) == "number");
  CHECK(to_text(or_types(T("any<number, string>"), number_type())) == "any<number, string>");
  CHECK(to_text(or_types(T("any<number, string>"), null_type())) == "any<null, number, string>");
  CHECK(to_text(or_types(any_type(), number_type())) == "any");
  CHECK(to_text(or_types(nullptr, number_type())) == "number");
}

TEST_CASE("unification refuses only types that can share no value", "[types]") {
  CHECK(unifies(number_type(), any_type()));
  CHECK_FALSE(unifies(number_type(), string_type()));
  CHECK(unifies(T("any<number, string>"), string_type()));
  CHECK_FALSE(unifies(T("any<number, string>"), T("array[any]")));
  CHECK(unifies(T("array<number, number>"), T("array[number]")));
  CHECK_FALSE(unifies(T("array<number, string>"), T("array[number]")));
  CHECK(unifies(T("object<x: number>"), T("object[any: any]")));
  CHECK_FALSE(unifies(T("set[number]"), T("set[string]")));
  CHECK_FALSE(unifies(nullptr, any_type()));
}

TEST_CASE("keys, values and selection follow the collection's type", "[types]") {
  CHECK(to_text(keys(T("array[string]"))) == "number");
  CHECK(to_text(values(T("array<number, string>"))) == "any<number, string>");
  CHECK(keys(number_type()) == nullptr);
  CHECK(to_text(select(T("object<x: number>"), tollgate::value::Value::string("x"))) == "number");
  CHECK(select(T("object<x: number>"), tollgate::value::Value::string("y")) == nullptr);
  CHECK(to_text(select(T("array<number, string>"), tollgate::value::Value::integer(1))) == "string");
}
