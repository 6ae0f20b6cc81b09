#include "webhook/kube/namespace_cache.h"

namespace tollgate::webhook::kube {

using value::Value;

NamespaceCache::NamespaceCache() : current_(std::make_shared<const Snapshot>()) {}

Value NamespaceCache::find(std::string_view name) const {
  std::shared_ptr<const Snapshot> snapshot = current_.load();
  auto it = snapshot->find(name);
  return it == snapshot->end() ? Value() : it->second;
}

void NamespaceCache::publish(Snapshot next) {
  size_t count = next.size();
  current_.store(std::make_shared<const Snapshot>(std::move(next)));
  if (on_change_) on_change_(count);
}

void NamespaceCache::replace(std::vector<Value> objects) {
  std::lock_guard<std::mutex> lock(writer_);
  Snapshot next;
  for (Value& object : objects) {
    std::string name(object["metadata"]["name"].string_or(""));
    if (!name.empty()) next[std::move(name)] = std::move(object);
  }
  publish(std::move(next));
}

void NamespaceCache::apply(WatchEventType type, const Value& object) {
  std::string name(object["metadata"]["name"].string_or(""));
  if (name.empty()) return;
  std::lock_guard<std::mutex> lock(writer_);
  // Copy on write: Namespaces change seldom, and readers never wait.
  Snapshot next = *current_.load();
  if (type == WatchEventType::Deleted) {
    next.erase(name);
  } else {
    next[name] = object;
  }
  publish(std::move(next));
}

}  // namespace tollgate::webhook::kube
