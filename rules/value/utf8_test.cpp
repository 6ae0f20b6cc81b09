#include "rules/value/utf8.h"

#include <catch2/catch.hpp>

using tollgate::value::append_utf8;

TEST_CASE("append_utf8 encodes code points of every length", "[value][utf8]") {
  std::string out;
  append_utf8(U'a', out);
  append_utf8(U'é', out);
  append_utf8(U'€', out);
  append_utf8(U'🍮', out);
  CHECK(out == "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8D\xAE");
}
