// Issue 12's done-when for `tollgate export vap`: every gatekeeper-library
// template with K8sNativeValidation code, exported with its sample
// constraints, decides the library's sample objects as the template does.
//
// For each suite test (template + constraint) and each of its case objects:
//  (a) the template and constraint through the Gatekeeper path, engine CEL;
//  (b) the exported ValidatingAdmissionPolicy and binding — written as the
//      command prints them and read back — with the constraint as the param,
//      through the PolicySet `tollgate review` replays requests with.
// Both must allow, or both deny with (b)'s message carrying one of (a)'s
// violation messages. A plain sample object is reviewed as a CREATE of it; an
// AdmissionReview sample with its own request.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "policies/gator/review_builder.h"
#include "policies/gator/yaml_writer.h"
#include "policies/model/parse_context.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/vap/export.h"
#include "rules/value/yaml.h"

namespace {

namespace fs = std::filesystem;
using tollgate::value::Value;
namespace policies = tollgate::policies;
namespace vap = tollgate::policies::vap;

std::vector<Value> read_yaml(const fs::path& path) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  INFO(path.string() << ": " << error.message);
  REQUIRE(tollgate::value::load_yaml_file(path.string(), &docs, &error));
  std::vector<Value> out;
  for (auto& d : docs) out.push_back(d.value);
  return out;
}

bool has_cel_code(const Value& t) {
  for (const Value& target : t["spec"]["targets"].items()) {
    for (const Value& code : target["code"].is_array() ? target["code"].items() : std::vector<Value>{}) {
      if (code["engine"].string_or("") == "K8sNativeValidation") return true;
    }
  }
  return false;
}

// The request a sample stands for: an AdmissionReview's own, else a CREATE
// of the object with the resource a cluster would name (lower-case plural).
Value request_for(const Value& sample) {
  if (policies::gator::is_admission_review(sample)) {
    Value request;
    std::string error;
    INFO(error);
    REQUIRE(policies::gator::request_from_admission_review(sample, &request, &error));
    return request;
  }
  Value request = policies::admission_request_for_object(sample, "CREATE");
  std::string resource(sample["kind"].string_or(""));
  for (char& c : resource) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  tollgate::value::ObjectBuilder r;
  r.add("group", request["kind"]["group"]).add("version", request["kind"]["version"]);
  r.add("resource", Value::string(resource + "s"));
  return tollgate::value::with_entry(request, "resource", r.build());
}

// The exported objects as `tollgate export vap` prints them, read back.
std::vector<Value> through_yaml(const std::vector<Value>& objects) {
  std::string text;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i != 0) text += "---\n";
    text += policies::gator::to_yaml(objects[i]);
  }
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  INFO(text << "\n" << error.message);
  REQUIRE(tollgate::value::parse_yaml(text, &docs, &error));
  std::vector<Value> out;
  for (auto& d : docs) out.push_back(d.value);
  return out;
}

