// libFuzzer target: an AdmissionReview body through the simdjson decoder the
// webhook runs on every request, then the response encoders. Whatever the
// body, decoding either succeeds or gives a reason for a 400; nothing throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policies/policy_set.h"
#include "rules/value/json.h"
#include "webhook/admission_codec.h"

using namespace tollgate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  webhook::AdmissionReviewRequest review;
  std::string error;
  if (!webhook::decode_admission_review(body, &review, &error)) {
    if (error.empty()) std::abort();  // a refusal always says why (the 400 body)
    return 0;
  }
  // The request as the policies see it, and both answers.
  std::string request_json = value::to_json(review.request);
  policies::Decision decision;
  decision.allowed = false;
  decision.code = 403;
  decision.reason = "Forbidden";
  decision.message = request_json.substr(0, 64);
  decision.warnings.push_back(review.uid);
  std::string validation = webhook::encode_validation_response(review, decision);
  std::string mutation = webhook::encode_mutation_response(review, "[]", review.api_version);
  // Both answers are JSON the API server can read.
  value::Value parsed;
  value::JsonError json_error;
  if (!value::parse_json(validation, &parsed, &json_error)) std::abort();
  if (!value::parse_json(mutation, &parsed, &json_error)) std::abort();
  return 0;
}
