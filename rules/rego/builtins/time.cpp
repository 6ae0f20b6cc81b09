// time.now_ns time.parse_ns time.parse_rfc3339_ns time.parse_duration_ns
// time.date time.clock time.weekday time.add_date time.diff time.format.
// Times are int64 nanoseconds since the Unix epoch; functions that read a time
// also take [ns, zone] or [ns, zone, layout] (go_time.h, time_zone.h).
#include <chrono>

#include "rules/rego/arithmetic.h"
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/civil_time.h"
#include "rules/rego/builtins/go_time.h"
#include "rules/rego/builtins/operands.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

constexpr int64_t kNanosPerSecond = 1'000'000'000;

// A time read from an operand, in its zone, with the layout it may carry.
struct ZonedTime {
  Instant instant;
  std::shared_ptr<const TimeZone> zone;
  std::string layout;
};

Instant instant_of_nanos(int64_t ns) {
  return Instant{civil::floor_div(ns, kNanosPerSecond), static_cast<int32_t>(civil::floor_mod(ns, kNanosPerSecond))};
}

// OPA's tzTime: a number of nanoseconds, or [ns, zone name, layout].
ZonedTime time_operand(const Value& v) {
  static constexpr std::string_view kExpected = "either number (ns) or [number (ns), string (tz)]";
  ZonedTime out{{}, TimeZone::utc(), {}};
  const Value* ns = &v;
  if (v.is_array()) {
    const std::vector<Value>& items = v.items();
    if (items.empty()) throw_operand_type_error(1, v, {kExpected});
    ns = &items[0];
    if (!ns->is_number()) throw_operand_type_error(1, *ns, {"number"});
    if (items.size() > 1) {
      if (!items[1].is_string()) throw_operand_type_error(1, items[1], {"string"});
      std::string error;
      out.zone = TimeZone::load(items[1].as_string(), &error);
      if (!out.zone) throw_builtin_error(error);
    }
    if (items.size() > 2) {
      if (!items[2].is_string()) throw_operand_type_error(1, items[2], {"string"});
      out.layout = items[2].as_string();
    }
  } else if (!v.is_number()) {
    throw_operand_type_error(1, v, {kExpected});
  }
  std::optional<BigInt> integer = number_to_big_int(*ns);
  std::optional<int64_t> nanos = integer ? integer->to_int64() : std::nullopt;
  if (!nanos) throw_builtin_error("timestamp too big");
  out.instant = instant_of_nanos(*nanos);
  return out;
}

// Instants representable as int64 nanoseconds (1677-09-21 to 2262-04-11).
Value nanos_value(const Instant& t) {
  __int128 ns = static_cast<__int128>(t.seconds) * kNanosPerSecond + t.nanos;
  if (ns < INT64_MIN || ns > INT64_MAX) throw_builtin_error("time outside of valid range");
  return Value::integer(static_cast<int64_t>(ns));
}

struct WallClock {
  civil::Date date;
  int hour, minute, second;
  int64_t days;  // since 1970-01-01 on the local calendar
};

WallClock wall_clock(const Instant& t, const TimeZone& zone) {
  int64_t local = t.seconds + zone.lookup(t.seconds).offset;
  int64_t days = civil::floor_div(local, civil::kSecondsPerDay);
  int64_t second_of_day = civil::floor_mod(local, civil::kSecondsPerDay);
  return WallClock{civil::civil_from_days(days), static_cast<int>(second_of_day / 3600),
                   static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60), days};
}

std::optional<Value> now_ns(Args, BuiltinContext& ctx) {
  // Read once per query, on first use, so that every call in the query agrees.
  if (ctx.now_ns == 0) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    ctx.now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  }
  return Value::integer(ctx.now_ns);
}

Value parse_with(std::string_view layout, const std::string& text) {
  Instant t;
  std::string error;
  if (!parse_time(resolve_time_layout(layout), text, &t, &error)) throw_builtin_error(error);
  return nanos_value(t);
}

std::optional<Value> parse_ns(Args args, BuiltinContext&) {
  const std::string& layout = string_operand(args, 1);
  return parse_with(layout, string_operand(args, 2));
}

std::optional<Value> parse_rfc3339_ns(Args args, BuiltinContext&) {
  return parse_with("RFC3339", string_operand(args, 1));
}

