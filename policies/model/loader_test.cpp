#include "policies/model/loader.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "policies/test_support.h"

using namespace tollgate::policies;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test's policy files.
class PolicyDir {
 public:
  explicit PolicyDir(const std::string& name) : path_(fs::temp_directory_path() / ("tollgate-loader-" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~PolicyDir() { fs::remove_all(path_); }
  std::string write(const std::string& file, const std::string& text) {
    fs::path p = path_ / file;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

const char* kRegoTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sregoonly
spec:
  crd:
    spec:
      names:
        kind: K8sRegoOnly
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8sregoonly
      violation[{"msg": "no"}] { true }
)";

LoadOptions verify_mode() {
  LoadOptions o;
  o.allow_unsupported_templates = true;
  return o;
}

}  // namespace

TEST_CASE("loader: bad YAML names the file, line and column", "[loader]") {
  PolicyDir dir("bad-yaml");
  std::string file = dir.write("broken.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: [unclosed\n");
  LoadResult r = PolicySet::load({dir.path()});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.policies == nullptr);
  CHECK(r.errors[0].file == file);
  CHECK(r.errors[0].line >= 3);
  CHECK_THAT(r.errors[0].to_string(), Catch::StartsWith(file + ":"));
}

TEST_CASE("loader: a constraint whose kind no template defines is an error at its kind", "[loader]") {
  PolicyDir dir("unknown-kind");
  std::string file = dir.write("c.yaml", R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sMissing
metadata:
  name: nope
)");
  LoadResult r = PolicySet::load({dir.path()});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() ==
        file + ":2:1: constraint kind K8sMissing is not defined by any loaded ConstraintTemplate");
}

TEST_CASE("loader: an unrecognized enforcementAction is a warning at that field, the constraint loads", "[loader]") {
  PolicyDir dir("bad-action");
  dir.write("t.yaml", kRegoTemplate);
  std::string file = dir.write("c.yaml", R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRegoOnly
metadata:
  name: c
spec:
  enforcementAction: block
)");
  LoadResult r = PolicySet::load({dir.path()}, verify_mode());
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].file == file);
  CHECK(r.warnings[0].line == 6);
  CHECK_THAT(r.warnings[0].message, Catch::Contains("unrecognized enforcementAction: \"block\""));
  // Gatekeeper does not enforce it: it is in no enforcement-action count.
  PolicyStats s = r.policies->stats();
  CHECK(s.constraints == 1);
  CHECK(s.constraints_by_action[0] + s.constraints_by_action[1] + s.constraints_by_action[2] +
            s.constraints_by_action[3] == 0);
}

TEST_CASE("loader: a Rego-only template loads and runs on the Rego engine", "[loader]") {
  PolicyDir dir("rego-serve");
  dir.write("t.yaml", kRegoTemplate);
  LoadResult r = PolicySet::load({dir.path()});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  CHECK(r.policies->template_supported("K8sRegoOnly"));
}

TEST_CASE("loader: a Rego-only template is refused when serving with engine cel", "[loader]") {
  PolicyDir dir("rego-serve-cel");
  std::string file = dir.write("t.yaml", kRegoTemplate);
  LoadOptions cel_only;
  cel_only.engine = EnginePreference::Cel;
  LoadResult r = PolicySet::load({dir.path()}, cel_only);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == file);
  CHECK(r.errors[0].line == 11);
  CHECK(r.errors[0].message == "template k8sregoonly: no K8sNativeValidation code (engine cel)");
}

TEST_CASE("loader: a Rego syntax error is reported at its line and column in the template file", "[loader]") {
  PolicyDir dir("rego-error");
  std::string text = kRegoTemplate;
  text.replace(text.find("{ true }"), 8, "{ x := }");
  std::string file = dir.write("t.yaml", text);
  LoadResult r = PolicySet::load({dir.path()});
  REQUIRE_FALSE(r.errors.empty());
  CHECK(r.errors[0].file == file);
  // `rego: |` is on line 12; the Rego's second line is line 14, indented 6.
  CHECK(r.errors[0].line == 14);
  CHECK(r.errors[0].column > 6);
  CHECK_THAT(r.errors[0].message, Catch::StartsWith("template k8sregoonly: rego_parse_error: "));
}

