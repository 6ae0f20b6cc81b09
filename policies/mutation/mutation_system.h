// The mutation system: every loaded Gatekeeper mutator (Assign,
// AssignMetadata, ModifySet, AssignImage), validated and compiled once,
// ordered as Gatekeeper orders them, and applied to an object until it stops
// changing (gatekeeper-semantics.md §5).
//
// Immutable once built; owned by the PolicySet it was loaded with, so a
// policy reload swaps mutators and constraints together.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::mutation {

using value::Value;

// What a mutator is matched against (the same shape the validating side uses).
struct MutationRequest {
  // The object to mutate (AdmissionRequest.object, or a manifest offline).
  Value object;
  // The AdmissionRequest (operation, namespace, userInfo, kind...). Offline a
  // synthesised one; operation "" means "no operation" (gator, audit): only
  // mutators that accept every operation apply (§5.2). When it has a
  // `namespace`, the object is matched and mutated with that namespace
  // (Gatekeeper's webhook does so because objects may omit it) and the
  // result carries the object's own metadata.namespace again (§5.9).
  Value request;
  // The Namespace object for namespaceSelector matching; null when unknown
  // (then the PolicySet's inventory of Namespaces is consulted).
  Value namespace_object;
  std::string source = "Original";
};

struct MutationResult {
  // The object after every pass; equal to the input when nothing changed.
  Value object;
  bool mutated = false;
  // "<Kind>/<name>" of every mutator that applied in a pass that changed the
  // object (Gatekeeper's gatekeeper.sh/mutations list), in the order they
  // were first applied, each once.
  std::vector<std::string> applied;
  // Passes run, as Gatekeeper reports mutation_system_iterations: 0 when
  // the first pass changed nothing, the failing pass on an error.
  size_t iterations = 0;
  // A mutation error (type mismatch on the path, match error, "mutation not
  // converging"): the request must be rejected with code 500.
  bool failed = false;
  std::string error;
};

struct MutatorStats {
  size_t mutators = 0;     // loaded, including conflicting ones
  size_t conflicting = 0;  // skipped because of schema conflicts (§5.8)
};

class MutationSystem {
 public:
  virtual ~MutationSystem() = default;
  virtual MutationResult mutate(const MutationRequest& request) const = 0;
  virtual MutatorStats stats() const = 0;
  // "<Kind>/<name>: <reason>" for every mutator skipped because of a schema
  // conflict, sorted.
  virtual std::vector<std::string> conflicts() const = 0;
};

// RFC 6902 JSON Patch (an array of operations) that turns `before` into
// `after`; minimal in the sense that unchanged subtrees produce no operation.
Value json_patch(const Value& before, const Value& after);

}  // namespace tollgate::policies::mutation
