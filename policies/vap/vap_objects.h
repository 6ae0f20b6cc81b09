// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding
// (admissionregistration.k8s.io v1, v1beta1) as vap-semantics.md §1 describes
// them: every field, the API server's defaults (§1.5) applied, and the API
// validation of §1.6 reported with the API server's messages at the
// offending field's file:line:col.
//
// The shared building blocks (MatchResources, rules, ParamKind, ParamRef,
// matchConditions, variables) are what MutatingAdmissionPolicy uses too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/match/label_selector.h"
#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

inline constexpr std::string_view kAdmissionRegistrationGroup = "admissionregistration.k8s.io";

// NamedRuleWithOperations.
struct NamedRule {
  std::vector<std::string> resource_names;
  std::vector<std::string> operations;
  std::vector<std::string> api_groups;
  std::vector<std::string> api_versions;
  std::vector<std::string> resources;
  std::string scope = "*";
};

// A label selector kept with its parse error: an invalid selector loads
// (the API server's runtime sees stored objects that were never validated)
// and fails the match that uses it.
struct Selector {
  bool present = false;  // false: nil selector (only without defaulting)
  std::optional<LabelSelector> selector;
  std::string error;     // why it does not parse; empty when it does
  bool empty = true;     // {}: matches everything without a lookup
};

// MatchResources (policy matchConstraints, binding matchResources).
struct MatchResources {
  Selector namespace_selector;
  Selector object_selector;
  std::vector<NamedRule> resource_rules;
  std::vector<NamedRule> exclude_resource_rules;
  std::string match_policy = "Equivalent";
};

struct ParamKind {
  std::string api_version;  // "group/version", "v1" for core
  std::string kind;
};

struct ParamRef {
  std::string name;
  std::string namespace_name;
  bool has_selector = false;
  Selector selector;
  std::string parameter_not_found_action;  // "Allow" | "Deny" | "" (unset)
};

// A named CEL expression (matchConditions[], variables[]).
struct NamedExpression {
  std::string name;
  std::string expression;
  std::string pointer;  // where the expression sits in its object
};

struct Validation {
  std::string expression;
  std::string message;
  bool has_message_expression = false;
  std::string message_expression;
  std::string reason;  // "" when unset
  std::string pointer;
};

struct AuditAnnotation {
  std::string key;
  std::string value_expression;
  std::string pointer;
};

struct ValidatingAdmissionPolicy {
  std::string name;
  std::optional<ParamKind> param_kind;
  std::optional<MatchResources> match_constraints;
  std::vector<Validation> validations;
  std::vector<AuditAnnotation> audit_annotations;
  std::vector<NamedExpression> match_conditions;
  std::vector<NamedExpression> variables;
  std::string failure_policy = "Fail";
};

struct ValidatingAdmissionPolicyBinding {
  std::string name;
  std::string policy_name;
  std::optional<ParamRef> param_ref;
  std::optional<MatchResources> match_resources;
  std::vector<std::string> validation_actions;
};

// Whether the object is one of these kinds (any served version).
bool is_validating_policy(const value::Value& object);
bool is_validating_policy_binding(const value::Value& object);

// Parses with defaults applied. Structural API-validation errors (required
// fields, unsupported values, ...) are reported into ctx with the API
// server's wording; the object is returned all the same, as the API server's
// runtime would see it stored (callers refuse it on errors).
std::optional<ValidatingAdmissionPolicy> parse_validating_policy(const value::Value& object, ParseContext& ctx);
std::optional<ValidatingAdmissionPolicyBinding> parse_validating_policy_binding(const value::Value& object,
                                                                                ParseContext& ctx);

// Building blocks, shared with MutatingAdmissionPolicy. `path` is the API
// field path used in messages ("spec.matchConstraints"), `pointer` the JSON
// pointer of the same node. Errors are pushed as "<path>: <Type>: <detail>".
struct FieldErrors {
  struct Entry {
    std::string pointer;
    std::string text;
  };
  std::vector<Entry> entries;
  void add(std::string pointer, std::string text) { entries.push_back({std::move(pointer), std::move(text)}); }
};
MatchResources parse_match_resources(const value::Value& node, const std::string& path, const std::string& pointer,
                                     bool is_policy, FieldErrors& errors);
Selector parse_selector(const value::Value* node);
ParamKind parse_param_kind(const value::Value& node, const std::string& path, const std::string& pointer,
                           FieldErrors& errors);
ParamRef parse_param_ref(const value::Value& node, bool default_not_found_deny, const std::string& path,
                         const std::string& pointer, FieldErrors& errors);
std::vector<NamedExpression> parse_named_expressions(const value::Value* list, const std::string& path,
                                                     const std::string& pointer, bool match_conditions,
                                                     FieldErrors& errors);

// Reports every FieldErrors entry into ctx as
// `<Kind>.admissionregistration.k8s.io "<name>" is invalid: <text>`.
void report(const FieldErrors& errors, std::string_view kind, std::string_view name, ParseContext& ctx);

}  // namespace tollgate::policies::vap
