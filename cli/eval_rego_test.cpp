// `tollgate eval` for Rego: opa-eval-like results, and --explain showing why
// a gatekeeper-library template denied an object.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "cli/command_test_support.h"
#include "rules/value/json.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

namespace {

const std::string kRequiredLabels =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/requiredlabels";

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = std::string(TOLLGATE_BINARY_DIR) + "/eval_rego_test_" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("tollgate eval runs a Rego query against -d policies and data and -i input", "[cli][eval][rego]") {
  std::string policy = write_file("policy.rego",
                                  "package example\n"
                                  "import rego.v1\n"
                                  "allow if input.user == data.admins[_]\n"
                                  "names contains n if some n in data.admins\n");
  std::string data = write_file("data.json", R"({"admins": ["alice", "bob"]})");
  std::string input = write_file("input.json", R"({"user": "bob"})");

  Run value = run({"eval", "-d", policy, "-d", data, "-i", input, "data.example.allow"});
  INFO(value.err);
  REQUIRE(value.code == 0);
  tollgate::value::Value out;
  tollgate::value::JsonError err;
  REQUIRE(tollgate::value::parse_json(value.out, &out, &err));
  CHECK(out["result"].items().at(0)["expressions"].items().at(0)["value"].as_bool());

  Run bindings = run({"eval", "-d", policy, "-d", data, "x := data.example.names"});
  REQUIRE(bindings.code == 0);
  CHECK(bindings.out.find("\"alice\"") != std::string::npos);
  CHECK(bindings.out.find("\"bindings\"") != std::string::npos);

  Run undefined = run({"eval", "-d", policy, "-d", data, "data.example.allow"});
  REQUIRE(undefined.code == 0);
  CHECK(undefined.out == "{}\n");
}

TEST_CASE("tollgate eval reports Rego compile errors with file:line:col", "[cli][eval][rego]") {
  std::string broken = write_file("broken.rego", "package broken\n\np if {\n  x := \n}\n");
  Run r = run({"eval", "-d", broken, "data.broken.p"});
  CHECK(r.code == 1);
  CHECK(r.err.find(broken + ":") != std::string::npos);
  CHECK(r.err.find("rego_parse_error") != std::string::npos);
}

TEST_CASE("tollgate eval --explain shows why k8srequiredlabels denied a Namespace", "[cli][eval][rego]") {
  std::string ns = write_file("namespace.yaml",
                              "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels:\n"
                              "    team: payments\n");
  Run r = run({"eval", "-d", kRequiredLabels + "/template.yaml", "--constraint",
               kRequiredLabels + "/samples/all-must-have-owner/constraint.yaml", "-i", ns, "--explain",
               "data.k8srequiredlabels.violation"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  // The violation itself, with the constraint's message and the missing label ...
  CHECK(r.out.find("All namespaces must have an `owner` label") != std::string::npos);
  CHECK(r.out.find("\"missing_labels\": [\n                  \"owner\"") != std::string::npos);
  // ... and the trace: the rule entered, the missing-label set computed, with source locations.
  CHECK(r.out.find("Enter data.k8srequiredlabels.violation") != std::string::npos);
  CHECK(r.out.find("missing := required - provided") != std::string::npos);
  CHECK(r.out.find("template.yaml#rego:12 | | Eval missing := required - provided") != std::string::npos);
  CHECK(r.out.find("Fail not parameters.message") != std::string::npos);
}
