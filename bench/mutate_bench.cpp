// One whole mutation review as the webhook serves it: AdmissionReview JSON in
// -> mutate with every mutator of the platform pack (policies/library) ->
// AdmissionReview JSON out with the base64 JSONPatch, metrics recorded.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "policies/policy_set.h"
#include "webhook/admission_router.h"
#include "webhook/metrics.h"

namespace {

namespace fs = std::filesystem;

const fs::path kLibrary = fs::path(TOLLGATE_SOURCE_DIR) / "policies/library";
// The mutators used until the platform pack has its own.
const fs::path kFixtureMutators = fs::path(TOLLGATE_SOURCE_DIR) / "tests/e2e/fixtures/mutation";

// What the API server sends when a Deployment's ReplicaSet creates a Pod in
// an application namespace: two containers, no security context.
const char* kPodReview = R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
 "uid":"3f1c3a5e-9a61-4d6e-b1a4-6f2f1c1b0e01",
 "kind":{"group":"","version":"v1","kind":"Pod"},
 "resource":{"group":"","version":"v1","resource":"pods"},
 "requestKind":{"group":"","version":"v1","kind":"Pod"},
 "requestResource":{"group":"","version":"v1","resource":"pods"},
 "namespace":"payments","operation":"CREATE",
 "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller",
   "groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]},
 "object":{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"checkout-7d9f8b6c5d-",
   "labels":{"app":"checkout","pod-template-hash":"7d9f8b6c5d","team":"payments","owner":"alice"},
   "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"checkout-7d9f8b6c5d",
     "uid":"0a7e1a52-2c4b-4a8f-9d55-0b1d3c7e9f10","controller":true,"blockOwnerDeletion":true}]},
   "spec":{"containers":[
     {"name":"checkout","image":"registry.corp/payments/checkout:2.14.1",
      "ports":[{"containerPort":8080,"protocol":"TCP"}],
      "resources":{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},
      "env":[{"name":"MODE","value":"production"}]},
     {"name":"metrics","image":"registry.corp/platform/exporter:1.3.0",
      "resources":{"limits":{"cpu":"50m","memory":"32Mi"}}}],
    "restartPolicy":"Always","serviceAccountName":"checkout"}},
 "oldObject":null,"dryRun":false,
 "options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}})";

std::shared_ptr<const tollgate::policies::PolicySet> load_platform_pack() {
  std::vector<std::string> paths = {(kLibrary / "templates").string(), (kLibrary / "constraints").string()};
  paths.push_back(fs::is_directory(kLibrary / "mutators") ? (kLibrary / "mutators").string()
                                                          : kFixtureMutators.string());
  tollgate::policies::LoadOptions options;
  options.allow_unsupported_templates = true;  // only the mutators matter here
  auto loaded = tollgate::policies::PolicySet::load(paths, options);
  if (!loaded.policies) throw std::runtime_error(loaded.errors.at(0).to_string());
  return loaded.policies;
}

void BM_MutatePodPlatformPack(benchmark::State& state) {
  tollgate::webhook::Metrics metrics;
  tollgate::webhook::AdmissionRouter router(metrics);
  auto policies = load_platform_pack();
  router.set_policies(policies);
  tollgate::webhook::HttpRequest request(tollgate::webhook::http::verb::post, "/v1/mutate?timeout=1s", 11);
  request.set(tollgate::webhook::http::field::content_type, "application/json");
  request.body() = kPodReview;
  request.prepare_payload();

  std::string first = router.handle(request).body();
  if (first.find(R"("patchType":"JSONPatch")") == std::string::npos) {
    state.SkipWithError(("expected a patch, got " + first).c_str());
    return;
  }
  for (auto _ : state) {
    auto response = router.handle(request);
    benchmark::DoNotOptimize(response);
  }
  state.counters["mutators"] = static_cast<double>(policies->mutation().stats().mutators);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(request.body().size()));
}
BENCHMARK(BM_MutatePodPlatformPack);

}  // namespace
