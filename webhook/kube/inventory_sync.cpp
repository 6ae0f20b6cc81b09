#include "webhook/kube/inventory_sync.h"

#include "policies/rego_driver.h"
#include "rules/value/json.h"
#include "webhook/kube/discovery.h"
#include "webhook/kube/kube_metrics.h"
#include "webhook/log.h"

namespace tollgate::webhook::kube {
namespace {

using value::Value;
using Clock = std::chrono::steady_clock;

std::string kind_key(const policies::SyncKind& k) { return k.group + "/" + k.version + "/" + k.kind; }

std::string object_key(const Value& object) {
  return std::string(object["metadata"]["namespace"].string_or("")) + "/" +
         std::string(object["metadata"]["name"].string_or(""));
}

// What an object costs held as Values: its JSON size, doubled for the
// nodes, strings and keys of the tree.
size_t estimated_bytes(const Value& object) { return value::to_json(object).size() * 2; }

}  // namespace

struct InventorySync::Store final : ReflectorHandler {
  Store(InventorySync& owner, policies::SyncKind kind, ResourceRef resource)
      : owner(owner), kind(std::move(kind)), resource(std::move(resource)) {}

  struct Held {
    Value object;
    size_t bytes = 0;
  };

  InventorySync& owner;
  policies::SyncKind kind;
  ResourceRef resource;
  std::unique_ptr<Reflector> reflector;
  mutable std::mutex mutex;
  std::map<std::string, Held> objects;
  size_t bytes = 0;
  size_t not_held = 0;  // left out by the cap since the last list
  bool warned = false;

  // Under `mutex`.
  void release_all() {
    owner.objects_.fetch_sub(objects.size());
    owner.bytes_.fetch_sub(bytes);
    objects.clear();
    bytes = 0;
  }

  // Under `mutex`.
  void put(const Value& object) {
    std::string key = object_key(object);
    size_t size = estimated_bytes(object);
    auto it = objects.find(key);
    if (it != objects.end()) {
      owner.bytes_.fetch_add(size);
      owner.bytes_.fetch_sub(it->second.bytes);
      bytes = bytes + size - it->second.bytes;
      it->second = {object, size};
      return;
    }
    if (owner.objects_.load() + 1 > owner.options_.max_objects || owner.bytes_.load() + size > owner.options_.max_bytes) {
      ++not_held;
      if (owner.metrics_) owner.metrics_->record_dropped(kind.kind);
      if (!warned) {
        warned = true;
        log_error(LogLine("sync memory cap reached: objects beyond it are left out of " + owner.options_.purpose)
                      .field("kind", kind.kind)
                      .field("objects_held", static_cast<int64_t>(owner.objects_.load()))
                      .field("bytes_held", static_cast<int64_t>(owner.bytes_.load()))
                      .field("max_objects", static_cast<int64_t>(owner.options_.max_objects))
                      .field("max_bytes", static_cast<int64_t>(owner.options_.max_bytes)));
      }
      return;
    }
    objects.emplace(std::move(key), Held{object, size});
    bytes += size;
    owner.objects_.fetch_add(1);
    owner.bytes_.fetch_add(size);
  }

  void replace(std::vector<Value> list) override {
    auto started = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex);
      release_all();
      not_held = 0;
      warned = false;
      for (const Value& object : list) put(object);
    }
    if (owner.metrics_) owner.metrics_->record_sync(Clock::now() - started);
    owner.changed();
  }

  void apply(WatchEventType type, const Value& object) override {
    auto started = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (type == WatchEventType::Deleted) {
        auto it = objects.find(object_key(object));
        if (it != objects.end()) {
          owner.objects_.fetch_sub(1);
          owner.bytes_.fetch_sub(it->second.bytes);
          bytes -= it->second.bytes;
          objects.erase(it);
        }
      } else {
        put(object);
      }
    }
    if (owner.metrics_) owner.metrics_->record_sync(Clock::now() - started);
    owner.changed();
  }
};

