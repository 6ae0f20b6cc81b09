#include "webhook/admission_codec.h"

#include "policies/model/object_shape.h"
#include "rules/value/base64.h"
#include "rules/value/json.h"

namespace tollgate::webhook {
namespace {

std::string describe_kind(const value::Value& v) { return value::kind_name(v.kind()); }

// {"apiVersion":"…","kind":"AdmissionReview","response":{"uid":"…","allowed":…
void open_response(const AdmissionReviewRequest& review, bool allowed, std::string& out) {
  out += R"({"apiVersion":)";
  value::append_json_string(review.api_version, out);
  out += R"(,"kind":"AdmissionReview","response":{"uid":)";
  value::append_json_string(review.uid, out);
  out += allowed ? R"(,"allowed":true)" : R"(,"allowed":false)";
}

void close_response(std::string& out) { out += "}}"; }

}  // namespace

bool decode_admission_review(std::string_view body, AdmissionReviewRequest* out, std::string* error) {
  if (body.empty()) {
    *error = "request body is empty";
    return false;
  }
  value::Value doc;
  value::JsonError json_error;
  if (!value::parse_json(body, &doc, &json_error)) {
    *error = "request body is not valid JSON: " + json_error.message + " (at byte " +
             std::to_string(json_error.offset) + ")";
    return false;
  }
  if (!doc.is_object()) {
    *error = "request body is not an AdmissionReview: expected a JSON object, got " + describe_kind(doc);
    return false;
  }
  std::string_view api_version = doc["apiVersion"].string_or("");
  if (api_version != kAdmissionV1 && api_version != kAdmissionV1beta1) {
    *error = "request body is not an AdmissionReview: apiVersion must be admission.k8s.io/v1 or "
             "admission.k8s.io/v1beta1, got \"" + std::string(api_version) + "\"";
    return false;
  }
  std::string_view kind = doc["kind"].string_or("");
  if (kind != "AdmissionReview") {
    *error = "request body is not an AdmissionReview: kind must be AdmissionReview, got \"" + std::string(kind) + "\"";
    return false;
  }
  const value::Value& request = doc["request"];
  if (!request.is_object()) {
    *error = "AdmissionReview has no request object";
    return false;
  }
  std::string_view uid = request["uid"].string_or("");
  if (uid.empty()) {
    *error = "AdmissionReview request has no uid";
    return false;
  }
  for (const char* field : {"object", "oldObject"}) {
    std::string reason = policies::malformed_object_reason(request[field]);
    if (!reason.empty()) {
      *error = std::string("AdmissionReview request.") + field + " is not a Kubernetes object: " + reason;
      return false;
    }
  }
  out->api_version = std::string(api_version);
  out->uid = std::string(uid);
  out->request = request;
  const value::Value& dry_run = request["dryRun"];
  out->dry_run = dry_run.is_bool() && dry_run.as_bool();
  return true;
}

std::string encode_validation_response(const AdmissionReviewRequest& review, const policies::Decision& decision) {
  std::string out;
  out.reserve(160 + decision.message.size());
  open_response(review, decision.allowed, out);
  out += R"(,"status":{"code":)";
  out += std::to_string(decision.code);
  if (!decision.reason.empty()) {
    out += R"(,"reason":)";
    value::append_json_string(decision.reason, out);
  }
  if (!decision.message.empty()) {
    out += R"(,"message":)";
    value::append_json_string(decision.message, out);
  }
  out += '}';
  if (!decision.warnings.empty()) {
    out += R"(,"warnings":[)";
    for (size_t i = 0; i < decision.warnings.size(); ++i) {
      if (i > 0) out += ',';
      value::append_json_string(decision.warnings[i], out);
    }
    out += ']';
  }
  if (!decision.audit_annotations.empty()) {
    out += R"(,"auditAnnotations":{)";
    for (size_t i = 0; i < decision.audit_annotations.size(); ++i) {
      if (i > 0) out += ',';
      value::append_json_string(decision.audit_annotations[i].first, out);
      out += ':';
      value::append_json_string(decision.audit_annotations[i].second, out);
    }
    out += '}';
  }
  close_response(out);
  return out;
}

std::string encode_mutation_response(const AdmissionReviewRequest& review, std::string_view json_patch,
                                     std::string_view message) {
  std::string out;
  out.reserve(160 + message.size() + json_patch.size() * 4 / 3);
  open_response(review, true, out);
  out += R"(,"status":{"code":200)";
  if (!message.empty()) {
    out += R"(,"message":)";
    value::append_json_string(message, out);
  }
  out += '}';
  if (!json_patch.empty()) {
    out += R"(,"patchType":"JSONPatch","patch":")";
    out += value::base64_encode(json_patch);
    out += '"';
  }
  close_response(out);
  return out;
}

}  // namespace tollgate::webhook
