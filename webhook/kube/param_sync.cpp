#include "webhook/kube/param_sync.h"

#include <array>
#include <map>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "webhook/kube/kube_metrics.h"

namespace tollgate::webhook::kube {
namespace {

using value::Value;
using policies::vap::WatchedParamKind;
using State = InventorySync::KindStatus::State;

constexpr std::array<std::pair<State, const char*>, 4> kStates = {{{State::Discovering, "discovering"},
                                                                     {State::NotServed, "not_served"},
                                                                     {State::Listing, "listing"},
                                                                     {State::Listed, "listed"}}};

std::string kind_label(const policies::SyncKind& k) {
  return (k.group.empty() ? k.version : k.group + "/" + k.version) + ", Kind=" + k.kind;
}

// The files' objects that may be params: what PolicySet takes from --inventory.
std::vector<Value> param_objects(std::vector<Value> objects) {
  std::erase_if(objects, [](const Value& o) {
    return o["kind"].string_or("") == "Namespace" && o["apiVersion"].string_or("") == "v1";
  });
  return objects;
}

SyncOptions param_sync_options(SyncOptions options, KubeMetrics* metrics) {
  options.purpose = "admission policy params";
  options.sync_gauges = false;  // gatekeeper_sync and tollgate_kube_sync_* stay data.inventory's
  if (metrics && !options.reflector.on_restart) {
    options.reflector.on_restart = [metrics](const ResourceRef& r, RestartReason reason) {
      metrics->record_watch_restart(r.label(), to_string(reason));
    };
  }
  return options;
}

}  // namespace

ParamSync::ParamSync(std::shared_ptr<ClusterConnection> cluster, SyncOptions options, KubeMetrics* metrics,
                     prometheus::Registry* registry, std::vector<Value> static_objects,
                     std::shared_ptr<policies::vap::LiveParams> live)
    : live_(std::move(live)),
      static_objects_(param_objects(std::move(static_objects))),
      sync_(std::move(cluster),
            [&] {
              SyncOptions o = param_sync_options(std::move(options), metrics);
              o.on_rebuild = [this](const std::vector<Value>& objects) { publish(objects); };
              return o;
            }(),
            metrics, static_objects_) {
  if (registry != nullptr) {
    kinds_gauge_ = &prometheus::BuildGauge()
                        .Name("tollgate_kube_param_kinds")
                        .Help("paramKinds of the admission policies by where their watch stands: 1 for the "
                              "state it is in (discovering, not_served, listing, listed)")
                        .Register(*registry);
  }
  // Until the first rebuild: the files' params, every paramKind not synced yet.
  live_->publish(std::make_shared<const policies::vap::ParamIndex>(static_objects_, std::vector<WatchedParamKind>{}));
}

ParamSync::~ParamSync() { stop(); }

void ParamSync::start() { sync_.start(); }
void ParamSync::stop() { sync_.stop(); }

void ParamSync::set_policies(const std::shared_ptr<const policies::PolicySet>& policies) {
  sync_.set_kinds(policies ? policies->admission_policy_param_kinds() : std::vector<policies::SyncKind>{});
}

void ParamSync::set_kinds(std::vector<policies::SyncKind> kinds) { sync_.set_kinds(std::move(kinds)); }

void ParamSync::publish(const std::vector<Value>& objects) {
  std::vector<InventorySync::KindStatus> status = sync_.kind_status();
  std::vector<WatchedParamKind> watched;
  for (const InventorySync::KindStatus& s : status) {
    WatchedParamKind w{s.kind.group, s.kind.version, s.kind.kind, WatchedParamKind::State::Listing, s.namespaced};
    if (s.state == State::Listed) w.state = WatchedParamKind::State::Listed;
    if (s.state == State::NotServed) w.state = WatchedParamKind::State::NotServed;
    if (s.state == State::Discovering) continue;  // not watched yet: not synced either
    watched.push_back(std::move(w));
  }
  live_->publish(std::make_shared<const policies::vap::ParamIndex>(objects, std::move(watched)));
  publishes_.fetch_add(1);
  if (kinds_gauge_ == nullptr) return;
  std::lock_guard<std::mutex> lock(gauge_mutex_);
  std::vector<std::string> labels;
  for (const InventorySync::KindStatus& s : status) {
    std::string label = kind_label(s.kind);
    for (const auto& [state, name] : kStates) {
      kinds_gauge_->Add({{"kind", label}, {"state", name}}).Set(state == s.state ? 1 : 0);
    }
    labels.push_back(std::move(label));
  }
  for (const std::string& gone : gauge_kinds_) {
    if (std::find(labels.begin(), labels.end(), gone) != labels.end()) continue;
    for (const auto& [state, name] : kStates) kinds_gauge_->Remove(&kinds_gauge_->Add({{"kind", gone}, {"state", name}}));
  }
  gauge_kinds_ = std::move(labels);
}

}  // namespace tollgate::webhook::kube
