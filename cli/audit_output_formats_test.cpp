// Each `tollgate audit -o` format reads back with a real parser: JSON with
// nlohmann, YAML with yaml-cpp (the same document), JUnit XML well-formed
// for xmllint with a testcase per constraint and a failure per constraint
// that reaches --fail-on; --output-file writes the report there.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <yaml-cpp/yaml.h>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

// The exit status of a shell command and its output without the final newlines.
std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return {pclose(pipe), out};
}

}  // namespace

TEST_CASE("tollgate audit -o json and -o yaml are the same document, read by real parsers", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run json = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "json"});
  Run yaml = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "yaml"});
  nlohmann::json doc = nlohmann::json::parse(json.out);
  YAML::Node node = YAML::Load(yaml.out);
  CHECK(doc["kind"] == "List");
  CHECK(node["kind"].as<std::string>() == "List");
  REQUIRE(doc["items"].size() == 4);
  REQUIRE(node["items"].size() == 4);
  CHECK(doc["summary"]["totalViolations"] == 8);
  CHECK(node["summary"]["totalViolations"].as<int>() == 8);
  CHECK(doc["summary"]["objectsAudited"] == 9);
  CHECK(doc["summary"]["violationsByEnforcementAction"] == nlohmann::json({{"deny", 2}, {"dryrun", 2}, {"warn", 4}}));
  CHECK(doc["summary"]["notAudited"][0]["name"] == "webhook-only");
  for (size_t i = 0; i < 4; ++i) {
    CHECK(node["items"][i]["metadata"]["name"].as<std::string>() == doc["items"][i]["metadata"]["name"]);
    if (!doc["items"][i].contains("status")) continue;
    CHECK(node["items"][i]["status"]["totalViolations"].as<int>() == doc["items"][i]["status"]["totalViolations"]);
  }
}

TEST_CASE("tollgate audit -o junit is well-formed XML with a testcase per constraint", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  Run junit = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "junit", "--fail-on", "warn"});
  std::string path = tree.write("report.xml", junit.out);
  auto [lint_status, lint_out] = shell("xmllint --noout '" + path + "' 2>&1");
  INFO(lint_out);
  REQUIRE(lint_status == 0);
  CHECK(shell("xmllint --xpath 'count(//testcase)' '" + path + "'").second == "4");
  CHECK(shell("xmllint --xpath 'count(//testcase/failure)' '" + path + "'").second == "2");
  CHECK(shell("xmllint --xpath 'count(//testcase/skipped)' '" + path + "'").second == "1");
  CHECK(shell("xmllint --xpath 'string(//testsuite/@failures)' '" + path + "'").second == "2");
  CHECK_THAT(junit.out, Catch::Contains("<failure type=\"warn\" message=\"4 violations\">"));
  CHECK_THAT(junit.out, Catch::Contains("<system-out>v1/ConfigMap shop/settings: denied settings\n"));
}

TEST_CASE("tollgate audit --output-file writes the report to the file, not stdout", "[cli][audit]") {
  TempTree tree;
  AuditFiles files = write_audit_files(tree);
  std::string out = tree.path("report.json");
  Run r = run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "json", "--output-file", out});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  std::stringstream text;
  text << std::ifstream(out).rdbuf();
  CHECK(nlohmann::json::parse(text.str())["summary"]["totalViolations"] == 8);
  CHECK(run({"audit", "-f", files.cluster_list, "--policies", files.policies, "-o", "xml"}).code == 2);
}
