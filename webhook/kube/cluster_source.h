// The cluster as a source for `serve`: the Namespace cache (list + watch of
// /api/v1/namespaces) behind namespaceSelector, the Config's syncOnly
// kinds behind data.inventory, and the admission policies' params. Everything runs on its own threads; the
// admission endpoints only read snapshots (ClusterView).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "webhook/kube/api_client.h"
#include "webhook/kube/cluster_view.h"
#include "webhook/kube/inventory_sync.h"
#include "webhook/kube/namespace_cache.h"
#include "webhook/kube/param_sync.h"
#include "webhook/kube/reflector.h"

namespace prometheus {
class Registry;
}

namespace tollgate::webhook::kube {

class KubeMetrics;

// serve's --kube-api, --kubeconfig and sync flags.
struct KubeApiOptions {
  enum class Mode { Auto, Off };
  Mode mode = Mode::Auto;
  std::string kubeconfig;  // --kubeconfig FILE
  SyncOptions sync;
  ClientOptions client;
};

// Which cluster `serve` talks to: the kubeconfig when given, in-cluster when
// KUBERNETES_SERVICE_HOST is set (and the token is there), else none
// (nullopt, *error empty: file-only mode). A kubeconfig that cannot be read
// is an error (*error set).
std::optional<ClusterConfig> choose_cluster(const KubeApiOptions& options, std::string* error);

class ClusterSource final : public ClusterView {
 public:
  // `live_params`, when given, gets the admission policies' params from the
  // cluster (param_sync.h) as the policies set with policies_changed name them.
  ClusterSource(std::shared_ptr<ClusterConnection> cluster, prometheus::Registry& registry, SyncOptions sync,
                std::vector<value::Value> static_inventory,
                std::shared_ptr<policies::vap::LiveParams> live_params = nullptr);
  ~ClusterSource() override;

  void start();
  void stop();

  value::Value namespace_object(std::string_view name) const override { return namespaces_.find(name); }
  value::Value inventory_data() const override { return inventory_.data(); }
  bool ready(std::string* why) const override;
  void policies_changed(const std::shared_ptr<const policies::PolicySet>& policies) override;

  const NamespaceCache& namespaces() const { return namespaces_; }
  const InventorySync& inventory() const { return inventory_; }
  const ParamSync* params() const { return params_.get(); }

 private:
  std::unique_ptr<KubeMetrics> metrics_;
  NamespaceCache namespaces_;
  std::unique_ptr<Reflector> namespace_reflector_;
  InventorySync inventory_;
  std::unique_ptr<ParamSync> params_;
};

}  // namespace tollgate::webhook::kube
