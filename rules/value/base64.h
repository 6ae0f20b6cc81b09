// Standard base64 (RFC 4648 with padding), the form Go's encoding/json
// gives []byte values and Kubernetes uses for JSONPatch responses.
#pragma once

#include <string>
#include <string_view>

namespace tollgate::value {

std::string base64_encode(std::string_view bytes);
// The URL-safe alphabet of RFC 4648 §5 ('-' and '_'), padded or not (JWS
// uses it unpadded).
std::string base64url_encode(std::string_view bytes, bool pad);
// False when text is not valid padded standard base64.
bool base64_decode(std::string_view text, std::string* out);

}  // namespace tollgate::value
