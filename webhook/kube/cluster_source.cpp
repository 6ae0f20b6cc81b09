#include "webhook/kube/cluster_source.h"

#include <cstdlib>

#include "webhook/kube/kube_metrics.h"
#include "webhook/log.h"

namespace tollgate::webhook::kube {

std::optional<ClusterConfig> choose_cluster(const KubeApiOptions& options, std::string* error) {
  error->clear();
  if (options.mode == KubeApiOptions::Mode::Off) return std::nullopt;
  if (!options.kubeconfig.empty()) return load_kubeconfig(options.kubeconfig, error);
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  if (host == nullptr || *host == '\0') return std::nullopt;
  std::string why;
  std::optional<ClusterConfig> config = in_cluster_config(&why);
  if (!config) {
    log_warn(LogLine("in a pod, but not using the kube API (namespaceSelector falls back to the policy files' Namespaces)")
                 .field("reason", why));
  }
  return config;
}

ClusterSource::ClusterSource(std::shared_ptr<ClusterConnection> cluster, prometheus::Registry& registry,
                             SyncOptions sync, std::vector<value::Value> static_inventory,
                             std::shared_ptr<policies::vap::LiveParams> live_params)
    : metrics_(std::make_unique<KubeMetrics>(registry)),
      inventory_(cluster, sync, metrics_.get(), static_inventory) {
  if (live_params) {
    params_ = std::make_unique<ParamSync>(cluster, sync, metrics_.get(), &registry, std::move(static_inventory),
                                          std::move(live_params));
  }
  ReflectorOptions options = sync.reflector;
  KubeMetrics* metrics = metrics_.get();
  options.on_restart = [metrics](const ResourceRef& r, RestartReason reason) {
    metrics->record_watch_restart(r.label(), to_string(reason));
  };
  namespaces_.on_change([metrics](size_t count) { metrics->set_namespaces(static_cast<double>(count)); });
  namespace_reflector_ = std::make_unique<Reflector>(std::move(cluster), NamespaceCache::resource(), namespaces_, options);
}

ClusterSource::~ClusterSource() { stop(); }

void ClusterSource::start() {
  namespace_reflector_->start();
  inventory_.start();
  if (params_) params_->start();
}

void ClusterSource::stop() {
  namespace_reflector_->stop();
  inventory_.stop();
  if (params_) params_->stop();
}

bool ClusterSource::ready(std::string* why) const {
  if (namespace_reflector_->synced()) return true;
  std::string error = namespace_reflector_->last_error();
  *why = "Namespaces not listed from the kube API yet" + (error.empty() ? std::string() : ": " + error);
  return false;
}

void ClusterSource::policies_changed(const std::shared_ptr<const policies::PolicySet>& policies) {
  inventory_.set_policies(policies);
  if (params_) params_->set_policies(policies);
}

}  // namespace tollgate::webhook::kube
