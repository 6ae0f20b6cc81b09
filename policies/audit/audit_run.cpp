#include "policies/audit/audit_run.h"

#include <algorithm>
#include <cctype>
#include <set>
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
#include "policies/vap/vap_report.h"

namespace tollgate::policies::audit {
namespace {

constexpr size_t kMaxMessageBytes = 256;
constexpr const char* kBindingKind = "ValidatingAdmissionPolicyBinding";

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

bool is_validating_policy_binding(const Value& object) {
  gator::GroupVersionKind gvk = gator::gvk_of(object);
  return gvk.group == "admissionregistration.k8s.io" && gvk.kind == kBindingKind;
}

// A ValidatingAdmissionPolicyBinding's action: its strongest validationAction
// (vap/vap_report.h), and all of them, lower-cased, as its actions at audit.
void read_binding_actions(const Value& binding, ConstraintAudit* out) {
  std::vector<std::string> actions;
  for (const Value& a : binding["spec"]["validationActions"].items()) actions.emplace_back(a.string_or(""));
  out->enforcement_action = std::string(vap::strongest_action(actions));
  for (std::string& a : actions) {
    std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
    out->audit_actions.push_back(std::move(a));
  }
}

// The constraint's own enforcement action and its actions at audit.
void read_actions(const Value& constraint, ConstraintAudit* out) {
  if (is_validating_policy_binding(constraint)) return read_binding_actions(constraint, out);
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

}  // namespace

bool is_gatekeeper_config(const Value& object) {
  gator::GroupVersionKind gvk = gator::gvk_of(object);
  return gvk.group == "config.gatekeeper.sh" && gvk.kind == "Config";
}

bool in_sync_only(const Value& object, const std::vector<SyncKind>& kinds) {
  gator::GroupVersionKind gvk = gator::gvk_of(object);
  for (const SyncKind& k : kinds) {
    if (k.group == gvk.group && k.version == gvk.version && k.kind == gvk.kind) return true;
  }
  return false;
}

ParamKinds param_kinds_of(const std::vector<SourcedObject>& objects) {
  ParamKinds kinds;
  for (const SourcedObject& s : objects) {
    gator::GroupVersionKind gvk = gator::gvk_of(s.object);
    if (gvk.group != "admissionregistration.k8s.io" || gvk.kind != "ValidatingAdmissionPolicy") continue;
    const Value& param_kind = s.object["spec"]["paramKind"];
    if (!param_kind.is_object()) continue;
    gator::GroupVersionKind p = gator::gvk_of(param_kind);
    kinds.emplace(p.group, p.kind);
  }
  return kinds;
}

bool is_param(const Value& object, const ParamKinds& kinds) {
  if (kinds.empty()) return false;
  gator::GroupVersionKind gvk = gator::gvk_of(object);
  return kinds.count({gvk.group, gvk.kind}) != 0;
}

AuditPolicies build_audit_policies(const std::vector<SourcedObject>& policy_inputs,
                                   const std::vector<SourcedObject>& objects, const gator::EngineFactory& factory,
                                   const std::vector<SourcedObject>* more_params) {
  AuditPolicies out;
  std::vector<Value> policies;
  std::vector<const SourcedObject*> policy_sources;  // parallel to `policies`
  std::vector<SourcedObject> admission_policies;     // their paramKinds pick the params
  for (const auto* group : {&policy_inputs, &objects}) {
    for (const SourcedObject& s : *group) {
      bool config = is_gatekeeper_config(s.object);
      if (!config && !gator::is_policy_object(s.object)) continue;
      out.has_config = out.has_config || config;
      policies.push_back(s.object);
      policy_sources.push_back(&s);
      if (gator::gvk_of(s.object).group == "constraints.gatekeeper.sh") out.constraints.push_back(s.object);
      // A ValidatingAdmissionPolicyBinding is audited as a constraint (audit_run.h).
      if (is_validating_policy_binding(s.object)) out.constraints.push_back(s.object);
      if (gator::is_admission_policy_object(s.object)) admission_policies.push_back(s);
    }
  }
  // The params of the ValidatingAdmissionPolicies: objects of their paramKinds.
  std::vector<Value> params;
  ParamKinds kinds = param_kinds_of(admission_policies);
  for (const auto* group : {&policy_inputs, &objects, more_params}) {
    if (group == nullptr) continue;
    for (const SourcedObject& s : *group) {
      if (is_param(s.object, kinds)) params.push_back(s.object);
    }
  }
  out.engine = factory(policies, params);
  if (!out.engine.errors.empty() || !out.engine.policies) {
    for (LoadError& e : out.engine.errors) gator::locate_load_error(e, policy_sources);
    out.error = "reading policies: " + gator::describe_errors(out.engine.errors);
    return out;
  }
  for (LoadError& w : out.engine.warnings) {
    gator::locate_load_error(w, policy_sources);
    out.load_warnings.push_back(w.to_string());
  }
  return out;
}

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
    if (!gator::is_list_object(s.object)) {
      out.push_back(std::move(s));
      continue;
    }
    std::string_view kind = s.object["kind"].string_or("");
    std::string item_kind(kind.substr(0, kind.size() - 4));
    const Value& api_version = s.object["apiVersion"];
    const std::vector<Value>& items = s.object["items"].items();
    for (size_t i = 0; i < items.size(); ++i) {
      const Value& item = items[i];
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
      // Each item where it is in the file, else where its List is.
      value::SourceLocation at = i < s.item_locations.size() ? s.item_locations[i] : value::SourceLocation{};
      if (at.line > 0) {
        out.emplace_back(std::move(object), s.file, at.line, at.column);
      } else {
        out.emplace_back(std::move(object), s.file, s.line, s.column);
      }
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
  // A ValidatingAdmissionPolicyBinding's Audit counts as dryrun.
  if (threshold == "dryrun") return has("dryrun") || has("audit");
  return false;
}

namespace {

// What was audited since the last commit (or, committed, in all).
struct Tally {
  size_t objects = 0;
  std::vector<size_t> totals;                     // by constraint index
  std::vector<std::vector<AuditViolation>> kept;  // by constraint index, at most keep_bound each
  std::map<std::string, std::map<size_t, size_t>> by_namespace;
  std::map<std::string, std::map<size_t, size_t>> by_label;
  std::vector<std::string> warnings;
  size_t warnings_left_out = 0;
  std::vector<std::string> engine_disagreements;
  size_t disagreements_left_out = 0;

