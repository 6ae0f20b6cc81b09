// Runs the ValidatingAdmissionPolicy test cases of
// ../shared/spec/vap-semantics.md §8.2–§8.10 (read from the spec, fixtures
// per §8.1: vap_spec_fixtures.h) through the same code as `tollgate review`,
// and prints pass counts per section. The policies load as stored (no API
// validation: several cases are runtime-only configurations); BASE-KINDS
// become CustomResourceDefinitions in the inventory.
//
// Every failing case must be listed in
// tests/conformance/vap_spec_known_failures.txt (`<id>  # reason`).
// TOLLGATE_VAP_SPEC_VERBOSE=1 prints every failure.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli/review.h"
#include "policies/policy_set.h"
#include "rules/value/json.h"
#include "tests/conformance/known_failures.h"
#include "tests/conformance/vap_spec_fixtures.h"

namespace {

using tollgate::value::Value;
namespace spec = tollgate::conformance::vap_spec;

const char* const kKnownFailuresFile = "tests/conformance/vap_spec_known_failures.txt";

bool is_vap_section(const std::string& title) {
  for (const char* prefix : {"8.2 ", "8.3 ", "8.4 ", "8.5 ", "8.6 ", "8.7 ", "8.8 ", "8.9 ", "8.10 "}) {
    if (title.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::vector<Value> merged_list(const Value& base, const Value& fixture, std::string_view plural,
                               std::string_view single) {
  std::vector<Value> out;
  if (const Value* list = fixture.find(plural); list != nullptr && list->is_array()) {
    for (const Value& item : list->items()) out.push_back(spec::deep_merge(base, item));
    return out;
  }
  const Value* one = fixture.find(single);
  out.push_back(one == nullptr ? base : spec::deep_merge(base, *one));
  return out;
}

// The response AdmissionReview Tollgate answers for one case; empty with
// *error when the harness could not run it.
Value answer(const spec::Bases& bases, const Value& fixture, std::string* error) {
  std::vector<Value> objects = merged_list(bases.vap, fixture, "policies", "policy");
  for (Value& b : merged_list(bases.vap_binding, fixture, "bindings", "binding")) objects.push_back(std::move(b));
  tollgate::policies::LoadOptions options;
  options.vap_api_validation = false;
  options.vap_environment = "current";  // the spec describes current Kubernetes
  for (const Value& ns : bases.namespaces.items()) options.inventory.push_back(ns);
  for (const char* key : {"namespaces", "params"}) {
    if (const Value* list = fixture.find(key); list != nullptr && list->is_array()) {
      for (const Value& o : list->items()) options.inventory.push_back(o);
    }
  }
  for (const Value& k : bases.kinds.items()) options.inventory.push_back(spec::crd_for(k));
  tollgate::policies::LoadResult loaded = tollgate::policies::PolicySet::from_objects(objects, options);
  if (!loaded.policies) {
    *error = "load:";
    for (const auto& e : loaded.errors) *error += " " + e.to_string() + ";";
    return {};
  }
  Value request = fixture.find("request") ? spec::deep_merge(bases.request, fixture["request"]) : bases.request;
  tollgate::value::ObjectBuilder review;
  review.add("apiVersion", Value::string("admission.k8s.io/v1"));
  review.add("kind", Value::string("AdmissionReview"));
  review.add("request", spec::deep_merge(request, Value::object({{Value::string("uid"), Value::string("u1")}})));
  std::string response =
      tollgate::cli::replay_admission_review(*loaded.policies, tollgate::value::to_json(review.build()), error);
  if (response.empty()) return {};
  return tollgate::value::parse_json_or_throw(response);
}

std::set<std::string> strings(const Value& list) {
  std::set<std::string> out;
  if (list.is_array()) {
    for (const Value& s : list.items()) out.insert(std::string(s.string_or("")));
  }
  return out;
}

std::string q(const std::string& s) { return tollgate::value::to_json(Value::string(s)); }

// Empty when the response meets `expect`; else what differs.
std::string check(const Value& expect, const Value& review) {
  const Value& response = review["response"];
  std::string diff;
  bool allowed = response["allowed"].is_bool() && response["allowed"].as_bool();
  if (expect["allowed"].is_bool() && expect["allowed"].as_bool() != allowed) {
    diff += std::string("allowed ") + (allowed ? "true" : "false") + "; ";
  }
  const Value& status = response["status"];
  std::string full(status["message"].string_or(""));
  std::string inner = full;
  if (size_t at = full.find(" is forbidden: "); at != std::string::npos) inner = full.substr(at + 15);
  if (expect["code"].is_int() && status["code"].is_int() && expect["code"].as_int() != status["code"].as_int()) {
    diff += "code " + std::to_string(status["code"].as_int()) + "; ";
  } else if (expect["code"].is_int() && !status["code"].is_int()) {
    diff += "no code; ";
  }
  if (expect["reason"].is_string() && expect["reason"].as_string() != status["reason"].string_or("")) {
    diff += "reason " + std::string(status["reason"].string_or("")) + "; ";
  }
  if (expect["message"].is_string() && expect["message"].as_string() != inner) {
    diff += "message " + q(inner) + "; ";
  }
  if (expect["fullMessage"].is_string() && expect["fullMessage"].as_string() != full) {
    diff += "fullMessage " + q(full) + "; ";
  }
  if (expect["messageStartsWith"].is_string() && inner.rfind(expect["messageStartsWith"].as_string(), 0) != 0) {
    diff += "message " + q(inner) + " does not start as expected; ";
  }
  if (expect["messageContains"].is_string() && inner.find(expect["messageContains"].as_string()) == std::string::npos) {
    diff += "message " + q(inner) + " does not contain " + q(expect["messageContains"].as_string()) + "; ";
  }
  if (expect["causes"].is_array()) {
    for (const Value& c : expect["causes"].items()) {
      if (c["message"].string_or("") != inner) diff += "cause " + q(inner) + "; ";
    }
  }
  if (strings(expect["warnings"]) != strings(response["warnings"])) {
    diff += "warnings " + tollgate::value::to_json(response["warnings"]) + "; ";
  }
  const Value& annotations = response["auditAnnotations"];
  const Value& want = expect["auditAnnotations"];
  bool same = (annotations.is_object() ? annotations.size() : 0) == (want.is_object() ? want.size() : 0);
  if (same && want.is_object()) {
    for (const auto& [k, v] : want.entries()) same = same && annotations.find(k) != nullptr && *annotations.find(k) == v;
  }
  if (!same) diff += "auditAnnotations " + tollgate::value::to_json(annotations) + "; ";
  return diff;
}

}  // namespace

TEST_CASE("ValidatingAdmissionPolicy cases of the spec pass", "[vap]") {
  const std::string path = std::string(TOLLGATE_SHARED_DIR) + "/spec/vap-semantics.md";
  spec::Spec s = spec::load_spec(path);
  int total = 0;
  const std::vector<std::string> unexpected = spec::run_sections(
      s, "vap spec §8 (ValidatingAdmissionPolicy):", is_vap_section,
      [&](const spec::SpecCase& c) {
        std::string error;
        Value review = answer(s.bases, c.fixture, &error);
        return review.is_null() ? "harness: " + error : check(c.fixture["expect"], review);
      },
      kKnownFailuresFile, &total);
  CHECK(total > 0);
  INFO("failures not listed in " << kKnownFailuresFile << ":"
                                 << tollgate::conformance::first_lines(unexpected, 60, "TOLLGATE_VAP_SPEC_VERBOSE"));
  CHECK(unexpected.empty());
}
