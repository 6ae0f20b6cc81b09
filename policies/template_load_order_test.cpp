// Templates compile in parallel, yet a load reads as a sequential one would:
// errors in file order, and of two templates for one kind the first that
// compiles wins, the later one refused.
#include <catch2/catch.hpp>
#include <cctype>
#include <string>

#include "policies/policy_set.h"
#include "policies/test_support.h"

using namespace tollgate::policies;

namespace {

// A template's name is its kind in lower case.
std::string rego_template(const std::string& kind, const std::string& rego_body) {
  std::string name = kind;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata: {name: " + name +
         "}\nspec:\n  crd: {spec: {names: {kind: " + kind +
         "}}}\n  targets:\n  - target: admission.k8s.gatekeeper.sh\n    rego: |\n      package " + name +
         "\n      " + rego_body + "\n";
}

}  // namespace

TEST_CASE("templates loaded together report errors in file order and the first good one for a kind wins", "[loader]") {
  std::string text;
  for (const std::string& t : {
           rego_template("K8sShared", "violation[{\"msg\": x}] { x := undefined_function(1) }"),
           rego_template("K8sShared", "violation[{\"msg\": \"from first\"}] { true }"),
           rego_template("K8sShared", "violation[{\"msg\": \"from second\"}] { true }"),
           rego_template("K8sOther", "violation[{\"msg\": \"other\"}] { other_undefined(1) }"),
           rego_template("K8sFine", "violation[{\"msg\": \"fine\"}] { true }"),
       }) {
    text += "---\n" + t;
  }
  text += "---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sShared\nmetadata: {name: shared}\n";
  LoadOptions verify_mode;
  verify_mode.allow_unsupported_templates = true;
  LoadResult r = PolicySet::load_text(text, "templates.yaml", verify_mode);

  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].message.find("undefined_function") != std::string::npos);
  CHECK(r.errors[1].message == "template k8sshared: another template already defines kind K8sShared");
  CHECK(r.errors[2].message.find("other_undefined") != std::string::npos);
  CHECK(r.errors[0].line < r.errors[1].line);
  CHECK(r.errors[1].line < r.errors[2].line);

  // The same objects loaded without the refused ones: "first" serves K8sShared.
  std::string good = rego_template("K8sShared", "violation[{\"msg\": \"from first\"}] { true }") + "---\n" +
                     rego_template("K8sFine", "violation[{\"msg\": \"fine\"}] { true }") +
                     "---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sShared\nmetadata: {name: shared}\n";
  LoadResult ok = PolicySet::load_text(good, "good.yaml");
  INFO(testing::joined_errors(ok.errors));
  REQUIRE(ok.policies);
  ReviewInput input;
  input.request = testing::yaml("{operation: CREATE, kind: {group: '', version: v1, kind: Pod}, "
                                "object: {apiVersion: v1, kind: Pod, metadata: {name: p}}}");
  Decision d = ok.policies->validate(input);
  REQUIRE(d.results.size() == 1);
  CHECK(d.results[0].message == "from first");
}
