// io.jwt.verify_{rs,ps,es,hs}{256,384,512}, io.jwt.verify_eddsa and
// io.jwt.decode_verify (OPA topdown/tokens.go): signature checks with keys
// from PEM certificates, PEM public keys, JSON Web Keys (sets) or HMAC
// secrets, and decode_verify's constraints (alg, iss, aud, exp, nbf, time).
#include <string>
#include <string_view>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/crypto_keys.h"
#include "rules/rego/builtins/jwt.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/number.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// The JOSE header fields decode_verify and the verify_* builtins look at.
struct TokenHeader {
  std::string alg, kid, typ, cty;
  std::vector<std::string> crit, unknown;

  // RFC 7515: "alg" must be present and every critical parameter understood.
  bool valid() const {
    if (alg.empty()) return false;
    for (const auto& u : unknown)
      for (const auto& c : crit)
        if (u == c) return false;
    return true;
  }
};

TokenHeader parse_header(const Value& header) {
  TokenHeader out;
  for (const auto& [k, v] : header.entries()) {
    const std::string& name = k.as_string();
    std::string* where = name == "alg" ? &out.alg : name == "kid" ? &out.kid : name == "typ" ? &out.typ
                       : name == "cty" ? &out.cty : nullptr;
    if (where != nullptr) {
      if (!v.is_string()) throw_builtin_error(name + ": must be a string");
      *where = v.as_string();
    } else if (name == "crit") {
      if (!v.is_array()) throw_builtin_error("crit: must be a list");
      for (const Value& item : v.items())
        if (item.is_string()) out.crit.push_back(item.as_string());
      if (out.crit.empty()) throw_builtin_error("crit: must be a nonempty list");
    } else {
      out.unknown.push_back(name);
    }
  }
  return out;
}

Value decode_header(std::string_view encoded, BuiltinContext& ctx) {
  const std::string text = decode_part("header", encoded, ctx);
  Value header;
  try {
    header = jwt_json_object(text);
  } catch (const BuiltinError& e) {
    throw_builtin_error(std::string("bad JWT header: ") + e.what());
  }
  if (header.find("enc")) throw_builtin_error("JWT is a JWE object, which is not supported");
  return header;
}

const crypto::Key* key_by_kid(const std::vector<crypto::Key>& keys, const std::string& kid) {
  for (const auto& k : keys)
    if (k.kid == kid) return &k;
  return nullptr;
}

// Whether any of the keys verifies the token: the key whose "kid" the header
// names, else every key whose "alg" (when it has one) is the header's.
bool verify_with_keys(const std::vector<crypto::Key>& keys, const std::string& kid, const std::string& header_alg,
                      std::string_view verify_alg, std::string_view input, std::string_view signature) {
  if (!kid.empty())
    if (const crypto::Key* k = key_by_kid(keys, kid)) return crypto::jws_verify(*k, verify_alg, input, signature);
  for (const auto& k : keys) {
    if (!k.alg.empty() && k.alg != header_alg) continue;
    if (crypto::jws_verify(k, verify_alg, input, signature)) return true;
  }
  return false;
}

std::string signed_input(const JwtParts& parts) {
  std::string input(parts.header);
  input += '.';
  input += parts.payload;
  return input;
}

// io.jwt.verify_<alg>(jwt, certificate) for the asymmetric algorithms.
template <const char* Alg>
Result verify_asymmetric(Args args, BuiltinContext& ctx) {
  const JwtParts parts = split_jwt(string_operand(args, 1));
  const std::vector<crypto::Key> keys = crypto::keys_from_cert_or_jwk(string_operand(args, 2));
  const std::string signature = jwt_base64url_decode(parts.signature, ctx);
  const TokenHeader header = parse_header(decode_header(parts.header, ctx));
  return Value::boolean(verify_with_keys(keys, header.kid, header.alg, Alg, signed_input(parts), signature));
}

// io.jwt.verify_hs<bits>(jwt, secret).
template <const char* Alg>
Result verify_hmac(Args args, BuiltinContext& ctx) {
  const std::string& token = string_operand(args, 1);
  crypto::Key key;
  key.symmetric = true;
  key.secret = string_operand(args, 2);
  const JwtParts parts = split_jwt(token);
  const std::string signature = jwt_base64url_decode(parts.signature, ctx);
  return Value::boolean(crypto::jws_verify(key, Alg, signed_input(parts), signature));
}

// ---- io.jwt.decode_verify ----------------------------------------------------

struct Constraints {
  std::vector<crypto::Key> keys;
  bool have_keys = false;
  std::string secret, alg, iss, aud;
  double time = -1;
};

double time_from(const Value& v) {
  if (!v.is_number()) throw_builtin_error("token time constraint: must be a number");
  const double t = v.to_double();
  if (t < 0) throw_builtin_error("token time constraint: must not be negative");
  return t;
}

Constraints parse_constraints(const Value& object, BuiltinContext& ctx) {
  Constraints c;
  for (const auto& [k, v] : object.entries()) {
    const std::string name = k.is_string() ? k.as_string() : "";
    // A structured binding is named through an init-capture (clang 14 cannot capture one).
    auto string_constraint = [&, &v = v](std::string* where) {
      if (!v.is_string()) throw_builtin_error(name + " constraint: must be a string");
      *where = v.as_string();
    };
    if (name == "cert") {
      if (!v.is_string()) throw_builtin_error("cert constraint: must be a string");
      c.keys = crypto::keys_from_cert_or_jwk(v.as_string());
      c.have_keys = true;
    } else if (name == "secret") {
      string_constraint(&c.secret);
    } else if (name == "alg") {
      string_constraint(&c.alg);
    } else if (name == "iss") {
      string_constraint(&c.iss);
    } else if (name == "aud") {
      string_constraint(&c.aud);
    } else if (name == "time") {
      c.time = time_from(v);
    } else {
      throw_builtin_error("unknown token validation constraint: " + name);
    }
  }
  if (c.time == -1) {
    // The query's wall clock, as time.now_ns reads it (once per query).
    const BuiltinInfo* now = BuiltinRegistry::standard().find("time.now_ns");
    c.time = time_from(*now->function({}, ctx));
  }
  const int key_kinds = (c.have_keys ? 1 : 0) + (c.secret.empty() ? 0 : 1);
  if (key_kinds > 1) throw_builtin_error("duplicate key constraints");
  if (key_kinds < 1) throw_builtin_error("no key constraint");
  return c;
}

