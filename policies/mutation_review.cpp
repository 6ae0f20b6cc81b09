#include "policies/mutation_review.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <random>
#include <string_view>

#include "policies/model/cluster_scoped_kinds.h"
#include "policies/review_request.h"

namespace tollgate::policies {
namespace {

using value::Value;

// Gatekeeper does not mutate its own resources.
bool is_gatekeeper_group(std::string_view group) {
  for (std::string_view own : {"templates", "constraints", "mutations", "config", "externaldata", "expansion", "status"}) {
    if (group.size() == own.size() + 14 && group.substr(0, own.size()) == own &&
        group.substr(own.size()) == ".gatekeeper.sh") {
      return true;
    }
  }
  return false;
}

MutationReview skipped(const Value& object, std::string message) {
  MutationReview review;
  review.outcome = MutationOutcome::Skipped;
  review.message = std::move(message);
  review.result.object = object;
  return review;
}

MutationReview failed(const Value& object, std::string message) {
  MutationReview review;
  review.outcome = MutationOutcome::Failed;
  review.message = message;
  review.result.object = object;
  review.result.failed = true;
  review.result.error = std::move(message);
  return review;
}

}  // namespace

Value with_guessed_resource(const Value& request) {
  if (!request["resource"]["resource"].string_or("").empty()) return request;
  const Value& kind = request["kind"];
  std::string plural(kind["kind"].string_or(""));
  if (plural.empty()) return request;
  for (char& c : plural) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (plural.back() == 's') plural += "es";
  else if (plural.back() == 'y') plural = plural.substr(0, plural.size() - 1) + "ies";
  else plural += "s";
  value::ObjectBuilder resource;
  resource.add("group", kind["group"]).add("resource", Value::string(plural)).add("version", kind["version"]);
  return value::with_entry(request, "resource", resource.build());
}

MutationReview mutate_admission_request(const PolicySet& policies, const Value& request, Value namespace_object,
                                        vap::PolicyCheckObserver* checks) {
  const Value& object = request["object"];
  std::string_view operation = request["operation"].string_or("");
  if (operation != "CREATE" && operation != "UPDATE") return skipped(object, "Mutating only on create or update");
  const Value& kind = request["kind"];
  std::string_view group = kind["group"].string_or("");
  if (is_gatekeeper_group(group)) return skipped(object, "Not mutating gatekeeper resources");

  mutation::MutationRequest input;
  input.object = object;
  input.request = request;
  input.namespace_object = std::move(namespace_object);
  // (The mutation system lends an object without a namespace the request's
  // for matching and takes it back before answering.)
  if (group.empty() && kind["kind"].string_or("") == "Namespace") {
    // A Namespace is its own namespace, whatever the request says.
    input.request = value::without_entry(request, "namespace");
    if (input.namespace_object.is_null()) input.namespace_object = object;
  }

  MutationReview review;
  try {
    review.result = policies.mutation().mutate(input);
  } catch (const std::exception& e) {
    return failed(object, std::string("internal error mutating the object: ") + e.what());
  }
  if (review.result.failed) {
    review.outcome = MutationOutcome::Failed;
    review.message = review.result.error;
    review.result.object = object;
    return review;
  }
  // MutatingAdmissionPolicies on what the mutators left.
  const Value gatekeeper_object = review.result.mutated ? review.result.object : object;
  MutatingPolicyResult maps = policies.mutate_with_policies(
      with_guessed_resource(review.result.mutated ? value::with_entry(request, "object", gatekeeper_object) : request),
      input.namespace_object, checks);
  if (!maps.allowed) {
    MutationReview denied = failed(object, maps.message);
    denied.code = maps.code;
    denied.reason = maps.reason;
    return denied;
  }
  if (maps.mutated || !(maps.object == gatekeeper_object)) {
    review.result.object = maps.object;
    review.result.mutated = !(maps.object == object);
  }
  if (!review.result.mutated) {
    review.outcome = MutationOutcome::Unchanged;
    review.message = kNotMutatedMessage;
    review.result.object = object;
  } else {
    review.outcome = MutationOutcome::Mutated;
  }
  return review;
}

namespace {

std::string random_uuid() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t hi = random(), lo = random();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

}  // namespace

Value with_mutation_annotations(const PolicySet& policies, const Value& object, const std::vector<std::string>& applied) {
  std::vector<std::string> entries;
  for (const std::string& kind_and_name : applied) {
    size_t slash = kind_and_name.find('/');
    std::string kind = kind_and_name.substr(0, slash);
    std::string name = slash == std::string::npos ? std::string() : kind_and_name.substr(slash + 1);
    entries.push_back(kind + "//" + name + ":" + std::to_string(policies.mutator_generation(kind_and_name)));
  }
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  std::string joined;
  for (const std::string& e : entries) joined += (joined.empty() ? "" : ", ") + e;

  const Value& meta = object["metadata"];
  Value metadata = meta.is_object() ? meta : Value::empty_object();
  const Value& current = metadata["annotations"];
  Value annotations = current.is_object() ? current : Value::empty_object();
  annotations = value::with_entry(annotations, "gatekeeper.sh/mutations", Value::string(joined));
  annotations = value::with_entry(annotations, "gatekeeper.sh/mutation-id", Value::string(random_uuid()));
  return value::with_entry(object, "metadata", value::with_entry(metadata, "annotations", std::move(annotations)));
}

Value create_request_for_manifest(const Value& object, std::string_view default_namespace) {
  Value request = admission_request_for_object(object, "CREATE");
  if (default_namespace.empty() || !object["metadata"]["namespace"].string_or("").empty()) return request;
  const Value& kind = request["kind"];
  if (is_cluster_scoped_kind(kind["group"].string_or(""), kind["kind"].string_or(""))) return request;
  return value::with_entry(request, "namespace", Value::string(default_namespace));
}

Value as_create_when_unspecified(const Value& request) {
  if (!request["operation"].string_or("").empty()) return request;
  return value::with_entry(request, "operation", Value::string("CREATE"));
}

}  // namespace tollgate::policies
