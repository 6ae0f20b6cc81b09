// Helpers shared by the policies tests: objects from YAML text.
#pragma once

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "policies/policy_set.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::testing {

// The first document of a YAML text.
inline value::Value yaml(std::string_view text) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  if (!value::parse_yaml(text, &docs, &error) || docs.empty()) {
    throw std::runtime_error("bad test YAML: " + error.message);
  }
  return docs.front().value;
}

// Every document of a YAML text.
inline std::vector<value::Value> yaml_all(std::string_view text) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  if (!value::parse_yaml(text, &docs, &error)) throw std::runtime_error("bad test YAML: " + error.message);
  std::vector<value::Value> out;
  for (auto& d : docs) out.push_back(d.value);
  return out;
}

// A CEL template whose constraints (kind K8sDenyAll) deny every object
// with "denied <name>".
inline constexpr const char* kDenyAllTemplate = R"(
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdenyall}
spec:
  crd: {spec: {names: {kind: K8sDenyAll}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
        validations:
        - expression: "false"
          messageExpression: "'denied ' + variables.anyObject.metadata.name"
)";

inline std::string joined_errors(const std::vector<LoadError>& errors) {
  std::string out;
  for (const LoadError& e : errors) out += e.to_string() + "\n";
  return out;
}

// Checks two objects are equal, showing both as indented JSON when not.
inline void check_same(const value::Value& actual, const value::Value& expected) {
  INFO("actual:\n" << value::to_json_pretty(actual) << "\nexpected:\n" << value::to_json_pretty(expected));
  CHECK(actual == expected);
}

}  // namespace tollgate::policies::testing
