#include "webhook/kube/audit_loop.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "policies/audit/audit_report.h"
#include "policies/model/parse_context.h"
#include "policies/vap/match.h"
#include "policies/vap/vap_objects.h"
#include "rules/value/json.h"
#include "webhook/kube/audit_metrics.h"
#include "webhook/kube/discovery.h"
#include "webhook/log.h"

namespace tollgate::webhook::kube {

using value::Value;

namespace {

Value parse_body(const ApiResponse& response, const std::string& path, std::string* error) {
  Value document;
  value::JsonError json_error;
  if (!value::parse_json(response.body, &document, &json_error) || !document.is_object()) {
    *error = "GET " + path + ": not JSON: " + json_error.message;
    return Value();
  }
  return document;
}

// GET `path` as a JSON object; null with *error on any failure.
Value get_json(ApiClient& client, const std::string& path, std::string* error) {
  ApiResponse response;
  try {
    response = client.get(path);
  } catch (const TransportError& e) {
    *error = "GET " + path + ": " + e.what();
    return Value();
  }
  if (response.status != 200) {
    *error = "GET " + path + ": " + response.describe();
    return Value();
  }
  return parse_body(response, path, error);
}

bool has_string(const Value& list, std::string_view wanted) {
  if (!list.is_array()) return false;
  for (const Value& item : list.items()) {
    if (item.string_or("") == wanted) return true;
  }
  return false;
}

// A constraint's spec.match.kinds entries as (groups, kinds); empty kinds = any.
struct KindsEntry {
  std::vector<std::string> groups;
  std::vector<std::string> kinds;
};

std::vector<std::string> strings_of(const Value& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const Value& item : list.items()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

// Null when the constraint matches every kind (no match.kinds, or an empty list).
std::optional<std::vector<KindsEntry>> match_kinds(const Value& constraint) {
  const Value& kinds = constraint["spec"]["match"]["kinds"];
  if (!kinds.is_array() || kinds.size() == 0) return std::nullopt;
  std::vector<KindsEntry> out;
  for (const Value& entry : kinds.items()) out.push_back({strings_of(entry["apiGroups"]), strings_of(entry["kinds"])});
  return out;
}

bool covers(const std::vector<std::string>& names, const std::string& name) {
  for (const std::string& n : names) {
    if (n == "*" || n == name) return true;
  }
  return false;
}

Value json_reason(const std::string& reason) {
  return Value::object({{Value::string("reason"), Value::string(reason)}});
}

// The groups discovery is asked about for the constraints: those their
// match.kinds name, or all ("*").
std::vector<std::string> constraint_groups(const std::vector<Value>& constraints) {
  std::vector<std::string> groups;
  for (const Value& c : constraints) {
    std::optional<std::vector<KindsEntry>> kinds = match_kinds(c);
    if (!kinds) return {"*"};
    for (const KindsEntry& e : *kinds) {
      if (e.groups.empty()) groups.push_back("*");
      groups.insert(groups.end(), e.groups.begin(), e.groups.end());
    }
  }
  return groups;
}

// The ValidatingAdmissionPolicies that have a binding, parsed (with the API
// defaults), and their bindings: what a run audits besides the constraints.
struct BoundPolicies {
  struct Policy {
    policies::vap::ValidatingAdmissionPolicy definition;
    Value object;
    std::vector<policies::vap::ValidatingAdmissionPolicyBinding> bindings;
    std::vector<Value> binding_objects;
  };
  std::vector<Policy> policies;
  std::vector<Value> binding_objects;  // every binding, reported as a constraint (bound or not)
  bool empty() const { return policies.empty(); }
};

BoundPolicies bound_policies(const std::vector<Value>& objects) {
  BoundPolicies out;
  std::vector<policies::LoadError> ignored;  // the served set loaded them: they are valid
  policies::ObjectOrigin origin;
  std::vector<std::pair<policies::vap::ValidatingAdmissionPolicyBinding, Value>> bindings;
  for (const Value& o : objects) {
    policies::ParseContext ctx(origin, ignored);
    if (policies::vap::is_validating_policy(o)) {
      if (auto p = policies::vap::parse_validating_policy(o, ctx)) out.policies.push_back({std::move(*p), o, {}, {}});
    } else if (policies::vap::is_validating_policy_binding(o)) {
      if (auto b = policies::vap::parse_validating_policy_binding(o, ctx)) bindings.emplace_back(std::move(*b), o);
      out.binding_objects.push_back(o);
    }
  }
  for (auto& [binding, object] : bindings) {
    for (BoundPolicies::Policy& p : out.policies) {
      if (p.definition.name != binding.policy_name) continue;
      p.bindings.push_back(binding);
      p.binding_objects.push_back(object);
    }
  }
  out.policies.erase(std::remove_if(out.policies.begin(), out.policies.end(),
                                    [](const BoundPolicies::Policy& p) { return p.bindings.empty(); }),
                     out.policies.end());
  return out;
}

// The CREATE of an object of `r` as resource rules see it.
policies::vap::RequestAttributes create_of(const ResourceRef& r) {
  policies::vap::RequestAttributes a;
  a.operation = "CREATE";
  a.kind = {r.group, r.version, r.kind};
  a.resource = {r.group, r.version, r.resource};
  if (r.namespaced) a.namespace_name = "audited";  // any namespace: only Namespaced vs Cluster scope is read
  return a;
}

// Whether `m` covers some object of `r`: a resource rule at any version and
// for any name (Equivalent matching, resourceNames), not excluded outright.
bool may_cover(const policies::vap::MatchResources& m, const ResourceRef& r, bool no_rules_cover) {
  policies::vap::RequestAttributes a = create_of(r);
  for (const policies::vap::NamedRule& rule : m.exclude_resource_rules) {
    if (policies::vap::rule_matches(rule, a, a.resource)) return false;  // a rule with resourceNames excludes only some
  }
  if (m.resource_rules.empty()) return no_rules_cover;
  for (policies::vap::NamedRule rule : m.resource_rules) {
    rule.api_versions = {"*"};
    rule.resource_names.clear();
    if (policies::vap::rule_matches(rule, a, a.resource)) return true;
  }
  return false;
}

bool admission_policy_covers(const BoundPolicies::Policy& p, const ResourceRef& r) {
  if (create_of(r).is_admission_policy_resource()) return false;  // no admission policy sees them
  if (p.definition.match_constraints && !may_cover(*p.definition.match_constraints, r, false)) return false;
  for (const policies::vap::ValidatingAdmissionPolicyBinding& b : p.bindings) {
    if (!b.match_resources || may_cover(*b.match_resources, r, true)) return true;
  }
  return false;
}

std::vector<std::string> admission_policy_groups(const BoundPolicies& bound) {
  std::vector<std::string> groups;
  for (const BoundPolicies::Policy& p : bound.policies) {
    if (!p.definition.match_constraints) return {"*"};
    for (const policies::vap::NamedRule& rule : p.definition.match_constraints->resource_rules) {
      groups.insert(groups.end(), rule.api_groups.begin(), rule.api_groups.end());
    }
  }
  return groups;
}

std::vector<ResourceRef> resources_for(const BoundPolicies& bound, const std::vector<ResourceRef>& listable) {
  std::vector<ResourceRef> out;
  for (const ResourceRef& r : listable) {
    for (const BoundPolicies::Policy& p : bound.policies) {
      if (!admission_policy_covers(p, r)) continue;
      out.push_back(r);
      break;
    }
  }
  return out;
}

// The paramKinds the bound policies read (a binding with a paramRef), as
// (group, version, kind).
std::vector<policies::SyncKind> param_kinds(const BoundPolicies& bound) {
  std::vector<policies::SyncKind> out;
  for (const BoundPolicies::Policy& p : bound.policies) {
    if (!p.definition.param_kind) continue;
    bool read = std::any_of(p.bindings.begin(), p.bindings.end(), [](const auto& b) { return b.param_ref.has_value(); });
    if (!read) continue;
    policies::SyncKind kind{std::string(policies::api_group_of(p.definition.param_kind->api_version)),
                            std::string(policies::api_version_of(p.definition.param_kind->api_version)),
                            p.definition.param_kind->kind};
    if (std::find(out.begin(), out.end(), kind) == out.end()) out.push_back(std::move(kind));
  }
  return out;
}

bool reads_params_of(const BoundPolicies::Policy& p, const policies::SyncKind& kind) {
  return p.definition.param_kind && p.definition.param_kind->kind == kind.kind &&
         policies::api_group_of(p.definition.param_kind->api_version) == kind.group &&
         policies::api_version_of(p.definition.param_kind->api_version) == kind.version;
}

// The scope discovery gave a param kind, declared as its CRD would (the
// params index reads a kind's scope from CRDs, else from its objects): a kind
// with no object listed is still known.
Value scope_declaration(const ResourceRef& r) {
  return value::ObjectBuilder()
      .add("apiVersion", Value::string("apiextensions.k8s.io/v1"))
      .add("kind", Value::string("CustomResourceDefinition"))
      .add("metadata", value::ObjectBuilder().add("name", Value::string(r.label())).build())
      .add("spec", value::ObjectBuilder()
                       .add("group", Value::string(r.group))
                       .add("names", value::ObjectBuilder().add("kind", Value::string(r.kind)).build())
                       .add("scope", Value::string(r.namespaced ? "Namespaced" : "Cluster"))
                       .build())
      .build();
}

enum class ListEnd { Done, Failed, Cancelled };

// Lists `resource` across all namespaces in pages of `limit`, handing each
// page's items to on_page. A 410 on a continue token calls on_restart and
// lists again from the start (at most max_restarts times); any other failure
// is *error.
ListEnd list_in_pages(ApiClient& client, const ResourceRef& resource, size_t limit, int max_restarts,
                      const std::function<void(const std::vector<Value>&)>& on_page,
                      const std::function<void()>& on_restart, std::string* error) {
  const std::string path = resource.path();
  std::string token;
  int restarts = 0;
  while (true) {
    ApiResponse refused;
    ListPage page;
    try {
      page = client.list_page(path, limit, token, &refused);
    } catch (const TransportError& e) {
      if (client.cancelled()) return ListEnd::Cancelled;
      *error = e.what();
      return ListEnd::Failed;
    }
    if (refused.status != 0) {
      if (refused.status == 410 && !token.empty() && restarts < max_restarts) {
        // The continue token expired: what was seen of this kind is forgotten
        // and its list starts again (a consistent snapshot).
        ++restarts;
        on_restart();
        token.clear();
        log_info(LogLine("audit: continue token expired; listing the kind again").field("kind", resource.label()));
        continue;
      }
      *error = "GET " + path + ": " + refused.describe();
      return ListEnd::Failed;
    }
    on_page(page.items);
    token = std::move(page.continue_token);
    if (token.empty()) return ListEnd::Done;
  }
}

}  // namespace

std::vector<ResourceRef> resources_admission_policies_audit(const std::vector<Value>& admission_policy_objects,
                                                            const std::vector<ResourceRef>& listable) {
  return resources_for(bound_policies(admission_policy_objects), listable);
}

std::vector<ResourceRef> resources_to_audit(const std::vector<Value>& constraints,
                                            const std::vector<ResourceRef>& listable) {
  std::vector<KindsEntry> entries;
  bool everything = false;
  for (const Value& c : constraints) {
    std::optional<std::vector<KindsEntry>> kinds = match_kinds(c);
    if (!kinds) {
      everything = true;
      break;
    }
    entries.insert(entries.end(), kinds->begin(), kinds->end());
  }
  std::vector<ResourceRef> out;
  for (const ResourceRef& r : listable) {
    bool wanted = everything;
    for (const KindsEntry& e : entries) {
      if (wanted) break;
      // An entry without apiGroups or kinds matches nothing at the webhook either, except as "any".
      bool group = e.groups.empty() || covers(e.groups, r.group);
      bool kind = e.kinds.empty() || covers(e.kinds, r.kind);
      wanted = group && kind;
    }
    if (wanted) out.push_back(r);
  }
  return out;
}

bool discover_listable(ApiClient& client, const std::vector<std::string>& groups, std::vector<ResourceRef>* out,
                       std::vector<std::string>* skipped, std::string* error) {
  bool all_groups = std::find(groups.begin(), groups.end(), "*") != groups.end();
  auto wanted = [&](const std::string& group) {
    return all_groups || std::find(groups.begin(), groups.end(), group) != groups.end();
  };
  // (group, preferred version)
  std::vector<std::pair<std::string, std::string>> group_versions;
  if (wanted("")) {
    Value core = get_json(client, "/api", error);
    if (core.is_null()) return false;
    const Value& versions = core["versions"];
    std::string version = has_string(versions, "v1") || !versions.is_array() || versions.size() == 0
                              ? "v1"
                              : std::string(versions.items().front().string_or("v1"));
    group_versions.emplace_back("", version);
  }
  bool other_groups = all_groups || std::any_of(groups.begin(), groups.end(), [](const std::string& g) { return !g.empty(); });
  if (other_groups) {
    Value list = get_json(client, "/apis", error);
    if (list.is_null()) return false;
    const Value& api_groups = list["groups"];
    if (api_groups.is_array()) {
      for (const Value& g : api_groups.items()) {
        std::string name(g["name"].string_or(""));
        if (name.empty() || !wanted(name)) continue;
        std::string version(g["preferredVersion"]["version"].string_or(""));
        if (version.empty() && g["versions"].is_array() && g["versions"].size() > 0) {
          version = std::string(g["versions"].items().front()["version"].string_or(""));
        }
        if (!version.empty()) group_versions.emplace_back(name, version);
      }
    }
  }
  for (const auto& [group, version] : group_versions) {
    std::string path = group_version_path(group, version);
    std::string why;
    Value resources = get_json(client, path, &why);
    if (resources.is_null()) {
      skipped->push_back(why);
      continue;
    }
    const Value& list = resources["resources"];
    if (!list.is_array()) continue;
    for (const Value& r : list.items()) {
      std::string_view name = r["name"].string_or("");
      if (name.empty() || name.find('/') != std::string_view::npos) continue;  // subresources
      if (r["verbs"].is_array() && !has_string(r["verbs"], "list")) continue;
      ResourceRef ref;
      ref.group = group;
      ref.version = version;
      ref.resource = std::string(name);
      ref.kind = std::string(r["kind"].string_or(""));
      ref.namespaced = r["namespaced"].is_bool() && r["namespaced"].as_bool();
      if (!ref.kind.empty()) out->push_back(std::move(ref));
    }
  }
  return true;
}

AuditLoop::Answer audit_off_answer(const std::string& reason) {
  return {503, value::to_json(json_reason(reason)) + "\n"};
}

AuditLoop::AuditLoop(std::shared_ptr<ClusterConnection> cluster, PolicySource policies, const ClusterView* view,
                     std::function<bool()> is_leader, prometheus::Registry& registry, AuditLoopOptions options)
    : cluster_(std::move(cluster)),
      policies_(std::move(policies)),
      view_(view),
      is_leader_(std::move(is_leader)),
      options_(std::move(options)),
      metrics_(std::make_unique<AuditMetrics>(registry)) {}

AuditLoop::~AuditLoop() { stop(); }

void AuditLoop::start() {
  if (options_.interval.count() <= 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void AuditLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    if (client_ != nullptr) client_->cancel();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AuditLoop::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    // As Gatekeeper's ticker: the first run one interval after the start,
    // when the Namespace cache has had time to fill.
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      run_once();
    } catch (const std::exception& e) {
      log_error(LogLine("audit run failed").field("error", e.what()));
    }
    lock.lock();
  }
}

AuditLoop::Answer AuditLoop::answer() const {
  if (is_leader_ && !is_leader_()) {
    return audit_off_answer("not the leader: another replica audits (see its /audit)");
  }
  std::shared_ptr<const std::string> report;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    report = last_report_;
  }
  if (!report) return audit_off_answer("no audit run has finished yet (one runs every --audit-interval)");
  return {200, *report};
}

