#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/command_test_support.h"
#include "policies/mutation/json_patch_test_support.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;
using tollgate::value::Value;

namespace {

namespace fs = std::filesystem;

// Assign allowPrivilegeEscalation (when absent) and imagePullPolicy: Always,
// AssignMetadata policy.example.com/mutated-by, all for Pods.
const std::string kMutators = std::string(TOLLGATE_SOURCE_DIR) + "/tests/e2e/fixtures/mutation";
const std::string kPod = std::string(TOLLGATE_SOURCE_DIR) + "/tests/e2e/fixtures/mutation_pod.json";

const char* kConfigMapAndPod = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
---
apiVersion: v1
kind: Pod
metadata:
  name: job
  namespace: shop
spec:
  containers:
  - name: main
    image: busybox:1.36
)";

Value parse_yaml_documents(const std::string& text, size_t expected) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  INFO(text);
  REQUIRE(tollgate::value::parse_yaml(text, &docs, &error));
  REQUIRE(docs.size() == expected);
  std::vector<Value> values;
  for (auto& d : docs) values.push_back(d.value);
  return Value::array(std::move(values));
}

// A directory of policy files that lives as long as the test.
using Files = std::vector<std::pair<std::string, std::string>>;

struct PolicyDir {
  explicit PolicyDir(const Files& files) {
    std::string pattern = (fs::temp_directory_path() / "tollgate-mutate-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
    for (const auto& [name, text] : files) std::ofstream(path / name) << text;
  }
  ~PolicyDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path path;
};

std::string pod_assign(const std::string& name, const std::string& operations, const std::string& location,
                       const std::string& value) {
  return "apiVersion: mutations.gatekeeper.sh/v1\nkind: Assign\nmetadata:\n  name: " + name +
         "\nspec:\n  applyTo:\n  - groups: [\"\"]\n    versions: [\"v1\"]\n    kinds: [\"Pod\"]\n" + operations +
         "  match:\n    kinds:\n    - apiGroups: [\"\"]\n      kinds: [\"Pod\"]\n  location: \"" + location +
         "\"\n  parameters:\n    assign:\n      value: " + value + "\n";
}

}  // namespace

TEST_CASE("tollgate mutate prints the mutated object as YAML", "[cli][mutate]") {
  Run r = run({"mutate", "-f", kPod, "--policies", kMutators});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  Value pod = parse_yaml_documents(r.out, 1).items()[0];
  const Value& containers = pod["spec"]["containers"];
  REQUIRE(containers.size() == 2);
  CHECK(containers.items()[0]["imagePullPolicy"].string_or("") == "Always");
  CHECK(containers.items()[1]["imagePullPolicy"].string_or("") == "Always");
  // Set only where absent: the proxy's explicit true stays.
  CHECK(containers.items()[0]["securityContext"]["allowPrivilegeEscalation"] == Value::boolean(false));
  CHECK(containers.items()[1]["securityContext"]["allowPrivilegeEscalation"] == Value::boolean(true));
  CHECK(pod["metadata"]["labels"]["policy.example.com/mutated-by"].string_or("") == "tollgate");
  CHECK(pod["metadata"]["labels"]["app"].string_or("") == "web");
  CHECK(pod["metadata"]["namespace"].string_or("") == "shop");
}

TEST_CASE("tollgate mutate -o json prints the object, or a List of several", "[cli][mutate]") {
  Run yaml = run({"mutate", "-f", kPod, "--policies", kMutators});
  Run one = run({"mutate", "-f", kPod, "--policies", kMutators, "-o", "json"});
  INFO(one.err);
  REQUIRE(one.code == 0);
  Value object = tollgate::value::parse_json_or_throw(one.out);
  CHECK(tollgate::value::to_json(object) == tollgate::value::to_json(parse_yaml_documents(yaml.out, 1).items()[0]));

  Run several = run({"mutate", "-f", "-", "--policies", kMutators, "-o", "json"}, kConfigMapAndPod);
  INFO(several.err);
  REQUIRE(several.code == 0);
  auto list = nlohmann::json::parse(several.out);
  CHECK(list["apiVersion"] == "v1");
  CHECK(list["kind"] == "List");
  REQUIRE(list["items"].size() == 2);
  // Mutators that do not match leave an object exactly as it was.
  CHECK(list["items"][0] == nlohmann::json::parse(
                                R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"shop"},"data":{"mode":"fast"}})"));
  CHECK(list["items"][1]["spec"]["containers"][0]["imagePullPolicy"] == "Always");

  Run yaml_several = run({"mutate", "--policies", kMutators}, kConfigMapAndPod, /*terminal=*/false);
  CHECK(yaml_several.code == 0);
  CHECK(yaml_several.out.find("\n---\n") != std::string::npos);
  Value docs = parse_yaml_documents(yaml_several.out, 2);
  CHECK(nlohmann::json::parse(tollgate::value::to_json(docs)) == list["items"]);
}

