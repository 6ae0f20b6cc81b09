// OPA's builtin declarations as the type checker sees them.
#include <catch2/catch.hpp>

#include "rules/rego/compiler/builtin_signatures.h"

using namespace tollgate::rego::types;

TEST_CASE("builtin signatures print the want line OPA prints", "[types]") {
  REQUIRE(builtin_signature("lower") != nullptr);
  CHECK(function_args_text(*builtin_signature("lower")) == "(x: string, y: string)");
  CHECK(function_args_text(*builtin_signature("count")) ==
        "(collection: any<string, array[any], object[any: any], set[any]>, n: number)");
  CHECK(function_args_text(*builtin_signature("glob.match")) ==
        "(pattern: string, delimiters: any<null, array[string]>, match: string, result: boolean)");
  CHECK(function_args_text(*builtin_signature("any")) == "(any<array[any], set[any]>, boolean)");
  CHECK(function_args_text(*builtin_signature("time.now_ns")) == "(now: number)");
}

TEST_CASE("a builtin OPA does not declare has no signature", "[types]") {
  CHECK(builtin_signature("print") == nullptr);
  CHECK(builtin_signature("no.such.builtin") == nullptr);
}
