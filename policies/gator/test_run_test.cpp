#include "policies/gator/test_run.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "policies/gator/test_report.h"
#include "policies/gator/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::deny_result;
using tollgate::policies::gator::testing::FakePolicySet;

namespace {

const char* kInputs = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredowner
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredOwner
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredOwner
metadata:
  name: must-have-owner
spec:
  enforcementAction: deny
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    tier: apps
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    owner: me
)";

std::vector<SourcedObject> inputs() {
  std::vector<SourcedObject> out;
  std::string error;
  REQUIRE(read_objects_text(kInputs, "in.yaml", &out, &error));
  return out;
}

// Denies every object without an owner label, and warns "say \"hi\"" on
// ConfigMaps; records what each review saw.
struct RecordingEngine {
  std::shared_ptr<std::vector<ReviewInput>> seen = std::make_shared<std::vector<ReviewInput>>();
  std::shared_ptr<std::vector<Value>> loaded = std::make_shared<std::vector<Value>>();

  EngineBuild operator()(const std::vector<Value>& objects, const std::vector<Value>&) const {
    *loaded = objects;
    auto seen_reviews = seen;
    EngineBuild build;
    build.policies = std::make_shared<FakePolicySet>([seen_reviews](const ReviewInput& input) {
      seen_reviews->push_back(input);
      std::vector<Result> out;
      const Value& object = input.request["object"];
      if (object["metadata"]["labels"]["owner"].is_null()) {
        out.push_back(deny_result("missing owner on " + std::string(object["kind"].string_or("")), "must-have-owner",
                                  "K8sRequiredOwner"));
      }
      if (object["kind"].string_or("") == "ConfigMap") {
        Result warn = deny_result("say \"hi\"", "must-have-owner", "K8sRequiredOwner");
        warn.enforcement_action = "warn";
        out.push_back(warn);
      }
      return out;
    });
    build.unsupported.push_back("template k8sother: Rego engine not available");
    return build;
  }
};

}  // namespace

TEST_CASE("gator test reviews every input with its Namespace and all inputs as inventory", "[gator][test]") {
  RecordingEngine engine;
  TestRunReport report = run_gator_test(inputs(), {}, engine);
  REQUIRE(report.error.empty());
  CHECK(report.warnings == std::vector<std::string>{"template k8sother: Rego engine not available"});

  // Only the template and the constraint are policies.
  REQUIRE(engine.loaded->size() == 2);
  CHECK((*engine.loaded)[0]["kind"] == Value::string("ConstraintTemplate"));

  // Every object is reviewed, templates and constraints too.
  REQUIRE(engine.seen->size() == 5);
  const ReviewInput& deployment = (*engine.seen)[3];
  CHECK(deployment.enforcement_point == kGatorPoint);
  CHECK(deployment.namespace_object["metadata"]["name"] == Value::string("shop"));
  CHECK(deployment.inventory.size() == 5);
  // A ConfigMap without a namespace gets gator's empty Namespace, not none.
  const ReviewInput& config_map = (*engine.seen)[4];
  CHECK(config_map.namespace_object["kind"] == Value::string("Namespace"));
  CHECK(config_map.namespace_object["metadata"]["name"].is_null());

  // Results are ordered by (action, message) across all objects, as gator does.
  REQUIRE(report.violations.size() == 5);
  CHECK(report.violations.front().result.message == "missing owner on ConstraintTemplate");
  CHECK(report.violations.back().result.enforcement_action == "warn");
  CHECK(report.violations[2].constraint["metadata"]["name"] == Value::string("must-have-owner"));
}

TEST_CASE("objects given with --policies are loaded but not reviewed", "[gator][test]") {
  std::vector<SourcedObject> all = inputs();
  std::vector<SourcedObject> policies(all.begin(), all.begin() + 2);
  std::vector<SourcedObject> objects(all.begin() + 2, all.end());
  RecordingEngine engine;
  TestRunReport report = run_gator_test(objects, policies, engine);
  CHECK(engine.loaded->size() == 2);
  CHECK(engine.seen->size() == 3);
  CHECK(report.reviewed.size() == 3);
}

