// One whole validation review: AdmissionReview JSON in -> decision, with the
// gatekeeper-library requiredlabels template (CEL) and its sample constraint.
// Target (issue 2): <= 5 us (Gatekeeper's CEL engine: ~175 us).
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

#include "policies/policy_set.h"
#include "rules/value/json.h"

namespace {

using tollgate::value::Value;

const std::string kLibrary = std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/requiredlabels";

// What the API server sends for `kubectl create namespace payments` (no owner label).
const char* kReview = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
 "uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
 "kind":{"group":"","version":"v1","kind":"Namespace"},
 "resource":{"group":"","version":"v1","resource":"namespaces"},
 "requestKind":{"group":"","version":"v1","kind":"Namespace"},
 "requestResource":{"group":"","version":"v1","resource":"namespaces"},
 "name":"payments","operation":"CREATE",
 "userInfo":{"username":"kubernetes-admin","groups":["system:masters","system:authenticated"]},
 "object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"payments","creationTimestamp":null,
   "labels":{"kubernetes.io/metadata.name":"payments","team":"payments"}},"spec":{},"status":{}},
 "oldObject":null,"dryRun":false,
 "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions","fieldManager":"kubectl-create"}}})";

std::shared_ptr<const tollgate::policies::PolicySet> load_requiredlabels() {
  auto loaded = tollgate::policies::PolicySet::load(
      {kLibrary + "/template.yaml", kLibrary + "/samples/all-must-have-owner/constraint.yaml"});
  if (!loaded.policies) throw std::runtime_error(loaded.errors.at(0).to_string());
  return loaded.policies;
}

void BM_ReviewRequiredLabelsCel(benchmark::State& state) {
  auto policies = load_requiredlabels();
  const std::string body = kReview;
  for (auto _ : state) {
    Value review;
    tollgate::value::JsonError err;
    if (!tollgate::value::parse_json(body, &review, &err)) state.SkipWithError(err.message.c_str());
    tollgate::policies::ReviewInput input;
    input.request = review["request"];
    auto decision = policies->validate(input);
    benchmark::DoNotOptimize(decision);
    if (decision.allowed) state.SkipWithError("expected a deny");
  }
}
BENCHMARK(BM_ReviewRequiredLabelsCel);

void BM_ParseAdmissionReview(benchmark::State& state) {
  const std::string body = kReview;
  for (auto _ : state) {
    Value review;
    tollgate::value::JsonError err;
    benchmark::DoNotOptimize(tollgate::value::parse_json(body, &review, &err));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body.size()));
}
BENCHMARK(BM_ParseAdmissionReview);

}  // namespace
