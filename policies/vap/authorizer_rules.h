// An offline Authorizer for the `authorizer` of admission policies
// (vap-semantics.md §2.5) read from a list of allow rules, for
// `tollgate review --authorizer-rules FILE`:
//
//   - users: [alice]                # who (any of users or groups; neither: everyone)
//     groups: [system:masters]
//     verbs: [create, update]       # "*": any verb
//     apiGroups: ["", apps]         # resource checks; "*": any group
//     resources: [pods, pods/status]  # "resource" or "resource/subresource"; "*": any
//     namespaces: [team-a]          # absent: any namespace (and cluster scope)
//     resourceNames: [web]          # absent: any name
//   - groups: [system:authenticated]
//     verbs: [get]
//     nonResourceURLs: [/healthz, /metrics/*]   # path checks; a trailing * matches a prefix
//
// A check that a rule matches is allowed ("allowed by authorizer rule <n>");
// any other answers "no opinion", as RBAC does for what it does not grant.
#pragma once

#include <memory>
#include <string>

#include "rules/cel/k8s/authz_library.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

// The rules from a YAML/JSON list (one document, or one rule per document);
// null with *error set when the file does not read or a rule is malformed.
std::shared_ptr<const cel::Authorizer> load_authorizer_rules(const std::string& path, std::string* error);
std::shared_ptr<const cel::Authorizer> authorizer_from_rules(const value::Value& rules, std::string* error);

}  // namespace tollgate::policies::vap
