#include "rules/value/base64.h"

#include <catch2/catch.hpp>

using namespace tollgate::value;

TEST_CASE("base64 encodes with padding and decodes back", "[base64]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("hello") == "aGVsbG8=");
  std::string decoded;
  CHECK(base64_decode("aGVsbG8=", &decoded));
  CHECK(decoded == "hello");
  CHECK(base64_decode("Zm9v", &decoded));
  CHECK(decoded == "foo");
  std::string binary("\xff\x00\x10\x80", 4);
  CHECK(base64_decode(base64_encode(binary), &decoded));
  CHECK(decoded == binary);
}

TEST_CASE("base64 rejects malformed text", "[base64]") {
  std::string decoded = "unchanged";
  CHECK_FALSE(base64_decode("a$==", &decoded));
  CHECK_FALSE(base64_decode("abc", &decoded));
  CHECK_FALSE(base64_decode("a===", &decoded));
  CHECK(decoded == "unchanged");
}
