#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/crypto_keys.h"

namespace tollgate::rego::crypto {
namespace {

TEST_CASE("pem_decode finds a block the way Go's pem.Decode does", "[builtins]") {
  std::string_view rest;
  auto block = pem_decode("junk\n-----BEGIN THING-----\naGVs\nbG8=\n-----END THING-----\nafter", &rest);
  REQUIRE(block.has_value());
  CHECK(block->type == "THING");
  CHECK(block->bytes == "hello");
  CHECK(rest == "after");
  // The END line must name the same type; bad base64 is no block either.
  CHECK_FALSE(pem_decode("-----BEGIN A-----\naGVsbG8=\n-----END B-----\n", &rest).has_value());
  CHECK_FALSE(pem_decode("-----BEGIN A-----\n!!!!\n-----END A-----\n", &rest).has_value());
  CHECK(rest == "-----BEGIN A-----\n!!!!\n-----END A-----\n");
}

Key owned(EVP_PKEY* k) {
  Key key;
  key.pkey = Pkey(k, PkeyFree{});
  return key;
}

TEST_CASE("jws_sign and jws_verify agree for every algorithm family, and only with the right key", "[builtins]") {
  const Key rsa = owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  const Key ec256 = owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  const Key ec384 = owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  const Key ed = owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  Key oct;
  oct.symmetric = true;
  oct.secret = "s3cret";
  const std::pair<const char*, const Key*> cases[] = {{"RS256", &rsa}, {"PS384", &rsa},   {"ES256", &ec256},
                                                      {"ES384", &ec384}, {"EdDSA", &ed}, {"HS512", &oct}};
  for (const auto& [alg, key] : cases) {
    INFO(alg);
    const std::string sig = jws_sign(*key, alg, "header.payload");
    CHECK(jws_verify(*key, alg, "header.payload", sig));
    CHECK_FALSE(jws_verify(*key, alg, "header.payloaD", sig));
    CHECK_FALSE(jws_verify(key == &rsa ? ec256 : rsa, alg, "header.payload", sig));
  }
  // ES256 signatures are r || s, 32 bytes each.
  CHECK(jws_sign(ec256, "ES256", "x").size() == 64);
  CHECK_THROWS_AS(jws_sign(oct, "RS256", "x"), BuiltinError);
}

TEST_CASE("parse_jwk_set reads single keys and sets, skipping unknown algorithms when asked", "[builtins]") {
  const auto keys = parse_jwk_set(R"({"keys": [{"kty": "oct", "k": "YQ", "alg": "HS256", "kid": "a"},
                                               {"kty": "oct", "k": "Yg", "alg": "XX999"}]})",
                                  true);
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].secret == "a");
  CHECK(keys[0].kid == "a");
  CHECK(parse_jwk_set(R"({"kty": "oct", "k": "Yg", "alg": "XX999"})", false).size() == 1);
  CHECK_THROWS_AS(parse_jwk_set(R"({"kty": "nope"})", false), BuiltinError);
  CHECK_THROWS_AS(parse_jwk_set("not json", false), BuiltinError);
}

}  // namespace
}  // namespace tollgate::rego::crypto
