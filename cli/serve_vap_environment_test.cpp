// serve --vap-environment: the CEL environment of the admission policies it
// runs, checked before anything starts, with the values review, test, verify
// and audit take.
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

#include "cli/command_test_support.h"

using tollgate::cli::testing::run;

namespace {

std::vector<std::string> serve_with(const std::string& environment) {
  return {"serve",     "--policies",         TOLLGATE_SOURCE_DIR "/policies/library/templates",
          "--tls-cert", "/nonexistent/tls.crt", "--tls-key",
          "/nonexistent/tls.key", "--kube-api", "off",
          "--vap-environment", environment};
}

}  // namespace

TEST_CASE("serve --vap-environment refuses a version it has no environment for", "[cli][serve][vap]") {
  auto r = run(serve_with("1.29"));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--vap-environment takes 1.32 or current, not \"1.29\""));
}

TEST_CASE("serve --vap-environment takes 1.32 and current", "[cli][serve][vap]") {
  for (const char* environment : {"1.32", "current"}) {
    // Past the flags: the server starts and stops at the missing certificate.
    std::ostringstream captured;
    std::streambuf* saved = std::cerr.rdbuf(captured.rdbuf());
    auto r = run(serve_with(environment));
    std::cerr.rdbuf(saved);
    INFO(environment << ": " << r.err << captured.str());
    CHECK(r.code == 1);
    CHECK(r.err.find("vap-environment") == std::string::npos);
    CHECK(captured.str().find("environment") == std::string::npos);
  }
}

TEST_CASE("serve --help lists --vap-environment", "[cli][serve][vap]") {
  auto r = run({"serve", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--vap-environment VERSION"));
}
