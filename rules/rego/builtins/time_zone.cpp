#include "rules/rego/builtins/time_zone.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/rego/builtins/civil_time.h"
#include "rules/value/thread_cache.h"

namespace tollgate::rego {

namespace {

// ---- POSIX TZ rules (Go's tzset) ----

constexpr int kSecondsPerHour = 3600;

bool tz_number(std::string_view& s, int min, int max, int* out) {
  size_t i = 0;
  int n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    n = n * 10 + (s[i] - '0');
    if (n > max) return false;
    ++i;
  }
  if (i == 0 || n < min) return false;
  s.remove_prefix(i);
  *out = n;
  return true;
}

bool tz_name(std::string_view& s, std::string* name) {
  if (s.empty()) return false;
  if (s[0] != '<') {
    size_t i = 0;
    while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != ',' && s[i] != '-' && s[i] != '+') ++i;
    if (i < 3) return false;
    *name = std::string(s.substr(0, i));
    s.remove_prefix(i);
    return true;
  }
  size_t close = s.find('>');
  if (close == std::string_view::npos) return false;
  *name = std::string(s.substr(1, close - 1));
  s.remove_prefix(close + 1);
  return true;
}

bool tz_offset(std::string_view& s, int* out) {
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int hours = 0, minutes = 0, seconds = 0;
  if (!tz_number(s, 0, 24 * 7, &hours)) return false;
  if (!s.empty() && s[0] == ':') {
    s.remove_prefix(1);
    if (!tz_number(s, 0, 59, &minutes)) return false;
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!tz_number(s, 0, 59, &seconds)) return false;
    }
  }
  int offset = hours * kSecondsPerHour + minutes * 60 + seconds;
  *out = negative ? -offset : offset;
  return true;
}

struct Rule {
  enum Kind { Julian, DayOfYear, MonthWeekDay } kind = DayOfYear;
  int day = 0, week = 0, month = 0;
  int time = 2 * kSecondsPerHour;
};

bool tz_rule(std::string_view& s, Rule* r) {
  if (s.empty()) return false;
  if (s[0] == 'J') {
    s.remove_prefix(1);
    r->kind = Rule::Julian;
    if (!tz_number(s, 1, 365, &r->day)) return false;
  } else if (s[0] == 'M') {
    s.remove_prefix(1);
    r->kind = Rule::MonthWeekDay;
    if (!tz_number(s, 1, 12, &r->month) || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!tz_number(s, 1, 5, &r->week) || s.empty() || s[0] != '.') return false;
    s.remove_prefix(1);
    if (!tz_number(s, 0, 6, &r->day)) return false;
  } else {
    r->kind = Rule::DayOfYear;
    if (!tz_number(s, 0, 365, &r->day)) return false;
  }
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    return tz_offset(s, &r->time);
  }
  return true;
}

// Seconds after the start of the year (UTC) at which the rule applies.
int64_t rule_time(int64_t year, const Rule& r, int offset) {
  int64_t s = 0;
  switch (r.kind) {
    case Rule::Julian:
      s = int64_t{r.day - 1} * civil::kSecondsPerDay;
      if (civil::is_leap(year) && r.day >= 60) s += civil::kSecondsPerDay;
      break;
    case Rule::DayOfYear: s = int64_t{r.day} * civil::kSecondsPerDay; break;
    case Rule::MonthWeekDay: {
      int first_weekday = civil::weekday(civil::days_from_civil(year, r.month, 1));
      int d = r.day - first_weekday;
      if (d < 0) d += 7;
      for (int i = 1; i < r.week; ++i) {
        if (d + 7 >= civil::days_in_month(year, r.month)) break;
        d += 7;
      }
      d += civil::days_before_month(r.month);
      if (civil::is_leap(year) && r.month > 2) ++d;
      s = int64_t{d} * civil::kSecondsPerDay;
      break;
    }
  }
  return s + r.time - offset;
}

