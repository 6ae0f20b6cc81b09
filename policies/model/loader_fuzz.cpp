// libFuzzer target: a policy file (a YAML/JSON document stream of
// ConstraintTemplates, constraints, mutators, ExpansionTemplates, Configs,
// Namespaces, Lists) through PolicySet::load_text, as `serve` and `test` read a
// file once it is read (in memory: no file written per execution): classification, template parsing, Rego and CEL compilation (both
// engines), constraint and mutator validation. A set that loads then reviews
// and mutates a Pod CREATE under tight evaluation budgets. Errors are
// LoadErrors with a message; nothing throws, nothing runs past its budget.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "policies/mutation_review.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "rules/value/eval_budget.h"
#include "rules/value/json.h"

using namespace tollgate;

namespace {

const value::Value& pod_request() {
  static const value::Value request = policies::admission_request_for_object(value::parse_json_or_throw(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web", "owner": "me"}},
    "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
      "securityContext": {"privileged": true},
      "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}]}})"), "CREATE");
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  value::default_eval_limits() = {std::chrono::milliseconds(500), 200'000, uint64_t{32} << 20};
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  policies::LoadOptions options;
  options.allow_unsupported_templates = true;
  options.engine = policies::EnginePreference::All;
  policies::LoadResult loaded = policies::PolicySet::load_text(
      std::string_view(reinterpret_cast<const char*>(data), size), "policy.yaml", options);
  if (!loaded.policies) {
    if (loaded.errors.empty()) std::abort();
    for (const policies::LoadError& e : loaded.errors) {
      if (e.message.empty()) std::abort();
    }
    return 0;
  }
  policies::ReviewInput input;
  input.request = pod_request();
  policies::Decision decision = loaded.policies->validate(input);
  for (const policies::Result& r : decision.results) (void)r.message.size();
  policies::MutationReview mutation = policies::mutate_admission_request(*loaded.policies, pod_request());
  (void)value::to_json(mutation.result.object);
  return 0;
}
