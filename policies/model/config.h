// Gatekeeper's Config (config.gatekeeper.sh, name `config`), of which only
// `spec.match` matters here: namespaces excluded from a process
// (gatekeeper-semantics.md §6.4).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policies/match/wildcard.h"
#include "policies/model/parse_context.h"
#include "policies/policy_set.h"
#include "rules/value/value.h"

namespace tollgate::policies {

class GatekeeperConfig {
 public:
  // Adds the exclusions of one Config object; reports problems into ctx.
  bool add(const value::Value& config, ParseContext& ctx);

  // Whether `namespace_name` is excluded from `process` ("webhook", "audit",
  // "mutation-webhook", "sync"). Cluster-scoped objects have namespace "",
  // which only a bare "*" (or "") excludes.
  bool excludes(std::string_view process, std::string_view namespace_name) const;
  bool empty() const { return entries_.empty(); }
  // spec.sync.syncOnly of every Config added, without duplicates.
  const std::vector<SyncKind>& sync_only() const { return sync_only_; }

 private:
  struct Entry {
    std::vector<std::string> processes;  // may hold "*"
    std::vector<Wildcard> excluded_namespaces;
  };
  std::vector<Entry> entries_;
  std::vector<SyncKind> sync_only_;
};

// The Config process of an enforcement point ("" when Config does not apply,
// as for gator).
std::string_view config_process_for(std::string_view enforcement_point);

}  // namespace tollgate::policies
