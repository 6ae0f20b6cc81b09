#include "policies/gator/review_builder.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "policies/model/parse_context.h"
#include "policies/review_request.h"

namespace tollgate::policies::gator {
namespace {

bool present(const Value* v) { return v != nullptr && !v->is_null(); }

// Fields of admission/v1 AdmissionReview and AdmissionRequest; gator decodes
// with unknown fields disallowed.
constexpr std::array<std::string_view, 4> kReviewFields = {"apiVersion", "kind", "request", "response"};
constexpr std::array<std::string_view, 15> kRequestFields = {
    "uid",      "kind",      "resource",  "subResource", "requestKind", "requestResource", "requestSubResource",
    "name",     "namespace", "operation", "userInfo",    "object",      "oldObject",       "dryRun",
    "options"};

template <size_t N>
std::string first_unknown_field(const Value& object, const std::array<std::string_view, N>& known) {
  for (const auto& [key, value] : object.entries()) {
    if (!key.is_string()) return "(non-string key)";
    if (std::find(known.begin(), known.end(), std::string_view(key.as_string())) == known.end()) {
      return key.as_string();
    }
  }
  return {};
}

}  // namespace

GroupVersionKind gvk_of(const Value& object) {
  std::string_view api_version = object["apiVersion"].string_or("");
  return GroupVersionKind{std::string(api_group_of(api_version)), std::string(api_version_of(api_version)),
                          std::string(object["kind"].string_or(""))};
}

bool is_admission_review(const Value& object) {
  GroupVersionKind gvk = gvk_of(object);
  return gvk.kind == "AdmissionReview" && gvk.group == "admission.k8s.io";
}

bool request_from_admission_review(const Value& review, Value* request, std::string* error) {
  const std::string invalid = "not a valid AdmissionReview object: unable to convert to an AdmissionReview object, error: ";
  if (std::string field = first_unknown_field(review, kReviewFields); !field.empty()) {
    *error = invalid + "unknown field \"" + field + "\"";
    return false;
  }
  const Value* req = review.find("request");
  if (!present(req)) {
    *error = "missing an AdmissionRequest object: request did not actually pass in an AdmissionRequest";
    return false;
  }
  if (!req->is_object()) {
    *error = invalid + "request must be an object";
    return false;
  }
  if (std::string field = first_unknown_field(*req, kRequestFields); !field.empty()) {
    *error = invalid + "unknown field \"request." + field + "\"";
    return false;
  }
  const Value* object = req->find("object");
  const Value* old_object = req->find("oldObject");
  if (!present(object) && !present(old_object)) {
    *error = "no object or oldObject found to review: AdmissionRequest does not contain an \"object\" or \"oldObject\" to review";
    return false;
  }
  for (const Value* o : {object, old_object}) {
    if (present(o) && (!o->is_object() || (*o)["kind"].string_or("").empty())) {
      *error = "object or oldObject cannot be unmarshalled: Object 'Kind' is missing";
      return false;
    }
  }
  if ((*req)["operation"].string_or("") == "DELETE" && !present(old_object)) {
    *error = "not a valid AdmissionReview object: oldObject is nil";
    return false;
  }
  *request = *req;
  return true;
}

BuiltReview build_gator_review(const Value& object, Value namespace_object, std::vector<Value> inventory) {
  BuiltReview built;
  built.input.enforcement_point = kGatorPoint;
  built.input.namespace_object = std::move(namespace_object);
  built.input.inventory = std::move(inventory);
  if (is_admission_review(object)) {
    if (!request_from_admission_review(object, &built.input.request, &built.error)) return built;
  } else {
    built.input.request = admission_request_for_object(object);
  }
  return built;
}

}  // namespace tollgate::policies::gator
