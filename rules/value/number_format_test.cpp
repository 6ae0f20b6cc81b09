#include "rules/value/number_format.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace tollgate::value;

TEST_CASE("doubles print as Go's encoding/json prints them", "[number_format]") {
  auto json_double = [](double d) {
    std::string s;
    append_json_double(d, s);
    return s;
  };
  CHECK(json_double(1e6) == "1000000");
  CHECK(json_double(1e20) == "100000000000000000000");
  CHECK(json_double(123456789012345678901.0) == "123456789012345680000");
  CHECK(json_double(1e21) == "1e+21");
  CHECK(json_double(0.000001) == "0.000001");
  CHECK(json_double(1.5e-7) == "1.5e-7");
  CHECK(json_double(1e-100) == "1e-100");
  CHECK(json_double(NAN) == "null");
  CHECK(json_double(-INFINITY) == "null");
}

TEST_CASE("doubles print as Go's %v prints them", "[number_format]") {
  // Rego number text and CEL string(double).
  CHECK(format_double_g(1e6) == "1e+06");
  CHECK(format_double_g(1234567.0) == "1.234567e+06");
  CHECK(format_double_g(100000) == "100000");
  CHECK(format_double_g(123.456) == "123.456");
  CHECK(format_double_g(-0.0045) == "-0.0045");
  CHECK(format_double_g(1e-5) == "1e-05");
  CHECK(format_double_g(100000000) == "1e+08");
  CHECK(format_double_g(INFINITY) == "+Inf");
  CHECK(format_double_g(NAN) == "NaN");
}
