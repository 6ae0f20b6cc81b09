// An RSA JWK whose optional private fields (p, q, dp, dq, qi) do not decode
// is refused with the field's name, and nothing built for the key so far is
// left behind: the OpenSSL parameter builder used to leak on that error
// (LeakSanitizer, fuzz_rego_compiler; rules/rego/compiler_fuzz_corpus/).
#include <catch2/catch.hpp>

#include <string>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

std::string rsa_key_with(const std::string& field, const std::string& value) {
  return R"({"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",)"
         R"("e":"AQAB","d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",)"
         "\"" + field + "\":\"" + value + "\"}";
}

TEST_CASE("an RSA JWK whose p, q, dp, dq or qi does not decode is refused, naming the field", "[builtins]") {
  for (const char* field : {"p", "q", "dp", "dq", "qi"}) {
    INFO(field);
    std::string key = rsa_key_with(field, "not base64url (");
    std::string error =
        call_error("io.jwt.encode_sign_raw", {str(R"({"alg":"RS256"})"), str(R"({"iss":"joe"})"), str(key)}).what();
    CHECK(error == std::string("failed to decode field ") + field);
  }
}

}  // namespace
}  // namespace tollgate::rego
