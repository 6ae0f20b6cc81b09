// Gatekeeper's ExpansionTemplate (expansion.gatekeeper.sh v1alpha1 and
// v1beta1, cluster-scoped): which generator kinds (Deployment, CronJob, ...)
// expand into which resultant kind, from which field of the generator, and
// the enforcement action its resultants' results take
// (gatekeeper-expansion.md §1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::policies::expansion {

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;

  bool operator==(const GroupVersionKind& o) const {
    return group == o.group && version == o.version && kind == o.kind;
  }
  bool operator!=(const GroupVersionKind& o) const { return !(*this == o); }
  // Gatekeeper's %v of a GVK: "group/version, Kind=Kind" ("/v1, Kind=Pod" for core).
  std::string to_string() const;
  // The apiVersion it is written as: "group/version", or "version" for core.
  std::string api_version() const;
};

// The GVK an object declares with apiVersion and kind.
GroupVersionKind gvk_of(const value::Value& object);

struct ExpansionTemplate {
  std::string name;
  // spec.applyTo flattened: every groups × versions × kinds combination.
  std::vector<GroupVersionKind> apply_to;
  size_t apply_to_entries = 0;  // spec.applyTo's length (an entry may denote no GVK)
  // spec.templateSource ("spec.template") and its segments (split on '.').
  std::string template_source;
  std::vector<std::string> source_path;
  GroupVersionKind generated;
  // spec.enforcementAction, "" when the constraints' own actions apply. Not
  // validated, as in Gatekeeper.
  std::string enforcement_action;

  bool applies_to(const GroupVersionKind& gvk) const;
};

// Reads an ExpansionTemplate; field type errors and Gatekeeper's validation
// (validate_expansion_template) are reported into ctx at the field they
// concern. nullopt when anything was reported.
std::optional<ExpansionTemplate> parse_expansion_template(const value::Value& object, ParseContext& ctx);

// Gatekeeper's ValidateTemplate, first failure only, in its order and
// words; "" when valid. *field is the spec field (JSON pointer) it concerns.
std::string validate_expansion_template(const ExpansionTemplate& t, std::string* field = nullptr);

}  // namespace tollgate::policies::expansion
