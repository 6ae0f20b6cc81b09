// One loaded Gatekeeper mutator (gatekeeper-semantics.md §5.1): its identity,
// where it applies (applyTo, match), its compiled location and pathTests,
// and — per kind — what it writes there. Validated once at load time; a
// request only matches strings and walks the object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/match/match_criteria.h"
#include "policies/model/parse_context.h"
#include "policies/mutation/apply_to.h"
#include "policies/mutation/path.h"
#include "policies/mutation/path_mutation.h"
#include "policies/mutation/path_tester.h"
#include "rules/value/value.h"

namespace tollgate::policies::mutation {

inline constexpr const char* kMutationsGroup = "mutations.gatekeeper.sh";

struct MutatorId {
  std::string kind;  // Assign | AssignImage | AssignMetadata | ModifySet
  std::string namespace_name;
  std::string name;

  // "<Kind>/<name>", how results and conflicts name a mutator.
  std::string display() const { return kind + "/" + name; }
  // Go's %v of Gatekeeper's types.ID, as its error messages print it.
  std::string go_string() const;
  // Gatekeeper's order: (group, kind, namespace, name); the group is the same
  // for every mutator.
  bool operator<(const MutatorId& o) const;
};

// What the node at the end of a location is taken to be by the schema
// conflict check (§5.8): Assign may write anything, ModifySet a set-like
// list, AssignImage a string.
enum class TerminalType { Unknown, Set, String };

// The object under mutation as the matcher sees it; rebuilt whenever the
// object changes between mutators.
struct MutationTarget {
  std::string_view group;
  std::string_view version;
  std::string_view kind;
  std::string_view operation;
  MatchTarget match;
};

class Mutator {
 public:
  virtual ~Mutator() = default;

  const MutatorId& id() const { return id_; }
  const Location& location() const { return location_; }
  // Schema bindings (GVK, operation); empty for AssignMetadata, which has no
  // schema.
  const std::vector<SchemaBinding>& bindings() const { return bindings_; }
  virtual TerminalType terminal_type() const { return TerminalType::Unknown; }
  virtual bool has_schema() const { return true; }

  // applyTo (when the kind has one) and spec.match.
  MatchResult matches(const MutationTarget& target) const;
  // Applies the mutator once to `object`.
  virtual PathMutation mutate(const value::Value& object) const = 0;

 protected:
  // Reads what every kind shares: name, location, match, and unless
  // `metadata_only` (AssignMetadata) applyTo and parameters.pathTests.
  // False after reporting errors into ctx.
  bool parse_common(const value::Value& object, std::string_view kind, bool metadata_only, ParseContext& ctx);
  // Reports "<what> <name> can't change metadata" when the location starts at
  // metadata; false then.
  bool reject_metadata_root(std::string_view what, ParseContext& ctx) const;
  // Reports a location ending in `x[key: v].key` (which would change an
  // element's key); false then.
  bool reject_key_change(ParseContext& ctx) const;

  MutatorId id_;
  std::optional<ApplyTo> apply_to_;
  MatchCriteria match_;
  Location location_;
  PathTester tester_;
  std::vector<SchemaBinding> bindings_;
};

// Parses an object of group mutations.gatekeeper.sh whose kind is one of the
// four mutator kinds. Returns nullptr after reporting every problem into ctx.
std::unique_ptr<const Mutator> parse_mutator(const value::Value& object, ParseContext& ctx);

}  // namespace tollgate::policies::mutation
