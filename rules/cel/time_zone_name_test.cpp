// A time zone argument comes from the request at admission time
// (`timestamp(...).getHours(object.metadata.annotations.tz)`): whatever it
// names, the answer is an hour or an "unknown time zone" error value. A zone
// folder ("America") used to make the zoneinfo reader throw out of the
// evaluation and end the process. Found by fuzz_cel_compiler.
#include <catch2/catch.hpp>

#include <string>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

namespace {

const std::string kTimestamp = "timestamp('2023-01-02T03:04:05Z')";

}  // namespace

TEST_CASE("a zoneinfo folder as the time zone is an unknown time zone, not a crash", "[cel][timestamps]") {
  CHECK(show(k8s(kTimestamp + ".getHours('America')")) == "error: unknown time zone: 'America'");
  CHECK(show(k8s(kTimestamp + ".getMinutes('Europe')")) == "error: unknown time zone: 'Europe'");
}

TEST_CASE("a time zone with a NUL byte names no zone", "[cel][timestamps]") {
  Outcome o = k8s(kTimestamp + ".getHours(tz)", {{"tz", tollgate::value::Value::string(std::string("\0America/New_York", 17))}});
  CHECK(o.eval_error());
  CHECK_THAT(o.error(), Catch::StartsWith("unknown time zone"));
  // The same zone without the NUL is known.
  CHECK(show(k8s(kTimestamp + ".getHours('America/New_York')")) == "22");
}
