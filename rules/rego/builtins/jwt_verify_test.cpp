#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"
#include "rules/rego/builtins/crypto_test_fixtures.h"

namespace tollgate::rego {
namespace {

using namespace testing;
using namespace testing::fixtures;

// {"kty":"oct"} for the secret "secret".
const Value kSecretJwk = json(R"({"kty": "oct", "k": "c2VjcmV0"})");

std::string hs256(const char* claims) {
  return call("io.jwt.encode_sign", {json(R"({"alg": "HS256", "typ": "JWT"})"), json(claims), kSecretJwk})
      .as_string();
}

// The fixture leaf's private key as a JWK (with "alg" when given).
Value leaf_jwk() { return call("crypto.x509.parse_rsa_private_key", {str(kLeafKey)}); }

std::string tampered(std::string token) {
  const size_t dot = token.find('.');
  token[dot + 2] = token[dot + 2] == 'A' ? 'B' : 'A';
  return token;
}

TEST_CASE("io.jwt.verify_hs256 checks the HMAC with the secret", "[builtins]") {
  const std::string token = hs256(R"({"sub": "alice"})");
  CHECK(call("io.jwt.verify_hs256", {str(token), str("secret")}) == json("true"));
  CHECK(call("io.jwt.verify_hs256", {str(token), str("wrong")}) == json("false"));
  CHECK(call("io.jwt.verify_hs384", {str(token), str("secret")}) == json("false"));
  CHECK(std::string(call_error("io.jwt.verify_hs256", {str("a.b"), str("secret")}).what()) ==
        "encoded JWT must have 3 sections, found 2");
}

TEST_CASE("io.jwt.verify_es256 takes a certificate, a public key or a JWK", "[builtins]") {
  const std::string token =
      call("io.jwt.encode_sign", {json(R"({"alg": "ES256"})"), json(R"({"iss": "opa"})"), leaf_jwk()}).as_string();
  CHECK(call("io.jwt.verify_es256", {str(token), str(kLeaf)}) == json("true"));
  CHECK(call("io.jwt.verify_es256", {str(token), str(kRoot)}) == json("false"));
  CHECK(call("io.jwt.verify_es256", {str(tampered(token)), str(kLeaf)}) == json("false"));
  // The public half of the JWK verifies too; an RSA verifier does not accept an EC key.
  std::vector<Value::Entry> pub;
  const Value private_jwk = leaf_jwk();
  for (const auto& [k, v] : private_jwk.entries())
    if (k.as_string() != "d") pub.emplace_back(k, v);
  const std::string jwk = value::to_json(Value::object(pub));
  CHECK(call("io.jwt.verify_es256", {str(token), str(jwk)}) == json("true"));
  CHECK(call("io.jwt.verify_rs256", {str(token), str(kLeaf)}) == json("false"));
}

TEST_CASE("io.jwt.verify_* refuse keys they cannot read, with OPA's messages", "[builtins]") {
  const std::string token = hs256("{}");
  auto error = [&](const char* key) { return std::string(call_error("io.jwt.verify_rs256", {str(token), str(key)}).what()); };
  CHECK(error(kLeafCsr) == "failed to extract a Key from the PEM certificate");
  CHECK(error((std::string(kLeaf) + "extra").c_str()) == "extra data after a PEM certificate block");
  CHECK(error(R"({"kty": "bogus"})").rfind("failed to parse a JWK key (set): ", 0) == 0);
}

TEST_CASE("io.jwt.verify_* prefer the JWKS key whose kid the header names", "[builtins]") {
  Value with_kid = leaf_jwk();
  std::vector<Value::Entry> entries = with_kid.entries();
  entries.emplace_back(Value::string("kid"), Value::string("k1"));
  const std::string token =
      call("io.jwt.encode_sign", {json(R"({"alg": "ES256", "kid": "k1"})"), json("{}"), Value::object(entries)})
          .as_string();
  std::vector<Value::Entry> pub;
  for (const auto& [k, v] : entries)
    if (k.as_string() != "d") pub.emplace_back(k, v);
  const std::string jwks = "{\"keys\": [" + value::to_json(Value::object(pub)) + "]}";
  CHECK(call("io.jwt.verify_es256", {str(token), str(jwks)}) == json("true"));
}

TEST_CASE("io.jwt.decode_verify checks signature, alg, iss, aud, exp and nbf", "[builtins]") {
  const std::string token = hs256(R"({"iss": "xxx", "aud": "fred", "exp": 3000, "nbf": 1000})");
  auto verify = [&](const char* constraints) {
    return call("io.jwt.decode_verify", {str(token), json(constraints)});
  };
  const Value unverified = json("[false, {}, {}]");
  CHECK(verify(R"({"secret": "secret", "aud": "fred", "time": 2000000000000})") ==
        json(R"([true, {"alg": "HS256", "typ": "JWT"}, {"iss": "xxx", "aud": "fred", "exp": 3000, "nbf": 1000}])"));
  CHECK(verify(R"({"secret": "wrong", "aud": "fred", "time": 2000000000000})") == unverified);
  CHECK(verify(R"({"secret": "secret", "time": 2000000000000})") == unverified);  // aud claim, no aud constraint
  CHECK(verify(R"({"secret": "secret", "aud": "bob", "time": 2000000000000})") == unverified);
  CHECK(verify(R"({"secret": "secret", "aud": "fred", "iss": "yyy", "time": 2000000000000})") == unverified);
  CHECK(verify(R"({"secret": "secret", "aud": "fred", "alg": "RS256", "time": 2000000000000})") == unverified);
  CHECK(verify(R"({"secret": "secret", "aud": "fred", "time": 3000000000000})") == unverified);  // exp reached
  CHECK(verify(R"({"secret": "secret", "aud": "fred", "time": 999000000000})") == unverified);   // before nbf
  // Without a time the wall clock decides: long past exp.
  CHECK(verify(R"({"secret": "secret", "aud": "fred"})") == unverified);
}

TEST_CASE("io.jwt.decode_verify compares exp exactly, beyond float64 precision", "[builtins]") {
  // 3000.00000000000000001 is above 3000 although both read as the same float64.
  const std::string token = call("io.jwt.encode_sign_raw", {str(R"({"alg": "HS256"})"),
                                                           str(R"({"exp": 3000.00000000000000001})"),
                                                           str(R"({"kty": "oct", "k": "c2VjcmV0"})")})
                                  .as_string();
  CHECK(*call("io.jwt.decode_verify", {str(token), json(R"({"secret": "secret", "time": 3000000000000})")}).at(0) ==
        json("true"));
  CHECK(*call("io.jwt.decode_verify", {str(token), json(R"({"secret": "secret", "time": 3000000000001})")}).at(0) ==
        json("false"));
}

TEST_CASE("io.jwt.decode_verify rejects bad constraints and claim types", "[builtins]") {
  auto error = [](const std::string& token, const std::string& constraints) {
    return std::string(call_error("io.jwt.decode_verify", {str(token), json(constraints)}).what());
  };
  const std::string token = hs256("{}");
  CHECK(error(token, "{}") == "no key constraint");
  CHECK(error(token, R"({"secret": "s", "cert": ""})").rfind("failed to parse a JWK key (set)", 0) == 0);
  CHECK(error(token, R"({"secret": "s", "foo": 1})") == "unknown token validation constraint: foo");
  CHECK(error(hs256(R"({"exp": "soon"})"), R"({"secret": "secret"})") == "exp value must be a number");
  CHECK(error(hs256(R"({"nbf": null})"), R"({"secret": "secret"})") == "nbf value must be a number");
}

}  // namespace
}  // namespace tollgate::rego
