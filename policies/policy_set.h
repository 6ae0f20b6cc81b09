// PolicySet: every loaded ConstraintTemplate, Constraint, Config and mutator,
// compiled, immutable once built, and the validation decision for one request.
//
// The webhook holds the current PolicySet behind an atomic shared pointer; a
// reload builds a new one and swaps it in, so in-flight requests finish on
// the snapshot they started with.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policies/vap/policy_check.h"
#include "rules/value/value.h"

namespace tollgate::cel {
class Authorizer;
}

namespace tollgate::policies {

using value::Value;

namespace mutation {
class MutationSystem;
}
namespace expansion {
class ExpansionSystem;
}
namespace vap {
class LiveParams;
}

// Enforcement points (gatekeeper-semantics.md §2.1).
inline constexpr const char* kValidationPoint = "validation.gatekeeper.sh";
inline constexpr const char* kAuditPoint = "audit.gatekeeper.sh";
inline constexpr const char* kGatorPoint = "gator.gatekeeper.sh";

// One result of one constraint for one review (a violation, or an
// autoreject / evaluation error turned into a result).
struct Result {
  std::string constraint_kind;   // e.g. "K8sRequiredLabels"
  std::string constraint_name;   // e.g. "all-must-have-owner"
  std::string message;
  Value details;                 // {} when the engine gives none
  std::string enforcement_action;  // deny | dryrun | warn | scoped
  std::vector<std::string> scoped_actions;  // for "scoped": the actions in force at this point
  Value constraint;              // the whole Constraint object (gator JSON output)
};

// The decision the validating webhook returns (gatekeeper-semantics.md §2.3).
struct Decision {
  bool allowed = true;
  int code = 200;                // 200, 299 (warn only), 403 (deny), 500 (internal error)
  std::string reason;            // "Forbidden" for 403
  std::string message;           // deny lines joined by "\n", or the error text
  std::vector<std::string> warnings;
  std::vector<Result> results;   // sorted by (enforcement_action, message)
  // EnginePreference::All: one line per constraint whose Rego and CEL code
  // disagreed on this review ("<Kind>/<name>: rego: [...]; cel: [...]").
  std::vector<std::string> engine_disagreements;
  // Audit annotations of ValidatingAdmissionPolicies, by key
  // ("<policy>/<key>", "validation.policy.admission.k8s.io/validation_failure").
  std::vector<std::pair<std::string, std::string>> audit_annotations;
  // Status causes: a ValidatingAdmissionPolicy denial's message without the
  // "<resource> \"<name>\" is forbidden: " prefix `message` carries.
  std::vector<std::string> causes;
};

// What the MutatingAdmissionPolicies did to one request's object.
struct MutatingPolicyResult {
  bool allowed = true;
  int code = 200;       // 403 when a policy error denies
  std::string reason;   // the first error's reason (Invalid) or Forbidden
  std::string message;  // "policy 'm' with binding 'mb' denied request: ..."
  Value object;         // the object to admit (the request's when nothing applied)
  bool mutated = false;
};

// Which constraint of which built PolicySet was evaluated: `set` is unique to
// one PolicySet for the life of the process (never reused, 0 = unknown),
// `index` < `count` the constraint's position in it. An observer can keep what
// it resolves per constraint (metric series) in a table per set, indexed by
// `index`, instead of looking the names up on every evaluation.
struct ConstraintSlot {
  uint64_t set = 0;
  uint32_t index = 0;
  uint32_t count = 0;
};

// Called once per evaluated constraint, for metrics; and, as a
// PolicyCheckObserver, once per admission policy check (vap/policy_check.h).
class ReviewObserver : public vap::PolicyCheckObserver {
 public:
  virtual ~ReviewObserver() = default;
  virtual void constraint_evaluated(const std::string& kind, const std::string& name,
                                    const std::string& enforcement_action, std::chrono::nanoseconds duration,
                                    size_t violations) = 0;
  // What PolicySet::validate calls; by default the call above.
  virtual void constraint_evaluated_at(const ConstraintSlot&, const std::string& kind, const std::string& name,
                                       const std::string& enforcement_action, std::chrono::nanoseconds duration,
                                       size_t violations) {
    constraint_evaluated(kind, name, enforcement_action, duration, violations);
  }
};

struct ReviewInput {
  // The AdmissionRequest object (the `request` field of an AdmissionReview,
  // admission/v1 JSON shape), or for offline use a synthesised one.
  Value request;
  // The Namespace object of a namespaced request when known; null otherwise.
  // When null, the PolicySet's inventory is consulted (Namespaces loaded with
  // the policies or given as inventory) before a namespaceSelector autorejects.
  // A non-null one is used as given, even without a name: gator reviews an
  // object that has no namespace with an empty Namespace (gator/namespace_context.h).
  Value namespace_object;
  std::string enforcement_point = kValidationPoint;
  // Objects visible as data.inventory (gator verify cases, gator test inputs).
  std::vector<Value> inventory;
  // When not null, the whole data document ({"inventory": ...}, as
  // inventory_data builds it) Rego sees instead of the PolicySet's own: serve's
  // live copy of the cluster (webhook/kube/inventory_sync.h), swapped without a
  // policy reload. Ignored when `inventory` is non-empty.
  Value inventory_data;
  // The review's source for `spec.match.source`: "Original" (admission,
  // audit, gator), "Generated" (expansion children), "" when unknown.
  std::string source = "Original";
};

// One entry of the Config's spec.sync.syncOnly: a kind to replicate into
// data.inventory.
struct SyncKind {
  std::string group;
  std::string version;
  std::string kind;
  bool operator==(const SyncKind&) const = default;
};

struct LoadError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string to_string() const;  // "file:line:col: message"
};

