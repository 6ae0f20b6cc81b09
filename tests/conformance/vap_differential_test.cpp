// Runs ../shared/testdata/vap-differential/cases.jsonl: 808 admission
// requests answered by kube-apiserver 1.32's ValidatingAdmissionPolicy plugin.
// Each case's ValidatingAdmissionPolicies and bindings are loaded as
// `tollgate review --policies` loads them, every other object (Namespaces,
// param objects) as `--inventory`, and the request is replayed through the
// same code as `tollgate review` (cli/review.h).
//
// Agreement, as the corpus README defines it: allowed, status code and
// reason, the status message, warnings as a set, audit annotations. Where
// the case is orderSensitive (several denials, or an annotation joined from
// several params) the API server's order was random: any denial is right (the
// code and message are then not compared), joined annotation values and
// validation failures are compared as sets.
//
// Every disagreement must be listed in
// tests/conformance/vap_differential_known_failures.txt (`<id>  # reason`).
// TOLLGATE_VAP_DIFF_VERBOSE=1 prints every disagreement.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/review.h"
#include "policies/policy_set.h"
#include "rules/value/json.h"
#include "tests/conformance/known_failures.h"

namespace {

using json = nlohmann::json;
using tollgate::value::Value;

const char* const kKnownFailuresFile = "tests/conformance/vap_differential_known_failures.txt";

struct Tally {
  int agree = 0;
  int total = 0;
};

// The response AdmissionReview Tollgate answers for one case, or an error.
json tollgate_answer(const json& c, std::string* error) {
  std::vector<Value> policy_objects;
  tollgate::policies::LoadOptions options;
  options.vap_api_validation = false;  // the corpus's stored objects were never validated
  for (const json& o : c.at("objects")) {
    Value v = tollgate::value::parse_json_or_throw(o.dump());
    std::string api_version = o.value("apiVersion", "");
    if (api_version.rfind("admissionregistration.k8s.io/", 0) == 0) {
      policy_objects.push_back(v);
    } else {
      options.inventory.push_back(v);
    }
  }
  tollgate::policies::LoadResult loaded = tollgate::policies::PolicySet::from_objects(policy_objects, options);
  if (!loaded.policies) {
    *error = "load: ";
    for (const auto& e : loaded.errors) *error += e.to_string() + "; ";
    return {};
  }
  json review = {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", c.at("request")}};
  review["request"]["uid"] = "uid-" + c.at("id").get<std::string>();
  std::string response = tollgate::cli::replay_admission_review(*loaded.policies, review.dump(), error);
  if (response.empty()) return {};
  return json::parse(response);
}

std::vector<std::string> sorted_strings(const json& list) {
  std::vector<std::string> out;
  for (const json& s : list) out.push_back(s.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

// A joined annotation value as its parts, or a validation_failure array as its entries, sorted.
std::vector<std::string> annotation_parts(const std::string& key, const std::string& value) {
  std::vector<std::string> out;
  if (key == "validation.policy.admission.k8s.io/validation_failure") {
    for (const json& e : json::parse(value)) out.push_back(e.dump());
  } else {
    size_t start = 0;
    while (true) {
      size_t comma = value.find(", ", start);
      out.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 2;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Empty when the answer agrees; else what differs.
std::string compare(const json& expected, const json& answer) {
  const json& response = answer.at("response");
  bool order_sensitive = expected.value("orderSensitive", false);
  std::string diff;
  bool allowed = response.value("allowed", false);
  if (allowed != expected.at("allowed").get<bool>()) {
    diff += "allowed " + std::string(allowed ? "true" : "false") + "; ";
  }
  const json status = response.value("status", json::object());
  if (!expected.at("allowed").get<bool>() && !allowed && !order_sensitive) {
    if (status.value("code", 0) != expected.value("code", 0)) diff += "code " + std::to_string(status.value("code", 0)) + "; ";
    if (status.value("reason", "") != expected.value("reason", "")) diff += "reason " + status.value("reason", "") + "; ";
    if (status.value("message", "") != expected.value("statusMessage", "")) {
      diff += "message " + json(status.value("message", "")).dump() + " want " + json(expected.value("statusMessage", "")).dump() + "; ";
    }
  }
  std::vector<std::string> warnings = sorted_strings(response.value("warnings", json::array()));
  std::vector<std::string> want_warnings = sorted_strings(expected.at("warnings"));
  // Warnings holding a newline are dropped by the API server's recorder.
  warnings.erase(std::remove_if(warnings.begin(), warnings.end(),
                                [](const std::string& w) { return w.find('\n') != std::string::npos; }),
                 warnings.end());
  std::set<std::string> warning_set(warnings.begin(), warnings.end()), want_set(want_warnings.begin(), want_warnings.end());
  if (warning_set != want_set) diff += "warnings " + json(warnings).dump() + " want " + json(want_warnings).dump() + "; ";
  json annotations = response.value("auditAnnotations", json::object());
  const json& want_annotations = expected.at("auditAnnotations");
  bool same = annotations.size() == want_annotations.size();
  for (auto it = want_annotations.begin(); same && it != want_annotations.end(); ++it) {
    if (!annotations.contains(it.key())) {
      same = false;
    } else if (order_sensitive) {
      same = annotation_parts(it.key(), annotations[it.key()].get<std::string>()) ==
             annotation_parts(it.key(), it.value().get<std::string>());
    } else {
      same = annotations[it.key()] == it.value();
    }
  }
  if (!same) diff += "auditAnnotations " + annotations.dump() + " want " + want_annotations.dump() + "; ";
  return diff;
}

}  // namespace

TEST_CASE("ValidatingAdmissionPolicy decisions agree with kube-apiserver 1.32", "[vap-differential]") {
  const std::string path = std::string(TOLLGATE_SHARED_DIR) + "/testdata/vap-differential/cases.jsonl";
  std::ifstream in(path);
  if (!in) FAIL("vap-differential corpus not found at " << path);
  const auto known =
      tollgate::conformance::load_known_failures(std::string(TOLLGATE_SOURCE_DIR) + "/" + kKnownFailuresFile);
  for (const auto& [id, reason] : known) {
    INFO("known failure without a reason: " << id);
    CHECK(!reason.empty());
  }
  const bool verbose = std::getenv("TOLLGATE_VAP_DIFF_VERBOSE") != nullptr;

  Tally all;
  std::map<std::string, Tally> by_class;
  std::vector<std::string> unexpected, fixed, listed_failing;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json c = json::parse(line);
    const std::string id = c.at("id").get<std::string>();
    const json& expected = c.at("expected");
    std::string diff;
    try {
      std::string error;
      json answer = tollgate_answer(c, &error);
      diff = answer.is_null() ? "harness: " + error : compare(expected, answer);
    } catch (const std::exception& e) {
      diff = std::string("exception: ") + e.what();
    }
    bool agree = diff.empty();
    std::string cls = id.rfind("doc", 0) == 0 ? "documentation examples" : "generated";
    std::string verdict = expected.at("allowed").get<bool>() ? "allowed" : "denied";
    for (Tally* t : {&all, &by_class[cls], &by_class[verdict]}) {
      ++t->total;
      if (agree) ++t->agree;
    }
    if (agree) {
      if (known.count(id)) fixed.push_back(id);
      continue;
    }
    const std::string detail = id + ": " + diff;
    if (verbose) std::cout << "  DIFF " << detail << "\n";
    if (known.count(id)) {
      listed_failing.push_back(id + "  # " + known.at(id));
    } else {
      unexpected.push_back(detail);
    }
  }

  std::cout << "vap-differential: " << all.agree << "/" << all.total << " agree\n";
  for (const auto& [cls, t] : by_class) std::cout << "  " << cls << ": " << t.agree << "/" << t.total << "\n";
  if (!listed_failing.empty()) {
    std::cout << "  known failures (" << listed_failing.size() << "):"
              << tollgate::conformance::first_lines(listed_failing, 20, "TOLLGATE_VAP_DIFF_VERBOSE") << "\n";
  }
  if (!fixed.empty()) {
    std::cout << "  listed in " << kKnownFailuresFile << " but agree now (remove them):";
    for (const auto& id : fixed) std::cout << " " << id;
    std::cout << "\n";
  }
  CHECK(all.total == 808);
  INFO("disagreements not listed in " << kKnownFailuresFile << ":"
                                      << tollgate::conformance::first_lines(unexpected, 40, "TOLLGATE_VAP_DIFF_VERBOSE"));
  CHECK(unexpected.empty());
}
