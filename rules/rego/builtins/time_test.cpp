#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

std::string error_text(std::string_view name, std::vector<Value> args) {
  return call_error(name, std::move(args)).what();
}

TEST_CASE("time.parse_ns and time.parse_rfc3339_ns give Unix nanoseconds", "[builtins]") {
  CHECK(call("time.parse_ns", {str("2006-01-02T15:04:05Z07:00"), str("2017-06-02T19:00:00-07:00")}) ==
        json("1496455200000000000"));
  CHECK(call("time.parse_ns", {str("01/02 03:04:05PM '06 -0700"), str("06/02 07:00:00PM '17 -0700")}) ==
        json("1496455200000000000"));
  CHECK(call("time.parse_ns", {str("RFC822Z"), str("02 Jun 17 19:00 -0700")}) == json("1496455200000000000"));
  CHECK(call("time.parse_ns", {str("2006-01-02"), str("2020-02-29")}) == json("1582934400000000000"));
  CHECK(call("time.parse_rfc3339_ns", {str("1677-09-21T00:12:43.145224192-00:00")}) == json("-9223372036854775808"));
  CHECK(call("time.parse_rfc3339_ns", {str("2262-04-11T23:47:16.854775807-00:00")}) == json("9223372036854775807"));
  CHECK(call("time.parse_rfc3339_ns", {str("1970-01-01T00:00:00Z")}) == json("0"));
  CHECK(error_text("time.parse_rfc3339_ns", {str("1677-09-21T00:12:43.145224191-00:00")}) ==
        "time outside of valid range");
  CHECK(error_text("time.parse_rfc3339_ns", {str("2262-04-11T23:47:16.854775808-00:00")}) ==
        "time outside of valid range");
  CHECK(error_text("time.parse_ns", {str("2006-01-02"), str("2020-13-01")}) ==
        "parsing time \"2020-13-01\": month out of range");
  CHECK(error_text("time.parse_ns", {str("2006-01-02"), str("2021-02-29")}) ==
        "parsing time \"2021-02-29\": day out of range");
  CHECK(error_text("time.parse_rfc3339_ns", {str("yesterday")}) ==
        "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\"");
}

TEST_CASE("time.parse_duration_ns follows Go's ParseDuration", "[builtins]") {
  CHECK(call("time.parse_duration_ns", {str("100ms")}) == json("100000000"));
  CHECK(call("time.parse_duration_ns", {str("1h30m")}) == json("5400000000000"));
  CHECK(call("time.parse_duration_ns", {str("-1.5h")}) == json("-5400000000000"));
  CHECK(call("time.parse_duration_ns", {str("1\xC2\xB5s")}) == json("1000"));
  CHECK(call("time.parse_duration_ns", {str("0")}) == json("0"));
  CHECK(error_text("time.parse_duration_ns", {str("1")}) == "time: missing unit in duration \"1\"");
  CHECK(error_text("time.parse_duration_ns", {str("1d")}) == "time: unknown unit \"d\" in duration \"1d\"");
  CHECK(error_text("time.parse_duration_ns", {str("")}) == "time: invalid duration \"\"");
  CHECK(error_text("time.parse_duration_ns", {str("3000000h")}) == "time: invalid duration \"3000000h\"");
}