std::optional<ZonePeriod> tz_rule_period(std::string_view s, int64_t last_transition, int64_t sec) {
  std::string std_name, dst_name;
  int std_offset = 0, dst_offset = 0;
  if (!tz_name(s, &std_name) || !tz_offset(s, &std_offset)) return std::nullopt;
  std_offset = -std_offset;  // POSIX offsets are west of UTC
  if (s.empty() || s[0] == ',') return ZonePeriod{std_name, std_offset, last_transition, INT64_MAX};
  if (!tz_name(s, &dst_name)) return std::nullopt;
  if (s.empty() || s[0] == ',') {
    dst_offset = std_offset + kSecondsPerHour;
  } else {
    if (!tz_offset(s, &dst_offset)) return std::nullopt;
    dst_offset = -dst_offset;
  }
  std::string_view rules = s.empty() ? std::string_view(",M3.2.0,M11.1.0") : s;
  if (rules[0] != ',' && rules[0] != ';') return std::nullopt;
  rules.remove_prefix(1);
  Rule start_rule, end_rule;
  if (!tz_rule(rules, &start_rule) || rules.empty() || rules[0] != ',') return std::nullopt;
  rules.remove_prefix(1);
  if (!tz_rule(rules, &end_rule) || !rules.empty()) return std::nullopt;

  const int64_t days = civil::floor_div(sec, civil::kSecondsPerDay);
  const civil::Date date = civil::civil_from_days(days);
  const int64_t year_start = civil::days_from_civil(date.year, 1, 1) * civil::kSecondsPerDay;
  const int64_t year_second = sec - year_start;
  int64_t start_sec = rule_time(date.year, start_rule, std_offset);
  int64_t end_sec = rule_time(date.year, end_rule, dst_offset);
  if (end_sec < start_sec) {  // southern hemisphere: the labels swap
    std::swap(start_sec, end_sec);
    std::swap(std_name, dst_name);
    std::swap(std_offset, dst_offset);
  }
  if (year_second < start_sec) return ZonePeriod{std_name, std_offset, year_start, start_sec + year_start};
  if (year_second >= end_sec) {
    return ZonePeriod{std_name, std_offset, end_sec + year_start, year_start + 365 * civil::kSecondsPerDay};
  }
  return ZonePeriod{dst_name, dst_offset, start_sec + year_start, end_sec + year_start};
}

// ---- TZif ----

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool take(size_t n, std::string_view* out) {
    if (data_.size() < n) return false;
    *out = data_.substr(0, n);
    data_.remove_prefix(n);
    return true;
  }
  bool big_endian(size_t n, uint64_t* out) {
    std::string_view bytes;
    if (!take(n, &bytes)) return false;
    *out = 0;
    for (char c : bytes) *out = (*out << 8) | static_cast<unsigned char>(c);
    return true;
  }
  std::string_view rest() const { return data_; }

 private:
  std::string_view data_;
};

