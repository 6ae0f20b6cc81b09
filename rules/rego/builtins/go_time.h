// Go's time layouts and durations, for OPA's time.* builtins: Time.Format
// and time.Parse with reference-time layouts ("2006-01-02T15:04:05Z07:00"),
// and time.ParseDuration ("1h30m", "100ms"). Errors read as Go's do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rules/rego/builtins/time_zone.h"

namespace tollgate::rego {

// An instant: seconds since the Unix epoch and the nanoseconds after them.
struct Instant {
  int64_t seconds = 0;
  int32_t nanos = 0;  // 0..999999999
};

// The named layouts OPA accepts in place of a layout ("RFC3339", "ANSIC",
// "RFC1123Z", ...); the text itself when it is not one of them.
std::string_view resolve_time_layout(std::string_view layout);

// t.In(zone).Format(layout).
std::string format_time(const Instant& t, const TimeZone& zone, std::string_view layout);

// time.Parse(layout, value): times without a zone are UTC; a numeric offset
// shifts the instant, a zone abbreviation does not. false with Go's message
// in *error ("parsing time \"x\" as \"2006\": cannot parse ...").
bool parse_time(std::string_view layout, std::string_view value, Instant* out, std::string* error);

// time.ParseDuration in nanoseconds; false with Go's message in *error.
bool parse_duration(std::string_view text, int64_t* nanoseconds, std::string* error);

}  // namespace tollgate::rego
