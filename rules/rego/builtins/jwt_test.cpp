#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

// {"alg":"HS256","typ":"JWT"} . {"sub":"0","iss":"opa"} . HMAC signature
constexpr const char* kToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY";

std::string error_text(std::string token) { return call_error("io.jwt.decode", {str(token)}).what(); }

TEST_CASE("io.jwt.decode returns header, claims and the signature in hex", "[builtins]") {
  CHECK(call("io.jwt.decode", {str(kToken)}) ==
        json(R"([{"alg": "HS256", "typ": "JWT"}, {"iss": "opa", "sub": "0"},
                 "5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576"])"));
}

TEST_CASE("io.jwt.decode unwraps a nested token", "[builtins]") {
  // Header {"alg":"HS256","typ":"JWT","cty":"JWT"}; the payload is kToken as a JSON string.
  const char* nested =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STFOaUlzSW5SNWNDSTZJa3BYVkNKOS5leUp6ZF"
      "dJaU9pSXdJaXdpYVhOeklqb2liM0JoSW4wLlhtVm9Mb0hJM3B4TXRNT19XUk9OTVNKekdVRFA5cERqeThKcDBfdGRSWFki."
      "8W0qx4mLxslmZl7wEMUWBxH7tST3XsEuWXxesXqFnRI";
  CHECK(call("io.jwt.decode", {str(nested)}) == call("io.jwt.decode", {str(kToken)}));
}

TEST_CASE("io.jwt.decode rejects malformed tokens with OPA's messages", "[builtins]") {
  CHECK(error_text("abc") == "encoded JWT had no period separators");
  CHECK(error_text("a.b") == "encoded JWT must have 3 sections, found 2");
  CHECK(error_text("eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIn0.XmVo") ==
        "JWT header had invalid encoding: illegal base64 data at input byte 13");
  CHECK(error_text("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.XmVo") ==
        "JWT payload had invalid encoding: illegal base64 data at input byte 17");
  // Header {"alg":"HS256","typ":"JWT","enc":"blah"}
  CHECK(error_text("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJzdWIiOiIwIn0.XmVo") ==
        "JWT is a JWE object, which is not supported");
  // Header "WzFd" is [1]
  CHECK(error_text("WzFd.eyJzdWIiOiIwIn0.XmVo") == "bad JWT header: decoded JSON type was not an Object");
  CHECK(call_error("io.jwt.decode", {json("1")}).code() == BuiltinError::Code::Type);
}

}  // namespace
}  // namespace tollgate::rego
