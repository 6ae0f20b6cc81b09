// Audit of a cluster dump, as Gatekeeper's audit does it
// (gatekeeper-semantics.md §9): every object is reviewed at
// audit.gatekeeper.sh (source Original, its Namespace attached when the dump
// has it, no operation, no user; plus the resultants of its expansion), with
// the dump as data.inventory (only the Config's syncOnly kinds when a Config
// is among the policies). Objects are reviewed as they are: they were
// mutated when they were admitted.
//
// Per constraint it keeps what Gatekeeper writes to the constraint's
// status: totalViolations and the first N violations (the smallest by
// (group, version, kind, namespace, name, message, action), written in
// descending order, messages cut to 256 bytes). It also counts violations
// per namespace and per value of a grouping label (the object's, else its
// Namespace's) for the HTML report.
//
// ValidatingAdmissionPolicies (which Gatekeeper's audit does not run) are
// audited too when their bindings are among the constraints given (the
// whole-dump and the streamed audit give them, and serve's audit loop with
// AuditSources::admission_policies):
// each object is judged as the CREATE of it, and each failure counts for its
// binding as a violation of a constraint would (kind
// ValidatingAdmissionPolicyBinding, the binding's name, the binding object;
// enforcement action deny, warn or audit from its validationActions,
// vap/vap_report.h; the message names the policy). Their params are the
// objects of their paramKinds among the policies and the dump.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <map>
#include <set>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "policies/gator/engine.h"
#include "policies/gator/object_reader.h"

namespace tollgate::policies::audit {

using gator::SourcedObject;
using value::Value;

// One entry of a constraint's status.violations.
struct AuditViolation {
  std::string group;
  std::string version;
  std::string kind;
  std::string namespace_name;  // "" for a cluster-scoped object
  std::string name;
  std::string message;                   // cut to 256 bytes
  std::string enforcement_action;        // the constraint's (deny, dryrun, warn, scoped)
  std::vector<std::string> enforcement_actions;  // scoped: the actions in force at audit
  std::string group_label;               // the grouping label's value ("" when unset)
  std::string file;                      // where the object was read ("-" for stdin)
  int line = 0;                          // where the object starts (a List item: its own start), 1-based; 0 unknown
  int column = 0;                        // 1-based, in code points; 0 unknown
};

struct ConstraintAudit {
  std::string kind;
  std::string name;
  std::string enforcement_action;              // spec.enforcementAction (deny by default)
  std::vector<std::string> audit_actions;      // the actions in force at audit.gatekeeper.sh
  Value constraint;                            // the constraint object as given
  bool audited = true;      // false: scoped without the audit point, or its template cannot run
  std::string not_audited_reason;
  size_t total_violations = 0;
  std::vector<AuditViolation> violations;      // at most the limit, Gatekeeper's order
};

struct AuditReport {
  std::string audit_timestamp;  // RFC 3339, the run's start
  size_t objects_audited = 0;
  std::vector<ConstraintAudit> constraints;  // sorted by (kind, name)
  // Violation counts by namespace ("" = cluster-scoped) and by the grouping
  // label's value ("" = unlabelled): constraint index -> count.
  std::map<std::string, std::map<size_t, size_t>> by_namespace;
  std::map<std::string, std::map<size_t, size_t>> by_label;
  std::string group_by_label;
  std::vector<std::string> warnings;       // templates that could not run
  std::vector<std::string> load_warnings;  // "file:line:col: message"
  std::vector<std::string> engine_disagreements;
  std::string error;  // fatal: nothing was audited

  size_t total_violations() const;
};

struct AuditOptions {
  size_t violations_limit = 20;  // 0: keep none (totals still count)
  std::string group_by_label = "team";
  std::string audit_timestamp;   // "" = now
};

// Appends the objects of `objects`, with every List (kind "List" or
// "<Kind>List" with items, as `kubectl get -o json` and the API server
// print them) replaced by its items; items of a typed list without
// apiVersion/kind get the list's. Each item keeps where it starts in the
// file (the List's item_locations), else the List's own line.
std::vector<SourcedObject> unwrap_lists(std::vector<SourcedObject> objects);

// Reads one dump file: a JSON document (what `kubectl get -o json` writes)
// is parsed as JSON, fast and without the YAML size limit, a bigger dump
// being common; anything else as gator reads YAML (several documents,
// --max-policy-file-bytes). Lists are kept whole: see unwrap_lists.
bool read_dump_text(std::string_view text, const std::string& file, std::vector<SourcedObject>* out, std::string* error);
bool read_dump_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error);