InventorySync::InventorySync(std::shared_ptr<ClusterConnection> cluster, SyncOptions options, KubeMetrics* metrics,
                             std::vector<Value> static_objects)
    : cluster_(cluster),
      options_(std::move(options)),
      metrics_(metrics),
      static_objects_(std::move(static_objects)),
      discovery_(std::move(cluster)),
      data_(std::make_shared<const Value>(policies::inventory_data(static_objects_))) {}

InventorySync::~InventorySync() { stop(); }

void InventorySync::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void InventorySync::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  discovery_.cancel();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<std::string, std::unique_ptr<Store>> stores;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stores.swap(stores_);
  }
  for (auto& [key, store] : stores) {
    if (store->reflector) store->reflector->stop();
  }
}

void InventorySync::set_policies(std::shared_ptr<const policies::PolicySet> policies) {
  std::vector<policies::SyncKind> kinds = policies ? policies->sync_only() : std::vector<policies::SyncKind>{};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    policies_ = std::move(policies);
    if (kinds != wanted_) {
      wanted_ = std::move(kinds);
      kinds_changed_ = true;
      synced_.store(false);
    }
    dirty_.store(true);  // exclusions may have changed
  }
  wake_.notify_all();
}

void InventorySync::set_kinds(std::vector<policies::SyncKind> kinds) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wanted_ = std::move(kinds);
    kinds_changed_ = true;
    synced_.store(false);
  }
  wake_.notify_all();
}

Value InventorySync::data() const { return *data_.load(); }

bool InventorySync::synced() const { return synced_.load(); }

std::vector<InventorySync::KindStatus> InventorySync::kind_status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<KindStatus> out;
  for (const policies::SyncKind& kind : wanted_) {
    KindStatus status{kind, KindStatus::State::Discovering, false};
    std::string key = kind_key(kind);
    if (auto it = stores_.find(key); it != stores_.end()) {
      status.state = it->second->reflector->synced() ? KindStatus::State::Listed : KindStatus::State::Listing;
      status.namespaced = it->second->resource.namespaced;
    } else if (retry_at_.count(key) != 0) {
      status.state = KindStatus::State::NotServed;
    }
    out.push_back(std::move(status));
  }
  return out;
}

void InventorySync::changed() {
  dirty_.store(true);
  std::lock_guard<std::mutex> lock(mutex_);
  wake_.notify_all();
}

void InventorySync::reconcile(std::unique_lock<std::mutex>& lock) {
  kinds_changed_ = false;
  std::vector<policies::SyncKind> wanted = wanted_;
  // Kinds no longer wanted: stop their reflectors, drop their objects.
  for (auto it = stores_.begin(); it != stores_.end();) {
    bool keep = false;
    for (const policies::SyncKind& k : wanted) keep = keep || kind_key(k) == it->first;
    if (keep) {
      ++it;
      continue;
    }
    std::unique_ptr<Store> store = std::move(it->second);
    it = stores_.erase(it);
    lock.unlock();
    store->reflector->stop();
    {
      std::lock_guard<std::mutex> store_lock(store->mutex);
      store->release_all();
    }
    if (metrics_) metrics_->set_synced(store->kind.kind, 0, 0);
    log_info(LogLine("sync stopped")
                 .field("kind", store->kind.kind)
                 .field("resource", store->resource.label())
                 .field("for", options_.purpose));
    store.reset();
    lock.lock();
    dirty_.store(true);
  }
  for (auto it = retry_at_.begin(); it != retry_at_.end();) {
    bool still = false;
    for (const policies::SyncKind& k : wanted) still = still || kind_key(k) == it->first;
    it = still ? std::next(it) : retry_at_.erase(it);
  }
  // Kinds wanted and not yet reflected: discover their resource, start.
  for (const policies::SyncKind& kind : wanted) {
    std::string key = kind_key(kind);
    if (stores_.count(key) != 0 || stopping_) continue;
    auto retry = retry_at_.find(key);
    if (retry != retry_at_.end() && Clock::now() < retry->second) continue;
    lock.unlock();
    ResourceRef resource;
    std::string error;
    bool found = discover_resource(discovery_, kind, &resource, &error);
    lock.lock();
    if (stopping_) return;
    if (!found) {
      log_error(LogLine("cannot sync a kind").field("kind", key).field("for", options_.purpose).field("error", error));
      retry_at_[key] = Clock::now() + options_.discovery_retry;
      dirty_.store(true);  // its state changed (kind_status)
      continue;
    }
    retry_at_.erase(key);
    auto store = std::make_unique<Store>(*this, kind, resource);
    ReflectorOptions reflector_options = options_.reflector;
    if (metrics_ && !reflector_options.on_restart) {
      KubeMetrics* metrics = metrics_;
      reflector_options.on_restart = [metrics](const ResourceRef& r, RestartReason reason) {
        metrics->record_watch_restart(r.label(), to_string(reason));
      };
    }
    store->reflector = std::make_unique<Reflector>(cluster_, resource, *store, reflector_options);
    store->reflector->start();
    log_info(LogLine("sync started").field("kind", key).field("resource", resource.path()).field("for", options_.purpose));
    stores_.emplace(key, std::move(store));
  }
}

