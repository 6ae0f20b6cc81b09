// A gator verify Suite (test.gatekeeper.sh/v1alpha1 Suite) and how suites
// are found: a suite file, a directory (its own files only) or `dir/...`
// (recursively). Only .yaml/.yml files are read; files whose first document
// is not a Suite are ignored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policies/gator/object_reader.h"
#include "rules/value/value.h"

namespace tollgate::policies::gator {

using value::Value;

struct Assertion {
  // "yes" (the default when absent), "no", or a count; kept as written so
  // that a bad value is reported when the case runs, as gator does.
  Value violations;
  // RE2 pattern matched (unanchored) against each result's message; absent
  // means every result matches.
  std::optional<std::string> message;
};

struct Case {
  std::string name;
  std::string object;                  // relative to the suite file
  std::vector<std::string> inventory;  // relative to the suite file
  bool skip = false;
  std::vector<Assertion> assertions;
};

struct Test {
  std::string name;
  std::string template_path;    // relative to the suite file
  std::string constraint_path;  // relative to the suite file
  std::string expansion_path;
  // Tollgate's admission-policy form (gator has none): a file of
  // ValidatingAdmissionPolicies, MutatingAdmissionPolicies, their bindings
  // and params. A test is in that form when it has `policy`, or when its
  // template file holds an admission policy; see verify.h.
  std::string policy_path;
  bool invalid = false;  // the constraint (admission-policy form: the policy) must fail validation
  bool skip = false;
  std::vector<Case> cases;
};

struct Suite {
  std::string display_path;  // as the user named it, for output
  std::string file_path;     // absolute path of the suite file
  bool skip = false;
  std::vector<Test> tests;
};

// Parses a Suite document. Returns false with "invalid yaml: ..." on a
// field of the wrong type.
bool parse_suite(const Value& document, Suite* suite, std::string* error);

// Finds and parses the suites `target` names (see above), sorted by path.
// Every other YAML file it parses on the way is added to *parsed (if given).
bool read_suites(const std::string& target, std::vector<Suite>* suites, std::string* error,
                 ParsedYamlFiles* parsed = nullptr);

}  // namespace tollgate::policies::gator