TEST_CASE("loader: in verify mode with engine cel a Rego-only template is recorded as unsupported", "[loader]") {
  PolicyDir dir("rego-verify");
  dir.write("t.yaml", kRegoTemplate);
  dir.write("c.yaml", "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRegoOnly\nmetadata: {name: c}\n");
  LoadOptions options = verify_mode();
  options.engine = EnginePreference::Cel;
  LoadResult r = PolicySet::load({dir.path()}, options);
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  std::string reason;
  CHECK_FALSE(r.policies->template_supported("K8sRegoOnly", &reason));
  CHECK_THAT(reason, Catch::Contains("no K8sNativeValidation code"));
  CHECK(r.policies->unsupported_templates() == std::vector<std::string>{"k8sregoonly"});
  CHECK(r.policies->stats().templates == 1);
  CHECK(r.policies->stats().constraints == 1);
}

TEST_CASE("loader: templates may come after their constraints, Lists and multi-document files", "[loader]") {
  PolicyDir dir("order");
  dir.write("a/constraints.yaml", R"(apiVersion: v1
kind: List
items:
- apiVersion: constraints.gatekeeper.sh/v1beta1
  kind: K8sDenyAll
  metadata: {name: one}
- apiVersion: constraints.gatekeeper.sh/v1beta1
  kind: K8sDenyAll
  metadata: {name: two}
  spec: {enforcementAction: warn}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDenyAll
metadata: {name: three}
spec: {enforcementAction: dryrun}
)");
  dir.write("z/template.yml", testing::kDenyAllTemplate);
  dir.write("z/ignored.txt", "not: policy");
  LoadResult r = PolicySet::load({dir.path()});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  PolicyStats s = r.policies->stats();
  CHECK(s.templates == 1);
  CHECK(s.templates_with_cel == 1);
  CHECK(s.constraints == 3);
  CHECK(s.constraints_by_action[0] == 1);
  CHECK(s.constraints_by_action[1] == 1);
  CHECK(s.constraints_by_action[2] == 1);
  CHECK(r.policies->template_supported("K8sDenyAll"));
}

TEST_CASE("loader: errors inside List items point at the item", "[loader]") {
  PolicyDir dir("list-error");
  dir.write("t.yaml", testing::kDenyAllTemplate);
  std::string file = dir.write("c.yaml", R"(apiVersion: v1
kind: List
items:
- apiVersion: constraints.gatekeeper.sh/v1beta1
  kind: K8sDenyAll
  metadata: {name: ok}
- apiVersion: constraints.gatekeeper.sh/v1beta1
  kind: K8sDenyAll
  metadata: {name: bad}
  spec:
    enforcementAction: [deny]
)");
  LoadResult r = PolicySet::load({dir.path()});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].line == 11);
}

TEST_CASE("loader: other kinds are unsupported, Namespaces are inventory", "[loader]") {
  PolicyDir dir("other-kinds");
  std::string file = dir.write("objs.yaml", R"(apiVersion: v1
kind: Namespace
metadata: {name: prod}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
)");
  LoadResult r = PolicySet::load({dir.path()});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() == file + ":6:1: unsupported object kind ConfigMap (apiVersion v1)");
}

TEST_CASE("loader: a missing path is an error", "[loader]") {
  LoadResult r = PolicySet::load({"/nonexistent/tollgate-policies"});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() == "/nonexistent/tollgate-policies: no such file or directory");
}

TEST_CASE("loader: a CEL compile error names the expression's line and the CEL error", "[loader]") {
  PolicyDir dir("cel-error");
  std::string file = dir.write("t.yaml", R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sbroken
spec:
  crd:
    spec:
      names:
        kind: K8sBroken
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "true"
        - expression: "undefined_name.size() > 0"
)");
  dir.write("constraint.yaml", "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sBroken\nmetadata: {name: c}\n");
  LoadResult r = PolicySet::load({dir.path()});
  // Only the template's error: its constraint is not reported again.
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == file);
  CHECK(r.errors[0].line == 17);
  CHECK_THAT(r.errors[0].message, Catch::StartsWith("template k8sbroken: validations[1].expression: CEL compile error at 1:"));
  CHECK_THAT(r.errors[0].message, Catch::Contains("undefined_name"));
}

