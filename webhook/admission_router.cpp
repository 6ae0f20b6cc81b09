#include "webhook/admission_router.h"

#include <chrono>
#include <exception>

#include "policies/decision.h"
#include "policies/expansion/expanded_review.h"
#include "policies/expansion/expansion_system.h"
#include "policies/mutation_review.h"
#include "rules/value/eval_budget.h"
#include "rules/value/json.h"
#include "webhook/admission_codec.h"
#include "webhook/kube/cluster_view.h"
#include "webhook/log.h"
#include "webhook/metrics.h"
#include "webhook/worker_pool.h"

namespace tollgate::webhook {
namespace {

using Clock = std::chrono::steady_clock;

enum class Endpoint { Validate, Mutate, Healthz, Readyz, None };

Endpoint find_endpoint(std::string_view path) {
  if (path == "/validate" || path == "/v1/admit") return Endpoint::Validate;
  if (path == "/mutate" || path == "/v1/mutate") return Endpoint::Mutate;
  if (path == "/healthz") return Endpoint::Healthz;
  if (path == "/readyz") return Endpoint::Readyz;
  return Endpoint::None;
}

http::verb method_of(Endpoint endpoint) {
  return endpoint == Endpoint::Validate || endpoint == Endpoint::Mutate ? http::verb::post : http::verb::get;
}

const char* json_media_type = "application/json";

HttpResponse json_response(std::string body) {
  return make_response(http::status::ok, json_media_type, std::move(body));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// The object a request is about: its name lives in request.name, except on
// CREATE with generateName, where only the object knows (and may not).
std::string_view object_name(const value::Value& request) {
  std::string_view name = request["name"].string_or("");
  if (!name.empty()) return name;
  const value::Value* from_object = request.path({"object", "metadata", "name"});
  return from_object ? from_object->string_or("") : std::string_view();
}

constexpr const char* kSelfManageMessage = "Gatekeeper does not self-manage";
constexpr const char* kExcludedMessage = "Namespace is set to be ignored by Gatekeeper config";

// A request by the exempt user (AdmissionOptions::exempt_username).
bool exempt_user(const AdmissionOptions& options, const value::Value& request) {
  return !options.exempt_username.empty() &&
         request["userInfo"]["username"].string_or("") == options.exempt_username;
}

// CREATE or UPDATE: what Gatekeeper mutates; it answers other operations
// before it looks at the Config.
bool mutable_operation(const value::Value& request) {
  std::string_view operation = request["operation"].string_or("");
  return operation == "CREATE" || operation == "UPDATE";
}

// The namespace Config exclusions test: a Namespace's own name, else the
// request's (or, when the request leaves it out, the object's).
std::string_view namespace_for_config(const value::Value& request) {
  const value::Value& kind = request["kind"];
  const value::Value& object = request["object"].is_object() ? request["object"] : request["oldObject"];
  if (kind["group"].string_or("").empty() && kind["kind"].string_or("") == "Namespace") {
    std::string_view name = request["name"].string_or("");
    return name.empty() ? object["metadata"]["name"].string_or("") : name;
  }
  std::string_view ns = request["namespace"].string_or("");
  return ns.empty() ? object["metadata"]["namespace"].string_or("") : ns;
}

// The "[constraint] message" of each result that had `action` (once per
// time a scoped result lists it), as the array field `key` when there is one:
// encoded into the log line straight from the result.
void add_result_lines(LogLine& line, std::string_view key, const policies::Decision& decision,
                      std::string_view action) {
  bool any = false;
  auto add = [&](const policies::Result& result) {
    if (!any) line.begin_array(key);
    any = true;
    line.begin_element()
        .append_to_element("[")
        .append_to_element(result.constraint_name)
        .append_to_element("] ")
        .append_to_element(result.message)
        .end_element();
  };
  for (const policies::Result& result : decision.results) {
    if (result.enforcement_action == "scoped") {
      for (const std::string& a : result.scoped_actions) {
        if (a == action) add(result);
      }
    } else if (result.enforcement_action == action) {
      add(result);
    }
  }
  if (any) line.end_array();
}

// A log line naming the request: uid, operation, kind, name, namespace,
// user and dry_run.
LogLine request_log_line(const char* msg, const AdmissionReviewRequest& review) {
  LogLine line(msg);
  const value::Value& request = review.request;
  line.field("uid", review.uid)
      .field("operation", request["operation"].string_or(""))
      .field("kind", request["kind"]["kind"].string_or(""))
      .field("name", object_name(request))
      .field("namespace", request["namespace"].string_or(""))
      .field("user", request["userInfo"]["username"].string_or(""))
      .field("dry_run", review.dry_run ? "true" : "false");
  return line;
}

void log_decision(const AdmissionReviewRequest& review, const policies::Decision& decision) {
  if (decision.results.empty() && decision.code != 500) return;
  const char* msg = decision.code == 500 ? "admission error" : decision.allowed ? "admission allowed with violations"
                                                                                : "admission denied";
  LogLine line = request_log_line(msg, review);
  line.field("code", static_cast<int64_t>(decision.code));
  if (decision.code == 500) {
    line.field("error", decision.message);
    log_error(std::move(line));
    return;
  }
  add_result_lines(line, "denials", decision, "deny");
  add_result_lines(line, "warnings", decision, "warn");
  add_result_lines(line, "dryrun_violations", decision, "dryrun");
  // One per request with violations: written with the writer's next batch.
  log_batched(decision.allowed ? spdlog::level::info : spdlog::level::warn, std::move(line));
}

// Mutated objects (with the mutators that applied) and mutation errors;
// requests left alone are not logged.
void log_mutation(const AdmissionReviewRequest& review, const policies::MutationReview& mutation, size_t patch_operations) {
  if (mutation.outcome == policies::MutationOutcome::Failed) {
    // The code answered: 500 for the Gatekeeper mutators' errors, a
    // MutatingAdmissionPolicy's own (403) for its denials.
    LogLine line = request_log_line("mutation error", review);
    line.field("code", static_cast<int64_t>(mutation.code)).field("error", mutation.message);
    log_error(std::move(line));
    return;
  }
  if (mutation.outcome != policies::MutationOutcome::Mutated) return;
  LogLine line = request_log_line("mutation applied", review);
  line.field("mutators", mutation.result.applied)
      .field("iterations", static_cast<int64_t>(mutation.result.iterations))
      .field("patch_operations", static_cast<int64_t>(patch_operations));
  log_info(std::move(line));
}

// The AdmissionReview answer to a mutation (gatekeeper-semantics §5.9).
std::string mutation_response(const AdmissionReviewRequest& review, const policies::MutationReview& mutation,
                              const value::Value& patch) {
  switch (mutation.outcome) {
    case policies::MutationOutcome::Failed: {
      policies::Decision error;
      error.allowed = false;
      error.code = mutation.code;
      error.reason = mutation.reason;
      error.message = mutation.message;
      return encode_validation_response(review, error);
    }
    case policies::MutationOutcome::Mutated:
      // Mutators that only rewrote what was there leave an empty patch: then
      // no patch at all, as Gatekeeper answers.
      return encode_mutation_response(review, patch.size() == 0 ? std::string() : value::to_json(patch));
    case policies::MutationOutcome::Skipped:
    case policies::MutationOutcome::Unchanged:
      break;
  }
  return encode_mutation_response(review, {}, mutation.message);
}

// Policies are installed before the listener starts; a router without them
// (tests) still answers with an AdmissionReview that refuses.
policies::Decision policies_not_loaded() {
  policies::Decision d = policies::internal_error("tollgate has no policies loaded yet; the request was not evaluated");
  d.code = 503;
  return d;
}

policies::MutationReview failed_mutation(std::string message) {
  policies::MutationReview failed;
  failed.outcome = policies::MutationOutcome::Failed;
  failed.message = std::move(message);
  failed.result.failed = true;
  return failed;
}

// The Namespace of a namespaced request from the cluster's cache; null for
// a Namespace (its own namespace), a cluster-scoped object, no cluster, or a
// name the cache does not know.
value::Value cluster_namespace(const kube::ClusterView* cluster, const value::Value& request) {
  if (cluster == nullptr) return {};
  const value::Value& kind = request["kind"];
  if (kind["group"].string_or("").empty() && kind["kind"].string_or("") == "Namespace") return {};
  std::string_view name = namespace_for_config(request);
  return name.empty() ? value::Value() : cluster->namespace_object(name);
}

AdmissionStatus admission_status(const policies::Decision& decision) {
  if (decision.code >= 500) return AdmissionStatus::Error;
  return decision.allowed ? AdmissionStatus::Allow : AdmissionStatus::Deny;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), json_media_type);
}

std::string gatekeeper_service_account(std::string_view gatekeeper_namespace) {
  return "system:serviceaccount:" + std::string(gatekeeper_namespace) + ":gatekeeper-admin";
}

AdmissionRouter::AdmissionRouter(Metrics& metrics, AdmissionOptions options)
    : metrics_(metrics), options_(std::move(options)) {}

void AdmissionRouter::set_policies(std::shared_ptr<const policies::PolicySet> policies) {
  if (cluster_ != nullptr) cluster_->policies_changed(policies);
  policies_.store(std::move(policies));
}

std::optional<HttpResponse> AdmissionRouter::screen(const HttpRequestHeader& header) {
  std::string_view path = request_path(to_std(header.target()));
  Endpoint endpoint = find_endpoint(path);
  if (endpoint == Endpoint::None) {
    return text_response(http::status::not_found, "no such endpoint: " + std::string(path));
  }
  http::verb allowed = method_of(endpoint);
  if (header.method() != allowed) {
    HttpResponse response = text_response(http::status::method_not_allowed,
                                          "method " + std::string(header.method_string()) + " is not allowed on " +
                                              std::string(path) + "; use " + std::string(http::to_string(allowed)));
    response.set(http::field::allow, http::to_string(allowed));
    return response;
  }
  if (allowed == http::verb::post) {
    auto content_type = header.find(http::field::content_type);
    if (content_type == header.end() || !is_json_content_type(to_std(content_type->value()))) {
      std::string got = content_type == header.end() ? "none" : "\"" + std::string(content_type->value()) + "\"";
      return text_response(http::status::unsupported_media_type,
                           "Content-Type must be application/json, got " + got);
    }
  }
  return std::nullopt;
}

HttpResponse AdmissionRouter::handle(const HttpRequest& request) { return answer(request, nullptr, Clock::now()); }

bool AdmissionRouter::answers_later(const HttpRequest& request) const {
  if (pool_ == nullptr) return false;
  Endpoint endpoint = find_endpoint(request_path(to_std(request.target())));
  return endpoint == Endpoint::Validate || endpoint == Endpoint::Mutate;
}

void AdmissionRouter::set_worker_pool(WorkerPool* pool) {
  pool_ = pool;
  if (pool == nullptr) metrics_.set_eval_queue_depth_source(nullptr);
  else metrics_.set_eval_queue_depth_source([pool] { return pool->queued(); });
}

void AdmissionRouter::answer_later(HttpRequest request, const std::atomic<bool>* cancelled, Done done) {
  Clock::time_point received = Clock::now();
  pool_->submit([this, request = std::move(request), cancelled, received, done = std::move(done)](bool run) {
    if (!run) return done(refused(request));
    if (cancelled->load(std::memory_order_relaxed)) {
      // Its client went away while it waited: nobody reads the answer.
      return done(text_response(http::status::service_unavailable, "cancelled before evaluation"));
    }
    HttpResponse response;
    try {
      response = answer(request, cancelled, received);
    } catch (const std::exception& e) {
      // Only before the review is decoded (validate and mutate answer their
      // own errors with an AdmissionReview): there is no uid to answer.
      response = text_response(http::status::internal_server_error, std::string("internal error: ") + e.what());
    } catch (...) {
      response = text_response(http::status::internal_server_error, "internal error: unknown exception");
    }
    done(std::move(response));
  });
}

HttpResponse AdmissionRouter::refused(const HttpRequest& request) {
  // An AdmissionReview that denies rather than a bare 503: the API server
  // would apply the webhook's failurePolicy to a 503, and Ignore would let
  // the request in unreviewed because the server was busy.
  bool stopping = pool_->stopped();
  std::string message = stopping ? "tollgate is shutting down; the request was not evaluated"
                                 : "tollgate is overloaded: " + std::to_string(pool_->queued()) +
                                       " requests waiting to be evaluated; try again";
  if (!stopping) metrics_.record_eval_rejected(EvalRejection::QueueFull);
  AdmissionReviewRequest review;
  std::string error;
  try {
    if (!decode_admission_review(request.body(), &review, &error)) {
      return text_response(http::status::bad_request, error);
    }
    policies::Decision denied = policies::internal_error(std::move(message));
    denied.code = 503;
    return json_response(encode_validation_response(review, denied));
  } catch (...) {
    HttpResponse busy = text_response(http::status::service_unavailable, message);
    busy.set(http::field::retry_after, "1");
    return busy;
  }
}

HttpResponse AdmissionRouter::answer(const HttpRequest& request, const std::atomic<bool>* cancelled,
                                     Clock::time_point received) {
  if (auto refused = screen(request)) return std::move(*refused);
  switch (find_endpoint(request_path(to_std(request.target())))) {
    case Endpoint::Validate: return validate(request, cancelled, received);
    case Endpoint::Mutate: return mutate(request);
    case Endpoint::Healthz: return text_response(http::status::ok, "ok");
    case Endpoint::Readyz: return ready();
    case Endpoint::None: break;
  }
  return text_response(http::status::not_found, "no such endpoint");
}

bool AdmissionRouter::exempt(const value::Value& request) const { return exempt_user(options_, request); }

void AdmissionRouter::set_cluster(kube::ClusterView* cluster) {
  cluster_ = cluster;
  if (std::shared_ptr<const policies::PolicySet> current = policies_.load(); current && cluster_) {
    cluster_->policies_changed(current);
  }
}

HttpResponse AdmissionRouter::ready() const {
  if (draining_.load()) return text_response(http::status::service_unavailable, "shutting down");
  if (!policies_.load()) return text_response(http::status::service_unavailable, "policies not loaded");
  if (std::string why; cluster_ != nullptr && !cluster_->ready(&why)) {
    return text_response(http::status::service_unavailable, why);
  }
  return text_response(http::status::ok, "ok");
}

HttpResponse AdmissionRouter::validate(const HttpRequest& request, const std::atomic<bool>* cancelled,
                                       Clock::time_point received) {
  Clock::time_point start = Clock::now();
  // Every evaluation of this request ends within the API server's ?timeout=
  // (capped by --max-eval-time), counted from when the request came in, or
  // when its client goes; one stopped so fails the request (500), as
  // Gatekeeper answers a failed evaluation.
  value::RequestDeadline deadline =
      value::RequestDeadline::for_admission_request(to_std(request.target()), cancelled, received);
  AdmissionReviewRequest review;
  std::string error;
  if (!decode_admission_review(request.body(), &review, &error)) {
    return text_response(http::status::bad_request, error);
  }
  std::shared_ptr<const policies::PolicySet> policies = policies_.load();
  if (!policies) return json_response(encode_validation_response(review, policies_not_loaded()));
  if (deadline.deadline() != Clock::time_point::max() && start >= deadline.deadline()) {
    // It waited for an evaluation thread until its time was up: evaluating
    // it now would only keep the next ones waiting too.
    metrics_.record_eval_rejected(EvalRejection::Deadline);
    policies::Decision late = policies::internal_error(
        "internal error evaluating policies: eval_cancel_error: evaluation exceeded its time budget of " +
        value::format_duration(deadline.budget()) + " (the request waited " +
        value::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(start - received)) +
        " for an evaluation thread)");
    HttpResponse response = json_response(encode_validation_response(review, late));
    metrics_.record_validation(AdmissionStatus::Error, review.dry_run, Clock::now() - received);
    log_decision(review, late);
    return response;
  }