bool valid_audience(const Value& aud, const std::string& want) {
  if (aud.is_string()) return aud.as_string() == want;
  if (!aud.is_array()) return false;
  for (const Value& item : aud.items())
    if (item.is_string() && item.as_string() == want) return true;
  return false;
}

Result decode_verify(Args args, BuiltinContext& ctx) {
  const Value& constraints_arg = object_operand(args, 2);
  const Value unverified = Value::array({Value::boolean(false), Value::empty_object(), Value::empty_object()});
  const Constraints c = parse_constraints(constraints_arg, ctx);

  std::string token = string_operand(args, 1);
  Value header;
  std::string payload_text;
  for (;;) {
    const JwtParts parts = split_jwt(token);
    header = decode_header(parts.header, ctx);
    const TokenHeader h = parse_header(header);
    if (!h.valid()) return unverified;
    if (!c.alg.empty() && c.alg != h.alg) return unverified;
    const std::string signature = jwt_base64url_decode(parts.signature, ctx);
    const std::string input = signed_input(parts);
    bool verified;
    if (c.have_keys) {
      verified = verify_with_keys(c.keys, h.kid, h.alg, h.alg, input, signature);
    } else {
      crypto::Key secret;
      secret.symmetric = true;
      secret.secret = c.secret;
      verified = crypto::jws_verify(secret, h.alg, input, signature);
    }
    if (!verified) return unverified;
    payload_text = decode_part("payload", parts.payload, ctx);
    std::string cty = h.cty;
    for (char& ch : cty) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (cty != "JWT") break;
    token = payload_text;  // a nested token: verify it with the same constraints
  }
  const Value payload = jwt_json_object(payload_text);

  if (!c.iss.empty()) {
    const Value* iss = payload.find("iss");
    if (iss == nullptr || !iss->is_string() || iss->as_string() != c.iss) return unverified;
  }
  if (const Value* aud = payload.find("aud")) {
    if (!valid_audience(*aud, c.aud)) return unverified;
  } else if (!c.aud.empty()) {
    return unverified;
  }
  // The time in seconds as a float64, compared exactly with the claims (ast.Compare).
  const Value now_seconds = canonical_number(Value::number(c.time / 1e9));
  if (const Value* exp = payload.find("exp")) {
    if (!exp->is_number()) throw_builtin_error("exp value must be a number");
    if (value::compare(now_seconds, *exp) >= 0) return unverified;
  }
  if (const Value* nbf = payload.find("nbf")) {
    if (!nbf->is_number()) throw_builtin_error("nbf value must be a number");
    if (value::compare(now_seconds, *nbf) < 0) return unverified;
  }
  return Value::array({Value::boolean(true), header, payload});
}

constexpr char kRS256[] = "RS256", kRS384[] = "RS384", kRS512[] = "RS512";
constexpr char kPS256[] = "PS256", kPS384[] = "PS384", kPS512[] = "PS512";
constexpr char kES256[] = "ES256", kES384[] = "ES384", kES512[] = "ES512";
constexpr char kHS256[] = "HS256", kHS384[] = "HS384", kHS512[] = "HS512";
constexpr char kEdDSA[] = "EdDSA";

}  // namespace

void register_jwt_verify_builtins(BuiltinRegistry& r) {
  r.add({.name = "io.jwt.verify_rs256", .arity = 2, .function = verify_asymmetric<kRS256>});
  r.add({.name = "io.jwt.verify_rs384", .arity = 2, .function = verify_asymmetric<kRS384>});
  r.add({.name = "io.jwt.verify_rs512", .arity = 2, .function = verify_asymmetric<kRS512>});
  r.add({.name = "io.jwt.verify_ps256", .arity = 2, .function = verify_asymmetric<kPS256>});
  r.add({.name = "io.jwt.verify_ps384", .arity = 2, .function = verify_asymmetric<kPS384>});
  r.add({.name = "io.jwt.verify_ps512", .arity = 2, .function = verify_asymmetric<kPS512>});
  r.add({.name = "io.jwt.verify_es256", .arity = 2, .function = verify_asymmetric<kES256>});
  r.add({.name = "io.jwt.verify_es384", .arity = 2, .function = verify_asymmetric<kES384>});
  r.add({.name = "io.jwt.verify_es512", .arity = 2, .function = verify_asymmetric<kES512>});
  r.add({.name = "io.jwt.verify_eddsa", .arity = 2, .function = verify_asymmetric<kEdDSA>});
  r.add({.name = "io.jwt.verify_hs256", .arity = 2, .function = verify_hmac<kHS256>});
  r.add({.name = "io.jwt.verify_hs384", .arity = 2, .function = verify_hmac<kHS384>});
  r.add({.name = "io.jwt.verify_hs512", .arity = 2, .function = verify_hmac<kHS512>});
  r.add({.name = "io.jwt.decode_verify", .arity = 2, .function = decode_verify, .nondeterministic = true});
}

}  // namespace tollgate::rego
