// `tollgate eval -i input.json` and `-d data.json` read JSON as `opa eval`
// does (UseNumber): a number keeps its text, so 1.0 is printed back as 1.0
// and stays distinct from 1 where OPA keeps them apart.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/command_test_support.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = std::string(TOLLGATE_BINARY_DIR) + "/eval_rego_input_number_text_test_" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("tollgate eval prints JSON input numbers with the text they were written in, as opa eval does",
          "[cli][eval][rego]") {
  const std::string policy = write_file("policy.rego",
                                        "package t\n"
                                        "import rego.v1\n"
                                        "n := input.n\n"
                                        "big := input.big\n"
                                        "int_key_finds_float := {input.n: \"x\"}[1]\n");
  const std::string input = write_file("input.json", R"({"n": 1.0, "big": 1e2})");

  Run r = run({"eval", "-d", policy, "-i", input, "data.t"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"n\": 1.0") != std::string::npos);
  CHECK(r.out.find("\"big\": 1e2") != std::string::npos);
  // {1.0: "x"}[1] is undefined in OPA: an integer finds only an integer key.
  CHECK(r.out.find("int_key_finds_float") == std::string::npos);
}

TEST_CASE("tollgate eval prints -d JSON data numbers with the text they were written in, as opa eval does",
          "[cli][eval][rego]") {
  const std::string policy = write_file("data_policy.rego",
                                        "package t\n"
                                        "import rego.v1\n"
                                        "n := data.limits.n\n"
                                        "s := json.marshal([data.limits.ratio])\n"
                                        "int_key_finds_float := {data.limits.n: \"x\"}[1]\n");
  const std::string dir = std::string(TOLLGATE_BINARY_DIR) + "/eval_rego_input_number_text_test_dir";
  std::filesystem::create_directories(dir + "/limits");
  std::ofstream(dir + "/limits/data.json") << R"({"n": 1.0, "ratio": 2.50, "big": 1e2})";

  Run r = run({"eval", "-d", policy, "-d", dir, "data"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"n\": 1.0") != std::string::npos);
  CHECK(r.out.find("\"big\": 1e2") != std::string::npos);
  CHECK(r.out.find(R"("s": "[2.50]")") != std::string::npos);
  // {1.0: "x"}[1] is undefined in OPA: an integer finds only an integer key.
  CHECK(r.out.find("int_key_finds_float") == std::string::npos);
}
