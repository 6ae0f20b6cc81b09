#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("timestamp getters default to UTC and accept zones", "[cel][timestamps]") {
  const std::string t = "timestamp('2009-02-13T23:31:30.123Z')";
  CHECK(show(k8s(t + ".getFullYear()")) == "2009");
  CHECK(show(k8s(t + ".getMonth()")) == "1");
  CHECK(show(k8s(t + ".getDate()")) == "13");
  CHECK(show(k8s(t + ".getDayOfMonth()")) == "12");
  CHECK(show(k8s(t + ".getDayOfWeek()")) == "5");
  CHECK(show(k8s(t + ".getDayOfYear()")) == "43");
  CHECK(show(k8s(t + ".getHours()")) == "23");
  CHECK(show(k8s(t + ".getMinutes()")) == "31");
  CHECK(show(k8s(t + ".getSeconds()")) == "30");
  CHECK(show(k8s(t + ".getMilliseconds()")) == "123");
  CHECK(show(k8s(t + ".getHours('+05:30')")) == "5");
  CHECK(show(k8s(t + ".getMinutes('05:30')")) == "1");
  CHECK(show(k8s(t + ".getHours('-08:00')")) == "15");
  CHECK(show(k8s(t + ".getHours('America/Los_Angeles')")) == "15");
  CHECK(show(k8s("timestamp('2009-07-13T23:31:30Z').getHours('America/New_York')")) == "19");
  CHECK(k8s(t + ".getHours('Not/AZone')").eval_error());
}

TEST_CASE("timestamps and durations format, parse and do arithmetic", "[cel][timestamps]") {
  CHECK(show(k8s("string(timestamp('2009-02-13T23:31:30.120Z'))")) == R"("2009-02-13T23:31:30.12Z")");
  // cel-go keeps the offset a timestamp was written with (a Go time.Time).
  CHECK(show(k8s("string(timestamp('2009-02-14T01:31:30+02:00'))")) == R"("2009-02-14T01:31:30+02:00")");
  CHECK(show(k8s("string(timestamp('2009-02-14T01:31:30+02:00') + duration('1h'))")) ==
        R"("2009-02-14T02:31:30+02:00")");
  CHECK(show(k8s("timestamp('2009-02-14T01:31:30+02:00') == timestamp('2009-02-13T23:31:30Z')")) == "true");
  CHECK(show(k8s("timestamp('2009-02-14T01:31:30+02:00').getHours()")) == "23");  // UTC by default
  CHECK(show(k8s("timestamp('2009-02-14T01:31:30+02:00').getDate()")) == "13");
  CHECK(show(k8s("timestamp('2009-02-14T01:31:30+02:00').getHours('UTC')")) == "23");
  CHECK(show(k8s("string(timestamp(0))")) == R"("1970-01-01T00:00:00Z")");
  CHECK(show(k8s("string(duration('1m1ms'))")) == R"("60.001s")");
  CHECK(show(k8s("string(duration('-1.5h'))")) == R"("-5400s")");
  CHECK(show(k8s("duration('1h30m').getMinutes()")) == "90");
  // cel-go v0.22 (Kubernetes 1.32): the whole duration; cel-spec: the millisecond part.
  CHECK(show(k8s("duration('123.321456789s').getMilliseconds()")) == "123321");
  CHECK(show(standard("duration('123.321456789s').getMilliseconds()")) == "321");
  CHECK(show(k8s("string(timestamp('2020-01-01T00:00:00Z') + duration('36h'))")) == R"("2020-01-02T12:00:00Z")");
  CHECK(show(k8s("timestamp('2020-01-02T00:00:00Z') - timestamp('2020-01-01T00:00:00Z') == duration('24h')")) ==
        "true");
  CHECK(show(k8s("timestamp('2020-01-01T00:00:00Z') < timestamp('2020-01-01T00:00:01Z')")) == "true");
  CHECK(show(k8s("int(timestamp('1970-01-01T00:01:00Z'))")) == "60");
  CHECK(show(k8s("type(duration('1s')) == google.protobuf.Duration")) == "true");
}

TEST_CASE("out-of-range times are errors, bad constant literals fail to compile", "[cel][timestamps]") {
  CHECK(k8s("timestamp('9999-12-31T23:59:59Z') + duration('1s')").eval_error());
  CHECK(k8s("duration('2000000h') + duration('2000000h')").eval_error());
  CHECK_FALSE(k8s("duration('1d')").compiled);
  CHECK_FALSE(k8s("timestamp('2020-13-01T00:00:00Z')").compiled);
  CHECK(k8s("duration(s)", {{"s", json(R"("5 minutes")")}}).eval_error());
}
