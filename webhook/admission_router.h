// The endpoints of the HTTPS listener: POST /validate (/v1/admit) and
// /mutate (/v1/mutate) for kube-apiserver, GET /healthz and /readyz for the
// kubelet. Holds the current PolicySet snapshot.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "policies/mutation_review.h"
#include "policies/policy_set.h"
#include "webhook/http_handler.h"

namespace tollgate::webhook {

class Metrics;
class WorkerPool;
namespace kube {
class ClusterView;
}

// How the endpoints treat requests beyond the policies (Gatekeeper's flags).
struct AdmissionOptions {
  // Requests by this user are admitted untouched by both endpoints
  // ("Gatekeeper does not self-manage"); Gatekeeper's own service account,
  // system:serviceaccount:<its namespace>:gatekeeper-admin. Empty: none.
  std::string exempt_username;
  // --mutation-annotations: a mutated object also gets the annotations
  // gatekeeper.sh/mutations and gatekeeper.sh/mutation-id.
  bool mutation_annotations = false;
};

// Gatekeeper's service account in `gatekeeper_namespace`.
std::string gatekeeper_service_account(std::string_view gatekeeper_namespace);

struct AdmissionReviewRequest;

// What /mutate answers for one decoded AdmissionReview: the Gatekeeper
// mutators then the MutatingAdmissionPolicies, the response (allowed with a
// base64 JSONPatch, or the refusal) and the mutation behind it. Shared with
// `tollgate review --mutate`. `namespace_object`: the request's Namespace
// when the caller knows it (null: the policies' own Namespaces); `checks`
// is told of each MAP check (metrics). Never throws: an exception is the
// refusal "internal error mutating the object: ..." (code 500).
struct MutationAnswer {
  std::string body;  // the AdmissionReview response, JSON
  policies::MutationReview mutation;
  size_t patch_operations = 0;
};
MutationAnswer answer_mutation(const policies::PolicySet& policies, const AdmissionReviewRequest& review,
                               const value::Value& namespace_object, const AdmissionOptions& options,
                               policies::vap::PolicyCheckObserver* checks = nullptr);

class AdmissionRouter final : public HttpHandler {
 public:
  explicit AdmissionRouter(Metrics& metrics, AdmissionOptions options = {});

  // Swaps in a policy snapshot; requests already being evaluated finish on
  // the one they started with. The router is ready once a set is installed.
  void set_policies(std::shared_ptr<const policies::PolicySet> policies);
  // The set in service now (serve's audit takes it at the start of a run).
  std::shared_ptr<const policies::PolicySet> policies() const { return policies_.load(); }
  // The cluster (serve with the kube API on): the Namespace of a namespaced
  // request for namespaceSelector, the live data.inventory, and /readyz
  // failing until the first Namespace list is in. Set before serving; it is
  // told of every policy set installed from then on.
  void set_cluster(kube::ClusterView* cluster);
  // Makes /readyz fail from now on (the server is shutting down).
  void stop_being_ready() { draining_.store(true); }
  // Where /validate and /mutate are evaluated (answer_later): off the I/O
  // threads; a full queue is answered with an AdmissionReview that denies
  // (code 503). Without one (tests), in handle(). Its queue's depth shows in
  // /metrics as tollgate_eval_queue_depth.
  void set_worker_pool(WorkerPool* pool);

  // Unknown path: 404; wrong method: 405; POST whose Content-Type is not
  // application/json: 415.
  std::optional<HttpResponse> screen(const HttpRequestHeader& header) override;
  HttpResponse handle(const HttpRequest& request) override;
  // /validate and /mutate when a worker pool is set.
  bool answers_later(const HttpRequest& request) const override;
  void answer_later(HttpRequest request, const std::atomic<bool>* cancelled, Done done) override;

 private:
  using Clock = std::chrono::steady_clock;
  // `received`: when the request came in; its deadline runs from then.
  HttpResponse answer(const HttpRequest& request, const std::atomic<bool>* cancelled, Clock::time_point received);
  HttpResponse validate(const HttpRequest& request, const std::atomic<bool>* cancelled, Clock::time_point received);
  HttpResponse mutate(const HttpRequest& request);
  // The answer to a request the worker pool refused (queue full, or stopping).
  HttpResponse refused(const HttpRequest& request);
  HttpResponse ready() const;
  // A request by the exempt user (AdmissionOptions::exempt_username).
  bool exempt(const value::Value& request) const;

  Metrics& metrics_;
  AdmissionOptions options_;
  std::atomic<std::shared_ptr<const policies::PolicySet>> policies_;
  std::atomic<bool> draining_{false};
  WorkerPool* pool_ = nullptr;
  kube::ClusterView* cluster_ = nullptr;
};

// True for "application/json" with any parameters ("; charset=utf-8"),
// compared case-insensitively.
bool is_json_content_type(std::string_view content_type);

}  // namespace tollgate::webhook
