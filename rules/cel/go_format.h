// Number formatting the way Go's strconv does it, which is what cel-go's
// string() and format() print.
#pragma once

#include <string>

namespace tollgate::cel {

// strconv.FormatFloat(d, 'g', -1, 64): shortest round-trip digits, in %e form
// when the decimal exponent is < -4 or >= 6 (Go's rule for shortest 'g'):
// "123.456", "1e+06", "1.234567e+06", "1e-05", "NaN", "+Inf".
std::string format_double_go(double d);

// strconv.FormatFloat(d, 'f', precision, 64); precision < 0 means shortest.
std::string format_double_fixed(double d, int precision);

}  // namespace tollgate::cel
