#include "rules/rego/builtins/crypto_keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/operands.h"
#include "rules/value/base64.h"

namespace tollgate::rego::crypto {

namespace {

using value::Value;

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

Pkey own(EVP_PKEY* k) { return Pkey(k, PkeyFree{}); }

// Go's getLine: up to the next '\n', trailing spaces, tabs and '\r' trimmed.
std::string_view get_line(std::string_view data, std::string_view* rest) {
  size_t i = data.find('\n');
  std::string_view line;
  if (i == std::string_view::npos) {
    line = data;
    *rest = {};
  } else {
    line = data.substr(0, i);
    *rest = data.substr(i + 1);
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool has_prefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

bool std_base64_decode(std::string_view text, std::string* out) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text)
    if (c != '\r' && c != '\n') clean.push_back(c);
  return value::base64_decode(clean, out);
}

bool url_base64_decode(std::string_view text, std::string* out) {
  std::string s;
  s.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '-') s.push_back('+');
    else if (c == '_') s.push_back('/');
    else if (c == '=') break;
    else s.push_back(c);
  }
  if (s.size() % 4 == 1) return false;
  while (s.size() % 4 != 0) s.push_back('=');
  return value::base64_decode(s, out);
}

std::string url_base64_encode(std::string_view bytes) { return value::base64url_encode(bytes, /*pad=*/false); }

std::optional<PemBlock> pem_decode(std::string_view data, std::string_view* rest_out) {
  static constexpr std::string_view kStart = "\n-----BEGIN ";
  static constexpr std::string_view kEnd = "\n-----END ";
  static constexpr std::string_view kEndOfLine = "-----";
  std::string_view rest = data;
  for (;;) {
    if (has_prefix(rest, kStart.substr(1))) {
      rest.remove_prefix(kStart.size() - 1);
    } else if (size_t at = rest.find(kStart); at != std::string_view::npos) {
      rest.remove_prefix(at + kStart.size());
    } else {
      *rest_out = data;
      return std::nullopt;
    }
    std::string_view type_line = get_line(rest, &rest);
    if (type_line.size() < kEndOfLine.size() || type_line.substr(type_line.size() - kEndOfLine.size()) != kEndOfLine)
      continue;
    type_line.remove_suffix(kEndOfLine.size());
    bool has_headers = false;
    bool truncated = false;
    for (;;) {
      if (rest.empty()) {
        truncated = true;
        break;
      }
      std::string_view next;
      std::string_view line = get_line(rest, &next);
      if (line.find(':') == std::string_view::npos) break;
      has_headers = true;
      rest = next;
    }
    if (truncated) {
      *rest_out = data;
      return std::nullopt;
    }
    size_t end_index, end_trailer_index;
    if (!has_headers && has_prefix(rest, kEnd.substr(1))) {
      end_index = 0;
      end_trailer_index = kEnd.size() - 1;
    } else {
      end_index = rest.find(kEnd);
      if (end_index == std::string_view::npos) continue;
      end_trailer_index = end_index + kEnd.size();
    }
    std::string_view end_trailer = rest.substr(end_trailer_index);
    const size_t trailer_len = type_line.size() + kEndOfLine.size();
    if (end_trailer.size() < trailer_len) continue;
    std::string_view rest_of_end_line = end_trailer.substr(trailer_len);
    end_trailer = end_trailer.substr(0, trailer_len);
    if (!has_prefix(end_trailer, type_line) || end_trailer.substr(type_line.size()) != kEndOfLine) continue;
    std::string_view ignored;
    if (!get_line(rest_of_end_line, &ignored).empty()) continue;
    std::string b64;
    for (char c : rest.substr(0, end_index))
      if (c != ' ' && c != '\t') b64.push_back(c);
    PemBlock block;
    block.type = std::string(type_line);
    if (!std_base64_decode(b64, &block.bytes)) continue;
    get_line(rest.substr(end_index + kEnd.size() - 1), rest_out);
    return block;
  }
}

// ---- keys ------------------------------------------------------------------