TEST_CASE("time.date, time.clock and time.weekday read the wall clock in a zone", "[builtins]") {
  CHECK(call("time.date", {json("1517814000000000000")}) == json("[2018, 2, 5]"));
  CHECK(call("time.date", {json("[1517814000000000000, \"America/Los_Angeles\"]")}) == json("[2018, 2, 4]"));
  CHECK(call("time.date", {json("[1517832000000000000, \"\"]")}) == json("[2018, 2, 5]"));
  CHECK(call("time.date", {json("1582977600000000000")}) == json("[2020, 2, 29]"));
  CHECK(call("time.clock", {json("1517832000000000000")}) == json("[12, 0, 0]"));
  CHECK(call("time.clock", {json("[1517832000000000000, \"America/New_York\"]")}) == json("[7, 0, 0]"));
  CHECK(call("time.weekday", {json("1517832000000000000")}) == str("Monday"));
  CHECK(call("time.weekday", {json("1518350400000000000")}) == str("Sunday"));
  CHECK(call("time.date", {json("-1")}) == json("[1969, 12, 31]"));
  CHECK(error_text("time.date", {json("1582977600000000000000")}) == "timestamp too big");
  CHECK(error_text("time.clock", {json("[0, \"Mars/Olympus_Mons\"]")}) == "unknown time zone Mars/Olympus_Mons");
  CHECK(error_text("time.weekday", {str("now")}) ==
        "operand 1 must be either number (ns) or [number (ns), string (tz)] but got string");
}

TEST_CASE("time.add_date and time.diff work on the calendar", "[builtins]") {
  CHECK(call("time.add_date", {json("1585852421593912000"), json("3"), json("9"), json("12")}) ==
        json("1705257221593912000"));
  CHECK(call("time.add_date", {json("1585852421593912000"), json("-1"), json("-1"), json("-1")}) ==
        json("1551465221593912000"));
  CHECK(error_text("time.add_date", {json("0"), json("2262"), json("1"), json("1")}) == "time outside of valid range");
  CHECK(error_text("time.add_date", {json("-9223372036854775808"), json("0"), json("0"), json("-1")}) ==
        "time outside of valid range");
  auto day = [](const char* date) { return call("time.parse_ns", {str("2006-01-02"), str(date)}); };
  CHECK(call("time.diff", {day("2020-02-02"), day("2020-03-01")}) == json("[0, 0, 28, 0, 0, 0]"));
  CHECK(call("time.diff", {day("2021-02-02"), day("2021-03-01")}) == json("[0, 0, 27, 0, 0, 0]"));
  CHECK(call("time.diff", {day("2004-02-29"), day("2005-03-01")}) == json("[1, 0, 1, 0, 0, 0]"));
  CHECK(call("time.diff", {json("61000000000"), json("0")}) == json("[0, 0, 0, 0, 1, 1]"));
  CHECK(call("time.diff", {json("[60000000000, \"UTC\"]"), json("[0, \"Asia/Shanghai\"]")}) ==
        json("[0, 0, 0, 0, 1, 0]"));
}

TEST_CASE("time.format prints RFC 3339 by default, or a Go layout", "[builtins]") {
  Value t = json("1670006453141828752");
  CHECK(call("time.format", {t}) == str("2022-12-02T18:40:53.141828752Z"));
  CHECK(call("time.format", {Value::array({t, str("Asia/Kolkata")})}) == str("2022-12-03T00:10:53.141828752+05:30"));
  CHECK(call("time.format", {Value::array({t, str("Asia/Kolkata"), str("Mon Jan 02 15:04:05 -0700 2006")})}) ==
        str("Sat Dec 03 00:10:53 +0530 2022"));
  CHECK(call("time.format", {Value::array({t, str("Asia/Kolkata"), str("RFC1123Z")})}) ==
        str("Sat, 03 Dec 2022 00:10:53 +0530"));
  CHECK(call("time.format", {Value::array({t, str("America/New_York"), str("RFC1123")})}) ==
        str("Fri, 02 Dec 2022 13:40:53 EST"));
  CHECK(error_text("time.format", {json("15829776000000000000000")}) == "timestamp too big");
}

TEST_CASE("time.now_ns is the query's clock", "[builtins]") {
  const BuiltinInfo* info = BuiltinRegistry::standard().find("time.now_ns");
  CHECK(info->nondeterministic);
  BuiltinContext ctx;
  ctx.now_ns = 1234;
  CHECK(*info->function({}, ctx) == json("1234"));
}

}  // namespace
}  // namespace tollgate::rego
