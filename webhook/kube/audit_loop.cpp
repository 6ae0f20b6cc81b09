#include "webhook/kube/audit_loop.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "policies/audit/audit_report.h"
#include "rules/value/json.h"
#include "webhook/kube/audit_metrics.h"
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

}  // namespace

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
  log_info(LogLine("audit started").field("constraints", static_cast<int64_t>(constraints.size())));

  policies::audit::AuditSources sources;
  if (view_ != nullptr) {
    const ClusterView* view = view_;
    sources.namespace_object = [view](std::string_view name) { return view->namespace_object(name); };
    sources.inventory_data = view->inventory_data();
  }
  policies::audit::Auditor auditor(policies, constraints, options_.audit, std::move(sources));

  // Which groups to ask discovery about: those named by match.kinds, or all.
  std::vector<std::string> groups;
  for (const Value& c : constraints) {
    std::optional<std::vector<KindsEntry>> kinds = match_kinds(c);
    if (!kinds) {
      groups = {"*"};
      break;
    }
    for (const KindsEntry& e : *kinds) {
      if (e.groups.empty()) groups.push_back("*");
      groups.insert(groups.end(), e.groups.begin(), e.groups.end());
    }
  }
  std::vector<Value> failures;  // {kind, error}
  auto fail = [&](const std::string& kind, const std::string& error) {
    log_warn(LogLine("audit: cannot list a kind; auditing the others").field("kind", kind).field("error", error));
    metrics_->list_failed(kind);
    failures.push_back(Value::object({{Value::string("kind"), Value::string(kind)},
                                      {Value::string("error"), Value::string(error)}}));
  };

  std::vector<ResourceRef> resources;
  if (!constraints.empty()) {
    std::vector<ResourceRef> listable;
    std::vector<std::string> skipped;
    std::string error;
    if (!discover_listable(client, groups, &listable, &skipped, &error)) {
      if (client.cancelled()) return false;
      fail("discovery", error);
    }
    for (const std::string& s : skipped) fail("discovery", s);
    resources = resources_to_audit(constraints, listable);
  }

  std::vector<std::string> listed;
  for (const ResourceRef& resource : resources) {
    if (client.cancelled()) return false;
    const std::string label = resource.label();
    const std::string path = resource.path();
    std::string token;
    int restarts = 0;
    bool failed = false;
    while (true) {
      ApiResponse refused;
      ListPage page;
      try {
        page = client.list_page(path, options_.chunk_size, token, &refused);
      } catch (const TransportError& e) {
        if (client.cancelled()) return false;
        fail(label, e.what());
        failed = true;
        break;
      }
      if (refused.status != 0) {
        if (refused.status == 410 && !token.empty() && restarts < options_.max_list_restarts) {
          // The continue token expired: what was reviewed of this kind is
          // forgotten and its list starts again (a consistent snapshot).
          ++restarts;
          auditor.discard();
          token.clear();
          log_info(LogLine("audit: continue token expired; listing the kind again").field("kind", label));
          continue;
        }
        fail(label, "GET " + path + ": " + refused.describe());
        failed = true;
        break;
      }
      for (const Value& object : page.items) auditor.audit(object, path, 0);
      token = std::move(page.continue_token);
      if (token.empty()) break;
    }
    if (failed) {
      auditor.discard();
    } else {
      auditor.commit();
      listed.push_back(label);
    }
  }

  policies::audit::AuditReport report = auditor.finish();
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