namespace {

Bn bn_from(std::string_view bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

[[noreturn]] void jwk_error(const std::string& message) { throw_builtin_error(message); }

// A base64url field of a JWK, required or optional.
std::optional<std::string> jwk_field(const Value& jwk, std::string_view name, bool required, std::string_view kty) {
  const Value* v = jwk.find(name);
  if (v == nullptr) {
    if (required) jwk_error("failed to parse " + std::string(kty) + " key: required field " + std::string(name) + " is missing");
    return std::nullopt;
  }
  if (!v->is_string()) jwk_error("failed to parse field " + std::string(name) + ": expected string");
  std::string out;
  if (!url_base64_decode(v->as_string(), &out)) jwk_error("failed to decode field " + std::string(name));
  return out;
}

Pkey pkey_from_params(const char* type, OSSL_PARAM_BLD* bld, bool private_key) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = ctx && params && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) {
    EVP_PKEY_free(key);
    return nullptr;
  }
  return own(key);
}

Pkey rsa_from_jwk(const Value& jwk) {
  std::string n = *jwk_field(jwk, "n", true, "RSA");
  std::string e = *jwk_field(jwk, "e", true, "RSA");
  auto d = jwk_field(jwk, "d", false, "RSA");
  // Every field is read (and may throw) before the builder exists: it is
  // freed only by pkey_from_params.
  std::optional<std::string> p, q, dp, dq, qi;
  if (d) {
    p = jwk_field(jwk, "p", false, "RSA");
    q = jwk_field(jwk, "q", false, "RSA");
    dp = jwk_field(jwk, "dp", false, "RSA");
    dq = jwk_field(jwk, "dq", false, "RSA");
    qi = jwk_field(jwk, "qi", false, "RSA");
  }
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::vector<Bn> keep;
  auto push = [&](const char* name, const std::string& bytes) {
    keep.push_back(bn_from(bytes));
    OSSL_PARAM_BLD_push_BN(bld, name, keep.back().get());
  };
  push(OSSL_PKEY_PARAM_RSA_N, n);
  push(OSSL_PKEY_PARAM_RSA_E, e);
  if (d) {
    push(OSSL_PKEY_PARAM_RSA_D, *d);
    if (p && q) {
      push(OSSL_PKEY_PARAM_RSA_FACTOR1, *p);
      push(OSSL_PKEY_PARAM_RSA_FACTOR2, *q);
      if (dp && dq && qi) {
        push(OSSL_PKEY_PARAM_RSA_EXPONENT1, *dp);
        push(OSSL_PKEY_PARAM_RSA_EXPONENT2, *dq);
        push(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, *qi);
      }
    }
  }
  Pkey key = pkey_from_params("RSA", bld, d.has_value());
  if (!key) jwk_error("failed to create RSA key from JWK");
  return key;
}

const char* curve_group(std::string_view crv, size_t* size) {
  if (crv == "P-256") return *size = 32, "prime256v1";
  if (crv == "P-384") return *size = 48, "secp384r1";
  if (crv == "P-521") return *size = 66, "secp521r1";
  return nullptr;
}

std::string left_pad(std::string bytes, size_t size) {
  if (bytes.size() < size) bytes.insert(0, size - bytes.size(), '\0');
  return bytes;
}

Pkey ec_from_jwk(const Value& jwk) {
  const Value* crv = jwk.find("crv");
  size_t size = 0;
  const char* group = crv && crv->is_string() ? curve_group(crv->as_string(), &size) : nullptr;
  if (group == nullptr) jwk_error("failed to parse EC key: invalid curve algorithm");
  std::string x = *jwk_field(jwk, "x", true, "EC");
  std::string y = *jwk_field(jwk, "y", true, "EC");
  auto d = jwk_field(jwk, "d", false, "EC");
  std::string point = "\x04" + left_pad(x, size) + left_pad(y, size);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  Bn priv;
  if (d) {
    priv = bn_from(*d);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv.get());
  }
  Pkey key = pkey_from_params("EC", bld, d.has_value());
  if (!key) jwk_error("failed to create EC key from JWK");
  return key;
}

Pkey okp_from_jwk(const Value& jwk) {
  const Value* crv = jwk.find("crv");
  if (!crv || !crv->is_string() || crv->as_string() != "Ed25519")
    jwk_error("failed to parse OKP key: unsupported curve");
  auto d = jwk_field(jwk, "d", false, "OKP");
  EVP_PKEY* key = nullptr;
  if (d) {
    key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d->data()),
                                       d->size());
  } else {
    std::string x = *jwk_field(jwk, "x", true, "OKP");
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()),
                                      x.size());
  }
  if (key == nullptr) jwk_error("failed to create OKP key from JWK");
  return own(key);
}

}  // namespace

