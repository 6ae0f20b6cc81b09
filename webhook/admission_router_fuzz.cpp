// libFuzzer target: an AdmissionReview body POSTed to /validate and /mutate
// of the webhook's router with this repository's policy library loaded (its
// templates, constraints and mutators, or the folder in
// TOLLGATE_FUZZ_POLICIES): decoding, expansion, matching, Rego and CEL
// evaluation under tight budgets, mutation, the JSON patch and the answer.
// Every body gets an HTTP answer; a decoded one gets an AdmissionReview back.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "policies/policy_set.h"
#include "rules/value/eval_budget.h"
#include "rules/value/json.h"
#include "webhook/admission_router.h"
#include "webhook/metrics.h"

using namespace tollgate;

namespace {

struct Fixture {
  webhook::Metrics metrics;
  webhook::AdmissionRouter router{metrics};
};

Fixture* fixture = nullptr;

webhook::HttpRequest post(const char* target, const uint8_t* data, size_t size) {
  webhook::HttpRequest request{webhook::http::verb::post, target, 11};
  request.set(webhook::http::field::content_type, "application/json");
  request.body().assign(reinterpret_cast<const char*>(data), size);
  request.prepare_payload();
  return request;
}

void check(const webhook::HttpResponse& response) {
  if (response.result() != webhook::http::status::ok) return;  // 400 & co: a reason in text
  value::Value parsed;
  value::JsonError error;
  if (!value::parse_json(response.body(), &parsed, &error) || !parsed["response"].is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  value::default_eval_limits() = {std::chrono::milliseconds(500), 200'000, uint64_t{32} << 20};
  const char* env = std::getenv("TOLLGATE_FUZZ_POLICIES");
  std::string library = std::string(TOLLGATE_SOURCE_DIR) + "/policies/library/";
  std::vector<std::string> paths = {library + "templates", library + "constraints", library + "mutators"};
  if (env != nullptr) paths = {env};
  policies::LoadResult loaded = policies::PolicySet::load(paths);
  if (!loaded.policies) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    std::abort();
  }
  fixture = new Fixture;
  fixture->router.set_policies(loaded.policies);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check(fixture->router.handle(post("/validate?timeout=10s", data, size)));
  check(fixture->router.handle(post("/mutate", data, size)));
  return 0;
}
