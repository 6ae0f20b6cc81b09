// Zone names reach time.clock/time.date/time.weekday/time.add_date from
// policy input: a zoneinfo folder or a name with a NUL byte is an unknown
// time zone, as Go's time.LoadLocation says, never a read of something else.
#include <catch2/catch.hpp>

#include <string>

#include "rules/rego/builtins/time_zone.h"

namespace tollgate::rego {
namespace {

TEST_CASE("a zoneinfo folder is an unknown time zone", "[builtins]") {
  std::string error;
  CHECK_FALSE(TimeZone::load("America", &error));
  CHECK(error == "unknown time zone America");
}

TEST_CASE("a zone name with a NUL byte is an unknown time zone, not the zone before the NUL", "[builtins]") {
  std::string error;
  std::string name("Europe/Paris\0x", 14);
  CHECK_FALSE(TimeZone::load(name, &error));
  CHECK(error == "unknown time zone " + name);
}

}  // namespace
}  // namespace tollgate::rego
