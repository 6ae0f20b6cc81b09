#include "policies/model/config.h"

#include <algorithm>

#include "policies/policy_set.h"
#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;

bool GatekeeperConfig::add(const Value& config, ParseContext& ctx) {
  size_t errors_before = ctx.error_count();
  std::string_view name = config["metadata"]["name"].string_or("");
  if (name != "config") {
    ctx.error("/metadata/name", "config resource must have name 'config'");
  }
  const Value* spec = fields::object_field(config, "spec", "", ctx);
  std::vector<Entry> added;
  if (spec != nullptr) {
    if (const Value* match = fields::array_field(*spec, "match", "/spec", ctx)) {
      for (size_t i = 0; i < match->items().size(); ++i) {
        const Value& item = match->items()[i];
        std::string ptr = value::pointer_append("/spec/match", i);
        if (!item.is_object()) {
          ctx.error(ptr, "match entries must be objects with processes and excludedNamespaces");
          continue;
        }
        Entry e;
        e.processes = fields::string_list_field(item, "processes", ptr, ctx);
        for (const std::string& p : e.processes) {
          if (p != "*" && p != "audit" && p != "webhook" && p != "mutation-webhook" && p != "sync") {
            ctx.error(ptr + "/processes", "unknown process \"" + p + "\" (audit, webhook, mutation-webhook, sync, *)");
          }
        }
        for (const std::string& ns : fields::string_list_field(item, "excludedNamespaces", ptr, ctx)) {
          e.excluded_namespaces.emplace_back(ns);
        }
        added.push_back(std::move(e));
      }
    }
  }
  // spec.sync.syncOnly: what serve replicates from the cluster into
  // data.inventory. Entries without a version or kind name nothing to watch.
  std::vector<SyncKind> sync;
  if (spec != nullptr) {
    if (const Value* only = spec->path({"sync", "syncOnly"}); only != nullptr && only->is_array()) {
      for (const Value& item : only->items()) {
        SyncKind k{std::string(item["group"].string_or("")), std::string(item["version"].string_or("")),
                   std::string(item["kind"].string_or(""))};
        if (!k.version.empty() && !k.kind.empty()) sync.push_back(std::move(k));
      }
    }
  }
  if (ctx.error_count() != errors_before) return false;
  for (SyncKind& k : sync) {
    if (std::find(sync_only_.begin(), sync_only_.end(), k) == sync_only_.end()) sync_only_.push_back(std::move(k));
  }
  entries_.insert(entries_.end(), std::make_move_iterator(added.begin()), std::make_move_iterator(added.end()));
  return true;
}

bool GatekeeperConfig::excludes(std::string_view process, std::string_view namespace_name) const {
  for (const Entry& e : entries_) {
    bool applies = std::any_of(e.processes.begin(), e.processes.end(),
                               [&](const std::string& p) { return p == "*" || p == process; });
    if (!applies) continue;
    for (const Wildcard& w : e.excluded_namespaces) {
      if (w.matches(namespace_name)) return true;
    }
  }
  return false;
}

std::string_view config_process_for(std::string_view enforcement_point) {
  if (enforcement_point == kValidationPoint) return "webhook";
  if (enforcement_point == kAuditPoint) return "audit";
  return "";
}

}  // namespace tollgate::policies
