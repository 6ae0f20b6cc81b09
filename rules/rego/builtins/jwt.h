// The pieces of a compact JWS shared by io.jwt.decode, the io.jwt.verify_*
// builtins and io.jwt.decode_verify, with OPA's error texts (topdown/tokens.go).
#pragma once

#include <string>
#include <string_view>

#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

struct JwtParts {
  std::string_view header, payload, signature;  // still base64url
};

// header.payload.signature; "encoded JWT had no period separators" /
// "encoded JWT must have 3 sections, found N" otherwise.
JwtParts split_jwt(std::string_view token);
// base64url.decode with OPA's "JWT <part> had invalid encoding: " prefix on errors.
std::string decode_part(std::string_view part_name, std::string_view encoded, BuiltinContext& ctx);
// base64url.decode, its error unprefixed.
std::string jwt_base64url_decode(std::string_view encoded, BuiltinContext& ctx);
// A JSON object ("invalid JSON: ..." / "decoded JSON type was not an Object").
Value jwt_json_object(std::string_view text);

}  // namespace tollgate::rego
