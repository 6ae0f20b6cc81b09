// Kubernetes' authz CEL library (k8s.io/apiserver pkg/cel/library/authz.go)
// with its 1.31 selectors: the `authorizer` variable of admission policies.
//
//   authorizer.group('apps').resource('deployments').namespace('ns').name('n')
//             [.subresource(s)][.fieldSelector(fs)][.labelSelector(ls)].check('update').allowed()
//   authorizer.path('/healthz').check('get')
//   authorizer.serviceAccount('ns', 'sa')             // the same checks as that service account
//   authorizer.requestResource.check('update')        // the request's own resource
//   <Decision>.allowed() / .reason() / .errored() / .error()
//
// Offline there is no cluster to ask: the answers come from an Authorizer the
// caller supplies; no_opinion_authorizer() answers "no opinion" to every
// check (allowed() false, reason() "", errored() false). Each check() costs
// 350,000 (so a third check in one expression exceeds the per-call limit);
// every other function of the library costs 1.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/cel/function_registry.h"

namespace tollgate::cel {

inline constexpr std::string_view kAuthorizerTypeName = "kubernetes.authorization.Authorizer";
inline constexpr std::string_view kPathCheckTypeName = "kubernetes.authorization.PathCheck";
inline constexpr std::string_view kGroupCheckTypeName = "kubernetes.authorization.GroupCheck";
inline constexpr std::string_view kResourceCheckTypeName = "kubernetes.authorization.ResourceCheck";
inline constexpr std::string_view kDecisionTypeName = "kubernetes.authorization.Decision";

// The principal a check is made for: the requesting user, or the service
// account named by serviceAccount(ns, name).
struct AuthorizationUser {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

// What one check() asks (Kubernetes' authorizer.AttributesRecord).
struct AuthorizationAttributes {
  const AuthorizationUser* user = nullptr;
  std::string verb;
  bool resource_request = false;
  std::string path;  // non-resource checks
  std::string api_group;
  std::string api_version = "*";  // resource checks are made for every version
  std::string resource;
  std::string subresource;
  std::string namespace_name;
  std::string name;
  // As given to fieldSelector()/labelSelector(); empty when not set. The API
  // server parses them and hands a parse error to the authorizer rather than
  // failing the expression; an Authorizer that looks at them parses them.
  std::string field_selector;
  std::string label_selector;
};

struct AuthorizationDecision {
  enum class Kind { Deny, Allow, NoOpinion };
  Kind kind = Kind::NoOpinion;
  std::string reason;
  std::optional<std::string> error;  // errored() / error()
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual AuthorizationDecision authorize(const AuthorizationAttributes& attributes) const = 0;
};

// Answers "no opinion" to every check.
std::shared_ptr<const Authorizer> no_opinion_authorizer();

// The `authorizer` value for one admission request's user. Checks made
// through it (and through the service accounts it switches to) are asked
// once per distinct question and then answered from its cache, as the API
// server caches them per request.
Value make_authorizer_value(std::shared_ptr<const Authorizer> authorizer, AuthorizationUser user);

// `authorizer.requestResource`: a resource check for the request's own
// group, resource, subresource, namespace and name. `authorizer` is a value
// from make_authorizer_value.
Value make_request_resource_check(const Value& authorizer, std::string group, std::string resource,
                                  std::string subresource, std::string namespace_name, std::string name);

// The declared types of `authorizer` and `authorizer.requestResource`.
CelType authorizer_type();
CelType resource_check_type();

// path, group, serviceAccount, resource, subresource, namespace, name,
// fieldSelector, labelSelector, check, allowed, reason, errored, error.
void register_authz_library(FunctionRegistry& registry);

}  // namespace tollgate::cel
