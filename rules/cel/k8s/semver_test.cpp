#include "rules/cel/k8s/semver.h"

#include <catch2/catch.hpp>

using tollgate::cel::k8s::Semver;

namespace {

Semver v(const char* text, bool normalize = false) {
  auto parsed = Semver::parse(text, normalize);
  INFO("parsing " << text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string error_of(const char* text, bool normalize = false) {
  std::string error;
  INFO("parsing " << text);
  REQUIRE_FALSE(Semver::parse(text, normalize, &error).has_value());
  return error;
}

}  // namespace

TEST_CASE("semver: strict parsing as blang/semver", "[k8s][semver]") {
  CHECK(v("1.2.3").major() == 1);
  CHECK(v("1.2.3").minor() == 2);
  CHECK(v("1.2.3").patch() == 3);
  CHECK(v("1.2.3-beta.1+build.1").to_string() == "1.2.3-beta.1+build.1");
  CHECK(error_of("v1.0") == "No Major.Minor.Patch elements found");
  CHECK(error_of("") == "Version string empty");
  CHECK(error_of("v1.0.0") == "Invalid character(s) found in major number \"v1\"");
  CHECK(error_of(" 1.0.0") == "Invalid character(s) found in major number \" 1\"");
  CHECK(error_of("1. 0.0") == "Invalid character(s) found in minor number \" 0\"");
  CHECK(error_of("1.0.0 ") == "Invalid character(s) found in patch number \"0 \"");
  CHECK(error_of("01.01.01") == "Major number must not contain leading zeroes \"01\"");
  CHECK(error_of("1") == "No Major.Minor.Patch elements found");
  CHECK(error_of("1.1") == "No Major.Minor.Patch elements found");
  CHECK(error_of("1.2.3-01") == "Numeric PreRelease version must not contain leading zeroes \"01\"");
  CHECK(error_of("1.2.3-") == "Prerelease is empty");
  CHECK(error_of("1.2.3-a..b") == "Prerelease is empty");
  CHECK(error_of("1.2.3+") == "Buildstr is empty");
  CHECK(error_of("1.2.3-a_b") == "Invalid character(s) found in prerelease \"a_b\"");
  CHECK(error_of("1..3") == "strconv.ParseUint: parsing \"\": invalid syntax");
  CHECK(error_of("99999999999999999999.0.0") ==
        "strconv.ParseUint: parsing \"99999999999999999999\": value out of range");
  CHECK(v("1.2.3+build.007").to_string() == "1.2.3+build.007");  // build metadata may have leading zeros
}

TEST_CASE("semver: Kubernetes normalization", "[k8s][semver]") {
  CHECK(v("v1.0.0", true).compare(v("1.0.0")) == 0);
  CHECK(v("01.01.01", true).to_string() == "1.1.1");
  CHECK(v("1", true).to_string() == "1.0.0");
  CHECK(v("1.1", true).to_string() == "1.1.0");
  CHECK(v("v01.01", true).compare(v("1.1.0")) == 0);
  CHECK(v("1.0.0-rc.1", true).to_string() == "1.0.0-rc.1");
  CHECK(error_of("", true) == "strconv.ParseUint: parsing \"\": invalid syntax");
  CHECK_FALSE(Semver::parse(" 1.0.0", true));
  CHECK_FALSE(Semver::parse("1. 0.0", true));
  CHECK_FALSE(Semver::parse("1.0.0 ", true));
  CHECK(error_of("1.0-rc", true) == "short version cannot contain PreRelease/Build meta data");
}

TEST_CASE("semver: precedence", "[k8s][semver]") {
  CHECK(v("1.2.3").compare(v("1.10.0")) == -1);
  CHECK(v("1.2.3").compare(v("1.2.3")) == 0);
  CHECK(v("1.2.3").compare(v("2.0.0")) == -1);
  CHECK(v("1.2.3").compare(v("0.1.2")) == 1);
  CHECK(v("1.0.0-alpha").compare(v("1.0.0")) == -1);
  // The semver.org ordering example.
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                           "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",      "1.0.0"};
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    INFO(ordered[i] << " < " << ordered[i + 1]);
    CHECK(v(ordered[i]).compare(v(ordered[i + 1])) == -1);
    CHECK(v(ordered[i + 1]).compare(v(ordered[i])) == 1);
  }
  CHECK(v("1.0.0+a").compare(v("1.0.0+b")) == 0);  // build metadata does not count
}