TEST_CASE("tollgate mutate -o patch prints the JSON patch of each object", "[cli][mutate]") {
  Run patch = run({"mutate", "-f", "-", "--policies", kMutators, "-o", "patch"}, kConfigMapAndPod);
  Run json = run({"mutate", "-f", "-", "--policies", kMutators, "-o", "json"}, kConfigMapAndPod);
  INFO(patch.err);
  REQUIRE(patch.code == 0);
  std::istringstream lines(patch.out);
  std::string config_map_patch, pod_patch, rest;
  REQUIRE(std::getline(lines, config_map_patch));
  REQUIRE(std::getline(lines, pod_patch));
  CHECK_FALSE(std::getline(lines, rest));
  CHECK(config_map_patch == "[]");

  std::vector<tollgate::value::YamlDocument> inputs;
  tollgate::value::YamlError error;
  REQUIRE(tollgate::value::parse_yaml(kConfigMapAndPod, &inputs, &error));
  Value patched = tollgate::policies::mutation::testing::apply_json_patch(
      inputs[1].value, tollgate::value::parse_json_or_throw(pod_patch));
  Value expected = tollgate::value::parse_json_or_throw(json.out)["items"].items()[1];
  CHECK(tollgate::value::to_json(patched) == tollgate::value::to_json(expected));
}

TEST_CASE("tollgate mutate treats objects as CREATE requests", "[cli][mutate]") {
  PolicyDir dir(Files{{"on-create.yaml", pod_assign("on-create", "    operations: [\"CREATE\"]\n",
                                               "spec.priorityClassName", "created")},
                 {"on-update.yaml", pod_assign("on-update", "    operations: [\"UPDATE\"]\n", "spec.hostname",
                                               "updated")}});
  Run r = run({"mutate", "-f", "-", "--policies", dir.path.string(), "-o", "json"},
              "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n");
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto pod = nlohmann::json::parse(r.out);
  CHECK(pod["spec"] == nlohmann::json::parse(R"({"priorityClassName":"created"})"));
}

TEST_CASE("tollgate mutate exits 1 with the message when a mutation fails", "[cli][mutate]") {
  // spec.containers is a string, where the mutators expect a list.
  Run r = run({"mutate", "-f", "-", "--policies", kMutators},
              "apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\n  namespace: shop\nspec:\n  containers: oops\n"
              "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n  namespace: shop\n");
  CHECK(r.code == 1);
  CHECK(r.err.rfind("Error: mutating -: Pod shop/broken: ", 0) == 0);
  // The other object is still printed.
  Value docs = parse_yaml_documents(r.out, 1);
  CHECK(docs.items()[0]["metadata"]["name"].string_or("") == "fine");
}

TEST_CASE("tollgate mutate refuses bad usage and unloadable policies with exit code 2", "[cli][mutate]") {
  Run no_policies = run({"mutate", "-f", kPod});
  CHECK(no_policies.code == 2);
  CHECK(no_policies.err.rfind("Error: mutate needs --policies\n", 0) == 0);
  CHECK(run({"mutate", "-f", kPod, "--policies", kMutators, "-o", "xml"}).code == 2);
  CHECK(run({"mutate", kPod, "--policies", kMutators}).code == 2);
  Run no_input = run({"mutate", "--policies", kMutators}, "", /*terminal=*/true);
  CHECK(no_input.code == 2);
  CHECK(no_input.err == "Error: no input data identified\n");
  Run missing_file = run({"mutate", "-f", kPod + ".missing", "--policies", kMutators});
  CHECK(missing_file.code == 2);
  CHECK(missing_file.err.rfind("Error: reading: ", 0) == 0);

  PolicyDir broken(Files{{"bad.yaml", "apiVersion: mutations.gatekeeper.sh/v1\nkind: Assign\nmetadata:\n  name: bad\n"
                                 "spec:\n  location: \"metadata.labels.x\"\n  parameters:\n    assign:\n      value: y\n"}});
  Run bad_policy = run({"mutate", "-f", kPod, "--policies", broken.path.string()});
  CHECK(bad_policy.code == 2);
  CHECK_THAT(bad_policy.err, Catch::Contains("bad.yaml"));
  CHECK_THAT(bad_policy.err, Catch::Contains("error(s) loading policies"));
}

TEST_CASE("tollgate test reviews objects as the mutators leave them", "[cli][test][mutate]") {
  // Every container must pull Always; the imagePullPolicy mutator makes it so.
  const std::string policy = R"yaml(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8spullalways
spec:
  crd:
    spec:
      names:
        kind: K8sPullAlways
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "object.spec.containers.all(c, has(c.imagePullPolicy) && c.imagePullPolicy == 'Always')"
          message: "containers must pull Always"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPullAlways
metadata:
  name: pull-always
spec:
  match:
    kinds:
    - apiGroups: [""]
      kinds: ["Pod"]
---
)yaml";
  PolicyDir dir(Files{{"policy.yaml", policy}});
  Run unmutated = run({"test", "-f", kPod, "--policies", dir.path.string()});
  INFO(unmutated.out << unmutated.err);
  CHECK(unmutated.code == 1);
  CHECK_THAT(unmutated.out, Catch::Contains("containers must pull Always"));

  Run mutated = run({"test", "-f", kPod, "--policies", dir.path.string(), "--policies", kMutators, "-o", "json"});
  INFO(mutated.out << mutated.err);
  CHECK(mutated.code == 0);
  CHECK(nlohmann::json::parse(mutated.out) == nlohmann::json::array());
}
