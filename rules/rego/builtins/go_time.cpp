#include "rules/rego/builtins/go_time.h"

#include <array>
#include <cmath>

#include "rules/rego/builtins/civil_time.h"

namespace tollgate::rego {

namespace {

// Layout elements (Go's std* constants).
enum class Std {
  None,
  LongMonth, Month, NumMonth, ZeroMonth,
  LongWeekDay, WeekDay,
  Day, UnderDay, ZeroDay, UnderYearDay, ZeroYearDay,
  Hour, Hour12, ZeroHour12, Minute, ZeroMinute, Second, ZeroSecond,
  LongYear, Year, PM, pm,
  TZ,
  ISO8601TZ, ISO8601SecondsTZ, ISO8601ShortTZ, ISO8601ColonTZ, ISO8601ColonSecondsTZ,
  NumTZ, NumSecondsTZ, NumShortTZ, NumColonTZ, NumColonSecondsTZ,
  FracSecond0, FracSecond9,
};

struct Chunk {
  std::string_view prefix;
  Std std = Std::None;
  std::string_view element;  // the layout text of the element
  std::string_view suffix;
  int digits = 0;            // fractional seconds
  char separator = '.';
};

bool starts_with_lower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool is_digit_at(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's nextStdChunk.
Chunk next_chunk(std::string_view layout) {
  auto found = [&](size_t i, Std std, size_t length) {
    return Chunk{layout.substr(0, i), std, layout.substr(i, length), layout.substr(i + length)};
  };
  auto at = [&](size_t i, std::string_view text) { return layout.substr(i, text.size()) == text; };
  for (size_t i = 0; i < layout.size(); ++i) {
    switch (layout[i]) {
      case 'J':
        if (at(i, "Jan")) {
          if (at(i, "January")) return found(i, Std::LongMonth, 7);
          if (!starts_with_lower(layout.substr(i + 3))) return found(i, Std::Month, 3);
        }
        break;
      case 'M':
        if (at(i, "Mon")) {
          if (at(i, "Monday")) return found(i, Std::LongWeekDay, 6);
          if (!starts_with_lower(layout.substr(i + 3))) return found(i, Std::WeekDay, 3);
        }
        if (at(i, "MST")) return found(i, Std::TZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static const Std zero_x[] = {Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12,
                                       Std::ZeroMinute, Std::ZeroSecond, Std::Year};
          return found(i, zero_x[layout[i + 1] - '1'], 2);
        }
        if (at(i, "002")) return found(i, Std::ZeroYearDay, 3);
        break;
      case '1':
        if (at(i, "15")) return found(i, Std::Hour, 2);
        return found(i, Std::NumMonth, 1);
      case '2':
        if (at(i, "2006")) return found(i, Std::LongYear, 4);
        return found(i, Std::Day, 1);
      case '_':
        if (at(i, "_2")) {
          // "_2006" is a literal underscore followed by the year.
          if (at(i + 1, "2006")) return Chunk{layout.substr(0, i + 1), Std::LongYear, layout.substr(i + 1, 4),
                                              layout.substr(i + 5)};
          return found(i, Std::UnderDay, 2);
        }
        if (at(i, "__2")) return found(i, Std::UnderYearDay, 3);
        break;
      case '3': return found(i, Std::Hour12, 1);
      case '4': return found(i, Std::Minute, 1);
      case '5': return found(i, Std::Second, 1);
      case 'P':
        if (at(i, "PM")) return found(i, Std::PM, 2);
        break;
      case 'p':
        if (at(i, "pm")) return found(i, Std::pm, 2);
        break;
      case '-':
        if (at(i, "-070000")) return found(i, Std::NumSecondsTZ, 7);
        if (at(i, "-07:00:00")) return found(i, Std::NumColonSecondsTZ, 9);
        if (at(i, "-0700")) return found(i, Std::NumTZ, 5);
        if (at(i, "-07:00")) return found(i, Std::NumColonTZ, 6);
        if (at(i, "-07")) return found(i, Std::NumShortTZ, 3);
        break;
      case 'Z':
        if (at(i, "Z070000")) return found(i, Std::ISO8601SecondsTZ, 7);
        if (at(i, "Z07:00:00")) return found(i, Std::ISO8601ColonSecondsTZ, 9);
        if (at(i, "Z0700")) return found(i, Std::ISO8601TZ, 5);
        if (at(i, "Z07:00")) return found(i, Std::ISO8601ColonTZ, 6);
        if (at(i, "Z07")) return found(i, Std::ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          char ch = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!is_digit_at(layout, j)) {
            Chunk c = found(i, ch == '0' ? Std::FracSecond0 : Std::FracSecond9, j - i);
            c.digits = static_cast<int>(j - (i + 1));
            c.separator = layout[i];
            return c;
          }
        }
        break;
      default: break;
    }
  }
  return Chunk{layout, Std::None, {}, {}};
}

const char* const kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const kShortDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kShortMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Go's appendInt: zero-padded to width, sign first.
void append_int(std::string& out, int64_t x, int width) {
  uint64_t u = x < 0 ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  if (x < 0) out.push_back('-');
  std::string digits = std::to_string(u);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<size_t>(width) - digits.size(), '0');
  out += digits;
}

bool is_utc_style(Std std) {
  return std == Std::ISO8601TZ || std == Std::ISO8601ColonTZ || std == Std::ISO8601SecondsTZ ||
         std == Std::ISO8601ShortTZ || std == Std::ISO8601ColonSecondsTZ;
}

// Go's quote for time errors: ASCII printable kept, '"' and '\' escaped,
// anything else as \x bytes.
std::string go_quote(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    } else {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

// ---- parsing helpers (Go's getnum, lookup, skip, ...) ----

bool get_number(std::string_view& s, bool fixed, int* out) {
  if (!is_digit_at(s, 0)) return false;
  if (!is_digit_at(s, 1)) {
    if (fixed) return false;
    *out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

bool get_number3(std::string_view& s, bool fixed, int* out) {
  int n = 0;
  size_t i = 0;
  for (; i < 3 && is_digit_at(s, i); ++i) n = n * 10 + (s[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  *out = n;
  s.remove_prefix(i);
  return true;
}

bool match_fold(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    char c1 = a[i], c2 = b[i];
    if (c1 != c2) {
      c1 = static_cast<char>(c1 | ('a' - 'A'));
      c2 = static_cast<char>(c2 | ('a' - 'A'));
      if (c1 != c2 || c1 < 'a' || c1 > 'z') return false;
    }
  }
  return true;
}

template <size_t N>
bool lookup_name(const char* const (&names)[N], std::string_view& s, int* index) {
  for (size_t i = 0; i < N; ++i) {
    std::string_view name = names[i];
    if (s.size() >= name.size() && match_fold(s.substr(0, name.size()), name)) {
      *index = static_cast<int>(i);
      s.remove_prefix(name.size());
      return true;
    }
  }
  return false;
}

// Removes the literal prefix, treating runs of spaces as equivalent.
bool skip(std::string_view& value, std::string_view prefix) {
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!value.empty() && value[0] != ' ') return false;
      while (!prefix.empty() && prefix[0] == ' ') prefix.remove_prefix(1);
      while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
      continue;
    }
    if (value.empty() || value[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    value.remove_prefix(1);
  }
  return true;
}

// Go's leadingInt: digits as uint64, false on overflow past 2^63.
bool leading_int(std::string_view& s, uint64_t* out) {
  uint64_t x = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (x > (uint64_t{1} << 63) / 10) return false;
    x = x * 10 + static_cast<uint64_t>(s[i] - '0');
    if (x > (uint64_t{1} << 63)) return false;
  }
  s.remove_prefix(i);
  *out = x;
  return true;
}

bool go_atoi(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t x = 0;
  if (!leading_int(s, &x) || !s.empty()) return false;
  *out = negative ? -static_cast<int64_t>(x) : static_cast<int64_t>(x);
  return true;
}

size_t parse_signed_offset(std::string_view value) {
  if (value.empty() || (value[0] != '-' && value[0] != '+')) return 0;
  std::string_view rest = value.substr(1);
  uint64_t x = 0;
  if (!leading_int(rest, &x) || rest.size() == value.size() - 1 || x > 23) return 0;
  return value.size() - rest.size();
}

// Go's parseTimeZone: the length of a zone abbreviation at the start, or 0.
size_t parse_time_zone(std::string_view value) {
  if (value.size() < 3) return 0;
  if (value.substr(0, 4) == "ChST" || value.substr(0, 4) == "MeST") return 4;
  if (value.substr(0, 3) == "GMT") return 3 + (value.size() == 3 ? 0 : parse_signed_offset(value.substr(3)));
  if (value[0] == '+' || value[0] == '-') return parse_signed_offset(value);
  size_t upper = 0;
  while (upper < 6 && upper < value.size() && value[upper] >= 'A' && value[upper] <= 'Z') ++upper;
  switch (upper) {
    case 5: return value[4] == 'T' ? 5 : 0;
    case 4: return value[3] == 'T' || value.substr(0, 4) == "WITA" ? 4 : 0;
    case 3: return 3;
    default: return 0;
  }
}

// Go's parseNanoseconds: value starts with the separator, nbytes includes it.
bool parse_nanoseconds(std::string_view value, size_t nbytes, int* nanos) {
  if (value[0] != '.' && value[0] != ',') return false;
  if (nbytes > 10) nbytes = 10;
  int64_t ns = 0;
  if (!go_atoi(value.substr(1, nbytes - 1), &ns)) return false;
  for (size_t i = nbytes; i < 10; ++i) ns *= 10;
  *nanos = static_cast<int>(ns);
  return true;
}

}  // namespace

std::string_view resolve_time_layout(std::string_view layout) {
  static const std::pair<std::string_view, std::string_view> named[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
  };
  for (const auto& [name, text] : named) {
    if (name == layout) return text;
  }
  return layout;
}

std::string format_time(const Instant& t, const TimeZone& zone, std::string_view layout) {
  const ZonePeriod period = zone.lookup(t.seconds);
  const int64_t local = t.seconds + period.offset;
  const int64_t days = civil::floor_div(local, civil::kSecondsPerDay);
  const int64_t second_of_day = civil::floor_mod(local, civil::kSecondsPerDay);
  const civil::Date date = civil::civil_from_days(days);
  const int hour = static_cast<int>(second_of_day / 3600);
  const int minute = static_cast<int>(second_of_day / 60 % 60);
  const int second = static_cast<int>(second_of_day % 60);
  const int year_day = civil::day_of_year(date) + 1;
  const int offset = period.offset;

  std::string out;
  while (!layout.empty()) {
    Chunk c = next_chunk(layout);
    out += c.prefix;
    if (c.std == Std::None) break;
    layout = c.suffix;
    switch (c.std) {
      case Std::Year: append_int(out, (date.year < 0 ? -date.year : date.year) % 100, 2); break;
      case Std::LongYear: append_int(out, date.year, 4); break;
      case Std::Month: out += kShortMonths[date.month - 1]; break;
      case Std::LongMonth: out += kLongMonths[date.month - 1]; break;
      case Std::NumMonth: append_int(out, date.month, 0); break;
      case Std::ZeroMonth: append_int(out, date.month, 2); break;
      case Std::WeekDay: out += kShortDays[civil::weekday(days)]; break;
      case Std::LongWeekDay: out += kLongDays[civil::weekday(days)]; break;
      case Std::Day: append_int(out, date.day, 0); break;
      case Std::UnderDay:
        if (date.day < 10) out.push_back(' ');
        append_int(out, date.day, 0);
        break;
      case Std::ZeroDay: append_int(out, date.day, 2); break;
      case Std::UnderYearDay:
        if (year_day < 100) out += year_day < 10 ? "  " : " ";
        append_int(out, year_day, 0);
        break;
      case Std::ZeroYearDay: append_int(out, year_day, 3); break;
      case Std::Hour: append_int(out, hour, 2); break;
      case Std::Hour12: append_int(out, hour % 12 == 0 ? 12 : hour % 12, 0); break;
      case Std::ZeroHour12: append_int(out, hour % 12 == 0 ? 12 : hour % 12, 2); break;
      case Std::Minute: append_int(out, minute, 0); break;
      case Std::ZeroMinute: append_int(out, minute, 2); break;
      case Std::Second: append_int(out, second, 0); break;
      case Std::ZeroSecond: append_int(out, second, 2); break;
      case Std::PM: out += hour >= 12 ? "PM" : "AM"; break;
      case Std::pm: out += hour >= 12 ? "pm" : "am"; break;
      case Std::TZ:
        if (!period.abbreviation.empty()) {
          out += period.abbreviation;
        } else {
          int zone_minutes = offset / 60;
          out.push_back(zone_minutes < 0 ? '-' : '+');
          if (zone_minutes < 0) zone_minutes = -zone_minutes;
          append_int(out, zone_minutes / 60, 2);
          append_int(out, zone_minutes % 60, 2);
        }
        break;
      case Std::FracSecond0:
      case Std::FracSecond9: {
        const bool trim = c.std == Std::FracSecond9;
        if (trim && (c.digits == 0 || t.nanos == 0)) break;
        std::string digits = std::to_string(t.nanos);
        digits.insert(0, 9 - digits.size(), '0');
        digits.resize(static_cast<size_t>(std::min(c.digits, 9)));
        if (trim) {
          while (!digits.empty() && digits.back() == '0') digits.pop_back();
          if (digits.empty()) break;
        }
        out.push_back(c.separator);
        out += digits;
        break;
      }
      default: {  // numeric zones
        if (offset == 0 && is_utc_style(c.std)) {
          out.push_back('Z');
          break;
        }
        int zone_minutes = offset / 60;
        int absolute = offset;
        out.push_back(zone_minutes < 0 ? '-' : '+');
        if (zone_minutes < 0) {
          zone_minutes = -zone_minutes;
          absolute = -absolute;
        }
        append_int(out, zone_minutes / 60, 2);
        const bool colon = c.std == Std::ISO8601ColonTZ || c.std == Std::NumColonTZ ||
                           c.std == Std::ISO8601ColonSecondsTZ || c.std == Std::NumColonSecondsTZ;
        if (colon) out.push_back(':');
        if (c.std != Std::NumShortTZ && c.std != Std::ISO8601ShortTZ) append_int(out, zone_minutes % 60, 2);
        if (c.std == Std::ISO8601SecondsTZ || c.std == Std::NumSecondsTZ || c.std == Std::NumColonSecondsTZ ||
            c.std == Std::ISO8601ColonSecondsTZ) {
          if (colon) out.push_back(':');
          append_int(out, absolute % 60, 2);
        }
        break;
      }
    }
  }
  return out;
}

bool parse_time(std::string_view layout, std::string_view value, Instant* out, std::string* error) {
  const std::string_view original_layout = layout, original_value = value;
  auto fail = [&](std::string_view layout_elem, std::string_view value_elem, const std::string& message) {
    if (message.empty()) {
      *error = "parsing time " + go_quote(original_value) + " as " + go_quote(original_layout) + ": cannot parse " +
               go_quote(value_elem) + " as " + go_quote(layout_elem);
    } else {
      *error = "parsing time " + go_quote(original_value) + message;
    }
    return false;
  };
  bool am = false, pm = false;
  int64_t year = 0;
  int month = -1, day = -1, year_day = -1, hour = 0, minute = 0, second = 0, nanos = 0;
  bool utc = false;
  int zone_offset = -1;
  bool has_zone_offset = false;

  while (true) {
    Chunk c = next_chunk(layout);
    if (!skip(value, c.prefix)) return fail(c.prefix, value, "");
    if (c.std == Std::None) {
      if (!value.empty()) return fail("", value, ": extra text: " + go_quote(value));
      break;
    }
    layout = c.suffix;
    const std::string_view hold = value;
    std::string range_error;
    bool ok = true;
    switch (c.std) {
      case Std::Year: {
        int64_t y = 0;
        if (value.size() < 2 || !go_atoi(value.substr(0, 2), &y)) {
          ok = false;
          break;
        }
        value.remove_prefix(2);
        year = y >= 69 ? y + 1900 : y + 2000;
        break;
      }
      case Std::LongYear:
        if (value.size() < 4 || !is_digit_at(value, 0) || !go_atoi(value.substr(0, 4), &year)) {
          ok = false;
          break;
        }
        value.remove_prefix(4);
        break;
      case Std::Month:
        ok = lookup_name(kShortMonths, value, &month);
        ++month;
        break;
      case Std::LongMonth:
        ok = lookup_name(kLongMonths, value, &month);
        ++month;
        break;
      case Std::NumMonth:
      case Std::ZeroMonth:
        ok = get_number(value, c.std == Std::ZeroMonth, &month);
        if (ok && (month <= 0 || month > 12)) range_error = "month";
        break;
      case Std::WeekDay: {
        int ignored;
        ok = lookup_name(kShortDays, value, &ignored);
        break;
      }
      case Std::LongWeekDay: {
        int ignored;
        ok = lookup_name(kLongDays, value, &ignored);
        break;
      }
      case Std::Day:
      case Std::UnderDay:
      case Std::ZeroDay:
        if (c.std == Std::UnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = get_number(value, c.std == Std::ZeroDay, &day);
        break;
      case Std::UnderYearDay:
      case Std::ZeroYearDay:
        for (int i = 0; i < 2; ++i) {
          if (c.std == Std::UnderYearDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        }
        ok = get_number3(value, c.std == Std::ZeroYearDay, &year_day);
        break;
      case Std::Hour:
        ok = get_number(value, false, &hour);
        if (hour < 0 || hour >= 24) range_error = "hour";
        break;
      case Std::Hour12:
      case Std::ZeroHour12:
        ok = get_number(value, c.std == Std::ZeroHour12, &hour);
        if (hour < 0 || hour > 12) range_error = "hour";
        break;
      case Std::Minute:
      case Std::ZeroMinute:
        ok = get_number(value, c.std == Std::ZeroMinute, &minute);
        if (minute < 0 || minute >= 60) range_error = "minute";
        break;
      case Std::Second:
      case Std::ZeroSecond: {
        ok = get_number(value, c.std == Std::ZeroSecond, &second);
        if (!ok) break;
        if (second < 0 || second >= 60) {
          range_error = "second";
          break;
        }
        // A fractional second in the value though the layout has none here.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && is_digit_at(value, 1)) {
          Chunk next = next_chunk(layout);
          if (next.std == Std::FracSecond0 || next.std == Std::FracSecond9) break;
          size_t n = 2;
          while (n < value.size() && is_digit_at(value, n)) ++n;
          ok = parse_nanoseconds(value, n, &nanos);
          value.remove_prefix(n);
        }
        break;
      }
      case Std::PM:
      case Std::pm: {
        if (value.size() < 2) {
          ok = false;
          break;
        }
        std::string_view p = value.substr(0, 2);
        value.remove_prefix(2);
        const bool upper = c.std == Std::PM;
        if (p == (upper ? "PM" : "pm")) pm = true;
        else if (p == (upper ? "AM" : "am")) am = true;
        else ok = false;
        break;
      }
      case Std::TZ: {
        if (value.substr(0, 3) == "UTC") {
          utc = true;
          value.remove_prefix(3);
          break;
        }
        size_t n = parse_time_zone(value);
        if (n == 0) {
          ok = false;
          break;
        }
        // Go keeps the instant as if UTC for an abbreviation it cannot resolve.
        value.remove_prefix(n);
        break;
      }
      case Std::FracSecond0: {
        size_t n = 1 + static_cast<size_t>(c.digits);
        if (value.size() < n) {
          ok = false;
          break;
        }
        ok = parse_nanoseconds(value, n, &nanos);
        value.remove_prefix(n);
        break;
      }
      case Std::FracSecond9: {
        if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !is_digit_at(value, 1)) break;
        size_t i = 0;
        while (i + 1 < value.size() && is_digit_at(value, i + 1)) ++i;
        ok = parse_nanoseconds(value, 1 + i, &nanos);
        value.remove_prefix(1 + i);
        break;
      }
      default: {  // numeric zone offsets
        if ((c.std == Std::ISO8601TZ || c.std == Std::ISO8601ShortTZ || c.std == Std::ISO8601ColonTZ) &&
            !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          utc = true;
          break;
        }
        std::string_view sign, hh, mm = "00", ss = "00";
        if (c.std == Std::ISO8601ColonTZ || c.std == Std::NumColonTZ) {
          if (value.size() < 6 || value[3] != ':') {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(4, 2);
          value.remove_prefix(6);
        } else if (c.std == Std::NumShortTZ || c.std == Std::ISO8601ShortTZ) {
          if (value.size() < 3) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2);
          value.remove_prefix(3);
        } else if (c.std == Std::ISO8601ColonSecondsTZ || c.std == Std::NumColonSecondsTZ) {
          if (value.size() < 9 || value[3] != ':' || value[6] != ':') {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(4, 2), ss = value.substr(7, 2);
          value.remove_prefix(9);
        } else if (c.std == Std::ISO8601SecondsTZ || c.std == Std::NumSecondsTZ) {
          if (value.size() < 7) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(3, 2), ss = value.substr(5, 2);
          value.remove_prefix(7);
        } else {
          if (value.size() < 5) {
            ok = false;
            break;
          }
          sign = value.substr(0, 1), hh = value.substr(1, 2), mm = value.substr(3, 2);
          value.remove_prefix(5);
        }
        int h = 0, m = 0, s = 0;
        ok = get_number(hh, true, &h) && get_number(mm, true, &m) && get_number(ss, true, &s);
        if (h > 24) range_error = "time zone offset hour";
        if (m > 60) range_error = "time zone offset minute";
        if (s > 60) range_error = "time zone offset second";
        zone_offset = (h * 60 + m) * 60 + s;
        if (sign[0] == '-') zone_offset = -zone_offset;
        else if (sign[0] != '+') ok = false;
        has_zone_offset = true;
        break;
      }
    }
    if (!range_error.empty()) return fail(c.element, value, ": " + range_error + " out of range");
    if (!ok) return fail(c.element, hold, "");
  }
  if (pm && hour < 12) hour += 12;
  else if (am && hour == 12) hour = 0;

  if (year_day >= 0) {
    int m = 0, d = 0;
    if (civil::is_leap(year)) {
      if (year_day == 31 + 29) {
        m = 2;
        d = 29;
      } else if (year_day > 31 + 29) {
        --year_day;
      }
    }
    if (year_day < 1 || year_day > 365) return fail("", value, ": day-of-year out of range");
    if (m == 0) {
      m = (year_day - 1) / 31 + 1;
      if (civil::days_before_month(m + 1) < year_day) ++m;
      d = year_day - civil::days_before_month(m);
    }
    if (month >= 0 && month != m) return fail("", value, ": day-of-year does not match month");
    month = m;
    if (day >= 0 && day != d) return fail("", value, ": day-of-year does not match day");
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > civil::days_in_month(year, month)) return fail("", value, ": day out of range");

  int64_t seconds = civil::days_from_civil(year, month, day) * civil::kSecondsPerDay + hour * 3600 + minute * 60 +
                    second;
  if (!utc && has_zone_offset) seconds -= zone_offset;
  *out = Instant{seconds, nanos};
  return true;
}

bool parse_duration(std::string_view text, int64_t* nanoseconds, std::string* error) {
  const std::string original(text);
  auto invalid = [&] {
    *error = "time: invalid duration " + go_quote(original);
    return false;
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *nanoseconds = 0;
    return true;
  }
  if (s.empty()) return invalid();
  static const std::pair<std::string_view, uint64_t> units[] = {
      {"ns", 1},         {"us", 1000},          {"\xC2\xB5s", 1000},         {"\xCE\xBCs", 1000},
      {"ms", 1000000},   {"s", 1000000000},     {"m", 60 * uint64_t{1000000000}}, {"h", 3600 * uint64_t{1000000000}},
  };
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    size_t before = s.size();
    uint64_t whole = 0;
    if (!leading_int(s, &whole)) return invalid();
    const bool pre = before != s.size();
    uint64_t fraction = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t i = 0;
      bool overflow = false;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (overflow) continue;
        if (fraction > (INT64_MAX) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = fraction * 10 + static_cast<uint64_t>(s[i] - '0');
        if (y > (uint64_t{1} << 63)) {
          overflow = true;
          continue;
        }
        fraction = y;
        scale *= 10;
      }
      post = i > 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return invalid();
    size_t i = 0;
    while (i < s.size() && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9')) ++i;
    if (i == 0) {
      *error = "time: missing unit in duration " + go_quote(original);
      return false;
    }
    std::string_view unit_text = s.substr(0, i);
    s.remove_prefix(i);
    uint64_t unit = 0;
    for (const auto& [name, factor] : units) {
      if (name == unit_text) unit = factor;
    }
    if (unit == 0) {
      *error = "time: unknown unit " + go_quote(unit_text) + " in duration " + go_quote(original);
      return false;
    }
    if (whole > (uint64_t{1} << 63) / unit) return invalid();
    whole *= unit;
    if (fraction > 0) {
      whole += static_cast<uint64_t>(static_cast<double>(fraction) * (static_cast<double>(unit) / scale));
      if (whole > (uint64_t{1} << 63)) return invalid();
    }
    total += whole;
    if (total > (uint64_t{1} << 63)) return invalid();
  }
  if (negative) {
    *nanoseconds = static_cast<int64_t>(uint64_t{0} - total);
    return true;
  }
  if (total > static_cast<uint64_t>(INT64_MAX)) return invalid();
  *nanoseconds = static_cast<int64_t>(total);
  return true;
}

}  // namespace tollgate::rego