  explicit Tally(size_t constraints) : totals(constraints, 0), kept(constraints) {}
};

// Per-object warnings kept in a report; beyond them only a count (a cluster
// with a broken template would otherwise hold one line per object).
constexpr size_t kMaxObjectWarnings = 1000;

void add_line(std::vector<std::string>& lines, size_t& left_out, std::string line) {
  if (lines.size() < kMaxObjectWarnings) {
    lines.push_back(std::move(line));
  } else {
    ++left_out;
  }
}

// (kind, name) looked up without building strings.
struct ConstraintIdLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    // As string_views: clang 14 with libstdc++ 12 finds no tuple<string&> < tuple<string_view&> (the CI sanitizer build).
    const std::pair<std::string_view, std::string_view> x(a.first, a.second), y(b.first, b.second);
    return x < y;
  }
};
using ConstraintId = std::pair<std::string, std::string>;
using ConstraintIdView = std::pair<std::string_view, std::string_view>;

}  // namespace

struct Auditor::State {
  std::shared_ptr<const PolicySet> policies;
  AuditOptions options;
  AuditSources sources;
  std::string audit_timestamp;
  std::vector<ConstraintAudit> constraints;  // sorted by (kind, name)
  std::map<ConstraintId, size_t, ConstraintIdLess> index;
  size_t keep_bound = 64;
  ReviewInput input;
  // Whether ValidatingAdmissionPolicyBindings are among the constraints: only
  // then are the admission policies evaluated.
  bool admission_policies = false;
  Tally committed;
  Tally pending;
  bool finished = false;

  State(size_t n) : committed(n), pending(n) {}

  void merge_pending() {
    committed.objects += pending.objects;
    for (size_t i = 0; i < constraints.size(); ++i) {
      committed.totals[i] += pending.totals[i];
      std::vector<AuditViolation>& into = committed.kept[i];
      for (AuditViolation& v : pending.kept[i]) into.push_back(std::move(v));
      if (into.size() > keep_bound) keep_smallest(into, options.violations_limit);
    }
    for (auto [from, into] : {std::pair{&pending.by_namespace, &committed.by_namespace},
                              std::pair{&pending.by_label, &committed.by_label}}) {
      for (auto& [key, counts] : *from) {
        std::map<size_t, size_t>& target = (*into)[key];
        for (auto [index, count] : counts) target[index] += count;
      }
    }
    for (std::string& w : pending.warnings) {
      add_line(committed.warnings, committed.warnings_left_out, std::move(w));
    }
    committed.warnings_left_out += pending.warnings_left_out;
    for (std::string& d : pending.engine_disagreements) {
      add_line(committed.engine_disagreements, committed.disagreements_left_out, std::move(d));
    }
    committed.disagreements_left_out += pending.disagreements_left_out;
    pending = Tally(constraints.size());
  }
};

