// Mutating the object of one admission request the way Gatekeeper's
// /v1/mutate does (gatekeeper-semantics.md §5.9). The webhook passes the
// AdmissionRequest it received; tollgate mutate and tollgate test pass the
// request synthesised for a manifest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policies/mutation/mutation_system.h"
#include "policies/policy_set.h"

namespace tollgate::policies {

inline constexpr const char* kNotMutatedMessage = "Resource was not mutated";

enum class MutationOutcome {
  Skipped,    // not a CREATE or UPDATE, or a Gatekeeper resource: admitted untouched
  Unchanged,  // no mutator applied
  Mutated,    // at least one mutator applied (the object may still be equal)
  Failed,     // a mutation error: the request must be rejected with code 500
};

struct MutationReview {
  MutationOutcome outcome = MutationOutcome::Skipped;
  // Why it was skipped, kNotMutatedMessage, or the error.
  std::string message;
  // Failed: the status to answer with (a MutatingAdmissionPolicy denial is
  // 403, with its reason; Gatekeeper's mutation errors are 500).
  int code = 500;
  std::string reason;
  // The mutation system's result; `object` is what to admit (the request
  // object itself unless mutated), with metadata.namespace as it was sent.
  mutation::MutationResult result;
};

// MutatingAdmissionPolicies run after the Gatekeeper mutators, on the object
// they left (the API server's MAP plugin and the webhooks are both in its
// mutating chain; Tollgate runs them in this order).
// `namespace_object` is the Namespace of a namespaced request when the caller
// knows it; a Namespace request is its own namespace; otherwise the mutation
// system consults the PolicySet's inventory. An object without a namespace
// gets the request's for matching only (kube-apiserver may leave it out).
// `checks`, when not null, is told of each MutatingAdmissionPolicy check (metrics).
MutationReview mutate_admission_request(const PolicySet& policies, const value::Value& request,
                                        value::Value namespace_object = {},
                                        vap::PolicyCheckObserver* checks = nullptr);

// The CREATE request for a manifest applied as `kubectl apply -n <ns>`
// does: a namespaced object without metadata.namespace is created in
// `default_namespace`; a cluster-scoped one (model/cluster_scoped_kinds.h)
// or one that names its namespace is sent as it is. The object itself is
// not changed: Gatekeeper mutates with the request's namespace and answers
// with the object's own metadata.

value::Value create_request_for_manifest(const value::Value& object, std::string_view default_namespace);

// Gatekeeper's --mutation-annotations on a mutated object:
// `gatekeeper.sh/mutations`, the applied mutators as
// "<Kind>/<namespace>/<name>:<generation>" sorted and joined by ", " (every
// mutator is cluster-scoped: "Assign//name:1"), and
// `gatekeeper.sh/mutation-id`, a random UUID naming this mutation.
value::Value with_mutation_annotations(const PolicySet& policies, const value::Value& object,
                                       const std::vector<std::string>& applied);

// "CREATE" when the request names no operation (what gator and audit
// synthesise): offline, objects are mutated as if they were being created.
value::Value as_create_when_unspecified(const value::Value& request);

// A synthesised request (tollgate mutate, test, verify, audit) names no
// resource: the plural apimachinery's UnsafeGuessKindToResource gives, which
// admission policies' rules match against. A request naming one is returned as is.
value::Value with_guessed_resource(const value::Value& request);

}  // namespace tollgate::policies
