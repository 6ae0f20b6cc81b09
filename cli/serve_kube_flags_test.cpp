// serve's kube API and audit flags: what is refused before anything starts.
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

TEST_CASE("serve --audit-interval takes a whole number of seconds", "[cli][serve][audit]") {
  auto r = run(serve_with({"--audit-interval", "1m"}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--audit-interval takes a number of seconds, not \"1m\""));
}

TEST_CASE("serve --audit-chunk-size takes a positive count, --constraint-violations-limit any", "[cli][serve][audit]") {
  auto zero = run(serve_with({"--audit-chunk-size", "0"}));
  CHECK(zero.code == 2);
  CHECK_THAT(zero.err, Catch::Contains("--audit-chunk-size takes a positive integer"));
  auto negative = run(serve_with({"--constraint-violations-limit", "-5"}));
  CHECK(negative.code == 2);
  CHECK_THAT(negative.err, Catch::Contains("--constraint-violations-limit takes a non-negative integer"));
}

TEST_CASE("serve --help lists the audit flags", "[cli][serve][audit]") {
  auto r = run({"serve", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--audit-interval") && Catch::Contains("/audit on the metrics port") &&
                        Catch::Contains("--audit-chunk-size") && Catch::Contains("--constraint-violations-limit"));
}

TEST_CASE("serve --leader-election is a boolean flag, and --help lists the Lease flags", "[cli][serve][kube]") {
  auto r = run(serve_with({"--leader-election=maybe"}));
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("leader-election"));
  auto help = run({"serve", "--help"});
  CHECK(help.code == 0);
  CHECK_THAT(help.out, Catch::Contains("--leader-election ") && Catch::Contains("--leader-election-lease NAME") &&
                           Catch::Contains("--leader-election-namespace NS"));
}
