#include "rules/cel/time_util.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "rules/cel/go_format.h"
#include "rules/value/thread_cache.h"

namespace tollgate::cel {

namespace {

constexpr uint64_t kMaxDurationMagnitude = uint64_t{1} << 63;

struct Unit {
  std::string_view name;
  uint64_t nanos;
};
constexpr Unit kUnits[] = {
    {"ns", 1},          {"us", 1000},       {"\xC2\xB5s", 1000}, {"\xCE\xBCs", 1000}, {"ms", 1000000},
    {"s", 1000000000},  {"m", 60000000000}, {"h", 3600000000000},
};

}  // namespace

std::optional<int64_t> parse_go_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return std::nullopt;
    uint64_t whole = 0;
    size_t i = 0;
    bool any_digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (whole > (kMaxDurationMagnitude - 1) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      if (whole > kMaxDurationMagnitude) return std::nullopt;
      ++i;
      any_digits = true;
    }
    uint64_t frac = 0;
    double frac_scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      bool overflow = false;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        any_digits = true;
        if (!overflow) {
          if (frac > (UINT64_MAX - 9) / 10) {
            overflow = true;
          } else {
            frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
            frac_scale *= 10;
          }
        }
        ++i;
      }
    }
    if (!any_digits) return std::nullopt;
    size_t u = i;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    if (u == i) return std::nullopt;
    const std::string_view unit_name = s.substr(i, u - i);
    const Unit* unit = nullptr;
    for (const auto& candidate : kUnits)
      if (candidate.name == unit_name) unit = &candidate;
    if (unit == nullptr) return std::nullopt;
    if (whole > kMaxDurationMagnitude / unit->nanos) return std::nullopt;
    uint64_t value = whole * unit->nanos;
    if (frac > 0) {
      value += static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(unit->nanos) / frac_scale));
      if (value > kMaxDurationMagnitude) return std::nullopt;
    }
    total += value;
    if (total > kMaxDurationMagnitude) return std::nullopt;
    s.remove_prefix(u);
  }
  if (!negative && total > kMaxDurationMagnitude - 1) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - total) : static_cast<int64_t>(total);
}

std::string format_duration(int64_t nanos) {
  // cel-go: strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s", where
  // Seconds() is a float64, so a long fraction rounds like Go's float does
  // (9223372036.854775807s prints as "9223372036.854776s").
  const int64_t sec = nanos / 1000000000;
  const int64_t nsec = nanos % 1000000000;
  const double seconds = static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
  return (seconds == 0 ? std::string("0") : format_double_fixed(seconds, -1)) + "s";
}

int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime civil_from_seconds(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  CivilTime c{};
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  c.day_of_week = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.day_of_year = static_cast<int>(days - days_from_civil(c.year, 1, 1));
  return c;
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

}  // namespace

bool parse_rfc3339(std::string_view s, int64_t* seconds, int32_t* nanos, int32_t* offset_seconds) {
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &month) || s[7] != '-' ||
      !digits(s, 8, 2, &day) || s[10] != 'T' || !digits(s, 11, 2, &hour) || s[13] != ':' ||
      !digits(s, 14, 2, &minute) || s[16] != ':' || !digits(s, 17, 2, &second))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 59)
    return false;
  size_t pos = 19;
  int32_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) frac = frac * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return false;
    for (size_t i = n; i < 9; ++i) frac *= 10;
  }
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, &om))
      return false;
    if (oh > 23 || om > 59) return false;
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  const int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  if (secs < -62135596800 || secs > 253402300799) return false;
  *seconds = secs;
  *nanos = frac;
  if (offset_seconds != nullptr) *offset_seconds = static_cast<int32_t>(offset);
  return true;
}

std::string format_rfc3339(int64_t seconds, int32_t nanos, int32_t offset_seconds) {
  const CivilTime c = civil_from_seconds(seconds + offset_seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(c.year), c.month, c.day,
                c.hour, c.minute, c.second);
  std::string out(buf);
  if (nanos != 0) {
    std::snprintf(buf, sizeof buf, "%09d", nanos);
    std::string f(buf);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += '.';
    out += f;
  }
  if (offset_seconds == 0) {
    out += 'Z';
  } else {
    const int32_t a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    out += buf;
  }
  return out;
}

