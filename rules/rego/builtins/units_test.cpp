#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

Value num(const char* text) { return *number_from_text(text); }

TEST_CASE("units.parse: SI and binary suffixes, m is milli and M mega", "[builtins]") {
  CHECK(call("units.parse", {str("500m")}) == json("0.5"));
  CHECK(call("units.parse", {str("0.0005K")}) == json("0.5"));
  CHECK(call("units.parse", {str("0.0000005M")}) == json("0.5"));
  CHECK(call("units.parse", {str("1Ki")}) == num("1024"));
  CHECK(call("units.parse", {str("10KI")}) == num("10240"));
  CHECK(call("units.parse", {str("1.1Ki")}) == json("1126.4"));
  CHECK(call("units.parse", {str("200M")}) == num("200000000"));
  CHECK(call("units.parse", {str("100mi")}) == num("104857600"));
  CHECK(call("units.parse", {str("10E")}) == num("10000000000000000000"));
  CHECK(call("units.parse", {str("10Ei")}) == num("11529215046068469760"));
  CHECK(call("units.parse", {str("\"100TI\"")}) == num("109951162777600"));
  CHECK(call("units.parse", {str(".0")}) == num("0"));
  CHECK(call("units.parse", {str("12345")}) == num("12345"));
  CHECK(call("units.parse", {str("1e-2")}) == json("0.01"));
  CHECK(call("units.parse", {str("7.8E-1")}) == json("0.78"));
  CHECK(call("units.parse", {str("-3.5E2m")}) == json("-0.35"));
  CHECK(call("units.parse", {str("5e1Gi")}) == num("53687091200"));
  CHECK(call("units.parse", {str("5E")}) == num("5000000000000000000"));
  CHECK(call("units.parse", {str("1G")}).is_int());
  CHECK(call("units.parse", {str("1m")}) == json("0.001"));
  CHECK(call("units.parse", {str("0.00000000001m")}) == num("0"));
  CHECK(call("units.parse", {str("0.00000005m")}) == json("0.0000000001"));
}

TEST_CASE("units.parse errors", "[builtins]") {
  auto error = [](const char* s) { return std::string(call_error("units.parse", {str(s)}).what()); };
  CHECK(error("") == "units.parse: no amount provided");
  CHECK(error("G") == "units.parse: no amount provided");
  CHECK(error("0.0.0") == "units.parse: could not parse amount to a number");
  CHECK(error(".5.2") == "units.parse: could not parse amount to a number");
  CHECK(error("100 k") == "units.parse: spaces not allowed in resource strings");
  CHECK(error("5X") == "units.parse: unit X not recognized");
  CHECK(error("1e1234567") == "units.parse: exponent too large");
  CHECK(call_error("units.parse", {str("")}).code() == BuiltinError::Code::Builtin);
}

TEST_CASE("units.parse_bytes: case-insensitive units, integer bytes", "[builtins]") {
  CHECK(call("units.parse_bytes", {str("10KB")}) == num("10000"));
  CHECK(call("units.parse_bytes", {str("10Kib")}) == num("10240"));
  CHECK(call("units.parse_bytes", {str("1.1KB")}) == num("1100"));
  CHECK(call("units.parse_bytes", {str("1.1KiB")}) == num("1126"));
  CHECK(call("units.parse_bytes", {str(".5KB")}) == num("500"));
  CHECK(call("units.parse_bytes", {str("100m")}) == num("100000000"));
  CHECK(call("units.parse_bytes", {str("10eib")}) == num("11529215046068469760"));
  CHECK(call("units.parse_bytes", {str("\"100TIB\"")}) == num("109951162777600"));
  CHECK(call("units.parse_bytes", {str("1e3KB")}) == num("1000000"));
  CHECK(call("units.parse_bytes", {str("3.2E2MiB")}) == num("335544320"));
  CHECK(call("units.parse_bytes", {str("1e-2KB")}) == num("10"));
  CHECK(call("units.parse_bytes", {str("5E")}) == num("5000000000000000000"));
  CHECK(call("units.parse_bytes", {str("0.0")}) == num("0"));
  auto error = [](const char* s) { return std::string(call_error("units.parse_bytes", {str(s)}).what()); };
  CHECK(error("GB") == "units.parse_bytes: no byte amount provided");
  CHECK(error("0.0.0") == "units.parse_bytes: could not parse byte amount to a number");
  CHECK(error(" 327MiB ") == "units.parse_bytes: spaces not allowed in resource strings");
  CHECK(error("5xb") == "units.parse_bytes: byte unit xb not recognized");
}

}  // namespace
}  // namespace tollgate::rego
