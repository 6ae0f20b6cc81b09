// serve's kube API flags: what is refused before anything starts.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command_test_support.h"

using tollgate::cli::testing::run;

namespace {

std::vector<std::string> serve_with(std::vector<std::string> extra) {
  std::vector<std::string> args = {"serve", "--policies", TOLLGATE_SOURCE_DIR "/policies/library/templates", "--tls-cert",
                                   "/nonexistent/tls.crt", "--tls-key", "/nonexistent/tls.key"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("serve --kube-api takes auto or off", "[cli][serve][kube]") {
  auto r = run(serve_with({"--kube-api", "always"}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--kube-api takes auto or off"));
}

TEST_CASE("serve --kubeconfig with --kube-api off is a usage error", "[cli][serve][kube]") {
  auto r = run(serve_with({"--kube-api", "off", "--kubeconfig", "/tmp/config"}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("would not be used"));
}

TEST_CASE("serve --sync-max-bytes takes a byte count or a Ki/Mi/Gi quantity", "[cli][serve][kube]") {
  auto r = run(serve_with({"--sync-max-bytes", "512MB"}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("512Mi or 1Gi"));
  auto objects = run(serve_with({"--sync-max-objects", "-1"}));
  CHECK(objects.code == 2);
  CHECK_THAT(objects.err, Catch::Contains("--sync-max-objects takes a non-negative integer"));
}

TEST_CASE("serve with a kubeconfig it cannot read does not serve", "[cli][serve][kube]") {
  // The server reports on the process's stderr.
  std::ostringstream captured;
  std::streambuf* saved = std::cerr.rdbuf(captured.rdbuf());
  auto r = run(serve_with({"--kubeconfig", "/nonexistent/kubeconfig"}));
  std::cerr.rdbuf(saved);
  CHECK(r.code == 1);
  CHECK_THAT(captured.str(), Catch::Contains("cannot read kubeconfig /nonexistent/kubeconfig") &&
                                 Catch::Contains("not serving"));
}