  policies::Decision decision;
  try {
    if (exempt(review.request)) {
      decision = policies::allowed_with_message(kSelfManageMessage);
      HttpResponse response = json_response(encode_validation_response(review, decision));
      metrics_.record_validation(admission_status(decision), review.dry_run, Clock::now() - start);
      return response;
    }
    policies::ReviewInput input;
    input.request = review.request;
    if (cluster_ != nullptr) {
      // From the cluster's Namespace cache; when it has none (or there is no
      // cluster), the policies' own Namespaces and inventory decide.
      input.namespace_object = cluster_namespace(cluster_, review.request);
      input.inventory_data = cluster_->inventory_data();
    }
    // The parent, then what it implies (ExpansionTemplates), as Gatekeeper's webhook reviews them.
    policies::expansion::ExpansionContext implied;
    if (!policies->expansion().empty()) {
      implied.generator = policies::expansion::generator_of_request(review.request);
      implied.username = std::string(review.request["userInfo"]["username"].string_or(""));
      implied.expansion_namespace = input.namespace_object;
      implied.review_namespace = input.namespace_object;
    }
    policies::expansion::ExpandedReview expanded =
        policies::expansion::review_with_expansion(*policies, input, implied, &metrics_);
    if (!expanded.expand_error.empty()) {
      decision = policies::internal_error("unable to expand object: " + expanded.expand_error);
    } else if (!expanded.review_error.empty()) {
      decision = policies::internal_error(expanded.review_error);
    } else {
      decision = std::move(expanded.decision);
    }
  } catch (const std::exception& e) {
    decision = policies::internal_error(std::string("internal error evaluating policies: ") + e.what());
  } catch (...) {
    // Anything else (a budget error that escaped an engine's entry point, say)
    // still gets an AdmissionReview that denies: a bare HTTP 500 would let the
    // API server apply the webhook's failurePolicy, which may be Ignore.
    decision = policies::internal_error("internal error evaluating policies: unknown exception");
  }
  HttpResponse response = json_response(encode_validation_response(review, decision));
  metrics_.record_validation(admission_status(decision), review.dry_run, Clock::now() - start);
  log_decision(review, decision);
  return response;
}

