#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

// RFC 7515 appendix A.1: the HMAC key and the JWS it gives.
constexpr const char* kOctKey =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
constexpr const char* kRfcHeader = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
constexpr const char* kRfcPayload = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

// RFC 7515 appendix A.2: an RSA key (RS256 signatures are deterministic).
constexpr const char* kRsaKey = R"({"kty":"RSA",
  "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
  "e":"AQAB",
  "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
  "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
  "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
  "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
  "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
  "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"})";

std::string raw_error(const char* header, const char* payload, const char* key = kOctKey) {
  return call_error("io.jwt.encode_sign_raw", {str(header), str(payload), str(key)}).what();
}

TEST_CASE("io.jwt.encode_sign_raw gives RFC 7515's HS256 and RS256 examples exactly", "[builtins]") {
  CHECK(call("io.jwt.encode_sign_raw", {str(kRfcHeader), str(kRfcPayload), str(kOctKey)}) ==
        str("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
            "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
  const Value rs = call("io.jwt.encode_sign_raw", {str(R"({"alg":"RS256"})"), str(kRfcPayload), str(kRsaKey)});
  CHECK(rs.as_string().substr(rs.as_string().rfind('.') + 1, 20) == "cC4hiUPoj9Eetdgtv3hF");
}

TEST_CASE("io.jwt.encode_sign writes header and claims as Go's json.Marshal does", "[builtins]") {
  // Keys sorted, no spaces: {"alg":"HS256","typ":"JWT"} and {}.
  CHECK(call("io.jwt.encode_sign", {json(R"({"typ": "JWT", "alg": "HS256"})"), json("{}"), json(kOctKey)}) ==
        str("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.6cvao8lnOu6FAdK68jQFcDMXOmaWNwWiYhCgijd-AD8"));
}

TEST_CASE("io.jwt.encode_sign_raw reports bad headers and payloads with OPA's messages", "[builtins]") {
  CHECK(raw_error(R"({"alg":"dummy"})", "{}") == "unknown JWS algorithm: dummy");
  CHECK(raw_error("{}", "{}") == "missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
  CHECK(raw_error("", "{}") == "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  CHECK(raw_error(R"({"alg":"HS256"})", "e") == "type is JWT but payload is not JSON");
  // A type other than JWT takes any payload.
  CHECK(call("io.jwt.encode_sign_raw", {str(R"({"alg":"HS256","typ":"text/plain"})"), str("e"), str(kOctKey)})
            .is_string());
  // The key must suit the algorithm.
  CHECK(std::string(raw_error(R"({"alg":"RS256"})", "{}")).find("invalid key type") != std::string::npos);
}

}  // namespace
}  // namespace tollgate::rego
