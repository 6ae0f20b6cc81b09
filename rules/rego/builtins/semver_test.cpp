#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

int64_t compare(const char* a, const char* b) { return call("semver.compare", {str(a), str(b)}).as_int(); }

TEST_CASE("semver.compare orders versions by SemVer precedence", "[builtins]") {
  CHECK(compare("1.0.0", "2.0.0") == -1);
  CHECK(compare("2.0.0", "1.0.0") == 1);
  CHECK(compare("1.0.0", "1.0.0") == 0);
  CHECK(compare("v1.2.3", "1.2.3") == 0);
  CHECK(compare("1.10.0", "1.9.0") == 1);
  CHECK(compare("1.0.0-alpha", "1.0.0") == -1);
  CHECK(compare("1.0.0-alpha", "1.0.0-alpha.1") == -1);
  CHECK(compare("1.0.0-alpha.1", "1.0.0-alpha.beta") == -1);
  CHECK(compare("1.0.0-beta.2", "1.0.0-beta.11") == -1);
  CHECK(compare("1.0.0-rc.1", "1.0.0-beta.11") == 1);
  CHECK(compare("1.0.0+build.1", "1.0.0+build.2") == 0);
  CHECK(compare("1.0.0-1", "1.0.0-01") == 0);
}

TEST_CASE("semver.compare rejects invalid versions", "[builtins]") {
  BuiltinError e = call_error("semver.compare", {str("1"), str("1.0.0")});
  CHECK(e.code() == BuiltinError::Code::Builtin);
  CHECK(std::string(e.what()) == "operand 1: string \"1\" is not a valid SemVer");
  CHECK(std::string(call_error("semver.compare", {str("1.0.0"), str("1")}).what()) ==
        "operand 2: string \"1\" is not a valid SemVer");
  CHECK(call_error("semver.compare", {Value::integer(1), str("1.0.0")}).code() == BuiltinError::Code::Type);
}

TEST_CASE("semver.is_valid", "[builtins]") {
  // An empty pre-release after '-' is accepted, as OPA's parser does.
  for (const char* ok : {"1.0.0", "v1.0.0", "1.2.3-rc.1+build.5", "0.0.0-a-b", "1.0.0-"}) {
    INFO(ok);
    CHECK(call("semver.is_valid", {str(ok)}) == Value::boolean(true));
  }
  for (const char* bad : {"1", "1.0", "1.0.0.0", "1.a.0", "1.0.0-a..b", "1.0.0+bad_meta", ""}) {
    INFO(bad);
    CHECK(call("semver.is_valid", {str(bad)}) == Value::boolean(false));
  }
  CHECK(call("semver.is_valid", {Value::integer(1)}) == Value::boolean(false));
}

}  // namespace
}  // namespace tollgate::rego
