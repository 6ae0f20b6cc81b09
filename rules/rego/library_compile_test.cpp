// Every ConstraintTemplate of the gatekeeper-library compiles (its Rego and
// its libs, Gatekeeper's parse rule and data restrictions), and a few of
// them give the violation messages a user sees for the library's samples.
#include <algorithm>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>

#include "rules/rego/rego.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::rego;
using tollgate::value::Value;

namespace {

const std::string kLibrary = std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library";

Value load(const std::string& path) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  if (!tollgate::value::load_yaml_file(path, &docs, &error) || docs.empty()) {
    throw std::runtime_error(path + ": " + error.message);
  }
  return docs[0].value;
}

struct Template {
  std::string package;
  std::shared_ptr<const CompiledPolicy> policy;
  std::vector<Error> errors;
};

Template compile_template(const std::string& path) {
  Value doc = load(path);
  const Value* target = doc.path({"spec", "targets"});
  REQUIRE(target != nullptr);
  // The Rego source: the target's `rego`/`libs`, or the `code` entry of engine Rego.
  const Value* source = target->at(0);
  if (source->find("rego") == nullptr) {
    for (const auto& code : (*source)["code"].items()) {
      if (code["engine"].string_or("") == "Rego") source = code.find("source");
    }
  }
  const Value& t0 = *source;
  std::vector<ModuleSource> modules;
  modules.push_back({path, t0["rego"].as_string(), std::nullopt});
  if (const Value* libs = t0.find("libs")) {
    for (size_t i = 0; i < libs->size(); ++i) {
      modules.push_back({path + "#lib" + std::to_string(i), libs->at(i)->as_string(), std::nullopt});
    }
  }
  CompileOptions options;
  options.allowed_data_roots = {"inventory"};
  auto compiled = compile(modules, options);
  Template out;
  out.errors = compiled.errors;
  out.policy = compiled.policy;
  if (out.policy) {
    for (const auto& seg : module_package(*out.policy, 0)) out.package += (out.package.empty() ? "" : ".") + seg;
  }
  return out;
}

// The messages of data.<package>.violation for one object and constraint.
std::set<std::string> violations(const Template& t, const std::string& constraint, const std::string& object) {
  Value params = load(constraint)["spec"]["parameters"];
  if (params.is_null()) params = Value::empty_object();
  Value obj = load(object);
  Value review = Value::object({{Value::string("object"), obj},
                                {Value::string("operation"), Value::string("CREATE")},
                                {Value::string("oldObject"), Value()},
                                {Value::string("kind"), Value::object({{Value::string("kind"), obj["kind"]}})}});
  QueryOptions options;
  options.input = Value::object({{Value::string("review"), review}, {Value::string("parameters"), params}});
  std::vector<std::string> path;
  size_t start = 0;
  while (start <= t.package.size()) {
    size_t dot = t.package.find('.', start);
    if (dot == std::string::npos) dot = t.package.size();
    path.push_back(t.package.substr(start, dot - start));
    start = dot + 1;
  }
  path.push_back("violation");
  auto result = evaluate_document(*t.policy, path, options);
  REQUIRE_FALSE(result.error);
  REQUIRE(result.value);
  std::set<std::string> out;
  for (const auto& v : result.value->items()) {
    if (const Value* msg = v.find("msg")) out.insert(msg->as_string());
  }
  return out;
}

}  // namespace

TEST_CASE("every gatekeeper-library template compiles", "[compiler][library]") {
  size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kLibrary)) {
    if (entry.path().filename() != "template.yaml") continue;
    ++count;
    Template t = compile_template(entry.path().string());
    std::string errors;
    for (const auto& e : t.errors) {
      errors += e.file + ":" + std::to_string(e.loc.line) + ": " + e.code + ": " + e.message + "\n";
    }
    CHECK(errors == "");
  }
  CHECK(count >= 40);
}

TEST_CASE("k8srequiredlabels reports missing and badly valued labels", "[eval][library]") {
  std::string dir = kLibrary + "/general/requiredlabels/samples/all-must-have-owner/";
  Template t = compile_template(kLibrary + "/general/requiredlabels/template.yaml");
  REQUIRE(t.errors.empty());
  std::string message = "All namespaces must have an `owner` label that points to your company username";
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_disallowed.yaml") == std::set<std::string>{message});
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_disallowed_label_value.yaml") ==
        std::set<std::string>{message});
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_allowed.yaml").empty());
}

TEST_CASE("k8scontainerlimits compares canonical CPU and memory quantities", "[eval][library]") {
  std::string dir = kLibrary + "/general/containerlimits/samples/container-must-have-limits/";
  Template t = compile_template(kLibrary + "/general/containerlimits/template.yaml");
  REQUIRE(t.errors.empty());
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_disallowed.yaml") ==
        std::set<std::string>{"container <opa> memory limit <2Gi> is higher than the maximum allowed of <1Gi>"});
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_allowed.yaml").empty());
}

TEST_CASE("k8sallowedrepos names each container with an image from elsewhere", "[eval][library]") {
  std::string dir = kLibrary + "/general/allowedrepos/samples/repo-must-be-openpolicyagent/";
  Template t = compile_template(kLibrary + "/general/allowedrepos/template.yaml");
  REQUIRE(t.errors.empty());
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_disallowed_both.yaml") ==
        std::set<std::string>{
            "container <nginx> has an invalid image repo <nginx>, allowed repos are [\"openpolicyagent/\"]",
            "initContainer <nginxinit> has an invalid image repo <nginx>, allowed repos are [\"openpolicyagent/\"]"});
  CHECK(violations(t, dir + "constraint.yaml", dir + "example_allowed.yaml").empty());
}
