// `tollgate serve` as a mutating webhook: the patch kube-apiserver would
// apply gives exactly the object `tollgate mutate` prints for the same
// policies, and the mutation metrics show up on /metrics.
#include "policies/mutation/json_patch_test_support.h"
#include "rules/value/base64.h"
#include "rules/value/json.h"
#include "tests/e2e/e2e_support.h"

using namespace tollgate::e2e;
using tollgate::value::Value;

namespace {

// The AdmissionReview kube-apiserver sends to /v1/mutate when `object` is
// created in its namespace.
std::string create_review(const nlohmann::json& object, const std::string& uid) {
  auto review = nlohmann::json::parse(admission_review(object, uid));
  auto& request = review["request"];
  std::string kind = object.at("kind");
  std::string resource = kind == "Pod" ? "pods" : kind == "ConfigMap" ? "configmaps" : "";
  request["resource"]["resource"] = resource;
  request["requestResource"]["resource"] = resource;
  request["namespace"] = object.at("metadata").at("namespace");
  return review.dump();
}

nlohmann::json post_mutate(const WebhookServer& server, const fs::path& ca, const std::string& body) {
  HttpResponse response = HttpsClient(server.port, ca).post("/v1/mutate?timeout=1s", body);
  INFO(response.body());
  REQUIRE(response.result() == http::status::ok);
  return nlohmann::json::parse(response.body());
}

// What `tollgate mutate -o json` prints for one object file.
std::string tollgate_mutate_json(const fs::path& work, const fs::path& object, const fs::path& policies) {
  ChildProcess mutate({TOLLGATE_BINARY, "mutate", "-f", object.string(), "--policies", policies.string(), "-o", "json"},
                      work / "mutate.stdout", work / "mutate.stderr");
  auto code = mutate.wait_exit(30s);
  REQUIRE(code);
  INFO(mutate.stderr_text());
  REQUIRE(*code == 0);
  return read_file(work / "mutate.stdout");
}

}  // namespace

TEST_CASE("the /v1/mutate patch gives the object tollgate mutate prints", "[e2e][mutate]") {
  TempDir work;
  make_dev_certs(work.path / "certs");
  fs::path ca = work.path / "certs/ca.crt";
  fs::path policies = fixture("mutation");
  WebhookServer server(work.path, {policies}, work.path / "certs");

  fs::path pod_file = fixture("mutation_pod.json");
  nlohmann::json pod = load_json(pod_file);
  auto review = post_mutate(server, ca, create_review(pod, "uid-mutate-1"));
  const auto& response = review["response"];
  CHECK(response["uid"] == "uid-mutate-1");
  CHECK(response["allowed"] == true);
  REQUIRE(response["patchType"] == "JSONPatch");
  std::string patch_text;
  REQUIRE(tollgate::value::base64_decode(response["patch"].get<std::string>(), &patch_text));
  Value patched = tollgate::policies::mutation::testing::apply_json_patch(
      tollgate::value::parse_json_or_throw(pod.dump()), tollgate::value::parse_json_or_throw(patch_text));

  Value printed = tollgate::value::parse_json_or_throw(tollgate_mutate_json(work.path, pod_file, policies));
  CHECK(tollgate::value::to_json(patched) == tollgate::value::to_json(printed));
  // And it is the object the three mutators make.
  auto expected = pod;
  expected["metadata"]["labels"]["policy.example.com/mutated-by"] = "tollgate";
  expected["spec"]["containers"][0]["imagePullPolicy"] = "Always";
  expected["spec"]["containers"][0]["securityContext"] = {{"allowPrivilegeEscalation", false}};
  expected["spec"]["containers"][1]["imagePullPolicy"] = "Always";
  CHECK(nlohmann::json::parse(tollgate::value::to_json(patched)) == expected);

  // An object no mutator matches is admitted as it is.
  nlohmann::json config_map = {{"apiVersion", "v1"},
                               {"kind", "ConfigMap"},
                               {"metadata", {{"name", "settings"}, {"namespace", "shop"}}},
                               {"data", {{"mode", "fast"}}}};
  auto untouched = post_mutate(server, ca, create_review(config_map, "uid-mutate-2"));
  CHECK(untouched["response"]["allowed"] == true);
  CHECK(untouched["response"]["status"]["message"] == "Resource was not mutated");
  CHECK_FALSE(untouched["response"].contains("patch"));

  std::string metrics = HttpClient(server.metrics_port).get("/metrics").body();
  INFO(metrics);
  CHECK(metric_value(metrics, R"(gatekeeper_mutation_request_count_total{mutation_status="success"})") == 2);
  CHECK(metric_value(metrics, R"(gatekeeper_mutation_request_duration_seconds_count{mutation_status="success"})") == 2);
  // The Pod took two passes (the second to see nothing change); the ConfigMap none.
  CHECK(metric_value(metrics, R"(gatekeeper_mutation_system_iterations_count{success="true"})") == 2);
  CHECK(metric_value(metrics, R"(gatekeeper_mutation_system_iterations_bucket{success="true",le="2"})") == 2);
  CHECK(metric_value(metrics, R"(gatekeeper_mutators{status="active"})") == 3);
  CHECK(metric_value(metrics, R"(gatekeeper_mutators{status="error"})") == 0);
  CHECK(metrics.find("\ngatekeeper_mutator_conflicting_count 0\n") != std::string::npos);
  // One log line for the mutated Pod, naming its mutators.
  std::string log = server.process().stderr_text();
  CHECK(log.find(R"("msg":"mutation applied")") != std::string::npos);
  CHECK(log.find("Assign/image-pull-policy-always") != std::string::npos);
}