std::optional<std::string> read_file(const std::string& path) {
  // A NUL byte would end the file name early (Go's open refuses such a
  // name: unknown time zone); a folder ("America") is no zone file.
  std::error_code ec;
  if (path.find('\0') != std::string::npos || !std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::shared_ptr<const TimeZone> load_uncached(std::string_view name, std::string* error) {
  if (name.empty() || name == "UTC") return TimeZone::utc();
  if (name == "Local") {
    const char* tz = std::getenv("TZ");
    if (tz) {
      std::string_view spec = tz;
      if (!spec.empty() && spec[0] == ':') spec.remove_prefix(1);
      std::string ignored;
      if (spec.empty() || spec == "UTC") return TimeZone::utc();
      if (auto zone = TimeZone::load(spec, &ignored)) return zone;
      return TimeZone::utc();
    }
    if (auto data = read_file("/etc/localtime")) {
      if (auto zone = TimeZone::from_tzif("Local", *data)) return zone;
    }
    return TimeZone::utc();
  }
  // Go refuses names that could escape the zoneinfo directory.
  if (name[0] == '/' || name[0] == '\\' || name.find("..") != std::string_view::npos) {
    *error = "time: invalid location name";
    return nullptr;
  }
  std::vector<std::string> directories;
  if (const char* zoneinfo = std::getenv("ZONEINFO")) directories.emplace_back(zoneinfo);
  directories.insert(directories.end(), {"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ",
                                         "/etc/zoneinfo"});
  for (const std::string& directory : directories) {
    if (auto data = read_file(directory + "/" + std::string(name))) {
      if (auto zone = TimeZone::from_tzif(std::string(name), *data)) return zone;
    }
  }
  *error = "unknown time zone " + std::string(name);
  return nullptr;
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const std::shared_ptr<const TimeZone> zone = [] {
    auto z = std::make_shared<TimeZone>();
    z->name_ = "UTC";
    return z;
  }();
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::load(std::string_view name, std::string* error) {
  struct Entry {
    std::shared_ptr<const TimeZone> zone;  // null: no such zone
    std::string error;
  };
  thread_local value::BoundedCache<Entry> cache(1024, size_t{1} << 16);
  const Entry& entry = cache.get(name, [&] {
    Entry made;
    made.zone = load_uncached(name, &made.error);
    return made;
  });
  if (!entry.zone) *error = entry.error;
  return entry.zone;
}

std::shared_ptr<const TimeZone> TimeZone::from_tzif(std::string name, std::string_view data) {
  Reader r(data);
  std::string_view magic, version;
  uint64_t counts[6];
  auto read_header = [&] {
    std::string_view reserved;
    if (!r.take(4, &magic) || magic != "TZif" || !r.take(1, &version) || !r.take(15, &reserved)) return false;
    for (uint64_t& c : counts) {
      if (!r.big_endian(4, &c)) return false;
    }
    return true;
  };
  if (!read_header()) return nullptr;
  int time_size = 4;
  if (version[0] >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    const auto [isut, isstd, leap, time, type, chars] = std::tuple(counts[0], counts[1], counts[2], counts[3],
                                                                    counts[4], counts[5]);
    std::string_view skipped;
    if (!r.take(time * 5 + type * 6 + chars + leap * 8 + isstd + isut, &skipped) || !read_header()) return nullptr;
    time_size = 8;
  }
  const uint64_t isut = counts[0], isstd = counts[1], leap = counts[2], time = counts[3], type = counts[4],
                 chars = counts[5];
  if (type == 0 || type > 255) return nullptr;
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::move(name);
  std::vector<int64_t> whens(time);
  for (auto& when : whens) {
    uint64_t v;
    if (!r.big_endian(static_cast<size_t>(time_size), &v)) return nullptr;
    when = time_size == 4 ? static_cast<int32_t>(v) : static_cast<int64_t>(v);
  }
  std::vector<uint8_t> indices(time);
  for (auto& index : indices) {
    uint64_t v;
    if (!r.big_endian(1, &v) || v >= type) return nullptr;
    index = static_cast<uint8_t>(v);
  }
  struct RawZone {
    int32_t offset;
    bool dst;
    size_t abbreviation;
  };
  std::vector<RawZone> raw(type);
  for (auto& z : raw) {
    uint64_t offset, dst, abbreviation;
    if (!r.big_endian(4, &offset) || !r.big_endian(1, &dst) || !r.big_endian(1, &abbreviation)) return nullptr;
    z = {static_cast<int32_t>(static_cast<uint32_t>(offset)), dst != 0, static_cast<size_t>(abbreviation)};
  }
  std::string_view abbreviations, skipped;
  if (!r.take(chars, &abbreviations) || !r.take(leap * (time_size + 4) + isstd + isut, &skipped)) return nullptr;
  for (const RawZone& z : raw) {
    std::string_view text = z.abbreviation < abbreviations.size() ? abbreviations.substr(z.abbreviation) : "";
    text = text.substr(0, text.find('\0'));
    zone->zones_.push_back({std::string(text), z.offset, z.dst});
  }
  for (size_t i = 0; i < whens.size(); ++i) zone->transitions_.push_back({whens[i], indices[i]});
  if (zone->transitions_.empty()) zone->transitions_.push_back({INT64_MIN, 0});
  std::string_view footer = r.rest();
  if (time_size == 8 && footer.size() > 2 && footer.front() == '\n' && footer.back() == '\n') {
    zone->extend_ = std::string(footer.substr(1, footer.size() - 2));
  }
  return zone;
}

size_t TimeZone::first_zone() const {
  bool first_used = false;
  for (const Transition& t : transitions_) first_used = first_used || t.zone == 0;
  if (!first_used) return 0;
  if (!transitions_.empty() && zones_[transitions_[0].zone].dst) {
    for (size_t zi = transitions_[0].zone; zi-- > 0;) {
      if (!zones_[zi].dst) return zi;
    }
  }
  for (size_t zi = 0; zi < zones_.size(); ++zi) {
    if (!zones_[zi].dst) return zi;
  }
  return 0;
}

ZonePeriod TimeZone::lookup(int64_t sec) const {
  if (zones_.empty()) return ZonePeriod{"UTC", 0, INT64_MIN, INT64_MAX};
  if (transitions_.empty() || sec < transitions_[0].when) {
    const Zone& z = zones_[first_zone()];
    return ZonePeriod{z.abbreviation, z.offset, INT64_MIN, transitions_.empty() ? INT64_MAX : transitions_[0].when};
  }
  // The last transition at or before sec.
  size_t lo = 0, hi = transitions_.size();
  int64_t end = INT64_MAX;
  while (hi - lo > 1) {
    size_t m = (lo + hi) / 2;
    if (sec < transitions_[m].when) {
      end = transitions_[m].when;
      hi = m;
    } else {
      lo = m;
    }
  }
  const Zone& z = zones_[transitions_[lo].zone];
  ZonePeriod period{z.abbreviation, z.offset, transitions_[lo].when, end};
  if (lo == transitions_.size() - 1 && !extend_.empty()) {
    if (std::optional<ZonePeriod> ruled = tz_rule_period(extend_, period.start, sec)) return *ruled;
  }
  return period;
}

int64_t TimeZone::unix_of_local(int64_t local) const {
  // As Go's Date: guess with the offset at `local` read as UTC, then correct
  // when the guess falls outside that offset's period.
  ZonePeriod period = lookup(local);
  int32_t offset = period.offset;
  if (offset != 0) {
    int64_t utc = local - offset;
    if (utc < period.start || utc >= period.end) offset = lookup(utc).offset;
  }
  return local - offset;
}

}  // namespace tollgate::rego
