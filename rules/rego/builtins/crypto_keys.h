// Keys for the JWT and X.509 builtins, read the way OPA reads them (Go's
// encoding/pem, crypto/x509, and lestrrat-go/jwx for JSON Web Keys), held as
// OpenSSL keys; and JWS signing and verification (RFC 7518 algorithms).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego::crypto {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* c) const { X509_free(c); }
};
using Pkey = std::shared_ptr<EVP_PKEY>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Go's pem.Decode: the first well-formed block of `data` and what follows it.
struct PemBlock {
  std::string type;
  std::string bytes;  // the decoded DER
};
std::optional<PemBlock> pem_decode(std::string_view data, std::string_view* rest);

// Go's base64 decoders (without Go's error texts): standard with padding
// (newlines skipped), and the raw URL alphabet that JWK fields use (padding
// tolerated).
bool std_base64_decode(std::string_view text, std::string* out);
bool url_base64_decode(std::string_view text, std::string* out);
std::string url_base64_encode(std::string_view bytes);  // unpadded

// A key a JWS can be checked or made with: an OpenSSL key, or the bytes of a
// symmetric ("oct") key.
struct Key {
  Pkey pkey;
  std::string secret;
  bool symmetric = false;
  std::string alg;  // the JWK's "alg", when given
  std::string kid;  // the JWK's "kid", when given
};

// A JSON Web Key or a key set {"keys": [...]}; throws BuiltinError with jwx's
// message on anything it cannot read. Keys with an "alg" no JWS algorithm
// has are skipped when skip_unknown_alg.
std::vector<Key> parse_jwk_set(std::string_view text, bool skip_unknown_alg);
// One JSON Web Key given as a parsed object.
Key jwk_to_key(const value::Value& jwk);

// OPA's getKeysFromCertOrJWK: a PEM certificate or public key, or JWK(s).
std::vector<Key> keys_from_cert_or_jwk(std::string_view text);

// The known JWS algorithms (RS/PS/ES/HS 256/384/512, EdDSA).
bool known_jws_algorithm(std::string_view alg);

// Whether `signature` is a valid JWS signature of `input` by `key` under `alg`.
bool jws_verify(const Key& key, std::string_view alg, std::string_view input, std::string_view signature);
// The JWS signature of `input`; throws BuiltinError when the key does not fit the algorithm.
std::string jws_sign(const Key& key, std::string_view alg, std::string_view input);

// DER parsing.
X509Ptr parse_certificate_der(std::string_view der);
// A private key from a PEM block (PKCS#1 "RSA PRIVATE KEY", PKCS#8 "PRIVATE KEY",
// "EC PRIVATE KEY"); null when OpenSSL cannot read it.
Pkey parse_private_key_der(std::string_view type, std::string_view der);

// A key as Go's json.Marshal writes crypto keys (*rsa.PrivateKey,
// *ecdsa.PrivateKey, ed25519.PrivateKey, and the public ones).
value::Value go_key_json(EVP_PKEY* key, bool private_part);
// A key as a JWK object (jwx's json.Marshal of jwk.New(key)).
value::Value key_to_jwk(EVP_PKEY* key);

// A big-endian unsigned integer as a Rego number.
value::Value big_number(const unsigned char* bytes, size_t n);

}  // namespace tollgate::rego::crypto