struct PolicyStats {
  size_t templates = 0;
  size_t templates_with_cel = 0;
  size_t constraints = 0;
  size_t constraints_by_action[4] = {0, 0, 0, 0};  // deny, dryrun, warn, scoped
  size_t mutators = 0;
  size_t mutators_conflicting = 0;  // loaded but skipped (schema conflicts)
  size_t expansion_templates = 0;
  size_t validating_policies = 0;
  size_t validating_policy_bindings = 0;
};

// Which engine runs a template that has code for both (§4.4).
enum class EnginePreference {
  Auto,  // as Gatekeeper: K8sNativeValidation when present, else Rego
  Rego,  // only Rego; a template without Rego is unsupported
  Cel,   // only K8sNativeValidation; a template without CEL is unsupported
  All,   // both where both exist, and every disagreement reported
};
// "auto" | "rego" | "cel" | "all"
std::optional<EnginePreference> parse_engine_preference(std::string_view text);

struct LoadOptions {
  // When false, a template whose only code is Rego is an error ("Rego engine
  // not available"); when true (verify/test) it is recorded as unsupported
  // and skipped.
  bool allow_unsupported_templates = false;
  // failurePolicy of K8sNativeValidation code that does not set one
  // (Gatekeeper's --default-k8s-native-validation-failure-policy): Fail | Ignore.
  std::string default_cel_failure_policy = "Fail";
  EnginePreference engine = EnginePreference::Auto;
  // Objects visible to Rego as data.inventory in every review (serve
  // --inventory DIR), in addition to ReviewInput::inventory.
  std::vector<Value> inventory;
  // The Kubernetes CEL environment ValidatingAdmissionPolicies compile in:
  // "1.32" (Gatekeeper 3.19's, the vap-differential corpus's) or "current".
  std::string vap_environment = "1.32";
  // Answers the `authorizer` checks of ValidatingAdmissionPolicies (review
  // --authorizer-rules); null: "no opinion" to every check.
  std::shared_ptr<const cel::Authorizer> vap_authorizer;
  // Objects admission policies read beside the policies, not data.inventory:
  // param objects and CustomResourceDefinitions (tollgate test's and verify's
  // inputs). Like `inventory`'s, but Rego does not see them.
  std::vector<Value> admission_policy_params;
  // serve with the kube API: the admission policies' params as listed and
  // watched from the cluster (webhook/kube/param_sync.h), with `inventory`'s
  // among them; once published they are read instead of the files' params,
  // without a reload. Null: the files' params only.
  std::shared_ptr<const vap::LiveParams> admission_policy_live_params;
  // When false, ValidatingAdmissionPolicies and bindings load as stored even
  // when the API server would refuse them (its runtime sees such objects
  // when they were stored before a validation existed): the conformance
  // corpora's objects were never validated.
  bool vap_api_validation = true;
};

