// A mutator's `spec.applyTo` (gatekeeper-semantics.md §5.2): the exact
// group/version/kind triples it may mutate, and per entry the admission
// operations it runs on. Mutators imply part of an object's schema, and
// schemas belong to GVKs, so there are no globs here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::policies::mutation {

// The operations the mutation webhook runs on; an entry without operations
// (or with "*") accepts all of them.
inline constexpr std::string_view kMutationOperations[] = {"CREATE", "UPDATE"};

// One (GVK, operation) an applyTo entry binds the mutator to; schema
// conflicts are tracked per binding (§5.8).
struct SchemaBinding {
  std::string group;
  std::string version;
  std::string kind;
  std::string operation;

  bool operator<(const SchemaBinding& o) const;
  bool operator==(const SchemaBinding& o) const;
  std::string to_string() const;  // "apps/v1 Deployment CREATE", "v1 Pod UPDATE"
};

class ApplyTo {
 public:
  struct Entry {
    std::vector<std::string> groups;
    std::vector<std::string> versions;
    std::vector<std::string> kinds;
    std::vector<std::string> operations;  // empty = all supported
  };

  // Parses `spec.applyTo` (required, entries with non-empty groups, versions
  // and kinds, operations among CREATE, UPDATE, "*"). Errors name the
  // mutator as "<kind> mutator <name>" like Gatekeeper's.
  static std::optional<ApplyTo> parse(const value::Value& spec, std::string_view mutator_kind,
                                      std::string_view mutator_name, ParseContext& ctx);

  // Whether one entry holds the GVK and accepts the operation. The empty
  // operation (audit, gator, expansion) is accepted only by entries that
  // accept every supported operation.
  bool applies(std::string_view group, std::string_view version, std::string_view kind,
               std::string_view operation) const;

  // Every (GVK, operation) binding, sorted and unique.
  std::vector<SchemaBinding> bindings() const;

 private:
  std::vector<Entry> entries_;
};

}  // namespace tollgate::policies::mutation
