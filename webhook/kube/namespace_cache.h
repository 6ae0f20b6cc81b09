// The cluster's Namespaces, kept by a reflector, for namespaceSelector at the
// webhook (Gatekeeper's webhook asks its informer cache the same). Readers
// take an immutable snapshot (an atomic shared pointer) and look the name
// up: no lock held while evaluating, nothing copied per request.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "rules/value/value.h"
#include "webhook/kube/reflector.h"

namespace tollgate::webhook::kube {

class NamespaceCache final : public ReflectorHandler {
 public:
  using Snapshot = std::map<std::string, value::Value, std::less<>>;

  NamespaceCache();
  // The Namespace named `name`, or null when the cache has none.
  value::Value find(std::string_view name) const;
  std::shared_ptr<const Snapshot> snapshot() const { return current_.load(); }
  size_t size() const { return current_.load()->size(); }
  // Called with the number of Namespaces after each change (metrics).
  void on_change(std::function<void(size_t)> callback) { on_change_ = std::move(callback); }

  void replace(std::vector<value::Value> objects) override;
  void apply(WatchEventType type, const value::Value& object) override;

  static ResourceRef resource() { return {"", "v1", "namespaces", "Namespace", false}; }

 private:
  void publish(Snapshot next);
  std::mutex writer_;  // one writer at a time (the reflector's thread; tests)
  std::atomic<std::shared_ptr<const Snapshot>> current_;
  std::function<void(size_t)> on_change_;
};

}  // namespace tollgate::webhook::kube
