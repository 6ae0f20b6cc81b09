// The audit of objects that come from a source read twice instead of held:
// a first pass keeps what every review needs (Namespaces, the policy
// objects among them, data.inventory), a second reviews each object with an
// Auditor and lets it go. With a Config among the policies whose syncOnly
// leaves most kinds out, memory then stays flat as the dump grows (only
// the synced kinds are held); without one, data.inventory is every object,
// so they are kept from the first pass and the second walks them.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "policies/audit/audit_run.h"

namespace tollgate::policies::audit {

// Calls each(object) for every object of the source, in order; false and
// *error when it cannot be read. Called at most twice.
using ObjectSource =
    std::function<bool(const std::function<void(gator::SourcedObject&&)>& each, std::string* error)>;

struct StreamAuditOptions {
  AuditOptions audit;
  // Called after each object reviewed: objects done, objects in all.
  std::function<void(size_t done, size_t total)> progress;
};

// As run_audit over the objects of `source`. The policy set is made of
// `policy_inputs` and the policy objects of the source. A Config inside the
// source (not among policy_inputs) makes the first pass keep every object.
AuditReport audit_source(const ObjectSource& source, const std::vector<SourcedObject>& policy_inputs,
                         const gator::EngineFactory& factory, const StreamAuditOptions& options);

}  // namespace tollgate::policies::audit
