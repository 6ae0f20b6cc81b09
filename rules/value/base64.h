// Standard base64 (RFC 4648 with padding), the form Go's encoding/json
// gives []byte values and Kubernetes uses for JSONPatch responses.
#pragma once

#include <string>
#include <string_view>

namespace tollgate::value {

std::string base64_encode(std::string_view bytes);
// False when text is not valid padded standard base64.
bool base64_decode(std::string_view text, std::string* out);

}  // namespace tollgate::value
