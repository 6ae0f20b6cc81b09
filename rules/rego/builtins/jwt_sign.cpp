// io.jwt.encode_sign and io.jwt.encode_sign_raw (OPA topdown/tokens.go): a
// compact JWS signed with the first key of a JSON Web Key (set), by the
// header's "alg". encode_sign takes Rego values and writes them as Go's
// json.Marshal does; encode_sign_raw takes the JSON texts as they are.
#include <string>
#include <string_view>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/crypto_keys.h"
#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// jwsbb.HeaderGetString(jwsbb.HeaderParse(headers), key), whose JSON parser
// (fastjson) reads a bare run of number characters as a number. Sets *found
// false (with a nullopt error) when the header is JSON without that string key.
std::optional<std::string> header_string(std::string_view headers, std::string_view key, std::string* error) {
  if (blank(headers)) {
    *error = "cannot parse JSON: cannot parse empty string";
    return std::nullopt;
  }
  Value doc;
  std::string parse_error;
  if (!go_json_parse(headers, &doc, &parse_error)) {
    const std::string_view trimmed = headers.substr(headers.find_first_not_of(" \t\r\n"));
    const bool number_like = trimmed.find_first_not_of("0123456789+-.eE \t\r\n") == std::string_view::npos;
    *error = number_like ? "jwsbb: header \"" + std::string(key) + "\" not found" : "cannot parse JSON: " + parse_error;
    return std::nullopt;
  }
  const Value* v = doc.is_object() ? doc.find(key) : nullptr;
  if (v == nullptr) {
    *error = "jwsbb: header \"" + std::string(key) + "\" not found";
    return std::nullopt;
  }
  if (!v->is_string()) {
    *error = "value doesn't contain string; it contains " + std::string(rego_type_name(*v));
    return std::nullopt;
  }
  return v->as_string();
}

bool valid_json(std::string_view text) {
  Value ignored;
  std::string error;
  return go_json_parse(text, &ignored, &error);
}

std::string encode_sign(std::string_view headers, std::string_view payload, std::string_view jwk) {
  const std::vector<crypto::Key> keys = crypto::parse_jwk_set(jwk, false);
  if (keys.empty()) throw_builtin_error("no keys found in JWK set");
  std::string error;
  const std::optional<std::string> alg = header_string(headers, "alg", &error);
  if (!alg) throw_builtin_error("missing or invalid 'alg' header: " + error);
  if (!crypto::known_jws_algorithm(*alg)) throw_builtin_error("unknown JWS algorithm: " + *alg);
  const std::optional<std::string> typ = header_string(headers, "typ", &error);
  if ((!typ || *typ == "JWT") && !valid_json(payload)) throw_builtin_error("type is JWT but payload is not JSON");
  std::string input = crypto::url_base64_encode(headers) + "." + crypto::url_base64_encode(payload);
  const std::string signature = crypto::jws_sign(keys.front(), *alg, input);
  return input + "." + crypto::url_base64_encode(signature);
}

Result jwt_encode_sign(Args args, BuiltinContext&) {
  return Value::string(encode_sign(go_json_marshal(args[0]), go_json_marshal(args[1]), go_json_marshal(args[2])));
}

Result jwt_encode_sign_raw(Args args, BuiltinContext&) {
  const std::string& jwk = string_operand(args, 3);
  const std::string& headers = string_operand(args, 1);
  const std::string& payload = string_operand(args, 2);
  return Value::string(encode_sign(headers, payload, jwk));
}

}  // namespace

void register_jwt_sign_builtins(BuiltinRegistry& r) {
  r.add({.name = "io.jwt.encode_sign", .arity = 3, .function = jwt_encode_sign, .nondeterministic = true});
  r.add({.name = "io.jwt.encode_sign_raw", .arity = 3, .function = jwt_encode_sign_raw, .nondeterministic = true});
}

}  // namespace tollgate::rego