namespace {

// The transitions of one IANA zone, read from its TZif file (version 2+
// 64-bit section). Instants after the last transition keep its offset.
struct ZoneInfo {
  std::vector<int64_t> transitions;
  std::vector<uint8_t> type_of_transition;
  std::vector<int32_t> offsets;  // per local time type
  int32_t initial_offset = 0;

  int64_t offset_at(int64_t t) const {
    auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
    if (it == transitions.begin()) return initial_offset;
    return offsets[type_of_transition[static_cast<size_t>(it - transitions.begin() - 1)]];
  }
};

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

std::shared_ptr<ZoneInfo> load_zone(const std::string& name) {
  // Go's time.LoadLocation refuses names that could leave the zoneinfo
  // folder. A NUL byte would end the file name early, and a folder
  // ("America") is no zone: reading one throws from the stream buffer, which
  // must not end the process over a request's time zone argument.
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/' || name[0] == '\\' ||
      name.find('\0') != std::string::npos) {
    return nullptr;
  }
  const std::string path = "/usr/share/zoneinfo/" + name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream text;
  text << in.rdbuf();  // a read error sets failbit here instead of throwing
  const std::string data = text.str();
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  auto header = [&](size_t at, uint32_t* counts) {
    if (at + 44 > data.size() || data.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) counts[i] = be32(p + at + 20 + 4 * i);
    return true;
  };
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return nullptr;
  size_t at = 44;
  size_t time_size = 4;
  if (data[4] >= '2') {
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (!header(at, c)) return nullptr;
    at += 44;
    time_size = 8;
  }
  const size_t need = c[3] * time_size + c[3] + c[4] * 6;
  if (at + need > data.size() || c[4] == 0) return nullptr;
  auto zone = std::make_shared<ZoneInfo>();
  for (uint32_t i = 0; i < c[3]; ++i) {
    const unsigned char* q = p + at + i * time_size;
    int64_t t = time_size == 8 ? static_cast<int64_t>((uint64_t{be32(q)} << 32) | be32(q + 4))
                               : static_cast<int64_t>(static_cast<int32_t>(be32(q)));
    zone->transitions.push_back(t);
  }
  at += c[3] * time_size;
  for (uint32_t i = 0; i < c[3]; ++i) zone->type_of_transition.push_back(p[at + i]);
  at += c[3];
  for (uint32_t i = 0; i < c[4]; ++i) zone->offsets.push_back(static_cast<int32_t>(be32(p + at + i * 6)));
  for (auto t : zone->type_of_transition)
    if (t >= zone->offsets.size()) return nullptr;
  zone->initial_offset = zone->offsets[0];
  return zone;
}

std::shared_ptr<ZoneInfo> find_zone(std::string_view name) {
  // Per thread: no lock on the request path (null: no such zone, remembered too).
  thread_local value::BoundedCache<std::shared_ptr<ZoneInfo>> cache(1024, size_t{1} << 16);
  return cache.get(name, [&] { return load_zone(std::string(name)); });
}

std::optional<int> parse_signed_int(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return neg ? -v : v;
}

}  // namespace

std::optional<int64_t> zone_offset(std::string_view zone, int64_t seconds) {
  const size_t colon = zone.find(':');
  if (colon == std::string_view::npos) {
    if (zone == "UTC" || zone == "utc" || zone.empty()) return 0;
    auto info = find_zone(zone);
    if (!info) return std::nullopt;
    return info->offset_at(seconds);
  }
  // cel-go: "[+-]HH:MM" parsed as hours and minutes; a leading '-' negates both.
  auto hours = parse_signed_int(zone.substr(0, colon));
  auto minutes = parse_signed_int(zone.substr(colon + 1));
  if (!hours || !minutes) return std::nullopt;
  const int offset = zone[0] == '-' ? *hours * 60 - *minutes : *hours * 60 + *minutes;
  return int64_t{offset} * 60;
}

}  // namespace tollgate::cel
