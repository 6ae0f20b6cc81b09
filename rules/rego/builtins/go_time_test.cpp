#include "rules/rego/builtins/go_time.h"

#include <catch2/catch.hpp>

namespace tollgate::rego {
namespace {

Instant parse(std::string_view layout, std::string_view value) {
  Instant t;
  std::string error;
  INFO(layout << " / " << value);
  REQUIRE(parse_time(layout, value, &t, &error));
  return t;
}

std::string parse_error(std::string_view layout, std::string_view value) {
  Instant t;
  std::string error;
  CHECK_FALSE(parse_time(layout, value, &t, &error));
  return error;
}

TEST_CASE("Go layouts format every element", "[builtins]") {
  auto utc = TimeZone::utc();
  Instant t{1136214245, 123456000};  // Mon Jan 2 15:04:05 2006 UTC
  CHECK(format_time(t, *utc, "2006-01-02T15:04:05.999999999Z07:00") == "2006-01-02T15:04:05.123456Z");
  CHECK(format_time(t, *utc, "Monday January _2 3:4:5 PM 06 .000 ,00 __2 002") ==
        "Monday January  2 3:4:5 PM 06 .123 ,12   2 002");
  CHECK(format_time(t, *utc, "Jan 2 MST -0700 -07:00 -07 Z07") == "Jan 2 UTC +0000 +00:00 +00 Z");
  CHECK(format_time(Instant{0, 0}, *utc, "2006-01-02 15:04:05.999") == "1970-01-01 00:00:00");
  CHECK(format_time(Instant{-62135596800 - 86400 * (366 + 365), 0}, *utc, "2006-01-02") == "-0001-01-01");
  // "Month" is not "Mon" followed by "th": lower-case letters after Jan/Mon are literal.
  CHECK(format_time(t, *utc, "Month Janus") == "Month Janus");
}

TEST_CASE("Go layouts parse values back", "[builtins]") {
  CHECK(parse("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05+01:00").seconds == 1136210645);
  CHECK(parse("2006-01-02 15:04:05", "2006-01-02 15:04:05.5").nanos == 500000000);
  CHECK(parse("Jan _2 2006", "feb  3 2010").seconds == 1265155200);
  CHECK(parse("3:04pm", "12:30am").seconds == -62167217400);
  CHECK(parse("2006 002", "2020 060").seconds == parse("2006-01-02", "2020-02-29").seconds);
  CHECK(parse("2006-01-02 MST", "2020-01-01 PST").seconds == parse("2006-01-02", "2020-01-01").seconds);
  CHECK(parse("2006-01-02 -070000", "2020-01-01 +013000").seconds == parse("2006-01-02", "2020-01-01").seconds - 5400);
  CHECK(parse_error("2006-01-02", "2020-01-01 extra") ==
        "parsing time \"2020-01-01 extra\": extra text: \" extra\"");
  CHECK(parse_error("15:04", "25:00") == "parsing time \"25:00\": hour out of range");
  CHECK(parse_error("Jan 2006", "Foo 2006") ==
        "parsing time \"Foo 2006\" as \"Jan 2006\": cannot parse \"Foo 2006\" as \"Jan\"");
}

TEST_CASE("durations parse as Go's ParseDuration", "[builtins]") {
  int64_t ns = 0;
  std::string error;
  REQUIRE(parse_duration("2h45m30.5s", &ns, &error));
  CHECK(ns == ((2 * 60 + 45) * 60 + 30) * 1000000000LL + 500000000);
  REQUIRE(parse_duration(".5us", &ns, &error));
  CHECK(ns == 500);
  REQUIRE(parse_duration("-9223372036854775808ns", &ns, &error));
  CHECK(ns == INT64_MIN);
  CHECK_FALSE(parse_duration("9223372036854775808ns", &ns, &error));
  CHECK_FALSE(parse_duration(".s", &ns, &error));
  CHECK(error == "time: invalid duration \".s\"");
}

}  // namespace
}  // namespace tollgate::rego
