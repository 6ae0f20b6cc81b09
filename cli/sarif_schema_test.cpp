// The SARIF of `tollgate test -o sarif` and `tollgate audit -o sarif` is
// valid SARIF 2.1.0: every log these tests produce goes through the
// official JSON schema (policies/sarif/schema/, run by python3-jsonschema)
// and the rules the SARIF text adds to it; a failure prints the
// validator's words.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/audit_test_support.h"
#include "cli/command_test_support.h"
#include "cli/sarif_test_support.h"

using tollgate::cli::testing::AuditFiles;
using tollgate::cli::testing::InDirectory;
using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::cli::testing::SchemaCheck;
using tollgate::cli::testing::validate_sarif;
using tollgate::cli::testing::write_audit_files;
using tollgate::policies::gator::testing::TempTree;

namespace {

// A scoped constraint in force at every enforcement point, warn and dryrun.
constexpr const char* kScopedConstraint = R"(
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: scoped-everywhere}
spec:
  enforcementAction: scoped
  scopedEnforcementActions:
  - action: warn
    enforcementPoints: [{name: "*"}]
  - action: dryrun
    enforcementPoints: [{name: "*"}]
  match:
    kinds: [{apiGroups: [""], kinds: [ConfigMap]}]
)";

// The cluster's Pods and ConfigMaps as a YAML List, its items in two styles.
constexpr const char* kYamlList = R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop, labels: {env: prod}}
- apiVersion: v1
  kind: Pod
  metadata: {name: checkout, namespace: shop}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: shop}}
)";

constexpr const char* kConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-stdin, namespace: lab}\n";
constexpr const char* kOwnedPod = "apiVersion: v1\nkind: Pod\nmetadata: {name: fine, namespace: lab, labels: {owner: ana}}\n";

struct Case {
  std::string name;
  std::vector<std::string> args;
  std::string stdin_text;
  size_t min_results = 0;  // a log that should have results must have them, or it proves little
};

// The fixture's files, and a command line of `command` over them with the policies, -o sarif.
struct Inputs {
  Inputs(const TempTree& tree, std::string command)
      : command_name(std::move(command)),
        files(write_audit_files(tree)),
        scoped(tree.write("scoped.yaml", kScopedConstraint)),
        yaml_list(tree.write("list.yaml", kYamlList)),
        owned(tree.write("owned.yaml", kOwnedPod)) {}

  std::vector<std::string> command(std::vector<std::string> args) const {
    args.insert(args.begin(), command_name);
    for (const std::string& a : {std::string("--policies"), files.policies, std::string("--policies"), scoped,
                                 std::string("-o"), std::string("sarif")}) {
      args.push_back(a);
    }
    return args;
  }

  std::string command_name;
  AuditFiles files;
  std::string scoped;
  std::string yaml_list;
  std::string owned;
};

void check_valid(const Case& c, const Run& r) {
  INFO(c.name);
  INFO("stderr: " << r.err);
  REQUIRE(r.code >= 0);
  REQUIRE(r.code <= 1);
  nlohmann::json log = nlohmann::json::parse(r.out);
  CHECK(log["runs"][0]["results"].size() >= c.min_results);
  SchemaCheck check = validate_sarif(r.out);
  INFO("validator: " << check.output);
  CHECK(check.status == 0);
}

}  // namespace

TEST_CASE("the SARIF validator rejects what the SARIF 2.1.0 schema forbids", "[cli][sarif][schema]") {
  SchemaCheck bad = validate_sarif(R"({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
    "results": [{"message": {"text": "m"}, "level": "fatal", "ruleId": "r", "ruleIndex": 0,
      "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b", "uriBaseId": "%SRCROOT%"},
                                          "region": {"startLine": 0}}}]}]}]})");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.output, Catch::Contains("$.runs[0].results[0].level: 'fatal' is not one of"));
  CHECK_THAT(bad.output, Catch::Contains("startLine: 0 is less than the minimum of 1"));
  CHECK_THAT(bad.output, Catch::Contains("'a b' is not a 'uri-reference'"));
  CHECK_THAT(bad.output, Catch::Contains("ruleIndex: 0 is past the 0 rules of the driver"));
  CHECK_THAT(bad.output, Catch::Contains("'%SRCROOT%' is not defined in the run's originalUriBaseIds"));
  CHECK(validate_sarif(R"({"version": "2.1.0", "runs": []})").status == 0);
}

TEST_CASE("tollgate test -o sarif is valid SARIF 2.1.0 for every kind of input", "[cli][test][sarif][schema]") {
  TempTree tree;
  Inputs in(tree, "test");
  const AuditFiles& files = in.files;
  auto with = [&](std::vector<std::string> args) { return in.command(std::move(args)); };
  const std::string& yaml_list = in.yaml_list;
  const std::string& owned = in.owned;
  std::vector<Case> cases = {
      {"several documents in one YAML file, every enforcement action", with({"-f", files.cluster_yaml}), "", 10},
      {"a kubectl JSON List", with({"-f", files.cluster_list}), "", 0},
      {"a YAML List", with({"-f", yaml_list}), "", 0},
      {"stdin", with({}), kConfigMap, 2},
      {"no findings", with({"-f", owned}), "", 0},
      {"deny only", with({"-f", files.cluster_yaml, "--deny-only"}), "", 2},
      {"a folder of manifests and stdin", with({"-f", tree.path("dump"), "-f", files.cluster_yaml, "-f", "-"}),
       kConfigMap, 12},
  };
  for (const Case& c : cases) check_valid(c, run(c.args, c.stdin_text, /*terminal=*/c.stdin_text.empty()));

  // A file under the current directory: a %SRCROOT%-relative URI, defined in the run.
  InDirectory in_tree(tree.path());
  Case relative{"a file under the current directory", with({"-f", "cluster.yaml"}), "", 10};
  Run r = run(relative.args);
  check_valid(relative, r);
  nlohmann::json log = nlohmann::json::parse(r.out);
  CHECK(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] ==
        "%SRCROOT%");
  CHECK(log["runs"][0].contains("originalUriBaseIds"));
}

TEST_CASE("tollgate audit -o sarif is valid SARIF 2.1.0 for every kind of dump", "[cli][audit][sarif][schema]") {
  TempTree tree;
  Inputs in(tree, "audit");
  const AuditFiles& files = in.files;
  auto with = [&](std::vector<std::string> args) { return in.command(std::move(args)); };
  const std::string& yaml_list = in.yaml_list;
  const std::string& owned = in.owned;
  std::string array = tree.write("array.json", R"([{"apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "in-array", "namespace": "lab"}}])");
  std::vector<Case> cases = {
      {"several documents in one YAML file, every enforcement action", with({"-f", files.cluster_yaml}), "", 10},
      {"a kubectl JSON List", with({"-f", files.cluster_list}), "", 10},
      {"a YAML List", with({"-f", yaml_list}), "", 4},
      {"a JSON array of objects", with({"-f", array}), "", 2},
      {"stdin", with({}), kConfigMap, 2},
      {"no findings", with({"-f", owned}), "", 0},
      {"violations counted, none kept", with({"-f", files.cluster_yaml, "--constraint-violations-limit", "0"}), "", 0},
  };
  for (const Case& c : cases) check_valid(c, run(c.args, c.stdin_text, /*terminal=*/c.stdin_text.empty()));
}
