#include "policies/audit/audit_stream.h"

#include <memory>
#include <unordered_map>

#include "policies/gator/namespace_context.h"
#include "policies/gator/review_builder.h"
#include "policies/gator/test_run.h"
#include "policies/rego_driver.h"

namespace tollgate::policies::audit {
AuditReport audit_source(const ObjectSource& source, const std::vector<SourcedObject>& policy_inputs,
                         const gator::EngineFactory& factory, const StreamAuditOptions& options) {
  AuditReport failed;
  failed.group_by_label = options.audit.group_by_label;
  failed.audit_timestamp = options.audit.audit_timestamp;

  std::vector<Value> policies;
  bool config_given = false;
  // Params of the ValidatingAdmissionPolicies given (a dump's own find theirs only among what is kept).
  ParamKinds param_kinds = param_kinds_of(policy_inputs);
  std::vector<SourcedObject> params;
  for (const SourcedObject& s : policy_inputs) {
    bool config = is_gatekeeper_config(s.object);
    if (!config && !gator::is_policy_object(s.object)) continue;
    config_given = config_given || config;
    policies.push_back(s.object);
  }
  // Without the Config's syncOnly every object is data.inventory: keep them all.
  std::vector<SyncKind> sync_only;
  if (config_given) {
    gator::EngineBuild first = factory(policies, {});
    if (first.policies) sync_only = first.policies->sync_only();
  }
  const bool keep_all = !config_given;

  // First pass: what every review needs.
  std::vector<SourcedObject> kept;         // keep_all: every object, audited from here
  std::vector<SourcedObject> from_source;  // policy objects among the objects
  std::vector<Value> synced;               // !keep_all: data.inventory
  auto namespaces = std::make_shared<std::unordered_map<std::string, Value>>();
  size_t total = 0;
  bool config_in_source = false;
  std::string error;
  bool read = source(
      [&](SourcedObject&& s) {
        ++total;
        if (is_gatekeeper_config(s.object) || gator::is_policy_object(s.object)) {
          config_in_source = config_in_source || is_gatekeeper_config(s.object);
          from_source.push_back(s);
        }
        if (gator::is_core_namespace(s.object)) {
          (*namespaces)[std::string(s.object["metadata"]["name"].string_or(""))] = s.object;
        }
        if (!keep_all && is_param(s.object, param_kinds)) params.push_back(s);
        if (keep_all) {
          kept.push_back(std::move(s));
        } else if (in_sync_only(s.object, sync_only)) {
          synced.push_back(s.object);
        }
      },
      &error);
  if (!read) {
    failed.error = error;
    return failed;
  }
  if (config_in_source && !keep_all) {
    // Another Config may sync other kinds: read as a whole.
    std::vector<SourcedObject> all;
    if (!source([&](SourcedObject&& s) { all.push_back(std::move(s)); }, &error)) {
      failed.error = error;
      return failed;
    }
    return run_audit(all, policy_inputs, factory, options.audit);
  }

  AuditPolicies set = build_audit_policies(policy_inputs, from_source, factory, keep_all ? &kept : &params);
  if (!set.error.empty()) {
    failed.error = std::move(set.error);
    return failed;
  }
  const bool has_config = set.has_config;
  gator::EngineBuild& engine = set.engine;
  if (keep_all) {
    std::vector<SyncKind> kinds = engine.policies->sync_only();
    for (const SourcedObject& s : kept) {
      if (!has_config || in_sync_only(s.object, kinds)) synced.push_back(s.object);
    }
  }

  AuditSources sources;
  sources.inventory_data = inventory_data(synced);
  synced.clear();
  synced.shrink_to_fit();
  sources.namespace_object = [namespaces](std::string_view name) {
    auto it = namespaces->find(std::string(name));
    return it == namespaces->end() ? Value() : it->second;
  };

  // Second pass: each object reviewed, then let go.
  Auditor auditor(engine.policies, set.constraints, options.audit, std::move(sources));
  size_t done = 0;
  auto review = [&](const SourcedObject& s) {
    auditor.audit(s.object, s.file, s.line, s.column);
    ++done;
    if (options.progress) options.progress(done, total);
  };
  if (keep_all) {
    for (const SourcedObject& s : kept) review(s);
  } else if (!source([&](SourcedObject&& s) { review(s); }, &error)) {
    failed.error = error;
    return failed;
  }
  AuditReport report = auditor.finish();
  report.warnings.insert(report.warnings.begin(), engine.unsupported.begin(), engine.unsupported.end());
  report.load_warnings = std::move(set.load_warnings);
  return report;
}

}  // namespace tollgate::policies::audit
