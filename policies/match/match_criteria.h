// A Constraint's `spec.match` (gatekeeper-semantics.md §1.3–1.5): which
// objects a constraint applies to. Parsed and validated at load time; a
// review only compares strings and labels.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/match/label_selector.h"
#include "policies/match/wildcard.h"
#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::policies {

// One object under review as the matcher sees it; views into the object.
struct MatchObject {
  const value::Value* object = nullptr;  // nullptr when absent
  std::string_view group;
  std::string_view kind;
  std::string_view name;
  std::string_view generate_name;
  std::string_view namespace_name;  // metadata.namespace
  const value::Value* labels = nullptr;
  bool is_namespace = false;  // core (group "") Namespace

  // A view of `object`; absent when object is null or not an object.
  static MatchObject of(const value::Value* object);
  bool present() const { return object != nullptr; }
};

// Everything the matcher needs about one review.
struct MatchTarget {
  MatchObject object;
  MatchObject old_object;
  // The Namespace of a namespaced request when known, else nullptr.
  const value::Value* namespace_object = nullptr;
  // "Original" (admission, audit), "Generated" (expansion), or "" when the
  // review does not say.
  std::string_view source;
};

struct MatchResult {
  enum class Outcome { NoMatch, Match, Error };
  Outcome outcome = Outcome::NoMatch;
  // For Error: "failed to run Match criteria: <reason>" (what a mutator's
  // match error says, gatekeeper-expansion.md §3.2), or why the request
  // cannot be matched at all.
  std::string error;
  // The object whose criteria failed, when they did (error_object).
  std::string object_name;
  bool error_object = false;

  bool matched() const { return outcome == Outcome::Match; }
  bool failed() const { return outcome == Outcome::Error; }
  // The error as the constraint framework words it (§4.2):
  // "error matching the requested object: <name> :failed to run Match criteria: <reason>".
  std::string constraint_error() const;
};

class MatchCriteria {
 public:
  struct Kinds {
    std::vector<std::string> api_groups;  // empty = any
    std::vector<std::string> kinds;       // empty = any
  };

  // Parses `spec.match` at `pointer` (an absent match is valid and matches
  // everything). Returns nullopt after reporting errors into ctx.
  static std::optional<MatchCriteria> parse(const value::Value* match, std::string_view pointer, ParseContext& ctx);

  // The object matches if either the object or the old object matches.
  MatchResult matches(const MatchTarget& target) const;

  bool present() const { return present_; }
  const std::vector<Kinds>& kinds() const { return kinds_; }

 private:
  enum class Scope { All, Cluster, Namespaced };
  enum class Source { All, Generated, Original };

  // Returns true/false, or sets *error.
  bool matches_one(const MatchObject& obj, const MatchTarget& target, std::string* error) const;

  bool present_ = false;
  std::vector<Kinds> kinds_;
  Scope scope_ = Scope::All;
  std::vector<Wildcard> namespaces_;
  std::vector<Wildcard> excluded_namespaces_;
  std::optional<LabelSelector> label_selector_;
  std::optional<LabelSelector> namespace_selector_;
  std::optional<Wildcard> name_;
  Source source_ = Source::All;
};

}  // namespace tollgate::policies