void InventorySync::rebuild() {
  dirty_.store(false);
  std::vector<Value> objects = static_objects_;
  bool all_synced = true;
  std::shared_ptr<const policies::PolicySet> policies;
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> counts;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    policies = policies_;
    all_synced = stores_.size() == wanted_.size();
    size_t listed = 0;
    for (auto& [key, store] : stores_) {
      all_synced = all_synced && store->reflector->synced();
      listed += store->reflector->synced() ? 1 : 0;
      std::lock_guard<std::mutex> store_lock(store->mutex);
      bool is_namespace = store->kind.group.empty() && store->kind.kind == "Namespace";
      for (const auto& [object_key, held] : store->objects) {
        const Value& metadata = held.object["metadata"];
        std::string_view ns = is_namespace ? metadata["name"].string_or("") : metadata["namespace"].string_or("");
        // Gatekeeper's sync leaves out what the Config excludes from `sync`.
        if (policies && !ns.empty() && policies->config_excludes("sync", ns)) continue;
        objects.push_back(held.object);
      }
      counts.push_back({store->kind.kind, {store->objects.size(), store->not_held}});
    }
    listed_at_rebuild_.store(listed);
  }
  data_.store(std::make_shared<const Value>(policies::inventory_data(objects)));
  rebuilds_.fetch_add(1);
  synced_.store(all_synced);
  if (options_.on_rebuild) options_.on_rebuild(objects);
  if (metrics_ && options_.sync_gauges) {
    for (const auto& [kind, count] : counts) {
      metrics_->set_synced(kind, static_cast<double>(count.first), static_cast<double>(count.second));
    }
    metrics_->set_held(static_cast<double>(objects_.load()), static_cast<double>(bytes_.load()));
  }
}

void InventorySync::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  Clock::time_point last_rebuild = Clock::now() - options_.rebuild_interval;
  while (!stopping_) {
    if (kinds_changed_ || !retry_at_.empty() || stores_.size() != wanted_.size()) reconcile(lock);
    if (stopping_) break;
    Clock::time_point now = Clock::now();
    // Not synced yet although every reflector is, or a reflector listed since
    // the last rebuild (it says so after handing its list over): rebuild to say so.
    size_t listed = 0;
    for (auto& [key, store] : stores_) listed += store->reflector->synced() ? 1 : 0;
    bool reflectors_synced = stores_.size() == wanted_.size() && listed == stores_.size();
    if ((reflectors_synced && !synced_.load()) || listed != listed_at_rebuild_.load()) dirty_.store(true);
    if (dirty_.load() && now >= last_rebuild + options_.rebuild_interval) {
      lock.unlock();
      rebuild();
      lock.lock();
      last_rebuild = Clock::now();
      continue;
    }
    Clock::time_point until = dirty_.load() ? last_rebuild + options_.rebuild_interval : now + std::chrono::seconds(1);
    for (const auto& [key, at] : retry_at_) until = std::min(until, at);
    bool was_dirty = dirty_.load();
    wake_.wait_until(lock, until, [&] { return stopping_ || kinds_changed_ || (!was_dirty && dirty_.load()); });
  }
}

}  // namespace tollgate::webhook::kube