// What an Auditor asks of the world beyond the object it reviews.
struct AuditSources {
  // The Namespace named `name` (namespaceSelector), or null when unknown (the
  // policy set's own Namespaces are then consulted, else the selector fails).
  // Null function: no Namespaces known.
  std::function<Value(std::string_view name)> namespace_object;
  // The data document ({"inventory": ...}) every review sees; null: the
  // policy set's own (serve --inventory).
  Value inventory_data;
  // The set whose ValidatingAdmissionPolicies judge each object (serve's
  // audit: the served ones rebuilt with params listed from the cluster);
  // null: the policy set's own.
  std::shared_ptr<const PolicySet> admission_policies;
};

// The incremental audit: objects are handed in one at a time (from a dump
// being read, from pages of a list through the API server) and dropped by
// the caller; the Auditor keeps only counters and the first N violations
// per constraint, so the cost of one object does not grow with the number
// already audited and memory does not grow with the cluster.
//
//   Auditor auditor(policies, constraint_objects, options, sources);
//   for (each object) auditor.audit(object, file, line);
//   AuditReport report = auditor.finish();
//
// commit()/discard() bracket a unit that may have to be redone (a list whose
// continue token expired is listed again from the start): what was audited
// since the last commit is forgotten by discard(). finish() commits.
// One Auditor is used by one thread; the PolicySet is shared and immutable.
class Auditor {
 public:
  // `constraints`: the constraint objects of `policies` (a later one with the
  // same kind and name replaces an earlier one), in any order.
  Auditor(std::shared_ptr<const PolicySet> policies, const std::vector<Value>& constraints, AuditOptions options = {},
          AuditSources sources = {});
  ~Auditor();
  Auditor(const Auditor&) = delete;
  Auditor& operator=(const Auditor&) = delete;

  // Reviews `object` at audit.gatekeeper.sh (plus its expansion's
  // resultants). `file`, `line` and `column` say where it was read, for the report.
  void audit(const Value& object, std::string_view file = "", int line = 0, int column = 0);
  void commit();
  void discard();
  // Objects audited so far, committed or not.
  size_t objects_audited() const;
  // The report (constraints sorted by kind and name); the Auditor is spent.
  AuditReport finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Gatekeeper's Config (config.gatekeeper.sh Config), whose syncOnly kinds
// make data.inventory.
bool is_gatekeeper_config(const Value& object);
// Whether `object`'s group/version/kind is one of `kinds`.
bool in_sync_only(const Value& object, const std::vector<SyncKind>& kinds);

// The policy set of an audit, built from the templates, constraints,
// mutators, ExpansionTemplates and Config among `policy_inputs` and then
// `objects` (a dump may carry its own policies).
struct AuditPolicies {
  gator::EngineBuild engine;
  std::vector<Value> constraints;            // the constraint objects, as given
  bool has_config = false;
  std::string error;                         // "reading policies: file:line:col: ..." when it did not build
  std::vector<std::string> load_warnings;    // "file:line:col: message"
};
// The params of ValidatingAdmissionPolicies are the objects of their
// paramKinds among `policy_inputs`, `objects` and `more_params`.
AuditPolicies build_audit_policies(const std::vector<SourcedObject>& policy_inputs,
                                   const std::vector<SourcedObject>& objects, const gator::EngineFactory& factory,
                                   const std::vector<SourcedObject>* more_params = nullptr);

// The (group, kind) of the paramKinds of the ValidatingAdmissionPolicies among `objects`.
using ParamKinds = std::set<std::pair<std::string, std::string>>;
ParamKinds param_kinds_of(const std::vector<SourcedObject>& objects);
bool is_param(const Value& object, const ParamKinds& kinds);

// `inputs` are audited; templates, constraints, mutators and
// ExpansionTemplates among them and among `policy_inputs` make the policy set.
// A loop over an Auditor.
AuditReport run_audit(const std::vector<SourcedObject>& inputs, const std::vector<SourcedObject>& policy_inputs,
                      const gator::EngineFactory& factory = gator::build_engine, const AuditOptions& options = {});

// Whether violations of `c` reach `threshold` ("deny": deny only; "warn":
// deny or warn; "dryrun": any; "never": none). A scoped constraint counts by
// its actions at the audit point.
bool reaches(const ConstraintAudit& c, const std::string& threshold);

// A message as Gatekeeper stores it in status: at most 256 bytes, a longer
// one cut to 253 (on a UTF-8 boundary) and "..." added.
std::string truncated_message(const std::string& message);

}  // namespace tollgate::policies::audit
