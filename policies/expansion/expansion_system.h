// The ExpansionTemplates of a policy set and the expansion of one generator
// into its resultants (gatekeeper-expansion.md §1.3, §2): templates keyed by
// name, cycles between templates flagged (a template on a cycle never
// expands), and for a generator every resultant — recursively, deepest
// first — built from the template source, named, placed in a namespace and
// mutated by the mutators whose source is Generated or All.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/expansion/expansion_template.h"
#include "rules/value/value.h"

namespace tollgate::policies::mutation {
class MutationSystem;
}

namespace tollgate::policies::expansion {

inline constexpr const char* kCycleError = "template forms expansion cycle";
inline constexpr int kMaxRecursionDepth = 30;

// One object a generator implies.
struct Resultant {
  value::Value object;
  std::string template_name;       // the template that directly produced it
  std::string enforcement_action;  // that template's spec.enforcementAction ("" = the constraints' own)
};

struct ExpandRequest {
  value::Value generator;
  // The Namespace beside the generator: null when absent; a nameless one is
  // present (gator's empty Namespace) and leaves resultants without one.
  value::Value namespace_object;
  std::string username;
};

class ExpansionSystem {
 public:
  // Stores (or replaces, by name) a template. Returns "" or the error: the
  // validation error (template not stored), or kCycleError when the
  // template is on a cycle (stored, but flagged as every member of a cycle).
  std::string upsert(ExpansionTemplate t);

  bool empty() const { return templates_.empty(); }
  size_t size() const { return templates_.size(); }
  bool conflicting(std::string_view name) const;
  // The non-conflicting templates that apply to `gvk`, by name.
  std::vector<const ExpansionTemplate*> templates_for(const GroupVersionKind& gvk) const;

  // Every resultant of the generator (§2.2 order). `mutation` (may be null)
  // mutates each resultant with source Generated. False with Gatekeeper's
  // error text in *error; nothing is returned then.
  bool expand(const ExpandRequest& request, const mutation::MutationSystem* mutation, std::vector<Resultant>* out,
              std::string* error) const;

 private:
  struct Stored {
    ExpansionTemplate t;
    bool conflicting = false;
  };
  void flag_cycles();
  bool expand_one(const value::Value& generator, const ExpandRequest& request, const mutation::MutationSystem* mutation,
                  std::vector<Resultant>* children, std::string* error) const;
  bool expand_recursive(const value::Value& base, int depth, const ExpandRequest& request,
                        const mutation::MutationSystem* mutation, std::vector<Resultant>* out, std::string* error) const;

  std::vector<Stored> templates_;  // sorted by name
};

}  // namespace tollgate::policies::expansion
