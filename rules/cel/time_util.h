// Time arithmetic for CEL durations and timestamps: Go's duration syntax,
// RFC 3339, civil-calendar conversion and time-zone offsets (UTC, fixed
// "+05:30" offsets and IANA zones read from /usr/share/zoneinfo).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tollgate::cel {

// Go time.ParseDuration: "1h30m", "-1.5s", "300ms", "2us", "1µs". nullopt on
// a syntax error or when the value leaves the int64 nanosecond range.
std::optional<int64_t> parse_go_duration(std::string_view text);

// Seconds as cel-go prints them (Go float64 seconds, shortest form) and an
// "s" suffix: "1.5s", "60.001s", "0s".
std::string format_duration(int64_t nanos);

// RFC 3339 with "Z" or a numeric offset and an optional fraction (up to 9
// digits); false on a syntax error or when outside year 1..9999. The offset
// (seconds east of UTC) is kept when asked for: cel-go's timestamps remember
// it, as Go's time.Parse does.
bool parse_rfc3339(std::string_view text, int64_t* seconds, int32_t* nanos, int32_t* offset_seconds = nullptr);

// RFC 3339 (Go's RFC3339Nano) with trailing zeros of the fraction trimmed, at
// the given offset east of UTC ("Z" when it is 0).
std::string format_rfc3339(int64_t seconds, int32_t nanos, int32_t offset_seconds = 0);

struct CivilTime {
  int64_t year;
  int month;        // 1..12
  int day;          // 1..31
  int hour, minute, second;
  int day_of_week;  // 0 = Sunday
  int day_of_year;  // 0-based
};

CivilTime civil_from_seconds(int64_t seconds);
int64_t days_from_civil(int64_t year, int month, int day);

// Offset east of UTC in seconds of `zone` at instant `seconds`. Accepts
// "UTC", IANA names and "[+-]HH:MM". nullopt for an unknown zone.
std::optional<int64_t> zone_offset(std::string_view zone, int64_t seconds);

}  // namespace tollgate::cel
