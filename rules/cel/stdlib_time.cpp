#include "rules/cel/stdlib.h"
#include "rules/cel/time_util.h"

namespace tollgate::cel {

namespace {

using Args = std::span<const Value>;
using T = CelType;

enum class Field { FullYear, Month, Date, DayOfMonth, DayOfWeek, DayOfYear, Hours, Minutes, Seconds, Milliseconds };

template <Field F>
Result timestamp_field(Args a) {
  const auto* t = as_timestamp(a[0]);
  int64_t secs = t->seconds();
  if (a.size() == 2) {
    auto off = zone_offset(a[1].as_string(), secs);
    if (!off) return make_error("unknown time zone: '" + a[1].as_string() + "'");
    secs += *off;
  }
  // Without a zone: UTC, whatever offset the timestamp was written with
  // (Kubernetes sets cel-go's DefaultUTCTimeZone).
  const CivilTime c = civil_from_seconds(secs);
  switch (F) {
    case Field::FullYear: return Value::integer(c.year);
    case Field::Month: return Value::integer(c.month - 1);
    case Field::Date: return Value::integer(c.day);
    case Field::DayOfMonth: return Value::integer(c.day - 1);
    case Field::DayOfWeek: return Value::integer(c.day_of_week);
    case Field::DayOfYear: return Value::integer(c.day_of_year);
    case Field::Hours: return Value::integer(c.hour);
    case Field::Minutes: return Value::integer(c.minute);
    case Field::Seconds: return Value::integer(c.second);
    case Field::Milliseconds: return Value::integer(t->nanos() / 1000000);
  }
  return Value::integer(0);
}

Result duration_hours(Args a) { return Value::integer(as_duration(a[0])->nanos() / 3600000000000); }
Result duration_minutes(Args a) { return Value::integer(as_duration(a[0])->nanos() / 60000000000); }
Result duration_seconds(Args a) { return Value::integer(as_duration(a[0])->nanos() / 1000000000); }
Result duration_millis(Args a) { return Value::integer(as_duration(a[0])->nanos() % 1000000000 / 1000000); }
// cel-go v0.22: Go's Duration.Milliseconds(), the whole duration.
Result duration_total_millis(Args a) { return Value::integer(as_duration(a[0])->nanos() / 1000000); }

template <Field F>
void add_timestamp_getter(FunctionRegistry& r, const char* name) {
  const T ts = T::timestamp();
  r.add_member(name, std::string("timestamp_to_") + name, {ts}, T::int_(), timestamp_field<F>);
  r.add_member(name, std::string("timestamp_to_") + name + "_with_tz", {ts, T::string()}, T::int_(),
               timestamp_field<F>);
}

}  // namespace

void register_time_functions(FunctionRegistry& r, StdlibVersion v) {
  add_timestamp_getter<Field::FullYear>(r, "getFullYear");
  add_timestamp_getter<Field::Month>(r, "getMonth");
  add_timestamp_getter<Field::Date>(r, "getDate");
  add_timestamp_getter<Field::DayOfMonth>(r, "getDayOfMonth");
  add_timestamp_getter<Field::DayOfWeek>(r, "getDayOfWeek");
  add_timestamp_getter<Field::DayOfYear>(r, "getDayOfYear");
  add_timestamp_getter<Field::Hours>(r, "getHours");
  add_timestamp_getter<Field::Minutes>(r, "getMinutes");
  add_timestamp_getter<Field::Seconds>(r, "getSeconds");
  add_timestamp_getter<Field::Milliseconds>(r, "getMilliseconds");
  const T du = T::duration();
  r.add_member("getHours", "duration_to_hours", {du}, T::int_(), duration_hours);
  r.add_member("getMinutes", "duration_to_minutes", {du}, T::int_(), duration_minutes);
  r.add_member("getSeconds", "duration_to_seconds", {du}, T::int_(), duration_seconds);
  r.add_member("getMilliseconds", "duration_to_milliseconds", {du}, T::int_(),
               v.cel_go_v0_22 ? duration_total_millis : duration_millis);
}

}  // namespace tollgate::cel