Auditor::Auditor(std::shared_ptr<const PolicySet> policies, const std::vector<Value>& constraint_objects,
                 AuditOptions options, AuditSources sources) {
  // Later objects with the same kind and name replace earlier ones.
  std::map<std::pair<std::string, std::string>, Value> by_id;
  for (const Value& object : constraint_objects) {
    by_id[{std::string(object["kind"].string_or("")), std::string(object["metadata"]["name"].string_or(""))}] = object;
  }
  state_ = std::make_unique<State>(by_id.size());
  State& s = *state_;
  s.policies = std::move(policies);
  s.options = std::move(options);
  s.sources = std::move(sources);
  s.audit_timestamp = s.options.audit_timestamp.empty() ? now_rfc3339() : s.options.audit_timestamp;
  s.keep_bound = std::max<size_t>(64, 2 * s.options.violations_limit);
  for (auto& [id, object] : by_id) {  // std::map: sorted by (kind, name)
    ConstraintAudit c;
    c.kind = id.first;
    c.name = id.second;
    c.constraint = object;
    read_actions(object, &c);
    std::string reason;
    if (c.audited && c.kind != kBindingKind && !s.policies->template_supported(c.kind, &reason)) {
      c.audited = false;
      c.not_audited_reason = reason;
    }
    s.index.emplace(id, s.constraints.size());
    s.constraints.push_back(std::move(c));
    s.admission_policies = s.admission_policies || id.first == kBindingKind;
  }
  if (!s.sources.admission_policies) s.sources.admission_policies = s.policies;
  s.admission_policies = s.admission_policies && s.sources.admission_policies->has_admission_policies();
  s.input.enforcement_point = kAuditPoint;
  s.input.source = "Original";
  s.input.inventory_data = s.sources.inventory_data;
}

Auditor::~Auditor() = default;

size_t Auditor::objects_audited() const { return state_->committed.objects + state_->pending.objects; }

void Auditor::commit() { state_->merge_pending(); }

void Auditor::discard() { state_->pending = Tally(state_->constraints.size()); }

void Auditor::audit(const Value& object, std::string_view file, int line, int column) {
  State& s = *state_;
  Tally& tally = s.pending;
  const Value& metadata = object["metadata"];
  std::string_view namespace_view = metadata["namespace"].string_or("");
  Value namespace_object;
  if (!namespace_view.empty() && s.sources.namespace_object) namespace_object = s.sources.namespace_object(namespace_view);
  s.input.request = admission_request_for_object(object);
  s.input.namespace_object = namespace_object;
  expansion::ExpansionContext implied;
  implied.generator = object;
  implied.expansion_namespace = namespace_object;
  implied.review_namespace = namespace_object;
  expansion::ExpandedReview expanded = expansion::review_with_expansion(*s.policies, s.input, implied);
  ++tally.objects;
  std::string_view name = metadata["name"].string_or("");
  auto where = [&] { return std::string(file) + ": " + std::string(name) + ": "; };
  // The ValidatingAdmissionPolicies judge the object as if it were created
  // now; each failure counts for its binding.
  std::vector<Result> admission_results;
  if (s.admission_policies) {
    ReviewInput admission;
    admission.request = vap::offline_admission_request(s.input.request);
    admission.namespace_object = namespace_object;
    admission_results = s.sources.admission_policies->admission_policy_results(admission);
    for (Result& r : admission_results) {
      std::string binding(r.details["binding"].string_or(""));
      if (binding.empty()) {  // the policy itself is misconfigured: no binding to count it for
        add_line(tally.warnings, tally.warnings_left_out, "auditing " + where() + r.message);
      }
      r.constraint_kind = kBindingKind;
      r.constraint_name = std::move(binding);
    }
  }
  if (!expanded.ok()) {
    add_line(tally.warnings, tally.warnings_left_out,
             "auditing " + where() + expanded.expand_error + expanded.review_error);
    if (admission_results.empty()) return;
    expanded.decision = Decision();
  }
  Decision& decision = expanded.decision;
  if (decision.code == 500 && decision.results.empty()) {
    add_line(tally.warnings, tally.warnings_left_out, "auditing " + where() + decision.message);
    if (admission_results.empty()) return;
  }
  for (const std::string& d : decision.engine_disagreements) {
    add_line(tally.engine_disagreements, tally.disagreements_left_out, std::string(file) + ": " + d);
  }
  for (Result& r : admission_results) decision.results.push_back(std::move(r));
  if (decision.results.empty()) return;

  gator::GroupVersionKind gvk = gator::gvk_of(object);
  std::string namespace_name(namespace_view);
  const std::string& group_by = s.options.group_by_label;
  std::string label(metadata["labels"][group_by].string_or(namespace_object["metadata"]["labels"][group_by].string_or("")));
  const size_t limit = s.options.violations_limit;
  for (const Result& r : decision.results) {
    auto it = s.index.find(ConstraintIdView(r.constraint_kind, r.constraint_name));
    if (it == s.index.end()) continue;
    size_t index = it->second;
    ++tally.totals[index];
    ++tally.by_namespace[namespace_name][index];
    ++tally.by_label[label][index];
    if (limit == 0) continue;
    std::vector<AuditViolation>& kept = tally.kept[index];
    kept.push_back(AuditViolation{gvk.group, gvk.version, gvk.kind, namespace_name, std::string(name),
                                  truncated_message(r.message), r.enforcement_action, r.scoped_actions, label,
                                  std::string(file), line, column});
    if (kept.size() > s.keep_bound) keep_smallest(kept, limit);
  }
}

