#include "policies/gator/go_format.h"

#include <catch2/catch.hpp>

using tollgate::policies::gator::go_quote;
using tollgate::policies::gator::go_seconds;
using tollgate::policies::gator::go_string_list;

TEST_CASE("go_quote escapes like strconv.Quote", "[gator][go_format]") {
  CHECK(go_quote("") == "\"\"");
  CHECK(go_quote("all-must-have-owner") == "\"all-must-have-owner\"");
  CHECK(go_quote("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"");
  CHECK(go_quote("line1\nline2\ttab\r") == "\"line1\\nline2\\ttab\\r\"");
  CHECK(go_quote(std::string("\x01\x7f", 2)) == "\"\\x01\\x7f\"");
  CHECK(go_quote(std::string("a\0b", 3)) == "\"a\\x00b\"");
  CHECK(go_quote("\a\b\f\v") == "\"\\a\\b\\f\\v\"");
}

TEST_CASE("go_quote keeps printable unicode and escapes the rest", "[gator][go_format]") {
  CHECK(go_quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");                   // é stays
  CHECK(go_quote("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\"");         // emoji stays
  CHECK(go_quote("a\xC2\xA0" "b") == "\"a\\u00a0b\"");                    // no-break space is not printable
  CHECK(go_quote("\xE2\x80\xA8") == "\"\\u2028\"");                      // line separator
  CHECK(go_quote("\xEF\xBB\xBF") == "\"\\ufeff\"");                      // BOM
  CHECK(go_quote("\xF3\xA0\x80\x81") == "\"\\U000e0001\"");              // language tag
  CHECK(go_quote("bad\xFF" "byte") == "\"bad\\xffbyte\"");               // invalid UTF-8
  CHECK(go_quote("\xC3") == "\"\\xc3\"");                                // truncated sequence
  CHECK(go_quote("\xED\xA0\x80") == "\"\\xed\\xa0\\x80\"");              // surrogate half is invalid
}

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
