// Gatekeeper's ValidateTemplate for ExpansionTemplates, in its order and
// words (gatekeeper-expansion.md §1.2, §10 cases 1-7).
#include "policies/expansion/expansion_template.h"

#include <catch2/catch.hpp>

#include "policies/expansion/test_fixtures.h"
#include "policies/gator/test_support.h"
#include "policies/model/loader.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using namespace tollgate::policies::expansion;
using tollgate::policies::testing::yaml;
using tollgate::policies::expansion::testing::kExpandDeployments;

namespace {

// Parses `spec` under a template named `name`; returns the errors, "" if none.
std::string errors_of(const std::string& name, const std::string& spec) {
  std::string text = "apiVersion: expansion.gatekeeper.sh/v1beta1\nkind: ExpansionTemplate\nmetadata:\n" +
                     (name.empty() ? std::string("  labels: {}\n") : "  name: " + name + "\n") + "spec:\n" + spec;
  std::vector<LoadError> errors;
  ObjectOrigin origin("t.yaml", nullptr);
  ParseContext ctx(origin, errors);
  std::optional<ExpansionTemplate> t = parse_expansion_template(yaml(text), ctx);
  CHECK(t.has_value() == errors.empty());
  std::string out;
  for (const LoadError& e : errors) out += e.message;
  return out;
}

const std::string kApplyTo = "  applyTo: [{groups: [group1], versions: [v1], kinds: [kind1]}]\n";
const std::string kSource = "  templateSource: spec.template\n";
const std::string kGenerated = "  generatedGVK: {group: group2, version: v2, kind: kind2}\n";

}  // namespace

TEST_CASE("a complete ExpansionTemplate is valid and flattens applyTo", "[expansion]") {
  CHECK(errors_of("foo", kApplyTo + kSource + kGenerated).empty());
  std::vector<LoadError> errors;
  ObjectOrigin origin("t.yaml", nullptr);
  ParseContext ctx(origin, errors);
  auto t = parse_expansion_template(yaml(R"(
metadata: {name: expand-workloads}
spec:
  applyTo: [{groups: [apps], versions: [v1], kinds: [Deployment, ReplicaSet]}]
  templateSource: spec.template
  generatedGVK: {kind: Pod, version: v1}
  enforcementAction: scoped
)"),
                                    ctx);
  REQUIRE(t);
  CHECK(t->apply_to.size() == 2);
  CHECK(t->applies_to({"apps", "v1", "ReplicaSet"}));
  CHECK_FALSE(t->applies_to({"apps", "v1beta1", "Deployment"}));
  CHECK(t->source_path == std::vector<std::string>{"spec", "template"});
  CHECK(t->generated.api_version() == "v1");
  // Not validated, as in Gatekeeper.
  CHECK(t->enforcement_action == "scoped");
}

TEST_CASE("ExpansionTemplate validation reports Gatekeeper's first failure", "[expansion]") {
  CHECK(errors_of("", kApplyTo + kSource + kGenerated) == "ExpansionTemplate has empty name field");
  CHECK(errors_of(std::string(65, 'a'), kApplyTo + kSource + kGenerated) ==
        "ExpansionTemplate name must be less than 64 characters");
  CHECK(errors_of("test1", kApplyTo + kGenerated) == "ExpansionTemplate test1 has empty source field");
  CHECK(errors_of("test1", kApplyTo + kSource) == "ExpansionTemplate test1 has empty generatedGVK field");
  CHECK(errors_of("test1", kSource + kGenerated) == "ExpansionTemplate test1 must specify ApplyTo");
  CHECK(errors_of("test1", "  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]\n" + kSource +
                               "  generatedGVK: {group: '', version: v1, kind: Pod}\n") ==
        "ExpansionTemplate test1 generates GVK /v1, Kind=Pod, but also applies to that same GVK");
}

TEST_CASE("an applyTo entry without kinds passes validation but names nothing", "[expansion]") {
  CHECK(errors_of("test1", "  applyTo: [{}]\n" + kSource + "  generatedGVK: {kind: Pod}\n").empty());
}

TEST_CASE("ExpansionTemplate errors point at the file, line and column", "[expansion]") {
  tollgate::policies::gator::testing::TempTree dir;
  std::string without_source = kExpandDeployments;
  without_source.erase(without_source.find("  templateSource"), std::string("  templateSource: \"spec.template\"\n").size());
  std::string path = dir.write("expansion.yaml", without_source);
  LoadResult r = PolicySet::load({path});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() == path + ":5:1: ExpansionTemplate expand-deployments has empty source field");
}
