// io.jwt.decode (OPA topdown/tokens.go): a JSON Web Signature's header,
// payload and signature, without verifying anything. Nested tokens (header
// "cty": "JWT") are decoded down to the innermost one.
#include <string>
#include <string_view>

#include "rules/rego/builtins/jwt.h"

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_json.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

// A standard one-argument builtin (base64url.decode, hex.encode), so the JWT
// parts decode with exactly their alphabets, padding rules and error texts.
std::string call_string_builtin(std::string_view name, std::string_view arg, BuiltinContext& ctx) {
  const BuiltinInfo* info = BuiltinRegistry::standard().find(name);
  const Value operand = Value::string(arg);
  return info->function(std::span<const Value>(&operand, 1), ctx)->as_string();
}

}  // namespace

std::string decode_part(std::string_view part_name, std::string_view encoded, BuiltinContext& ctx) {
  try {
    return call_string_builtin("base64url.decode", encoded, ctx);
  } catch (const BuiltinError& e) {
    throw_builtin_error("JWT " + std::string(part_name) + " had invalid encoding: " + e.what());
  }
}

Value jwt_json_object(std::string_view text) {
  Value out;
  std::string error;
  if (!go_json_parse(text, &out, &error)) throw_builtin_error("invalid JSON: " + error);
  if (!out.is_object()) throw_builtin_error("decoded JSON type was not an Object");
  return out;
}

JwtParts split_jwt(std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) throw_builtin_error("encoded JWT had no period separators");
  const size_t second = token.find('.', first + 1);
  size_t sections = 1;
  for (char c : token) sections += c == '.';
  if (sections != 3) throw_builtin_error("encoded JWT must have 3 sections, found " + std::to_string(sections));
  return {token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

std::string jwt_base64url_decode(std::string_view encoded, BuiltinContext& ctx) {
  return call_string_builtin("base64url.decode", encoded, ctx);
}

namespace {

std::string_view trim_quotes(std::string_view s) {
  const std::string_view quotes = "\"'";
  while (!s.empty() && quotes.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && quotes.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

Value decode_token(std::string_view token, BuiltinContext& ctx) {
  const auto [header_text, payload_text, signature_text] = split_jwt(token);
  const std::string header_json = decode_part("header", header_text, ctx);
  Value header;
  try {
    header = jwt_json_object(header_json);
  } catch (const BuiltinError& e) {
    throw_builtin_error(std::string("bad JWT header: ") + e.what());
  }
  // A JSON Web Encryption object carries "enc"; only signed tokens are read.
  if (header.find("enc")) throw_builtin_error("JWT is a JWE object, which is not supported");

  const std::string payload = decode_part("payload", payload_text, ctx);
  const Value* content_type = header.find("cty");
  if (content_type && content_type->is_string() && content_type->as_string() == "JWT") {
    // The inner token is often JSON-quoted (as jwt.io writes it).
    return decode_token(trim_quotes(payload), ctx);
  }
  Value claims = jwt_json_object(payload);
  const std::string signature = decode_part("signature", signature_text, ctx);
  Value signature_hex = Value::string(call_string_builtin("hex.encode", signature, ctx));
  return Value::array({std::move(header), std::move(claims), std::move(signature_hex)});
}

Result jwt_decode(Args args, BuiltinContext& ctx) { return decode_token(string_operand(args, 1), ctx); }

}  // namespace

void register_jwt_builtins(BuiltinRegistry& r) { r.add({.name = "io.jwt.decode", .arity = 1, .function = jwt_decode}); }

}  // namespace tollgate::rego
