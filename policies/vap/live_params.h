// The params serve keeps from the cluster (webhook/kube/param_sync.h): a
// ParamIndex swapped atomically whenever param objects change, so the
// engines built with it (LoadOptions::admission_policy_live_params) see new
// params without a policy reload. A review never sees a half-built index:
// it takes the current one once and keeps it to the end.
#pragma once

#include <atomic>
#include <memory>

#include "policies/vap/param_index.h"

namespace tollgate::policies::vap {

class LiveParams {
 public:
  // Null until the first publish.
  std::shared_ptr<const ParamIndex> current() const { return current_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const ParamIndex> index) { current_.store(std::move(index), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const ParamIndex>> current_;
};

// The params one evaluation reads: the live index when the engine has one
// that has been published, else the engine's own (its files). The live index
// is loaded at most once per evaluation, when a policy with a paramKind
// first matches, and held until the evaluation ends.
class ParamScope {
 public:
  explicit ParamScope(const LiveParams* live) : live_(live) {}

  // `built`: the kind as resolved against the engine's own index at build.
  // The answer is valid until the next call.
  const ParamIndex::KindInfo& resolve(const ParamKind& kind, const ParamIndex::KindInfo& built) {
    if (live_ == nullptr) return built;
    if (!loaded_) {
      loaded_ = true;
      current_ = live_->current();
    }
    if (!current_) return built;
    // Policies mostly share a few paramKinds (ConfigMap): resolved once in a row.
    if (resolved_ == nullptr || resolved_->kind != kind.kind || resolved_->api_version != kind.api_version) {
      info_ = current_->resolve(kind);
      resolved_ = &kind;
    }
    return info_;
  }

 private:
  const LiveParams* live_;
  bool loaded_ = false;
  std::shared_ptr<const ParamIndex> current_;
  ParamIndex::KindInfo info_;
  const ParamKind* resolved_ = nullptr;  // whose info_ is (a policy's, alive while the engine is)
};

}  // namespace tollgate::policies::vap
