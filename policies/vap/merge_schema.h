// The structure MutatingAdmissionPolicy's ApplyConfiguration merges by
// (structured-merge-diff's schema, vap-semantics.md §5.2), for the kinds
// Tollgate knows without an OpenAPI document: which lists are keyed
// (`listType=map`: containers by name, ports by containerPort+protocol, ...),
// which are sets, which lists/maps/structs are atomic (e.g. a Deployment's
// spec.selector), and where a field name is not declared.
//
// Everything else follows structured-merge-diff's "deduced" schema for
// schemaless objects: objects merge field by field and every list is
// atomic (so an ApplyConfiguration that sets a list there is refused, as
// the API server refuses it for an atomic list).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::policies::vap {

struct MergeSchema {
  enum class Kind {
    Deduced,  // schemaless: maps granular (of Deduced), lists atomic (of AtomicAny)
    AtomicAny,  // element of a deduced list: maps and lists atomic
    Scalar,
    Struct,   // named fields
    Map,      // string keys, one element type
    List,
  };
  enum class ListType { Atomic, Set, Map };

  Kind kind = Kind::Deduced;
  bool atomic = false;  // Struct / Map: replaced as a whole
  // Struct: its fields; a field not listed is Deduced, or "not declared in
  // schema" when the struct is closed.
  std::map<std::string, const MergeSchema*, std::less<>> fields;
  bool closed = false;
  const MergeSchema* element = nullptr;  // Map values, List items
  ListType list_type = ListType::Atomic;
  std::vector<std::string> keys;  // List map keys

  const MergeSchema* field(std::string_view name) const;  // nullptr: not declared (closed)
};

// The schema of a whole object of this apiVersion/kind: a built-in one for
// the workload kinds (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet,
// Job, CronJob, PodTemplate), otherwise the deduced schema (with metadata
// typed as ObjectMeta).
const MergeSchema* merge_schema_for(std::string_view api_version, std::string_view kind);
const MergeSchema* deduced_schema();
// What the items of a deduced list are: maps and lists inside them atomic.
const MergeSchema* atomic_any_schema();

}  // namespace tollgate::policies::vap