HttpResponse AdmissionRouter::mutate(const HttpRequest& request) {
  Clock::time_point start = Clock::now();
  AdmissionReviewRequest review;
  std::string error;
  if (!decode_admission_review(request.body(), &review, &error)) {
    return text_response(http::status::bad_request, error);
  }
  std::shared_ptr<const policies::PolicySet> policies = policies_.load();
  if (!policies) return json_response(encode_validation_response(review, policies_not_loaded()));

  MutationAnswer answer =
      answer_mutation(*policies, review, cluster_namespace(cluster_, review.request), options_, &metrics_);
  HttpResponse response = json_response(std::move(answer.body));
  const policies::MutationReview& mutation = answer.mutation;
  bool skipped = mutation.outcome == policies::MutationOutcome::Skipped;
  metrics_.record_mutation(skipped ? MutationStatus::Skip : MutationStatus::Success, Clock::now() - start);
  // Every request the mutation system saw, 0 passes when nothing applied, as Gatekeeper records it.
  if (!skipped) metrics_.record_mutation_iterations(mutation.result.iterations, !mutation.result.failed);
  log_mutation(review, mutation, answer.patch_operations);
  return response;
}

MutationAnswer answer_mutation(const policies::PolicySet& policies, const AdmissionReviewRequest& review,
                               const value::Value& namespace_object, const AdmissionOptions& options,
                               policies::vap::PolicyCheckObserver* checks) {
  // A dry-run request is mutated like any other, as in Gatekeeper: the API
  // server wants the patched object to run its validation on.
  MutationAnswer answer;
  policies::MutationReview& mutation = answer.mutation;
  value::Value patch;
  try {
    if (exempt_user(options, review.request)) {
      mutation.message = kSelfManageMessage;
      mutation.result.object = review.request["object"];
    } else if (mutable_operation(review.request) &&
               policies.config_excludes("mutation-webhook", namespace_for_config(review.request))) {
      mutation.message = kExcludedMessage;
      mutation.result.object = review.request["object"];
    } else {
      mutation = policies::mutate_admission_request(policies, review.request, namespace_object, checks);
    }
    if (mutation.outcome == policies::MutationOutcome::Mutated) {
      if (options.mutation_annotations) {
        mutation.result.object =
            policies::with_mutation_annotations(policies, mutation.result.object, mutation.result.applied);
      }
      patch = policies::mutation::json_patch(review.request["object"], mutation.result.object);
    }
  } catch (const std::exception& e) {
    mutation = failed_mutation(std::string("internal error mutating the object: ") + e.what());
    patch = value::Value();
  } catch (...) {
    // As at /validate: an AdmissionReview that refuses, never a bare 500
    // that failurePolicy: Ignore would turn into an unmutated admission.
    mutation = failed_mutation("internal error mutating the object: unknown exception");
    patch = value::Value();
  }
  answer.body = mutation_response(review, mutation, patch);
  answer.patch_operations = patch.is_array() ? patch.size() : 0;
  return answer;
}

}  // namespace tollgate::webhook