class PolicySet;
struct LoadResult {
  std::shared_ptr<const PolicySet> policies;  // null when errors is non-empty
  std::vector<LoadError> errors;
  // What loads but deserves the author's attention (a constraint with an
  // unrecognized enforcementAction); callers print them and go on.
  std::vector<LoadError> warnings;
};

class PolicySet {
 public:
  virtual ~PolicySet() = default;

  // Loads every .yaml/.yml/.json file under each path (files or directories,
  // recursively; multi-document; `List`s unwrapped).
  static LoadResult load(const std::vector<std::string>& paths, const LoadOptions& options = {});
  // Loads one policy document stream held in memory, as load() reads a file
  // called `name`.
  static LoadResult load_text(std::string_view text, const std::string& name, const LoadOptions& options = {});
  // Builds a set from already-parsed objects (suite runners, tests).
  static LoadResult from_objects(const std::vector<Value>& objects, const LoadOptions& options = {});

  virtual Decision validate(const ReviewInput& input, ReviewObserver* observer = nullptr) const = 0;
  virtual PolicyStats stats() const = 0;

  // Whether constraints of this kind are evaluated. False (with the reason)
  // for a template loaded as unsupported (allow_unsupported_templates) and
  // for a kind no template defines; their constraints never match, so
  // callers must surface the reason rather than report a clean result.
  virtual bool template_supported(std::string_view constraint_kind, std::string* reason = nullptr) const = 0;
  // Names of the templates loaded as unsupported, sorted.
  virtual std::vector<std::string> unsupported_templates() const = 0;

  // The mutators loaded with this set (policies/mutation/mutation_system.h);
  // empty when the set has none.
  virtual const mutation::MutationSystem& mutation() const = 0;
  // MutatingAdmissionPolicies on an AdmissionRequest whose object is what
  // the Gatekeeper mutators left (vap-semantics.md §5); `namespace_object`
  // is the request's Namespace when the caller knows it.
  // `checks`, when not null, is told of each MAP binding's checks (metrics).
  virtual MutatingPolicyResult mutate_with_policies(const Value& request, const Value& namespace_object,
                                                    vap::PolicyCheckObserver* checks = nullptr) const;
  // Whether ValidatingAdmissionPolicies with bindings are loaded.
  virtual bool has_admission_policies() const { return false; }
  // Every failure of the ValidatingAdmissionPolicies on one admission request
  // (input.request; Namespaces from input and the set), as results
  // (vap/vap_report.h): what tollgate test, verify and audit report, where the
  // API server answers with the first denial. Empty without policies.
  virtual std::vector<Result> admission_policy_results(const ReviewInput& input) const { return {}; }
  // The loaded ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding
  // objects, as given, in load order: serve's audit loop rebuilds them with
  // params listed from the cluster and reports on the bindings.
  virtual std::vector<Value> admission_policy_objects() const { return {}; }
  // The ExpansionTemplates loaded with this set
  // (policies/expansion/expansion_system.h); empty by default.
  virtual const expansion::ExpansionSystem& expansion() const;
  // Whether the loaded Config excludes `namespace_name` from `process`
  // ("webhook", "mutation-webhook", "audit", "sync"); false without a Config.
  virtual bool config_excludes(std::string_view process, std::string_view namespace_name) const;
  // The loaded Config's spec.sync.syncOnly, in order, without duplicates;
  // empty without a Config.
  virtual std::vector<SyncKind> sync_only() const { return {}; }
  // The paramKinds of the Validating and MutatingAdmissionPolicies that have
  // a binding, without duplicates: what serve watches as their params.
  virtual std::vector<SyncKind> admission_policy_param_kinds() const { return {}; }
  // The loaded constraint objects (with their schema's defaults), in load
  // order: what serve's audit reports on and whose match.kinds it lists.
  virtual std::vector<Value> constraint_objects() const { return {}; }
  // metadata.generation of the loaded mutator "<Kind>/<name>" (0 when unset),
  // for Gatekeeper's gatekeeper.sh/mutations annotation.
  virtual int64_t mutator_generation(std::string_view kind_and_name) const;
};

}  // namespace tollgate::policies