AuditReport Auditor::finish() {
  State& s = *state_;
  s.merge_pending();
  AuditReport report;
  report.audit_timestamp = s.audit_timestamp;
  report.group_by_label = s.options.group_by_label;
  report.objects_audited = s.committed.objects;
  report.constraints = std::move(s.constraints);
  for (size_t i = 0; i < report.constraints.size(); ++i) {
    ConstraintAudit& c = report.constraints[i];
    c.total_violations = s.committed.totals[i];
    c.violations = std::move(s.committed.kept[i]);
    keep_smallest(c.violations, s.options.violations_limit);
    std::reverse(c.violations.begin(), c.violations.end());  // Gatekeeper writes them in descending order
  }
  report.by_namespace = std::move(s.committed.by_namespace);
  report.by_label = std::move(s.committed.by_label);
  report.warnings = std::move(s.committed.warnings);
  if (s.committed.warnings_left_out > 0) {
    report.warnings.push_back("... and " + std::to_string(s.committed.warnings_left_out) + " more objects not audited");
  }
  report.engine_disagreements = std::move(s.committed.engine_disagreements);
  if (s.committed.disagreements_left_out > 0) {
    report.engine_disagreements.push_back("... and " + std::to_string(s.committed.disagreements_left_out) +
                                          " more disagreements");
  }
  s.constraints.clear();
  s.committed = Tally(0);
  s.pending = Tally(0);
  s.index.clear();
  return report;
}

AuditReport run_audit(const std::vector<SourcedObject>& inputs, const std::vector<SourcedObject>& policy_inputs,
                      const gator::EngineFactory& factory, const AuditOptions& options) {
  AuditPolicies set = build_audit_policies(policy_inputs, inputs, factory);
  if (!set.error.empty()) {
    AuditReport report;
    report.audit_timestamp = options.audit_timestamp.empty() ? now_rfc3339() : options.audit_timestamp;
    report.group_by_label = options.group_by_label;
    report.error = std::move(set.error);
    return report;
  }
  const bool has_config = set.has_config;
  gator::EngineBuild& engine = set.engine;

  // data.inventory: the dump, or only the Config's syncOnly kinds.
  std::vector<Value> synced;
  std::vector<SyncKind> sync_only = engine.policies->sync_only();
  auto namespaces = std::make_shared<std::unordered_map<std::string, Value>>();
  for (const SourcedObject& s : inputs) {
    if (!has_config || in_sync_only(s.object, sync_only)) synced.push_back(s.object);
    if (gator::is_core_namespace(s.object)) {
      (*namespaces)[std::string(s.object["metadata"]["name"].string_or(""))] = s.object;
    }
  }
  AuditSources sources;
  sources.inventory_data = inventory_data(synced);
  synced.clear();
  sources.namespace_object = [namespaces](std::string_view name) {
    auto it = namespaces->find(std::string(name));
    return it == namespaces->end() ? Value() : it->second;
  };

  Auditor auditor(engine.policies, set.constraints, options, std::move(sources));
  for (const SourcedObject& s : inputs) auditor.audit(s.object, s.file, s.line, s.column);
  AuditReport report = auditor.finish();
  report.warnings.insert(report.warnings.begin(), engine.unsupported.begin(), engine.unsupported.end());
  report.load_warnings = std::move(set.load_warnings);
  return report;
}

}  // namespace tollgate::policies::audit
