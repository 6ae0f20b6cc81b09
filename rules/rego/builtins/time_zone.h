// Time zones as Go's time package sees them (OPA's time.* builtins take an
// IANA name such as "America/New_York"): TZif files from the system zoneinfo
// directory, with the POSIX TZ rule at the end of the file for times after
// the last listed transition.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::rego {

// The zone in effect at an instant, and the span [start, end) of Unix
// seconds over which it stays in effect (approximate far from transitions,
// as Go's).
struct ZonePeriod {
  std::string abbreviation;  // "PST", "+0530", "UTC"
  int32_t offset = 0;        // seconds east of UTC
  int64_t start = INT64_MIN;
  int64_t end = INT64_MAX;
};

class TimeZone {
 public:
  static std::shared_ptr<const TimeZone> utc();
  // time.LoadLocation: "" and "UTC" are UTC, "Local" the system zone (TZ, then
  // /etc/localtime), anything else a file under ZONEINFO or /usr/share/zoneinfo.
  // nullptr with *error set ("unknown time zone X") when it cannot be loaded.
  // Loaded zones are cached for the life of the process.
  static std::shared_ptr<const TimeZone> load(std::string_view name, std::string* error);
  // A zone from the contents of a TZif file; nullptr when malformed.
  static std::shared_ptr<const TimeZone> from_tzif(std::string name, std::string_view data);

  const std::string& name() const { return name_; }
  ZonePeriod lookup(int64_t unix_seconds) const;
  // Go's Date: the Unix time of a wall-clock time (seconds since 1970-01-01
  // 00:00 on the local calendar) in this zone.
  int64_t unix_of_local(int64_t local_seconds) const;

 private:
  struct Zone {
    std::string abbreviation;
    int32_t offset;
    bool dst;
  };
  struct Transition {
    int64_t when;
    uint8_t zone;
  };
  size_t first_zone() const;

  std::string name_;
  std::vector<Zone> zones_;
  std::vector<Transition> transitions_;
  std::string extend_;  // POSIX TZ rule for times after the last transition
};

}  // namespace tollgate::rego