std::string errors_of(const policies::LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("Exported ValidatingAdmissionPolicies decide the library's samples as their CEL templates do",
          "[conformance][vap-export]") {
  const fs::path library = fs::path(TOLLGATE_SHARED_DIR) / "testdata/gatekeeper-library/library";
  std::vector<fs::path> suites;
  for (const auto& entry : fs::recursive_directory_iterator(library)) {
    if (entry.path().filename() != "template.yaml") continue;
    if (!fs::exists(entry.path().parent_path() / "suite.yaml")) continue;
    if (has_cel_code(read_yaml(entry.path()).front())) suites.push_back(entry.path().parent_path() / "suite.yaml");
  }
  std::sort(suites.begin(), suites.end());

  size_t templates_agreeing = 0, cases = 0, agreeing = 0, denied = 0;
  std::vector<std::string> disagreements, off_suite;
  for (const fs::path& suite_path : suites) {
    const fs::path dir = suite_path.parent_path();
    const Value suite = read_yaml(suite_path).front();
    bool template_agrees = true;
    for (const Value& test : suite["tests"].items()) {
      const Value template_object = read_yaml(dir / std::string(test["template"].string_or(""))).front();
      const Value constraint = read_yaml(dir / std::string(test["constraint"].string_or(""))).front();

      // (a) Gatekeeper, engine CEL.
      policies::LoadOptions gatekeeper_options;
      gatekeeper_options.engine = policies::EnginePreference::Cel;
      policies::LoadResult gatekeeper = policies::PolicySet::from_objects({template_object, constraint}, gatekeeper_options);
      INFO(dir.string() << "\n" << errors_of(gatekeeper));
      REQUIRE(gatekeeper.policies);

      // (b) the export, through the VAP engine with the constraint as param.
      vap::ExportedPolicy policy = vap::export_policy(template_object);
      INFO(policy.error);
      REQUIRE(policy.ok());
      vap::ExportedBinding binding = vap::export_binding(constraint);
      INFO(binding.error);
      REQUIRE(binding.ok());
      REQUIRE(!binding.binding.is_null());
      policies::LoadOptions vap_options;
      vap_options.inventory = {constraint};
      policies::LoadResult exported = policies::PolicySet::from_objects(through_yaml({policy.policy, binding.binding}),
                                                                        vap_options);
      INFO(errors_of(exported));
      REQUIRE(exported.policies);
      REQUIRE(exported.policies->stats().validating_policy_bindings == 1);

      for (const Value& c : test["cases"].items()) {
        for (const Value& sample : read_yaml(dir / std::string(c["object"].string_or("")))) {
          ++cases;
          policies::ReviewInput input;
          input.request = request_for(sample);
          policies::Decision a = gatekeeper.policies->validate(input);
          policies::Decision b = exported.policies->validate(input);

          // The suite's own expectation holds for (a), so that agreement means
          // the samples were decided, not both paths allowing everything.
          bool expect_violations = true;
          for (const Value& assertion : c["assertions"].items()) {
            const Value& v = assertion["violations"];
            if ((v.is_string() && v.string_or("") == "no") || (v.is_int() && v.as_int() == 0)) expect_violations = false;
          }
          if (expect_violations == a.allowed) {
            off_suite.push_back(dir.filename().string() + " :: " + std::string(c["name"].string_or("")));
          }
          if (!a.allowed) ++denied;

          bool agree = a.allowed == b.allowed;
          if (agree && !a.allowed) {
            agree = false;
            const std::string& denial = b.causes.empty() ? b.message : b.causes.front();
            for (const policies::Result& r : a.results) agree = agree || denial.find(r.message) != std::string::npos;
          }
          if (agree) {
            ++agreeing;
          } else {
            template_agrees = false;
            disagreements.push_back(dir.filename().string() + " :: " + std::string(test["name"].string_or("")) +
                                    " :: " + std::string(c["name"].string_or("")) + ": gatekeeper " +
                                    (a.allowed ? "allowed" : "denied: " + a.message) + "; exported VAP " +
                                    (b.allowed ? "allowed" : "denied: " + b.message));
          }
        }
      }
    }
    if (template_agrees) ++templates_agreeing;
  }

  std::printf("vap-export: %zu/%zu templates, %zu/%zu cases agree (%zu denied)\n", templates_agreeing, suites.size(),
              agreeing, cases, denied);
  std::fflush(stdout);
  std::string all;
  for (const std::string& d : disagreements) all += d + "\n";
  for (const std::string& d : off_suite) all += "gatekeeper path differs from the suite: " + d + "\n";
  INFO(all);
  CHECK(off_suite.empty());
  CHECK(denied > 0);
  CHECK(denied < cases);
  CHECK(suites.size() == 16);
  CHECK(cases > 0);
  CHECK(agreeing == cases);
  CHECK(templates_agreeing == suites.size());
}
