#include "webhook/kube/reflector.h"

#include <random>

#include "rules/value/json.h"
#include "webhook/log.h"

namespace tollgate::webhook::kube {
namespace {

using value::Value;

double uniform01() {
  thread_local std::mt19937 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

RestartReason reason_for_status(int status) {
  if (status == 410) return RestartReason::Gone;
  if (status == 401) return RestartReason::Unauthorized;
  if (status == 403) return RestartReason::Forbidden;
  if (status >= 500 || status == 429) return RestartReason::ServerError;
  return RestartReason::Refused;
}

}  // namespace

std::string ResourceRef::path() const { return group_version_path(group, version) + "/" + resource; }

std::string ResourceRef::label() const { return group.empty() ? resource : resource + "." + group; }

const char* to_string(RestartReason reason) {
  switch (reason) {
    case RestartReason::Gone: return "gone";
    case RestartReason::Dropped: return "dropped";
    case RestartReason::ServerError: return "server_error";
    case RestartReason::Unauthorized: return "unauthorized";
    case RestartReason::Forbidden: return "forbidden";
    case RestartReason::Refused: return "refused";
    case RestartReason::BadEvent: return "bad_event";
  }
  return "unknown";
}

Reflector::Reflector(std::shared_ptr<ClusterConnection> cluster, ResourceRef resource, ReflectorHandler& handler,
                     ReflectorOptions options)
    : cluster_(cluster), resource_(std::move(resource)), handler_(handler), options_(std::move(options)),
      client_(std::move(cluster)) {}

Reflector::~Reflector() { stop(); }

void Reflector::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void Reflector::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true);
  }
  client_.cancel();
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::string Reflector::resource_version() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resource_version_;
}

std::string Reflector::last_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

void Reflector::set_resource_version(std::string rv) {
  if (rv.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  resource_version_ = std::move(rv);
}

void Reflector::set_error(std::string error) {
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = std::move(error);
}

void Reflector::restarted(RestartReason reason, const std::string& error) {
  set_error(error);
  if (reason == RestartReason::Unauthorized) {
    cluster_->tokens().invalidate();
    ++unauthorized_in_a_row_;
  } else {
    unauthorized_in_a_row_ = 0;
  }
  LogLine line(reason == RestartReason::Forbidden
                   ? "kube API refused access: the service account lacks RBAC permission to list/watch this resource"
                   : "kube API watch restarted");
  line.field("resource", resource_.label()).field("reason", to_string(reason)).field("error", error);
  if (reason == RestartReason::Forbidden) {
    log_error(line);
  } else {
    log_warn(line);
  }
  if (options_.on_restart) options_.on_restart(resource_, reason);
}

void Reflector::back_off() {
  // A first 401 is retried at once with the token read again.
  if (unauthorized_in_a_row_ == 1) return;
  backoff_ = backoff_.count() == 0 ? options_.backoff_initial : std::min(backoff_ * 2, options_.backoff_max);
  auto wait = std::chrono::milliseconds(static_cast<int64_t>(backoff_.count() * (1.0 + uniform01())));
  wait = std::min(wait, options_.backoff_max);
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, wait, [this] { return stopping_.load(); });
}

void Reflector::run() {
  bool need_list = true;
  while (!stopping_.load()) {
    if (need_list) {
      if (!list_all()) {
        if (!stopping_.load()) back_off();
        continue;
      }
      need_list = false;
      backoff_ = std::chrono::milliseconds(0);
      unauthorized_in_a_row_ = 0;
    }
    need_list = watch_once();
  }
}

bool Reflector::list_all() {
  std::vector<Value> objects;
  std::string continue_token;
  std::string resource_version;
  do {
    ApiResponse refused;
    ListPage page;
    try {
      page = client_.list_page(resource_.path(), options_.page_size, continue_token, &refused);
    } catch (const TransportError& e) {
      if (!stopping_.load()) restarted(RestartReason::Dropped, std::string("list: ") + e.what());
      return false;
    }
    if (refused.status != 0) {
      // 410 here: the continue token expired; the whole list starts again.
      restarted(reason_for_status(refused.status), "list: " + refused.describe());
      return false;
    }
    for (Value& object : page.items) objects.push_back(std::move(object));
    resource_version = std::move(page.resource_version);
    continue_token = std::move(page.continue_token);
  } while (!continue_token.empty() && !stopping_.load());
  if (stopping_.load()) return false;
  handler_.replace(std::move(objects));
  set_resource_version(std::move(resource_version));
  set_error("");
  synced_.store(true);
  lists_.fetch_add(1);
  return true;
}

bool Reflector::watch_once() {
  std::string from = resource_version();
  bool relist = false;
  std::string failure;
  RestartReason failure_reason = RestartReason::BadEvent;
  size_t lines = 0;
  auto started = std::chrono::steady_clock::now();
  auto on_line = [&](std::string_view line) {
    ++lines;
    Value event;
    value::JsonError error;
    if (!value::parse_json(line, &event, &error) || !event.is_object()) {
      failure = "watch event is not JSON: " + error.message;
      return false;
    }
    std::string_view type = event["type"].string_or("");
    const Value& object = event["object"];
    if (type == "ADDED" || type == "MODIFIED" || type == "DELETED") {
      if (!object.is_object()) {
        failure = "watch event " + std::string(type) + " without an object";
        return false;
      }
      handler_.apply(type == "ADDED" ? WatchEventType::Added : type == "MODIFIED" ? WatchEventType::Modified
                                                                                   : WatchEventType::Deleted,
                     object);
      set_resource_version(std::string(object["metadata"]["resourceVersion"].string_or("")));
      return true;
    }
    if (type == "BOOKMARK") {
      set_resource_version(std::string(object["metadata"]["resourceVersion"].string_or("")));
      return true;
    }
    if (type == "ERROR") {
      const Value& code = object["code"];
      int status = code.is_int() ? static_cast<int>(code.as_int()) : 0;
      failure = "watch ERROR " + std::to_string(status) + " " + std::string(object["reason"].string_or("")) + ": " +
                std::string(object["message"].string_or(""));
      if (status == 410) {
        relist = true;
      } else {
        failure_reason = reason_for_status(status);
      }
      return false;
    }
    failure = "watch event of unknown type \"" + std::string(type) + "\"";
    return false;
  };
  double jitter = 1.0 + uniform01();
  ApiResponse response;
  try {
    response = client_.watch(resource_.path(), from, static_cast<int>(options_.watch_timeout_seconds * jitter), on_line);
  } catch (const TransportError& e) {
    if (stopping_.load()) return false;
    restarted(RestartReason::Dropped, e.what());
    back_off();
    return false;
  }
  if (stopping_.load()) return false;
  if (response.status != 200) {
    RestartReason reason = reason_for_status(response.status);
    restarted(reason, "watch: " + response.describe());
    if (reason == RestartReason::Gone) return true;
    back_off();
    return false;
  }
  if (relist) {
    // The version is too old: list again at once, as client-go does.
    restarted(RestartReason::Gone, failure);
    return true;
  }
  if (!failure.empty()) {
    restarted(failure_reason, failure);
    back_off();
    return false;
  }
  unauthorized_in_a_row_ = 0;
  set_error("");
  if (lines == 0 && std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
    // Ended at once with nothing said (a proxy closing watches, say): not
    // worth a log line, but no reason to ask again in a tight loop either.
    back_off();
    return false;
  }
  // The server ended the watch after its timeoutSeconds: watch on.
  backoff_ = std::chrono::milliseconds(0);
  return false;
}

}  // namespace tollgate::webhook::kube
