// Gatekeeper's audit inside `serve` (--audit-interval): every interval, when
// this replica leads, on a thread of its own (never the admission I/O or
// evaluation threads), the objects of the kinds the loaded constraints match
// are listed through the API client in chunks (limit/continue) and reviewed
// at audit.gatekeeper.sh page by page, each page dropped once reviewed, so a
// big cluster never sits in memory at once (policies/audit/audit_run.h
// Auditor keeps only counters and the first N violations per constraint).
//
// Which kinds: those of the constraints' spec.match.kinds, found through
// discovery (the preferred version of each group, resources that support
// `list`); a constraint without kinds, or with "*", makes every listable
// resource audited, as Gatekeeper's audit does. A 410 Expired on a continue
// token lists that kind again from the start (what was reviewed of it is
// discarded); any other failure (403, a timeout) is logged, counted
// (tollgate_audit_errors_total{kind}) and named in the report, and the run
// goes on with the other kinds.
//
// A run uses the policy set serving at its start, the Namespaces of the
// NamespaceCache (namespaceSelector) and data.inventory as InventorySync
// holds it (the Config's syncOnly kinds). Its results go to Gatekeeper's
// audit metrics and to /audit on the metrics port (the JSON of
// `tollgate audit -o json`).
//
// ValidatingAdmissionPolicies with bindings (which Gatekeeper's audit does
// not run) are audited as `tollgate audit` does (policies/audit/audit_run.h):
// the resources their matchConstraints and the bindings' matchResources
// cover are listed too, each object judged as its CREATE, each failure
// counted for its binding (ValidatingAdmissionPolicyBinding/<name>). Their
// params come from the cluster: each paramKind is listed once per run, in
// pages, and the policies are rebuilt with those objects for the run. A
// paramKind that cannot be listed is counted and named like any kind, and
// the bindings of the policies reading it are reported not audited (rather
// than judged without their params). Without bindings nothing more is listed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "policies/audit/audit_run.h"
#include "policies/policy_set.h"
#include "webhook/kube/api_client.h"
#include "webhook/kube/cluster_view.h"
#include "webhook/kube/reflector.h"

namespace prometheus {
class Registry;
}

namespace tollgate::webhook::kube {

class AuditMetrics;

struct AuditLoopOptions {
  // Between the end of one run and the start of the next; 0 = audit off.
  std::chrono::milliseconds interval{60000};
  size_t chunk_size = 500;  // items per list page (Gatekeeper's --audit-chunk-size)
  // How often one kind's list is started again after its continue token expired.
  int max_list_restarts = 3;
  policies::audit::AuditOptions audit;  // violations kept per constraint (20), grouping label
  // The Kubernetes CEL environment the admission policies are rebuilt in for
  // a run: as serve loads them (policies::LoadOptions::vap_environment).
  std::string vap_environment = "1.32";
};

// Which resources a policy set's constraints make the audit list, among the
// listable resources discovery found (exposed for tests).
std::vector<ResourceRef> resources_to_audit(const std::vector<value::Value>& constraints,
                                            const std::vector<ResourceRef>& listable);

// Which resources the bound ValidatingAdmissionPolicies among
// `admission_policy_objects` (policies and bindings, PolicySet::
// admission_policy_objects) make the audit list: those a CREATE of which the
// policy's matchConstraints and the binding's matchResources cover (resource
// rules at any version and name, "*" for every listed resource, scope,
// excludeResourceRules), never the admission policy resources themselves.
// Exposed for tests.
std::vector<ResourceRef> resources_admission_policies_audit(const std::vector<value::Value>& admission_policy_objects,
                                                            const std::vector<ResourceRef>& listable);

// Every resource the API server lists, at each group's preferred version
// (/api, /apis, then each group version), without subresources; only the
// groups in `groups` unless it holds "*". False with *error when /api or
// /apis cannot be read; a group version that cannot be read is skipped and
// named in *skipped.
bool discover_listable(ApiClient& client, const std::vector<std::string>& groups, std::vector<ResourceRef>* out,
                       std::vector<std::string>* skipped, std::string* error);

class AuditLoop {
 public:
  using PolicySource = std::function<std::shared_ptr<const policies::PolicySet>()>;

  // `view` gives the Namespaces and data.inventory (null: none but the
  // policy set's own); `is_leader` is asked before each run (null: always).
  AuditLoop(std::shared_ptr<ClusterConnection> cluster, PolicySource policies, const ClusterView* view,
            std::function<bool()> is_leader, prometheus::Registry& registry, AuditLoopOptions options);
  ~AuditLoop();  // stops
  AuditLoop(const AuditLoop&) = delete;
  AuditLoop& operator=(const AuditLoop&) = delete;

  // Starts the thread (nothing when the interval is 0); a run every interval.
  void start();
  // Stops the thread, cancelling a list in progress.
  void stop();

  // One run now, on the caller's thread. False when it did not run (not the
  // leader, no policies) or was cancelled.
  bool run_once();

  // What /audit answers: 200 with the last finished report, or 503 with
  // {"reason": ...} (no run finished yet, not the leader).
  struct Answer {
    int status = 503;
    std::string body;
  };
  Answer answer() const;
  // How many runs have finished (tests).
  int runs() const { return runs_.load(); }

 private:
  void run();

  std::shared_ptr<ClusterConnection> cluster_;
  PolicySource policies_;
  const ClusterView* view_;
  std::function<bool()> is_leader_;
  AuditLoopOptions options_;
  std::unique_ptr<AuditMetrics> metrics_;

  mutable std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  bool stopping_ = false;
  ApiClient* client_ = nullptr;  // the run's, for stop() to cancel
  std::shared_ptr<const std::string> last_report_;  // JSON of the last finished run
  std::thread thread_;
  std::atomic<int> runs_{0};
};

// "/audit" answered when the audit does not run in this process at all.
AuditLoop::Answer audit_off_answer(const std::string& reason);

}  // namespace tollgate::webhook::kube