Key jwk_to_key(const Value& jwk) {
  if (!jwk.is_object()) jwk_error("invalid JWK: not an object");
  const Value* kty = jwk.find("kty");
  if (kty == nullptr || !kty->is_string()) jwk_error("invalid key type from JSON ()");
  const std::string& type = kty->as_string();
  Key key;
  if (type == "RSA") {
    key.pkey = rsa_from_jwk(jwk);
  } else if (type == "EC") {
    key.pkey = ec_from_jwk(jwk);
  } else if (type == "OKP") {
    key.pkey = okp_from_jwk(jwk);
  } else if (type == "oct") {
    key.symmetric = true;
    key.secret = *jwk_field(jwk, "k", true, "symmetric");
  } else {
    jwk_error("invalid key type from JSON (" + type + ")");
  }
  if (const Value* alg = jwk.find("alg"); alg && alg->is_string()) key.alg = alg->as_string();
  if (const Value* kid = jwk.find("kid"); kid && kid->is_string()) key.kid = kid->as_string();
  return key;
}

std::vector<Key> parse_jwk_set(std::string_view text, bool skip_unknown_alg) {
  Value doc;
  std::string error;
  if (!go_json_parse(text, &doc, &error)) throw_builtin_error("failed to unmarshal JWK: " + error);
  if (!doc.is_object()) throw_builtin_error("failed to unmarshal JWK: not an object");
  std::vector<Key> keys;
  auto add = [&](const Value& jwk) {
    Key key = jwk_to_key(jwk);
    if (skip_unknown_alg && !key.alg.empty() && !known_jws_algorithm(key.alg)) return;
    keys.push_back(std::move(key));
  };
  if (const Value* set = doc.find("keys")) {
    if (!set->is_array()) throw_builtin_error("failed to parse JWK set: keys must be an array");
    for (const Value& jwk : set->items()) add(jwk);
  } else {
    add(doc);
  }
  return keys;
}

X509Ptr parse_certificate_der(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert && p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
    X509_free(cert);
    return nullptr;
  }
  return X509Ptr(cert);
}

std::vector<Key> keys_from_cert_or_jwk(std::string_view text) {
  std::string_view rest;
  if (auto block = pem_decode(text, &rest)) {
    if (!rest.empty()) throw_builtin_error("extra data after a PEM certificate block");
    Key key;
    if (block->type == "CERTIFICATE") {
      X509Ptr cert = parse_certificate_der(block->bytes);
      EVP_PKEY* pk = cert ? X509_get_pubkey(cert.get()) : nullptr;
      if (pk == nullptr) throw_builtin_error("failed to parse a PEM certificate: x509: malformed certificate");
      key.pkey = own(pk);
      return {key};
    }
    if (block->type == "PUBLIC KEY") {
      const unsigned char* p = reinterpret_cast<const unsigned char*>(block->bytes.data());
      EVP_PKEY* pk = d2i_PUBKEY(nullptr, &p, static_cast<long>(block->bytes.size()));
      if (pk == nullptr) throw_builtin_error("failed to parse a PEM public key: x509: malformed public key");
      key.pkey = own(pk);
      return {key};
    }
    throw_builtin_error("failed to extract a Key from the PEM certificate");
  }
  try {
    return parse_jwk_set(text, true);
  } catch (const BuiltinError& e) {
    throw_builtin_error(std::string("failed to parse a JWK key (set): ") + e.what());
  }
}

Pkey parse_private_key_der(std::string_view type, std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  const long n = static_cast<long>(der.size());
  EVP_PKEY* key = nullptr;
  if (type == "RSA PRIVATE KEY") key = d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &p, n);
  else if (type == "EC PRIVATE KEY") key = d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, n);
  else if (type == "PRIVATE KEY") key = d2i_AutoPrivateKey(nullptr, &p, n);
  return key ? own(key) : nullptr;
}

// ---- JWS -------------------------------------------------------------------

bool known_jws_algorithm(std::string_view alg) {
  static constexpr std::array<std::string_view, 13> kAlgs = {"RS256", "RS384", "RS512", "PS256", "PS384",
                                                             "PS512", "ES256", "ES384", "ES512", "HS256",
                                                             "HS384", "HS512", "EdDSA"};
  return std::find(kAlgs.begin(), kAlgs.end(), alg) != kAlgs.end();
}

