#include "rules/rego/builtins/time_zone.h"

#include <catch2/catch.hpp>

namespace tollgate::rego {
namespace {

std::shared_ptr<const TimeZone> zone(std::string_view name) {
  std::string error;
  auto z = TimeZone::load(name, &error);
  INFO(error);
  REQUIRE(z);
  return z;
}

TEST_CASE("time zones load from the system zoneinfo", "[builtins]") {
  auto ny = zone("America/New_York");
  CHECK(ny->lookup(1517832000).offset == -5 * 3600);  // February 2018
  CHECK(ny->lookup(1517832000).abbreviation == "EST");
  CHECK(ny->lookup(1530446400).offset == -4 * 3600);  // July 2018
  CHECK(ny->lookup(1530446400).abbreviation == "EDT");
  // Far past the file's transitions the POSIX rule decides: July 2100 is EDT.
  CHECK(ny->lookup(4118515200).abbreviation == "EDT");
  CHECK(ny->lookup(4102444800).abbreviation == "EST");  // January 2100
  auto sydney = zone("Australia/Sydney");
  CHECK(sydney->lookup(4102444800).offset == 11 * 3600);  // southern summer, from the rule
  CHECK(zone("Asia/Kolkata")->lookup(0).offset == 19800);
  CHECK(zone("UTC")->lookup(0).abbreviation == "UTC");
  CHECK(zone("") == TimeZone::utc());
}

TEST_CASE("unknown and unsafe zone names are refused", "[builtins]") {
  std::string error;
  CHECK_FALSE(TimeZone::load("Nowhere/Special", &error));
  CHECK(error == "unknown time zone Nowhere/Special");
  CHECK_FALSE(TimeZone::load("../../etc/passwd", &error));
  CHECK(error == "time: invalid location name");
  CHECK_FALSE(TimeZone::from_tzif("x", "not a tzif file"));
}

TEST_CASE("wall-clock times convert back to Unix time as Go's Date does", "[builtins]") {
  auto ny = zone("America/New_York");
  // 2018-02-05 07:00 local (EST) is 12:00 UTC.
  int64_t local = 1517832000 - 5 * 3600;
  CHECK(ny->unix_of_local(local) == 1517832000);
  // 2018-07-01 08:00 local (EDT) is 12:00 UTC.
  CHECK(ny->unix_of_local(1530446400 - 4 * 3600) == 1530446400);
}

}  // namespace
}  // namespace tollgate::rego
