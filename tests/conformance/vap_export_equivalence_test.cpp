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

// One template and constraint both ways: (a) Gatekeeper, engine CEL; (b) the
// export, read back from YAML, with the constraint as its param.
struct BothWays {
  policies::LoadResult gatekeeper;
  policies::LoadResult exported;
};

BothWays both_ways(const Value& template_object, const Value& constraint) {
  BothWays out;
  policies::LoadOptions gatekeeper_options;
  gatekeeper_options.engine = policies::EnginePreference::Cel;
  out.gatekeeper = policies::PolicySet::from_objects({template_object, constraint}, gatekeeper_options);
  INFO(errors_of(out.gatekeeper));
  REQUIRE(out.gatekeeper.policies);

  vap::ExportedPolicy policy = vap::export_policy(template_object);
  INFO(policy.error);
  REQUIRE(policy.ok());
  vap::ExportedBinding binding = vap::export_binding(constraint);
  INFO(binding.error);
  REQUIRE(binding.ok());
  REQUIRE(!binding.binding.is_null());
  policies::LoadOptions vap_options;
  vap_options.inventory = {constraint};
  out.exported = policies::PolicySet::from_objects(through_yaml({policy.policy, binding.binding}), vap_options);
  INFO(errors_of(out.exported));
  REQUIRE(out.exported.policies);
  REQUIRE(out.exported.policies->stats().validating_policy_bindings == 1);
  return out;
}

struct Verdicts {
  policies::Decision gatekeeper;
  policies::Decision exported;
  // Both allow, or both deny and the policy's denial carries one of
  // Gatekeeper's violation messages.
  bool agree() const {
    if (gatekeeper.allowed != exported.allowed) return false;
    if (gatekeeper.allowed) return true;
    const std::string& denial = exported.causes.empty() ? exported.message : exported.causes.front();
    for (const policies::Result& r : gatekeeper.results) {
      if (denial.find(r.message) != std::string::npos) return true;
    }
    return false;
  }
  std::string describe() const {
    return std::string("gatekeeper ") + (gatekeeper.allowed ? "allowed" : "denied: " + gatekeeper.message) +
           "; exported VAP " + (exported.allowed ? "allowed" : "denied: " + exported.message);
  }
};

Verdicts decide(const BothWays& both, const Value& request) {
  policies::ReviewInput input;
  input.request = request;
  return {both.gatekeeper.policies->validate(input), both.exported.policies->validate(input)};
}

// The constraint with spec.match.<field> set to `globs`.
Value with_match(const Value& constraint, std::string_view field, std::vector<Value> globs) {
  using tollgate::value::with_entry;
  const Value& spec = constraint["spec"];
  Value match = with_entry(spec["match"], field, Value::array(std::move(globs)));
  return with_entry(constraint, "spec", with_entry(spec, "match", match));
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
  size_t variants = 0, variants_agreeing = 0, variants_denied = 0;
  std::vector<std::string> disagreements, off_suite;
  for (const fs::path& suite_path : suites) {
    const fs::path dir = suite_path.parent_path();
    const Value suite = read_yaml(suite_path).front();
    bool template_agrees = true;
    for (const Value& test : suite["tests"].items()) {
      const Value template_object = read_yaml(dir / std::string(test["template"].string_or(""))).front();
      const Value constraint = read_yaml(dir / std::string(test["constraint"].string_or(""))).front();

      const BothWays both = both_ways(template_object, constraint);
      // The constraint's match narrowed by namespace globs (Gatekeeper's
      // match on one side, the exported matchConditions on the other), for
      // the namespaced samples put in namespace "default".
      std::vector<std::pair<std::string, BothWays>> narrowed;
      for (const auto& [field, glob] : {std::pair<const char*, const char*>{"excludedNamespaces", "default"},
                                        {"excludedNamespaces", "kube-*"},
                                        {"namespaces", "def*"},
                                        {"namespaces", "other"}}) {
        narrowed.emplace_back(std::string(field) + ": [" + glob + "]",
                              both_ways(template_object, with_match(constraint, field, {Value::string(glob)})));
      }

      for (const Value& c : test["cases"].items()) {
        for (const Value& sample : read_yaml(dir / std::string(c["object"].string_or("")))) {
          ++cases;
          const std::string where = dir.filename().string() + " :: " + std::string(test["name"].string_or("")) +
                                    " :: " + std::string(c["name"].string_or(""));
          Verdicts v = decide(both, request_for(sample));

          // The suite's own expectation holds for (a), so that agreement means
          // the samples were decided, not both paths allowing everything.
          bool expect_violations = true;
          for (const Value& assertion : c["assertions"].items()) {
            const Value& n = assertion["violations"];
            if ((n.is_string() && n.string_or("") == "no") || (n.is_int() && n.as_int() == 0)) expect_violations = false;
          }
          if (expect_violations == v.gatekeeper.allowed) off_suite.push_back(where);
          if (!v.gatekeeper.allowed) ++denied;
          if (v.agree()) {
            ++agreeing;
          } else {
            template_agrees = false;
            disagreements.push_back(where + ": " + v.describe());
          }

          // A Namespace is cluster-scoped to the exported conditions but
          // matched by its own name in Gatekeeper (the generator's known gap,
          // README): only namespaced kinds are narrowed.
          if (policies::gator::is_admission_review(sample) || sample["kind"].string_or("") == "Namespace") continue;
          Value placed = tollgate::value::with_entry(
              sample, "metadata", tollgate::value::with_entry(sample["metadata"], "namespace", Value::string("default")));
          for (const auto& [label, narrowed_both] : narrowed) {
            ++variants;
            Verdicts nv = decide(narrowed_both, request_for(placed));
            if (!nv.gatekeeper.allowed) ++variants_denied;
            if (nv.agree()) {
              ++variants_agreeing;
            } else {
              template_agrees = false;
              disagreements.push_back(where + " (" + label + "): " + nv.describe());
            }
          }
        }
      }
    }
    if (template_agrees) ++templates_agreeing;
  }

  std::printf("vap-export: %zu/%zu templates, %zu/%zu cases agree (%zu denied)\n", templates_agreeing, suites.size(),
              agreeing, cases, denied);
  std::printf("vap-export: namespace-narrowed constraints: %zu/%zu cases agree (%zu denied)\n", variants_agreeing,
              variants, variants_denied);
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
  CHECK(variants_agreeing == variants);
  CHECK(variants_denied > 0);
  CHECK(variants_denied < variants);
}
