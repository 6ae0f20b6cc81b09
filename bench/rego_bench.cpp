// Rego reviews, AdmissionReview JSON in -> decision, with gatekeeper-library
// templates run by the Rego engine (--engine rego) and their sample
// constraints and objects; and a whole `tollgate verify` of the library.
// Targets (issue 3): requiredlabels <= 10 us, containerlimits <= 25 us,
// verify of the library <= 0.3 s, a Pod review with 1,000 constraints <= 1 ms.
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "policies/gator/suite.h"
#include "policies/gator/verify.h"
#include "policies/model/loader.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace {

using tollgate::policies::LoadOptions;
using tollgate::policies::PolicySet;
using tollgate::value::Value;

const std::string kLibrary = std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/";

std::shared_ptr<const PolicySet> load_rego(const std::vector<std::string>& files) {
  LoadOptions options;
  options.engine = tollgate::policies::EnginePreference::Rego;
  auto loaded = PolicySet::load(files, options);
  if (!loaded.policies) throw std::runtime_error(loaded.errors.at(0).to_string());
  return loaded.policies;
}

// The AdmissionReview the API server would send to create `object`.
std::string review_json_for(const std::string& object_file) {
  std::vector<tollgate::policies::LoadedObject> objects;
  std::vector<tollgate::policies::LoadError> errors;
  tollgate::policies::read_policy_files({object_file}, objects, errors);
  if (!errors.empty() || objects.empty()) throw std::runtime_error("cannot read " + object_file);
  Value request = tollgate::policies::admission_request_for_object(objects[0].value, "CREATE");
  request = tollgate::value::with_entry(request, "uid", Value::string("705ab4f5-6393-11e8-b7cc-42010a800002"));
  Value review = Value::object({{Value::string("apiVersion"), Value::string("admission.k8s.io/v1")},
                                {Value::string("kind"), Value::string("AdmissionReview")},
                                {Value::string("request"), request}});
  return tollgate::value::to_json(review);
}

void run_reviews(benchmark::State& state, const PolicySet& policies, const std::string& body, bool expect_allowed) {
  for (auto _ : state) {
    Value review;
    tollgate::value::JsonError err;
    if (!tollgate::value::parse_json(body, &review, &err)) state.SkipWithError(err.message.c_str());
    tollgate::policies::ReviewInput input;
    input.request = review["request"];
    auto decision = policies.validate(input);
    benchmark::DoNotOptimize(decision);
    if (decision.allowed != expect_allowed) {
      state.SkipWithError(expect_allowed ? "expected an allow" : "expected a deny");
      break;
    }
  }
}

void BM_RegoReviewRequiredLabels(benchmark::State& state) {
  std::string dir = kLibrary + "general/requiredlabels/";
  auto policies = load_rego({dir + "template.yaml", dir + "samples/all-must-have-owner/constraint.yaml"});
  run_reviews(state, *policies, review_json_for(dir + "samples/all-must-have-owner/example_disallowed.yaml"), false);
}
BENCHMARK(BM_RegoReviewRequiredLabels);

void BM_RegoReviewContainerLimits(benchmark::State& state) {
  std::string dir = kLibrary + "general/containerlimits/";
  auto policies = load_rego({dir + "template.yaml", dir + "samples/container-must-have-limits/constraint.yaml"});
  run_reviews(state, *policies, review_json_for(dir + "samples/container-must-have-limits/example_disallowed.yaml"),
              false);
}
BENCHMARK(BM_RegoReviewContainerLimits);

void BM_RegoReviewAllowedRepos(benchmark::State& state) {
  std::string dir = kLibrary + "general/allowedrepos/";
  auto policies = load_rego({dir + "template.yaml", dir + "samples/repo-must-be-openpolicyagent/constraint.yaml"});
  run_reviews(state, *policies,
              review_json_for(dir + "samples/repo-must-be-openpolicyagent/example_disallowed_both.yaml"), false);
}
BENCHMARK(BM_RegoReviewAllowedRepos);

void BM_RegoReviewPspPrivileged(benchmark::State& state) {
  std::string dir = kLibrary + "pod-security-policy/privileged-containers/";
  auto policies = load_rego({dir + "template.yaml", dir + "samples/psp-privileged-container/constraint.yaml"});
  run_reviews(state, *policies, review_json_for(dir + "samples/psp-privileged-container/example_disallowed.yaml"),
              false);
}
BENCHMARK(BM_RegoReviewPspPrivileged);

// 1,000 requiredlabels constraints over one Pod: all satisfied (the Pod has
// the `owner` label they require: the common case), or all violated (each
// requires its own label: 1,000 messages formatted and sorted).
void review_pod_with_1000_constraints(benchmark::State& state, bool violated) {
  std::string dir = kLibrary + "general/requiredlabels/";
  std::vector<tollgate::policies::LoadedObject> objects;
  std::vector<tollgate::policies::LoadError> errors;
  tollgate::policies::read_policy_files({dir + "template.yaml"}, objects, errors);
  if (!errors.empty() || objects.empty()) throw std::runtime_error("cannot read the template");
  std::vector<Value> policy_objects{objects[0].value};
  for (int i = 0; i < 1000; ++i) {
    std::string name = "pod-label-" + std::to_string(i);
    std::string yaml = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: " + name +
                       "\nspec:\n  match:\n    kinds:\n      - apiGroups: [\"\"]\n        kinds: [\"Pod\"]\n"
                       "  parameters:\n    labels:\n      - key: " + (violated ? "label-" + std::to_string(i) : std::string("owner")) + "\n";
    std::vector<tollgate::value::YamlDocument> docs;
    tollgate::value::YamlError err;
    if (!tollgate::value::parse_yaml(yaml, &docs, &err) || docs.size() != 1) throw std::runtime_error(err.message);
    policy_objects.push_back(docs[0].value);
  }
  LoadOptions options;
  options.engine = tollgate::policies::EnginePreference::Rego;
  auto loaded = PolicySet::from_objects(policy_objects, options);
  if (!loaded.policies) throw std::runtime_error(loaded.errors.at(0).to_string());
  run_reviews(state, *loaded.policies,
              review_json_for(kLibrary + "general/containerlimits/samples/container-must-have-limits/example_allowed.yaml"),
              !violated);
}
void BM_RegoReviewPod1000Constraints(benchmark::State& state) { review_pod_with_1000_constraints(state, false); }
BENCHMARK(BM_RegoReviewPod1000Constraints)->Unit(benchmark::kMicrosecond);
void BM_RegoReviewPod1000ConstraintsAllViolated(benchmark::State& state) {
  review_pod_with_1000_constraints(state, true);
}
BENCHMARK(BM_RegoReviewPod1000ConstraintsAllViolated)->Unit(benchmark::kMicrosecond);

// `tollgate verify` of every suite of the library (default engine choice).
void BM_VerifyLibrary(benchmark::State& state) {
  std::vector<tollgate::policies::gator::Suite> suites;
  std::string error;
  if (!tollgate::policies::gator::read_suites(kLibrary + "...", &suites, &error)) throw std::runtime_error(error);
  for (auto _ : state) {
    tollgate::policies::gator::Verifier verifier(tollgate::policies::gator::RunFilter{});
    size_t failed = 0;
    for (const auto& suite : suites) {
      auto result = verifier.run(suite);
      if (result.status == tollgate::policies::gator::Status::Failed) ++failed;
    }
    if (failed != 0) state.SkipWithError("a library suite failed");
  }
}
BENCHMARK(BM_VerifyLibrary)->Unit(benchmark::kMillisecond);

}  // namespace
