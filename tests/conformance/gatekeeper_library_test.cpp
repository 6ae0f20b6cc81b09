// Runs `tollgate verify` over the gatekeeper-library suites and over our own
// platform pack, through the built binary, exactly as a user would.
//
// The library numbers only go up: every one of the 49 suites passes with
// Gatekeeper's engine choice (CEL where a template has it, else Rego), with
// every template on the Rego engine, and with both engines compared.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace {

struct RunResult {
  int exit_code = -1;
  std::string output;
};

RunResult run(const std::string& command) {
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 8192> buffer;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

nlohmann::json verify_json(const std::string& target, const std::string& engine = "auto") {
  RunResult r = run(quoted(TOLLGATE_BINARY) + " verify " + quoted(target) + " --engine " + engine + " -o json");
  INFO("tollgate verify " << target << " exited " << r.exit_code);
  nlohmann::json summary;
  REQUIRE_NOTHROW(summary = nlohmann::json::parse(r.output));
  summary["exit_code"] = r.exit_code;
  return summary;
}

// Every failed case (or test/suite error) as "path :: test :: case: error".
std::string failures_of(const nlohmann::json& summary) {
  std::string out;
  for (const auto& suite : summary["results"]) {
    if (suite.contains("error")) out += suite["path"].get<std::string>() + ": " + suite["error"].get<std::string>() + "\n";
    for (const auto& test : suite["tests"]) {
      if (test.contains("error")) {
        out += suite["path"].get<std::string>() + " :: " + test["name"].get<std::string>() + ": " +
               test["error"].get<std::string>() + "\n";
      }
      for (const auto& c : test["cases"]) {
        if (c["status"] == "failed") {
          out += suite["path"].get<std::string>() + " :: " + test["name"].get<std::string>() + " :: " +
                 c["name"].get<std::string>() + ": " + c["error"].get<std::string>() + "\n";
        }
      }
    }
  }
  return out;
}

std::string counts_line(const nlohmann::json& c) {
  return std::to_string(c["passed"].get<int>()) + " passed / " + std::to_string(c["failed"].get<int>()) +
         " failed / " + std::to_string(c["skipped"].get<int>()) + " skipped";
}

}  // namespace

TEST_CASE("gatekeeper-library suites pass under tollgate verify", "[conformance][gatekeeper-library]") {
  const std::string library = std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/...";
  for (const char* engine : {"auto", "rego", "all"}) {
    nlohmann::json summary = verify_json(library, engine);
    std::printf("gatekeeper-library (engine %s): suites %s; cases %s\n", engine,
                counts_line(summary["suites"]).c_str(), counts_line(summary["cases"]).c_str());
    std::fflush(stdout);

    INFO("engine " << engine << "\n" << failures_of(summary));
    REQUIRE(summary["suites"]["failed"] == 0);
    REQUIRE(summary["cases"]["failed"] == 0);
    REQUIRE(summary["suites"]["passed"] == 49);
    CHECK(summary["suites"]["skipped"] == 0);
    CHECK(summary["cases"]["skipped"] == 0);
    CHECK(summary["exit_code"] == 0);
  }
}

TEST_CASE("the platform policy pack proves itself", "[conformance][platform-pack]") {
  nlohmann::json summary = verify_json(std::string(TOLLGATE_SOURCE_DIR) + "/policies/library/...");
  std::printf("platform pack: suites %s; cases %s\n", counts_line(summary["suites"]).c_str(),
              counts_line(summary["cases"]).c_str());
  std::fflush(stdout);

  INFO(failures_of(summary));
  REQUIRE(summary["suites"]["failed"] == 0);
  REQUIRE(summary["suites"]["skipped"] == 0);
  CHECK(summary["suites"]["passed"] == 8);
  CHECK(summary["cases"]["failed"] == 0);
  CHECK(summary["cases"]["skipped"] == 0);
  CHECK(summary["cases"]["passed"].get<int>() >= 77);
  CHECK(summary["exit_code"] == 0);
}
