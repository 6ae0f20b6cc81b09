#include "rules/value/go_quote.h"

#include <catch2/catch.hpp>

using tollgate::value::go_quote;
using tollgate::value::GoQuoteStyle;

TEST_CASE("go_quote escapes like strconv.Quote", "[go_quote]") {
  CHECK(go_quote("") == "\"\"");
  CHECK(go_quote("all-must-have-owner") == "\"all-must-have-owner\"");
  CHECK(go_quote("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"");
  CHECK(go_quote("line1\nline2\ttab\r") == "\"line1\\nline2\\ttab\\r\"");
  CHECK(go_quote(std::string("\x01\x7f", 2)) == "\"\\x01\\x7f\"");
  CHECK(go_quote(std::string("a\0b", 3)) == "\"a\\x00b\"");
  CHECK(go_quote("\a\b\f\v") == "\"\\a\\b\\f\\v\"");
}

TEST_CASE("go_quote keeps printable unicode and escapes the rest", "[go_quote]") {
  CHECK(go_quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");                   // é stays
  CHECK(go_quote("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\"");         // emoji stays
  CHECK(go_quote("\xC2\x85") == "\"\\u0085\"");                          // C1 control
  CHECK(go_quote("a\xC2\xA0" "b") == "\"a\\u00a0b\"");                    // no-break space is not printable
  CHECK(go_quote("\xE2\x80\xA8") == "\"\\u2028\"");                      // line separator
  CHECK(go_quote("\xEF\xBB\xBF") == "\"\\ufeff\"");                      // BOM
  CHECK(go_quote("\xF3\xA0\x80\x81") == "\"\\U000e0001\"");              // language tag
  CHECK(go_quote("bad\xFF" "byte") == "\"bad\\xffbyte\"");               // invalid UTF-8
  CHECK(go_quote("\xC3") == "\"\\xc3\"");                                // truncated sequence
  CHECK(go_quote("\xED\xA0\x80") == "\"\\xed\\xa0\\x80\"");              // surrogate half is invalid
}

TEST_CASE("go_quote in cel-go's strings.quote style escapes only the named escapes", "[go_quote]") {
  auto cel_quote = [](std::string_view s) { return go_quote(s, GoQuoteStyle::kCelStrings); };
  CHECK(cel_quote("a\"b\\c\n\t") == "\"a\\\"b\\\\c\\n\\t\"");
  CHECK(cel_quote("\a\b\f\r\v") == "\"\\a\\b\\f\\r\\v\"");
  CHECK(cel_quote(std::string("\x01\x7f", 2)) == std::string("\"\x01\x7f\"", 4));  // other controls stay
  CHECK(cel_quote("a\xC2\xA0" "b") == "\"a\xC2\xA0" "b\"");                        // so do non-printable runes
  CHECK(cel_quote("bad\xFF" "byte") == "\"bad\xEF\xBF\xBD" "byte\"");               // invalid byte -> U+FFFD
  CHECK(cel_quote("\xE2\x82") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // one U+FFFD per byte
}
