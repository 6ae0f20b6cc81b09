#include "policies/audit/audit_run.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "policies/expansion/expanded_review.h"
#include "policies/gator/namespace_context.h"
#include "policies/gator/review_builder.h"
#include "policies/gator/test_run.h"
#include "policies/model/enforcement_action.h"
#include "policies/model/parse_context.h"
#include "policies/rego_driver.h"
#include "policies/review_request.h"

namespace tollgate::policies::audit {
namespace {

constexpr size_t kMaxMessageBytes = 256;

bool is_config(const Value& object) {
  gator::GroupVersionKind gvk = gator::gvk_of(object);
  return gvk.group == "config.gatekeeper.sh" && gvk.kind == "Config";
}

std::string now_rfc3339() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

auto order_key(const AuditViolation& v) {
  return std::tie(v.group, v.version, v.kind, v.namespace_name, v.name, v.message, v.enforcement_action);
}

bool smaller(const AuditViolation& a, const AuditViolation& b) { return order_key(a) < order_key(b); }

// Keeps the `limit` smallest of what was added, without holding every one.
void keep_smallest(std::vector<AuditViolation>& kept, size_t limit) {
  std::sort(kept.begin(), kept.end(), smaller);
  if (kept.size() > limit) kept.resize(limit);
}

// The constraint's own enforcement action and its actions at audit.
void read_actions(const Value& constraint, ConstraintAudit* out) {
  std::vector<LoadError> errors;
  ObjectOrigin origin;
  ParseContext ctx(origin, errors);
  std::optional<EnforcementAction> action = EnforcementAction::parse(constraint, ctx);
  if (!action) {
    out->enforcement_action = std::string(constraint["spec"]["enforcementAction"].string_or("deny"));
    return;
  }
  out->enforcement_action = action->action();
  out->audit_actions = action->actions_at(kAuditPoint);
  if (out->audit_actions.empty()) {
    out->audited = false;
    out->not_audited_reason = action->recognized() ? "no scoped enforcement action at audit.gatekeeper.sh"
                                                   : "unrecognized enforcementAction";
  }
}

bool in_sync_only(const Value& object, const std::vector<SyncKind>& kinds) {
  gator::GroupVersionKind gvk = gator::gvk_of(object);
  for (const SyncKind& k : kinds) {
    if (k.group == gvk.group && k.version == gvk.version && k.kind == gvk.kind) return true;
  }
  return false;
}

}  // namespace

size_t AuditReport::total_violations() const {
  size_t total = 0;
  for (const ConstraintAudit& c : constraints) total += c.total_violations;
  return total;
}

std::string truncated_message(const std::string& message) {
  if (message.size() <= kMaxMessageBytes) return message;
  size_t cut = kMaxMessageBytes - 3;
  // Back off to the start of a UTF-8 sequence so the text stays valid.
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
  return message.substr(0, cut) + "...";
}

std::vector<SourcedObject> unwrap_lists(std::vector<SourcedObject> objects) {
  std::vector<SourcedObject> out;
  out.reserve(objects.size());
  for (SourcedObject& s : objects) {
    std::string_view kind = s.object["kind"].string_or("");
    const Value& items = s.object["items"];
    bool is_list = kind.size() >= 4 && kind.substr(kind.size() - 4) == "List" && items.is_array();
    if (!is_list) {
      out.push_back(std::move(s));
      continue;
    }
    std::string item_kind(kind.substr(0, kind.size() - 4));
    const Value& api_version = s.object["apiVersion"];
    for (const Value& item : items.items()) {
      if (!item.is_object()) continue;
      Value object = item;
      // A typed list (PodList) from the API server leaves its items' type out.
      if (!item_kind.empty() && object["kind"].is_null()) {
        object = value::with_entry(object, "kind", Value::string(item_kind));
        if (object["apiVersion"].is_null() && api_version.is_string()) {
          object = value::with_entry(object, "apiVersion", api_version);
        }
      }
      if (!object["kind"].is_string()) continue;
      out.push_back(SourcedObject{std::move(object), s.file, s.line});
    }
  }
  return out;
}

bool reaches(const ConstraintAudit& c, const std::string& threshold) {
  if (threshold == "never" || c.total_violations == 0) return false;
  auto has = [&](const char* action) {
    if (c.enforcement_action == action) return true;
    return c.enforcement_action == "scoped" &&
           std::find(c.audit_actions.begin(), c.audit_actions.end(), action) != c.audit_actions.end();
  };
  if (has("deny")) return true;
  if (threshold == "warn" || threshold == "dryrun") {
    if (has("warn")) return true;
  }
  if (threshold == "dryrun") return has("dryrun");
  return false;
}

AuditReport run_audit(const std::vector<SourcedObject>& inputs, const std::vector<SourcedObject>& policy_inputs,
                      const gator::EngineFactory& factory, const AuditOptions& options) {
  AuditReport report;
  report.audit_timestamp = options.audit_timestamp.empty() ? now_rfc3339() : options.audit_timestamp;
  report.group_by_label = options.group_by_label;

  // The policy set: templates, constraints, mutators, ExpansionTemplates and the Config.
  std::vector<Value> policies;
  std::vector<const SourcedObject*> policy_sources;  // parallel to `policies`
  bool has_config = false;
  std::map<std::pair<std::string, std::string>, size_t> constraint_index;
  for (const auto* group : {&policy_inputs, &inputs}) {
    for (const SourcedObject& s : *group) {
      bool config = is_config(s.object);
      if (!config && !gator::is_policy_object(s.object)) continue;
      has_config = has_config || config;
      policies.push_back(s.object);
      policy_sources.push_back(&s);
      if (gator::gvk_of(s.object).group != "constraints.gatekeeper.sh") continue;
      ConstraintAudit c;
      c.kind = std::string(s.object["kind"].string_or(""));
      c.name = std::string(s.object["metadata"]["name"].string_or(""));
      c.constraint = s.object;
      read_actions(s.object, &c);
      auto [it, added] = constraint_index.emplace(std::make_pair(c.kind, c.name), report.constraints.size());
      if (added) {
        report.constraints.push_back(std::move(c));
      } else {
        report.constraints[it->second] = std::move(c);
      }
    }
  }

  gator::EngineBuild engine = factory(policies);
  if (!engine.errors.empty() || !engine.policies) {
    for (LoadError& e : engine.errors) gator::locate_load_error(e, policy_sources);
    report.error = "reading policies: " + gator::describe_errors(engine.errors);
    return report;
  }
  report.warnings = engine.unsupported;
  for (LoadError& w : engine.warnings) {
    gator::locate_load_error(w, policy_sources);
    report.load_warnings.push_back(w.to_string());
  }
  const PolicySet& policy_set = *engine.policies;
  for (ConstraintAudit& c : report.constraints) {
    std::string reason;
    if (c.audited && !policy_set.template_supported(c.kind, &reason)) {
      c.audited = false;
      c.not_audited_reason = reason;
    }
  }

  // data.inventory: the dump, or only the Config's syncOnly kinds.
  std::vector<Value> synced;
  std::vector<SyncKind> sync_only = policy_set.sync_only();
  std::unordered_map<std::string, Value> namespaces;
  for (const SourcedObject& s : inputs) {
    if (!has_config || in_sync_only(s.object, sync_only)) synced.push_back(s.object);
    if (gator::is_core_namespace(s.object)) {
      namespaces[std::string(s.object["metadata"]["name"].string_or(""))] = s.object;
    }
  }
  ReviewInput input;
  input.enforcement_point = kAuditPoint;
  input.source = "Original";
  input.inventory_data = inventory_data(synced);
  synced.clear();

  const size_t limit = options.violations_limit;
  const size_t keep_bound = std::max<size_t>(64, 2 * limit);
  for (const SourcedObject& s : inputs) {
    const Value& object = s.object;
    const Value& metadata = object["metadata"];
    std::string namespace_name(metadata["namespace"].string_or(""));
    Value namespace_object;
    if (!namespace_name.empty()) {
      if (auto it = namespaces.find(namespace_name); it != namespaces.end()) namespace_object = it->second;
    }
    input.request = admission_request_for_object(object);
    input.namespace_object = namespace_object;
    expansion::ExpansionContext implied;
    implied.generator = object;
    implied.expansion_namespace = namespace_object;
    implied.review_namespace = namespace_object;
    expansion::ExpandedReview expanded = expansion::review_with_expansion(policy_set, input, implied);
    ++report.objects_audited;
    std::string name(metadata["name"].string_or(""));
    if (!expanded.ok()) {
      report.warnings.push_back("auditing " + s.file + ": " + name + ": " + expanded.expand_error + expanded.review_error);
      continue;
    }
    const Decision& decision = expanded.decision;
    if (decision.code == 500 && decision.results.empty()) {
      report.warnings.push_back("auditing " + s.file + ": " + name + ": " + decision.message);
      continue;
    }
    for (const std::string& d : decision.engine_disagreements) report.engine_disagreements.push_back(s.file + ": " + d);
    if (decision.results.empty()) continue;

    gator::GroupVersionKind gvk = gator::gvk_of(object);
    std::string label(metadata["labels"][options.group_by_label].string_or(
        namespace_object["metadata"]["labels"][options.group_by_label].string_or("")));
    for (const Result& r : decision.results) {
      auto it = constraint_index.find({r.constraint_kind, r.constraint_name});
      if (it == constraint_index.end()) continue;
      size_t index = it->second;
      ConstraintAudit& c = report.constraints[index];
      ++c.total_violations;
      ++report.by_namespace[namespace_name][index];
      ++report.by_label[label][index];
      if (limit == 0) continue;
      AuditViolation v{gvk.group,  gvk.version, gvk.kind, namespace_name, name, truncated_message(r.message),
                       r.enforcement_action, r.scoped_actions, label, s.file, s.line};
      c.violations.push_back(std::move(v));
      if (c.violations.size() > keep_bound) keep_smallest(c.violations, limit);
    }
  }
  for (ConstraintAudit& c : report.constraints) {
    keep_smallest(c.violations, limit);
    std::reverse(c.violations.begin(), c.violations.end());  // Gatekeeper writes them in descending order
  }
  std::sort(report.constraints.begin(), report.constraints.end(), [](const ConstraintAudit& a, const ConstraintAudit& b) {
    return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
  });
  // The per-namespace and per-label counts name constraints by index: re-map them after sorting.
  std::map<size_t, size_t> moved;
  for (size_t i = 0; i < report.constraints.size(); ++i) {
    moved[constraint_index.at({report.constraints[i].kind, report.constraints[i].name})] = i;
  }
  for (auto* table : {&report.by_namespace, &report.by_label}) {
    for (auto& [key, counts] : *table) {
      std::map<size_t, size_t> remapped;
      for (auto [index, count] : counts) remapped[moved.at(index)] = count;
      counts = std::move(remapped);
    }
  }
  return report;
}

}  // namespace tollgate::policies::audit