TEST_CASE("loader: template validation per §1.1", "[loader]") {
  auto errors_of = [](const std::string& text) {
    LoadResult r = PolicySet::from_objects({testing::yaml(text)});
    return testing::joined_errors(r.errors);
  };
  std::string base = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: NAME}
spec:
  crd: {spec: {names: {kind: K8sThing}}}
  targets:
  - target: TARGET
    OPS
    code: [{engine: K8sNativeValidation, source: {validations: [{expression: 'true'}]}}]
)";
  auto make = [&](std::string name, std::string target, std::string ops) {
    std::string t = base;
    t.replace(t.find("NAME"), 4, name);
    t.replace(t.find("TARGET"), 6, target);
    t.replace(t.find("OPS"), 3, ops);
    return t;
  };
  CHECK(errors_of(make("k8sthing", "admission.k8s.gatekeeper.sh", "operations: [CREATE]")).empty());
  CHECK(errors_of(make("K8SThing", "admission.k8s.gatekeeper.sh", "operations: []")).empty());
  CHECK_THAT(errors_of(make("other", "admission.k8s.gatekeeper.sh", "operations: []")),
             Catch::Contains("is not equal to the lowercase of CRD's Kind"));
  CHECK_THAT(errors_of(make("k8sthing", "audit.k8s.gatekeeper.sh", "operations: []")),
             Catch::Contains("is not admission.k8s.gatekeeper.sh"));
  CHECK_THAT(errors_of(make("k8sthing", "admission.k8s.gatekeeper.sh", "operations: ['*', CREATE]")),
             Catch::Contains("\"*\" cannot be combined"));
  CHECK_THAT(errors_of(make("k8sthing", "admission.k8s.gatekeeper.sh", "operations: [PATCH]")),
             Catch::Contains("operation \"PATCH\""));
}

TEST_CASE("loader: CEL source validation (reserved names, failurePolicy)", "[loader]") {
  auto errors_of = [](const std::string& source) {
    std::string t = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sthing}
spec:
  crd: {spec: {names: {kind: K8sThing}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code: [{engine: K8sNativeValidation, source: )" + source + "}]\n";
    return testing::joined_errors(PolicySet::from_objects({testing::yaml(t)}).errors);
  };
  CHECK(errors_of("{validations: [{expression: 'true'}], failurePolicy: Ignore}").empty());
  CHECK_THAT(errors_of("{failurePolicy: Sometimes}"), Catch::Contains("unrecognized failure policy: Sometimes"));
  CHECK_THAT(errors_of("{variables: [{name: params, expression: '1'}]}"), Catch::Contains("reserved keyword"));
  CHECK_THAT(errors_of("{variables: [{name: anyObject, expression: '1'}]}"), Catch::Contains("reserved keyword"));
  CHECK_THAT(errors_of("{variables: [{name: gatekeeper_internal_x, expression: '1'}]}"),
             Catch::Contains("cannot have \"gatekeeper_internal_\" as a prefix"));
  CHECK_THAT(errors_of("{matchCondition: [{name: gatekeeper_internal_m, expression: 'true'}]}"),
             Catch::Contains("cannot have \"gatekeeper_internal_\" as a prefix"));
  CHECK_THAT(errors_of("[]"), Catch::Contains("source must be an object"));
  // params (the whole constraint) is only declared inside variables[].
  CHECK_THAT(errors_of("{validations: [{expression: 'params.spec != null'}]}"), Catch::Contains("CEL compile error"));
  CHECK(errors_of("{variables: [{name: n, expression: 'params.metadata.name'}], validations: [{expression: 'variables.n != \"\"'}]}").empty());
}