namespace {

const EVP_MD* alg_digest(std::string_view alg) {
  if (alg.size() != 5) return nullptr;
  std::string_view bits = alg.substr(2);
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  return nullptr;
}

// RS*: RSA PKCS#1 v1.5, PS*: RSA-PSS, ES*: ECDSA, HS*: HMAC, EdDSA: Ed25519.
enum class Family { None, Rsa, Pss, Ecdsa, Hmac, EdDsa };

Family alg_family(std::string_view alg) {
  if (alg == "EdDSA") return Family::EdDsa;
  if (alg.size() != 5 || !alg_digest(alg)) return Family::None;
  const std::string_view prefix = alg.substr(0, 2);
  if (prefix == "RS") return Family::Rsa;
  if (prefix == "PS") return Family::Pss;
  if (prefix == "ES") return Family::Ecdsa;
  if (prefix == "HS") return Family::Hmac;
  return Family::None;
}

std::string hmac(const std::string& secret, const EVP_MD* md, std::string_view input) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

int ec_field_size(EVP_PKEY* key) { return (EVP_PKEY_get_bits(key) + 7) / 8; }

}  // namespace

bool jws_verify(const Key& key, std::string_view alg, std::string_view input, std::string_view signature) {
  const Family family = alg_family(alg);
  if (family == Family::None) return false;
  if (family == Family::Hmac) {
    if (!key.symmetric) return false;
    std::string mac = hmac(key.secret, alg_digest(alg), input);
    return mac.size() == signature.size() && CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) == 0;
  }
  if (key.symmetric || !key.pkey) return false;
  EVP_PKEY* pk = key.pkey.get();
  const int type = EVP_PKEY_get_base_id(pk);
  std::string sig(signature);
  if (family == Family::Rsa || family == Family::Pss) {
    if (type != EVP_PKEY_RSA) return false;
  } else if (family == Family::Ecdsa) {
    if (type != EVP_PKEY_EC) return false;
    // JWS carries r || s; OpenSSL wants DER.
    const size_t half = sig.size() / 2;
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data() + half),
                          static_cast<int>(sig.size() - half), nullptr);
    ECDSA_SIG_set0(es, r, s);
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (len <= 0) return false;
    sig.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
  } else if (type != EVP_PKEY_ED25519) {
    return false;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = family == Family::EdDsa ? nullptr : alg_digest(alg);
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pk) != 1) return false;
  if (family == Family::Pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO);
    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md);
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

std::string jws_sign(const Key& key, std::string_view alg, std::string_view input) {
  const Family family = alg_family(alg);
  if (family == Family::None) throw_builtin_error("unsupported signature algorithm: " + std::string(alg));
  if (family == Family::Hmac) {
    if (!key.symmetric) throw_builtin_error("invalid key type for HMAC signing");
    return hmac(key.secret, alg_digest(alg), input);
  }
  if (key.symmetric || !key.pkey) throw_builtin_error("invalid key type for " + std::string(alg) + " signing");
  EVP_PKEY* pk = key.pkey.get();
  const int type = EVP_PKEY_get_base_id(pk);
  const int wanted = family == Family::Ecdsa   ? EVP_PKEY_EC
                     : family == Family::EdDsa ? EVP_PKEY_ED25519
                                               : EVP_PKEY_RSA;
  const bool fits = type == wanted;
  if (!fits) throw_builtin_error("invalid key type for " + std::string(alg) + " signing");
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = family == Family::EdDsa ? nullptr : alg_digest(alg);
  if (EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pk) != 1) throw_builtin_error("failed to sign: bad key");
  if (family == Family::Pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md);
  }
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) throw_builtin_error("failed to sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1)
    throw_builtin_error("failed to sign");
  sig.resize(len);
  if (family == Family::Ecdsa) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    if (es == nullptr) throw_builtin_error("failed to sign");
    const size_t size = static_cast<size_t>(ec_field_size(pk));
    std::string out(2 * size, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size));
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(out.data() + size), static_cast<int>(size));
    ECDSA_SIG_free(es);
    return out;
  }
  return sig;
}

// ---- keys as JSON ------------------------------------------------------------