TEST_CASE("text output is gator's line per result", "[gator][test]") {
  RecordingEngine engine;
  TestRunReport report = run_gator_test(inputs(), {}, engine);
  TestOutputOptions options;
  std::string text = format_test_text(report, options);
  CHECK(text.find("apps/v1/Deployment shop/web: [\"must-have-owner\"] Message: \"missing owner on Deployment\"\n") !=
        std::string::npos);
  CHECK(text.find("v1/Namespace shop: [\"must-have-owner\"] Message: \"missing owner on Namespace\"\n") !=
        std::string::npos);
  CHECK(text.find("v1/ConfigMap settings: [\"must-have-owner\"] Message: \"say \\\"hi\\\"\"\n") != std::string::npos);

  options.deny_only = true;
  CHECK(format_test_text(report, options).find("say") == std::string::npos);
  options.format = parse_test_output_format("default");
  CHECK(format_test_report(report, options).empty());
}

TEST_CASE("json output has gator's result fields", "[gator][test]") {
  RecordingEngine engine;
  TestRunReport report = run_gator_test(inputs(), {}, engine);
  std::string text = format_test_json(report, {TestOutputFormat::Json, false});
  CHECK(text.rfind("[\n    {\n        \"target\": \"admission.k8s.gatekeeper.sh\",\n        \"msg\": ", 0) == 0);
  auto json = nlohmann::json::parse(text);
  REQUIRE(json.size() == 5);
  const auto& first = json[0];
  CHECK(first["metadata"] == nlohmann::json::parse(R"({"details":{}})"));
  CHECK(first["constraint"]["kind"] == "K8sRequiredOwner");
  CHECK(first["enforcementAction"] == "deny");
  CHECK(first.contains("scopedActions") == false);
  CHECK(first["violatingObject"]["kind"] == "ConstraintTemplate");
  CHECK(first["trace"].is_null());

  TestRunReport empty;
  CHECK(format_test_json(empty, {TestOutputFormat::Json, false}) == "[]\n");
}

TEST_CASE("yaml output is gator's list of {result, violatingObject, trace}", "[gator][test]") {
  RecordingEngine engine;
  TestRunReport report = run_gator_test(inputs(), {}, engine);
  std::string yaml = format_test_yaml(report, {TestOutputFormat::Yaml, true});
  // yaml.v3 of gator's YamlGatorResult: the embedded types.Result under
  // `result`, Go field names lower-cased, the constraint as {object: ...}.
  CHECK(yaml.rfind("- result:\n    target: admission.k8s.gatekeeper.sh\n    msg: missing owner on ConstraintTemplate\n"
                   "    metadata:\n        details: {}\n    constraint:\n        object:\n"
                   "            apiVersion: constraints.gatekeeper.sh/v1beta1\n",
                   0) == 0);
  CHECK(yaml.find("    enforcementaction: deny\n    scopedenforcementactions: []\n  violatingObject:\n") !=
        std::string::npos);
  CHECK(yaml.find("\n  trace: null\n") != std::string::npos);
  CHECK(yaml.find("warn") == std::string::npos);  // deny-only
  CHECK(format_test_yaml(TestRunReport{}, {TestOutputFormat::Yaml, false}) == "[]\n");
}

TEST_CASE("junit output has a testcase per object and a failure per denial", "[gator][test]") {
  RecordingEngine engine;
  TestRunReport report = run_gator_test(inputs(), {}, engine);
  std::string xml = format_test_junit(report, {TestOutputFormat::Junit, false});
  CHECK(xml.find("<testsuite name=\"tollgate test\" tests=\"5\" failures=\"4\"") != std::string::npos);
  CHECK(xml.find("name=\"apps/v1/Deployment shop/web\"") != std::string::npos);
  CHECK(xml.find("<failure type=\"deny\" message=\"[must-have-owner] missing owner on Deployment\">") !=
        std::string::npos);
  CHECK(xml.find("<system-out>warn: [must-have-owner] say &quot;hi&quot;\n</system-out>") != std::string::npos);
}

TEST_CASE("a denial, or a scoped result that includes deny, fails the run", "[gator][test]") {
  Result r = deny_result("x");
  CHECK(is_enforced_denial(r));
  r.enforcement_action = "warn";
  CHECK_FALSE(is_enforced_denial(r));
  r.enforcement_action = "scoped";
  r.scoped_actions = {"warn"};
  CHECK_FALSE(is_enforced_denial(r));
  r.scoped_actions = {"warn", "deny"};
  CHECK(is_enforced_denial(r));
}
