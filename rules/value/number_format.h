// Doubles formatted the way Go formats them, so output matches Gatekeeper
// and the Kubernetes API server byte for byte.
#pragma once

#include <string>

namespace tollgate::value {

// Go encoding/json: shortest round-trip digits, plain decimal for
// 1e-6 <= |x| < 1e21 ("3", "0.1", "1000000"), exponent form otherwise
// ("1e+21", "1e-7"). NaN and infinities have no JSON form: "null".
void append_json_double(double d, std::string& out);

// Go strconv.FormatFloat(d, 'g', -1, 64), which is also fmt's %v (Rego
// number text, CEL string(double)): shortest digits, exponent form when the
// decimal exponent is < -4 or >= 6: "1e+06", "1.234567e+06", "123.456",
// "1e-05", "-0", "+Inf", "-Inf", "NaN".
std::string format_double_g(double d);

}  // namespace tollgate::value
