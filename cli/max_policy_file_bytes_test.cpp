// --max-policy-file-bytes on the commands that load policy files: a file
// over the limit is a load error that names the file, its size and the
// limit, before any of it is parsed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/command_test_support.h"
#include "rules/value/yaml.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(TOLLGATE_SOURCE_DIR) + "/tests/fixtures/budget/";
const std::string kLibrary = std::string(TOLLGATE_SOURCE_DIR) + "/policies/library/";

// The flag sets a process-wide limit: put it back for the next test.
struct RestoreLimit {
  size_t saved = tollgate::value::max_yaml_file_bytes();
  ~RestoreLimit() { tollgate::value::max_yaml_file_bytes() = saved; }
};

std::string size_of(const std::string& path) { return std::to_string(fs::file_size(path)); }

}  // namespace

TEST_CASE("tollgate test --max-policy-file-bytes refuses a larger policy file with its size and the limit",
          "[cli][limits]") {
  RestoreLimit restore;
  std::string policy = kFixtures + "slow_loop.yaml";
  // The Pod (123 bytes) is under the limit, the policy (595 bytes) over it.
  Run r = run({"test", "-f", kFixtures + "pod.yaml", "--policies", policy, "--max-policy-file-bytes", "200"});
  INFO(r.out << r.err);
  CHECK(r.code != 0);
  CHECK_THAT(r.out + r.err, Catch::Contains(policy + ": file is " + size_of(policy) +
                                            " bytes, over the limit of 200 bytes (--max-policy-file-bytes)"));
}

TEST_CASE("tollgate test reads policy files up to --max-policy-file-bytes, with Ki/Mi suffixes", "[cli][limits]") {
  RestoreLimit restore;
  Run r = run({"test", "-f", kFixtures + "pod.yaml", "--policies", kLibrary + "templates", "--max-policy-file-bytes",
               "1Mi"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(tollgate::value::max_yaml_file_bytes() == size_t{1} << 20);
}

TEST_CASE("tollgate verify --max-policy-file-bytes applies to suites and the templates they name", "[cli][limits]") {
  RestoreLimit restore;
  std::string suite = kLibrary + "tests/disallow-latest-tag/suite.yaml";
  Run r = run({"verify", suite, "--max-policy-file-bytes", "200"});
  INFO(r.out << r.err);
  CHECK(r.code != 0);
  CHECK_THAT(r.out + r.err, Catch::Contains("over the limit of 200 bytes (--max-policy-file-bytes)"));
}

TEST_CASE("a --max-policy-file-bytes that is no size is a usage error", "[cli][limits]") {
  RestoreLimit restore;
  for (const char* command : {"test", "verify", "serve"}) {
    Run r = run({command, "--max-policy-file-bytes", "ten megs"});
    INFO(command << ": " << r.err);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--max-policy-file-bytes: not a size in bytes: \"ten megs\""));
  }
}