std::optional<Value> parse_duration_ns(Args args, BuiltinContext&) {
  int64_t nanos = 0;
  std::string error;
  if (!parse_duration(string_operand(args, 1), &nanos, &error)) throw_builtin_error(error);
  return Value::integer(nanos);
}

std::optional<Value> date(Args args, BuiltinContext&) {
  ZonedTime t = time_operand(args[0]);
  WallClock w = wall_clock(t.instant, *t.zone);
  return Value::array({Value::integer(w.date.year), Value::integer(w.date.month), Value::integer(w.date.day)});
}

std::optional<Value> clock(Args args, BuiltinContext&) {
  ZonedTime t = time_operand(args[0]);
  WallClock w = wall_clock(t.instant, *t.zone);
  return Value::array({Value::integer(w.hour), Value::integer(w.minute), Value::integer(w.second)});
}

std::optional<Value> weekday(Args args, BuiltinContext&) {
  static const char* const names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  ZonedTime t = time_operand(args[0]);
  return Value::string(names[civil::weekday(wall_clock(t.instant, *t.zone).days)]);
}

// Go's AddDate: the wall clock moved by years, months and days (normalised,
// so Oct 31 + 1 month is Dec 1), read back in the same zone.
std::optional<Value> add_date(Args args, BuiltinContext&) {
  ZonedTime t = time_operand(args[0]);
  int64_t years = int_operand(args, 2), months = int_operand(args, 3), days = int_operand(args, 4);
  WallClock w = wall_clock(t.instant, *t.zone);
  int64_t month_index = w.date.month - 1 + months;
  int64_t year = w.date.year + years + civil::floor_div(month_index, 12);
  int month = static_cast<int>(civil::floor_mod(month_index, 12)) + 1;
  int64_t day_number = civil::days_from_civil(year, month, 1) + (w.date.day - 1) + days;
  int64_t local = day_number * civil::kSecondsPerDay + w.hour * 3600 + w.minute * 60 + w.second;
  return nanos_value(Instant{t.zone->unix_of_local(local), t.instant.nanos});
}

// [years, months, days, hours, minutes, seconds] between two times, read in
// the first one's zone (OPA's borrowing of icza/gox's algorithm).
std::optional<Value> diff(Args args, BuiltinContext&) {
  ZonedTime a = time_operand(args[0]);
  ZonedTime b = time_operand(args[1]);
  Instant first = a.instant, second = b.instant;
  if (first.seconds > second.seconds || (first.seconds == second.seconds && first.nanos > second.nanos)) {
    std::swap(first, second);
  }
  WallClock x = wall_clock(first, *a.zone), y = wall_clock(second, *a.zone);
  int64_t year = y.date.year - x.date.year;
  int64_t month = y.date.month - x.date.month;
  int64_t day = y.date.day - x.date.day;
  int64_t hour = y.hour - x.hour, minute = y.minute - x.minute, sec = y.second - x.second;
  if (sec < 0) {
    sec += 60;
    --minute;
  }
  if (minute < 0) {
    minute += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    day += civil::days_in_month(x.date.year, x.date.month);
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  return Value::array({Value::integer(year), Value::integer(month), Value::integer(day), Value::integer(hour),
                       Value::integer(minute), Value::integer(sec)});
}

std::optional<Value> format(Args args, BuiltinContext&) {
  ZonedTime t = time_operand(args[0]);
  std::string_view layout = t.layout.empty() ? "RFC3339Nano" : std::string_view(t.layout);
  return Value::string(format_time(t.instant, *t.zone, resolve_time_layout(layout)));
}

}  // namespace

void register_time_builtins(BuiltinRegistry& r) {
  r.add({.name = "time.now_ns", .arity = 0, .function = now_ns, .nondeterministic = true});
  r.add({.name = "time.parse_ns", .arity = 2, .function = parse_ns});
  r.add({.name = "time.parse_rfc3339_ns", .arity = 1, .function = parse_rfc3339_ns});
  r.add({.name = "time.parse_duration_ns", .arity = 1, .function = parse_duration_ns});
  r.add({.name = "time.date", .arity = 1, .function = date});
  r.add({.name = "time.clock", .arity = 1, .function = clock});
  r.add({.name = "time.weekday", .arity = 1, .function = weekday});
  r.add({.name = "time.add_date", .arity = 4, .function = add_date});
  r.add({.name = "time.diff", .arity = 2, .function = diff});
  r.add({.name = "time.format", .arity = 1, .function = format});
}

}  // namespace tollgate::rego