bool AuditLoop::run_once() {
  if (is_leader_ && !is_leader_()) return false;
  std::shared_ptr<const policies::PolicySet> policies = policies_ ? policies_() : nullptr;
  if (!policies) return false;
  std::string why_not_ready;
  if (view_ != nullptr && !view_->ready(&why_not_ready)) {
    log_warn(LogLine("audit run skipped: the cluster is not read yet").field("reason", why_not_ready));
    return false;
  }

  ApiClient client(cluster_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return false;
    client_ = &client;
  }
  struct Forget {
    AuditLoop& loop;
    ~Forget() {
      std::lock_guard<std::mutex> lock(loop.mutex_);
      loop.client_ = nullptr;
    }
  } forget{*this};

  auto started = std::chrono::system_clock::now();
  auto steady_start = std::chrono::steady_clock::now();
  metrics_->run_started(started);
  std::vector<Value> constraints = policies->constraint_objects();
  // The ValidatingAdmissionPolicies with bindings; none: nothing more is listed.
  BoundPolicies admission = bound_policies(policies->admission_policy_objects());
  log_info(LogLine("audit started")
               .field("constraints", static_cast<int64_t>(constraints.size()))
               .field("admission_policy_bindings", static_cast<int64_t>(admission.binding_objects.size())));

  std::vector<Value> failures;  // {kind, error}
  auto fail = [&](const std::string& kind, const std::string& error) {
    log_warn(LogLine("audit: cannot list a kind; auditing the others").field("kind", kind).field("error", error));
    metrics_->list_failed(kind);
    failures.push_back(Value::object({{Value::string("kind"), Value::string(kind)},
                                      {Value::string("error"), Value::string(error)}}));
  };

  // The admission policies' params: each paramKind listed from the cluster.
  // A kind that cannot be listed leaves the policies reading it out of the run.
  std::vector<Value> params;
  std::map<std::string, std::string> not_audited;  // binding name -> why
  for (const policies::SyncKind& kind : param_kinds(admission)) {
    if (client.cancelled()) return false;
    ResourceRef resource;
    std::string error;
    std::string label = "discovery";
    ListEnd end = ListEnd::Failed;
    std::vector<Value> listed_params;
    if (discover_resource(client, kind, &resource, &error)) {
      label = resource.label();
      end = list_in_pages(
          client, resource, options_.chunk_size, options_.max_list_restarts,
          [&](const std::vector<Value>& items) { listed_params.insert(listed_params.end(), items.begin(), items.end()); },
          [&] { listed_params.clear(); }, &error);
    } else if (client.cancelled()) {
      return false;
    }
    if (end == ListEnd::Cancelled) return false;
    if (end == ListEnd::Done) {
      params.push_back(scope_declaration(resource));
      params.insert(params.end(), std::make_move_iterator(listed_params.begin()),
                    std::make_move_iterator(listed_params.end()));
      continue;
    }
    fail(label, error);
    for (auto p = admission.policies.begin(); p != admission.policies.end();) {
      if (!reads_params_of(*p, kind)) {
        ++p;
        continue;
      }
      for (const auto& b : p->bindings) {
        not_audited[b.name] = "the params of ValidatingAdmissionPolicy '" + p->definition.name + "' (" + kind.kind +
                              ") could not be listed: " + error;
      }
      p = admission.policies.erase(p);
    }
  }

  // Which groups to ask discovery about: those named by match.kinds and the
  // admission policies' resource rules, or all.
  std::vector<std::string> groups = constraint_groups(constraints);
  std::vector<std::string> admission_groups = admission_policy_groups(admission);
  groups.insert(groups.end(), admission_groups.begin(), admission_groups.end());
  std::vector<ResourceRef> resources;
  if (!constraints.empty() || !admission.empty()) {
    std::vector<ResourceRef> listable;
    std::vector<std::string> skipped;
    std::string error;
    if (!discover_listable(client, groups, &listable, &skipped, &error)) {
      if (client.cancelled()) return false;
      fail("discovery", error);
    }
    for (const std::string& s : skipped) fail("discovery", s);
    std::vector<ResourceRef> by_constraints =
        constraints.empty() ? std::vector<ResourceRef>() : resources_to_audit(constraints, listable);
    std::vector<ResourceRef> by_policies = resources_for(admission, listable);
    for (const ResourceRef& r : listable) {  // discovery's order, each once
      auto same = [&](const ResourceRef& o) { return o.path() == r.path(); };
      if (std::any_of(by_constraints.begin(), by_constraints.end(), same) ||
          std::any_of(by_policies.begin(), by_policies.end(), same)) {
        resources.push_back(r);
      }
    }
  }

  policies::audit::AuditSources sources;
  if (view_ != nullptr) {
    const ClusterView* view = view_;
    sources.namespace_object = [view](std::string_view name) { return view->namespace_object(name); };
    sources.inventory_data = view->inventory_data();
  }
  std::vector<Value> reported = constraints;
  if (!admission.binding_objects.empty()) {
    // The served policies and bindings again, with the cluster's params.
    std::vector<Value> objects;
    for (const BoundPolicies::Policy& p : admission.policies) {
      objects.push_back(p.object);
      objects.insert(objects.end(), p.binding_objects.begin(), p.binding_objects.end());
    }
    policies::LoadOptions load;
    load.vap_environment = options_.vap_environment;
    load.admission_policy_params = std::move(params);
    policies::LoadResult rebuilt = policies::PolicySet::from_objects(objects, load);
    if (rebuilt.policies) {
      sources.admission_policies = rebuilt.policies;
      reported.insert(reported.end(), admission.binding_objects.begin(), admission.binding_objects.end());
    } else {
      std::string why = rebuilt.errors.empty() ? "" : rebuilt.errors.front().to_string();
      log_error(LogLine("audit: the admission policies do not build with the cluster's params").field("error", why));
    }
  }
  policies::audit::Auditor auditor(policies, reported, options_.audit, std::move(sources));

  std::vector<std::string> listed;
  for (const ResourceRef& resource : resources) {
    if (client.cancelled()) return false;
    const std::string label = resource.label();
    const std::string path = resource.path();
    std::string error;
    ListEnd end = list_in_pages(
        client, resource, options_.chunk_size, options_.max_list_restarts,
        [&](const std::vector<Value>& items) {
          for (const Value& object : items) auditor.audit(object, path, 0);
        },
        [&] { auditor.discard(); }, &error);
    if (end == ListEnd::Cancelled) return false;
    if (end == ListEnd::Failed) {
      fail(label, error);
      auditor.discard();  // what was reviewed of the failed kind
    } else {
      auditor.commit();
      listed.push_back(label);
    }
  }

  policies::audit::AuditReport report = auditor.finish();
  for (policies::audit::ConstraintAudit& c : report.constraints) {
    auto it = c.kind == "ValidatingAdmissionPolicyBinding" ? not_audited.find(c.name) : not_audited.end();
    if (it == not_audited.end()) continue;
    c.audited = false;
    c.not_audited_reason = it->second;
  }
  auto ended = std::chrono::system_clock::now();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - steady_start;
  metrics_->run_finished(report, ended, took);

  // `tollgate audit -o json`, and in its summary what was listed and what failed.
  Value document = policies::audit::audit_report_value(report);
  std::vector<Value> listed_values;
  for (const std::string& l : listed) listed_values.push_back(Value::string(l));
  Value summary = document["summary"];
  summary = value::with_entry(summary, "kindsListed", Value::array(std::move(listed_values)));
  summary = value::with_entry(summary, "kindsFailed", Value::array(failures));
  summary = value::with_entry(summary, "durationSeconds", Value::number(took.count()));
  document = value::with_entry(document, "summary", summary);
  auto json = std::make_shared<const std::string>(value::to_json_pretty(document) + "\n");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_report_ = std::move(json);
  }
  runs_.fetch_add(1);
  log_info(LogLine("audit finished")
               .field("objects", static_cast<int64_t>(report.objects_audited))
               .field("violations", static_cast<int64_t>(report.total_violations()))
               .field("kinds_listed", static_cast<int64_t>(listed.size()))
               .field("kinds_failed", static_cast<int64_t>(failures.size()))
               .field("duration_ms", static_cast<int64_t>(took.count() * 1000)));
  return true;
}

}  // namespace tollgate::webhook::kube