namespace {

Value bn_number(const BIGNUM* bn) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  return big_number(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string bn_bytes(const BIGNUM* bn) {
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

Bn get_bn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return nullptr;
  return Bn(bn);
}

}  // namespace

Value big_number(const unsigned char* bytes, size_t n) {
  Bn bn(BN_bin2bn(bytes, static_cast<int>(n), nullptr));
  if (BN_num_bits(bn.get()) <= 62) return Value::integer(static_cast<int64_t>(BN_get_word(bn.get())));
  char* text = BN_bn2dec(bn.get());
  Value v = Value::bignum(text);
  OPENSSL_free(text);
  return v;
}

Value go_key_json(EVP_PKEY* key, bool private_part) {
  value::ObjectBuilder out;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: {
      out.add("N", bn_number(get_bn(key, OSSL_PKEY_PARAM_RSA_N).get()));
      out.add("E", bn_number(get_bn(key, OSSL_PKEY_PARAM_RSA_E).get()));
      if (!private_part) break;
      out.add("D", bn_number(get_bn(key, OSSL_PKEY_PARAM_RSA_D).get()));
      Bn p = get_bn(key, OSSL_PKEY_PARAM_RSA_FACTOR1), q = get_bn(key, OSSL_PKEY_PARAM_RSA_FACTOR2);
      out.add("Primes", p && q ? Value::array({bn_number(p.get()), bn_number(q.get())}) : Value::null());
      value::ObjectBuilder pre;
      Bn dp = get_bn(key, OSSL_PKEY_PARAM_RSA_EXPONENT1), dq = get_bn(key, OSSL_PKEY_PARAM_RSA_EXPONENT2);
      Bn qi = get_bn(key, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
      pre.add("Dp", dp ? bn_number(dp.get()) : Value::null());
      pre.add("Dq", dq ? bn_number(dq.get()) : Value::null());
      pre.add("Qinv", qi ? bn_number(qi.get()) : Value::null());
      pre.add("CRTValues", Value::empty_array());
      out.add("Precomputed", pre.build());
      break;
    }
    case EVP_PKEY_EC: {
      // elliptic.Curve values have no exported fields: Go writes {}.
      out.add("Curve", Value::empty_object());
      BIGNUM *x = nullptr, *y = nullptr;
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x);
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
      Bn bx(x), by(y);
      out.add("X", bx ? bn_number(bx.get()) : Value::null());
      out.add("Y", by ? bn_number(by.get()) : Value::null());
      if (private_part) {
        Bn d = get_bn(key, OSSL_PKEY_PARAM_PRIV_KEY);
        out.add("D", d ? bn_number(d.get()) : Value::null());
      }
      break;
    }
    case EVP_PKEY_ED25519: {
      // ed25519 keys are byte slices: base64 text. The private key is seed || public.
      unsigned char pub[32], priv[32];
      size_t pub_len = sizeof pub, priv_len = sizeof priv;
      EVP_PKEY_get_raw_public_key(key, pub, &pub_len);
      std::string bytes(reinterpret_cast<char*>(pub), pub_len);
      if (private_part && EVP_PKEY_get_raw_private_key(key, priv, &priv_len) == 1)
        bytes = std::string(reinterpret_cast<char*>(priv), priv_len) + bytes;
      return Value::string(value::base64_encode(bytes));
    }
    default:
      return Value::null();
  }
  return out.build();
}

Value key_to_jwk(EVP_PKEY* key) {
  value::ObjectBuilder out;
  auto field = [&](const char* name, const char* param) {
    if (Bn bn = get_bn(key, param)) out.add(name, Value::string(url_base64_encode(bn_bytes(bn.get()))));
  };
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      field("d", OSSL_PKEY_PARAM_RSA_D);
      field("dp", OSSL_PKEY_PARAM_RSA_EXPONENT1);
      field("dq", OSSL_PKEY_PARAM_RSA_EXPONENT2);
      field("e", OSSL_PKEY_PARAM_RSA_E);
      out.add("kty", Value::string("RSA"));
      field("n", OSSL_PKEY_PARAM_RSA_N);
      field("p", OSSL_PKEY_PARAM_RSA_FACTOR1);
      field("q", OSSL_PKEY_PARAM_RSA_FACTOR2);
      field("qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
      break;
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len);
      const std::string g = group;
      const char* crv = g == "prime256v1" ? "P-256" : g == "secp384r1" ? "P-384" : g == "secp521r1" ? "P-521" : "";
      out.add("crv", Value::string(crv));
      field("d", OSSL_PKEY_PARAM_PRIV_KEY);
      out.add("kty", Value::string("EC"));
      field("x", OSSL_PKEY_PARAM_EC_PUB_X);
      field("y", OSSL_PKEY_PARAM_EC_PUB_Y);
      break;
    }
    default:
      throw_builtin_error("unsupported key type");
  }
  return out.build();
}

}  // namespace tollgate::rego::crypto
