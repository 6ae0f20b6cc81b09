#include "policies/gator/go_format.h"

#include <catch2/catch.hpp>

using tollgate::policies::gator::go_seconds;
using tollgate::policies::gator::go_string_list;

TEST_CASE("go_string_list prints like %v of []string", "[gator][go_format]") {
  CHECK(go_string_list({}) == "[]");
  CHECK(go_string_list({"one"}) == "[one]");
  CHECK(go_string_list({"missing label", "bad image"}) == "[missing label bad image]");
}

TEST_CASE("go_seconds prints three decimals and a unit", "[gator][go_format]") {
  CHECK(go_seconds(0) == "0.000s");
  CHECK(go_seconds(0.0123) == "0.012s");
  CHECK(go_seconds(1.5) == "1.500s");
}
