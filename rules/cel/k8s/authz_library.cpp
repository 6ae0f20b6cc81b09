// Kubernetes' authz CEL library (k8s.io/apiserver/pkg/cel/library/authz.go).
#include "rules/cel/k8s/authz_library.h"

#include "rules/cel/k8s/format.h"
#include "rules/cel/k8s/k8s_values.h"

namespace tollgate::cel {
namespace {

class NoOpinion final : public Authorizer {
 public:
  AuthorizationDecision authorize(const AuthorizationAttributes&) const override { return {}; }
};

// What every value derived from one `authorizer` shares: the Authorizer and
// the answers it gave during this request.
struct AuthzSession {
  std::shared_ptr<const Authorizer> authorizer;
  std::map<std::string, AuthorizationDecision> answers;
};

// What an Authorizer, PathCheck, GroupCheck or ResourceCheck value holds: a
// principal and the parts of the question set so far.
struct AuthzParts {
  std::string_view type;
  std::shared_ptr<AuthzSession> session;
  std::shared_ptr<const AuthorizationUser> user;
  AuthorizationAttributes question;  // all but the user and the verb
};

// Only the library's functions look inside; CEL sees a value of one of the
// authorization types, which has no fields and compares by identity.
class AuthzValue final : public value::OpaqueValue {
 public:
  explicit AuthzValue(AuthzParts parts) : parts(std::move(parts)) {}
  std::string_view type_name() const override { return parts.type; }
  bool equals(const OpaqueValue& other) const override { return &other == this; }
  std::string debug_string() const override { return std::string(parts.type); }
  const AuthzParts parts;
};

class DecisionValue final : public value::OpaqueValue {
 public:
  explicit DecisionValue(AuthorizationDecision d) : decision(std::move(d)) {}
  std::string_view type_name() const override { return kDecisionTypeName; }
  bool equals(const OpaqueValue& other) const override { return &other == this; }
  std::string debug_string() const override { return std::string(kDecisionTypeName); }
  AuthorizationDecision decision;
};

const AuthzParts& authz(const Value& v) { return v.opaque_as<AuthzValue>()->parts; }
const AuthorizationDecision& decision(const Value& v) { return v.opaque_as<DecisionValue>()->decision; }

bool blank(std::string_view s) { return s.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos; }

Value derive(const AuthzParts& from, std::string_view type, std::string AuthorizationAttributes::*field,
             const Value& text) {
  AuthzParts out = from;
  out.type = type;
  out.question.*field = text.as_string();
  return Value::make_opaque<AuthzValue>(std::move(out));
}

Result authorizer_path(std::span<const Value> a) {
  if (blank(a[1].as_string())) return make_error("path must not be empty");
  return derive(authz(a[0]), kPathCheckTypeName, &AuthorizationAttributes::path, a[1]);
}
Result authorizer_group(std::span<const Value> a) {
  return derive(authz(a[0]), kGroupCheckTypeName, &AuthorizationAttributes::api_group, a[1]);
}
Result group_check_resource(std::span<const Value> a) {
  if (blank(a[1].as_string())) return make_error("resource must not be empty");
  return derive(authz(a[0]), kResourceCheckTypeName, &AuthorizationAttributes::resource, a[1]);
}
Result resource_check_subresource(std::span<const Value> a) {
  return derive(authz(a[0]), kResourceCheckTypeName, &AuthorizationAttributes::subresource, a[1]);
}
Result resource_check_namespace(std::span<const Value> a) {
  return derive(authz(a[0]), kResourceCheckTypeName, &AuthorizationAttributes::namespace_name, a[1]);
}
Result resource_check_name(std::span<const Value> a) {
  return derive(authz(a[0]), kResourceCheckTypeName, &AuthorizationAttributes::name, a[1]);
}
Result resource_check_field_selector(std::span<const Value> a) {
  return derive(authz(a[0]), kResourceCheckTypeName, &AuthorizationAttributes::field_selector, a[1]);
}
Result resource_check_label_selector(std::span<const Value> a) {
  return derive(authz(a[0]), kResourceCheckTypeName, &AuthorizationAttributes::label_selector, a[1]);
}

// serviceaccount.ServiceAccountInfo.UserInfo(): the account's user name and
// its two groups.
Result authorizer_service_account(std::span<const Value> a) {
  const std::string& namespace_name = a[1].as_string();
  const std::string& name = a[2].as_string();
  if (!k8s::is_dns1123_subdomain(name).empty()) return make_error("Invalid service account name");
  if (!k8s::is_dns1123_label(namespace_name).empty()) return make_error("Invalid service account namespace");
  auto user = std::make_shared<AuthorizationUser>();
  user->name = "system:serviceaccount:" + namespace_name + ":" + name;
  user->groups = {"system:serviceaccounts", "system:serviceaccounts:" + namespace_name};
  AuthzParts out;
  out.type = kAuthorizerTypeName;
  out.session = authz(a[0]).session;
  out.user = std::move(user);
  return Value::make_opaque<AuthzValue>(std::move(out));
}

// One key per distinct question (principal included), for the session's cache.
std::string question_key(const AuthorizationAttributes& q) {
  std::string key;
  auto add = [&](std::string_view part) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
  };
  add(q.user->name);
  add(q.user->uid);
  for (const std::string& g : q.user->groups) add(g);
  key += '|';
  for (const auto& [k, values] : q.user->extra) {
    add(k);
    for (const std::string& v : values) add(v);
    key += ';';
  }
  key += q.resource_request ? 'R' : 'P';
  for (const std::string* part : {&q.verb, &q.path, &q.api_group, &q.resource, &q.subresource, &q.namespace_name,
                                  &q.name, &q.field_selector, &q.label_selector})
    add(*part);
  return key;
}

Result ask(const AuthzParts& from, AuthorizationAttributes q) {
  q.user = from.user.get();
  AuthzSession& session = *from.session;
  std::string key = question_key(q);
  auto it = session.answers.find(key);
  if (it == session.answers.end()) {
    it = session.answers.emplace(std::move(key), session.authorizer->authorize(q)).first;
  }
  return Value::make_opaque<DecisionValue>(it->second);
}

Result check(std::span<const Value> a, bool resource_request) {
  const AuthzParts& c = authz(a[0]);
  AuthorizationAttributes q = c.question;
  q.resource_request = resource_request;
  q.verb = a[1].as_string();
  return ask(c, std::move(q));
}
Result path_check_check(std::span<const Value> a) { return check(a, false); }
Result resource_check_check(std::span<const Value> a) { return check(a, true); }

Result decision_allowed(std::span<const Value> a) {
  return Value::boolean(decision(a[0]).kind == AuthorizationDecision::Kind::Allow);
}
Result decision_reason(std::span<const Value> a) { return Value::string(decision(a[0]).reason); }
Result decision_errored(std::span<const Value> a) { return Value::boolean(decision(a[0]).error.has_value()); }
Result decision_error(std::span<const Value> a) { return Value::string(decision(a[0]).error.value_or("")); }

// library/cost.go: "An authorization check has a fixed cost ... to allow for
// only two authorization checks per expression".
uint64_t check_cost(std::span<const Value>, const Result&) { return 350'000; }

}  // namespace

std::shared_ptr<const Authorizer> no_opinion_authorizer() {
  static const auto instance = std::make_shared<const NoOpinion>();
  return instance;
}

Value make_authorizer_value(std::shared_ptr<const Authorizer> authorizer, AuthorizationUser user) {
  auto session = std::make_shared<AuthzSession>();
  session->authorizer = authorizer ? std::move(authorizer) : no_opinion_authorizer();
  AuthzParts out;
  out.type = kAuthorizerTypeName;
  out.session = std::move(session);
  out.user = std::make_shared<const AuthorizationUser>(std::move(user));
  return Value::make_opaque<AuthzValue>(std::move(out));
}

Value make_request_resource_check(const Value& authorizer, std::string group, std::string resource,
                                  std::string subresource, std::string namespace_name, std::string name) {
  AuthzParts out = authz(authorizer);
  out.type = kResourceCheckTypeName;
  out.question.api_group = std::move(group);
  out.question.resource = std::move(resource);
  out.question.subresource = std::move(subresource);
  out.question.namespace_name = std::move(namespace_name);
  out.question.name = std::move(name);
  return Value::make_opaque<AuthzValue>(std::move(out));
}

CelType authorizer_type() { return CelType::opaque(std::string(kAuthorizerTypeName)); }
CelType resource_check_type() { return CelType::opaque(std::string(kResourceCheckTypeName)); }

void register_authz_library(FunctionRegistry& r) {
  const CelType authorizer = authorizer_type();
  const CelType path_check = CelType::opaque(std::string(kPathCheckTypeName));
  const CelType group_check = CelType::opaque(std::string(kGroupCheckTypeName));
  const CelType resource_check = resource_check_type();
  const CelType decision_type = CelType::opaque(std::string(kDecisionTypeName));
  for (std::string_view t :
       {kAuthorizerTypeName, kPathCheckTypeName, kGroupCheckTypeName, kResourceCheckTypeName, kDecisionTypeName})
    r.add_type(std::string(t));
  const CelType str = CelType::string();
  const CelType boolean = CelType::bool_();

  r.add_member("path", "authorizer_path", {authorizer, str}, path_check, authorizer_path);
  r.add_member("group", "authorizer_group", {authorizer, str}, group_check, authorizer_group);
  r.add_member("serviceAccount", "authorizer_serviceaccount", {authorizer, str, str}, authorizer,
               authorizer_service_account);
  r.add_member("resource", "groupcheck_resource", {group_check, str}, resource_check, group_check_resource);
  r.add_member("subresource", "resourcecheck_subresource", {resource_check, str}, resource_check,
               resource_check_subresource);
  r.add_member("namespace", "resourcecheck_namespace", {resource_check, str}, resource_check,
               resource_check_namespace);
  r.add_member("name", "resourcecheck_name", {resource_check, str}, resource_check, resource_check_name);
  // AuthzSelectors (Kubernetes 1.31).
  r.add_member("fieldSelector", "authorizer_fieldselector", {resource_check, str}, resource_check,
               resource_check_field_selector);
  r.add_member("labelSelector", "authorizer_labelselector", {resource_check, str}, resource_check,
               resource_check_label_selector);
  Overload path_check_overload{"check", "pathcheck_check", CallStyle::Receiver, {path_check, str}, decision_type,
                               path_check_check, check_cost};
  path_check_overload.pure = false;
  r.add(std::move(path_check_overload));
  Overload resource_check_overload{"check",        "resourcecheck_check", CallStyle::Receiver,
                                   {resource_check, str}, decision_type,  resource_check_check,
                                   check_cost};
  resource_check_overload.pure = false;
  r.add(std::move(resource_check_overload));
  r.add_member("errored", "decision_errored", {decision_type}, boolean, decision_errored);
  r.add_member("error", "decision_error", {decision_type}, str, decision_error);
  r.add_member("allowed", "decision_allowed", {decision_type}, boolean, decision_allowed);
  r.add_member("reason", "decision_reason", {decision_type}, str, decision_reason);
}

}  // namespace tollgate::cel
