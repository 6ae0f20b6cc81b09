// gator test (gatekeeper-semantics.md §7.1): every input object — templates
// and constraints included — is reviewed at gator.gatekeeper.sh against the
// templates and constraints among the inputs (plus any extra policy
// objects), with the Namespace gator gives it (namespace_context.h: an
// empty one when it has none) and every input as inventory.
//
// Unlike gator, which only validates, each object is first mutated by the
// mutators among the inputs and policy objects, as the CREATE request
// `kubectl apply -n <namespace>` would send (an AdmissionReview input: its
// own request), because the API server runs mutating admission before
// validating admission; the mutated object is what is reviewed and
// reported. A mutation error stops the run.
//
// ValidatingAdmissionPolicies among them judge that CREATE as the API server
// would, after the mutators; each failure is a result beside the
// constraints' (vap/vap_report.h): Deny fails the run like a deny
// constraint, Warn and Audit are reported.
#pragma once

#include <string>
#include <vector>

#include "policies/gator/engine.h"
#include "policies/gator/object_reader.h"

namespace tollgate::policies::gator {

struct ViolationReport {
  Result result;
  Value constraint;        // the constraint object that produced it (null if unknown)
  Value violating_object;  // the reviewed object
};

struct ReviewedObject {
  SourcedObject source;
  double seconds = 0;
  std::vector<Result> results;  // in the engine's (action, message) order
};

struct TestRunReport {
  std::vector<ReviewedObject> reviewed;
  std::vector<ViolationReport> violations;  // every result, sorted by (action, message) as gator does
  std::vector<std::string> warnings;        // templates that could not run
  // Policies that load but deserve a word ("file:line:col: message"), e.g. a
  // constraint with an unrecognized enforcementAction.
  std::vector<std::string> load_warnings;
  // EnginePreference::All: "<file>: <Kind>/<name>: rego: [...]; cel: [...]" per disagreement.
  std::vector<std::string> engine_disagreements;
  std::string error;                        // fatal: nothing was reviewed
};

struct TestRunOptions {
  // Where a namespaced object without metadata.namespace is created for the
  // mutation step (`tollgate test -n`, kubectl's default). The review itself
  // follows gator: such an object is reviewed with an empty Namespace
  // (namespace_context.h).
  std::string namespace_name = "default";
};

// `inputs` are reviewed; `policy_inputs` (from --policies) only add
// templates, constraints and mutators.
TestRunReport run_gator_test(const std::vector<SourcedObject>& inputs, const std::vector<SourcedObject>& policy_inputs,
                             const EngineFactory& factory = build_engine, const TestRunOptions& options = {});

// Templates, constraints, mutators, ExpansionTemplates, and admission
// policies with their bindings: what makes the policy set among a command's
// inputs. The other objects are reviewed, and read as admission policies'
// params.
bool is_policy_object(const Value& object);
// ValidatingAdmissionPolicy, MutatingAdmissionPolicy and their bindings
// (admissionregistration.k8s.io).
bool is_admission_policy_object(const Value& object);

// Points a load error about "object[<i>]" (EngineBuild's naming) at the file
// and document `sources[i]` came from.
void locate_load_error(LoadError& error, const std::vector<const SourcedObject*>& sources);

// A deny result, or a scoped one whose actions include deny: what makes
// gator test exit 1.
bool is_enforced_denial(const Result& result);

}  // namespace tollgate::policies::gator
