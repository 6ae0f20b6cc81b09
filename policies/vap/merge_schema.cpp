#include "policies/vap/merge_schema.h"

#include <deque>
#include <initializer_list>
#include <utility>

namespace tollgate::policies::vap {

namespace {

using Kind = MergeSchema::Kind;
using ListType = MergeSchema::ListType;

// The built-in schemas: nodes live as long as the process.
class Schemas {
 public:
  Schemas() {
    deduced_ = make(Kind::Deduced);
    atomic_any_ = make(Kind::AtomicAny);
    scalar_ = make(Kind::Scalar);
    string_map_ = map_of(scalar_);

    // ObjectMeta (k8s.io/apimachinery meta/v1).
    MergeSchema* owner_reference = make(Kind::Struct);
    owner_reference->atomic = false;
    MergeSchema* meta = strukt({{"name", scalar_},
                                {"generateName", scalar_},
                                {"namespace", scalar_},
                                {"selfLink", scalar_},
                                {"uid", scalar_},
                                {"resourceVersion", scalar_},
                                {"generation", scalar_},
                                {"creationTimestamp", scalar_},
                                {"deletionTimestamp", scalar_},
                                {"deletionGracePeriodSeconds", scalar_},
                                {"labels", string_map_},
                                {"annotations", string_map_},
                                {"ownerReferences", keyed(owner_reference, {"uid"})},
                                {"finalizers", set_of(scalar_)},
                                {"managedFields", atomic_list(atomic_any_)}},
                               /*closed=*/true);
    meta_ = meta;

    MergeSchema* label_selector = make(Kind::Struct);
    label_selector->atomic = true;

    // Container: the lists the API keys, the rest deduced.
    MergeSchema* container = strukt({{"env", keyed(make(Kind::Deduced), {"name"})},
                                     {"ports", keyed(make(Kind::Deduced), {"containerPort", "protocol"})},
                                     {"volumeMounts", keyed(make(Kind::Deduced), {"mountPath"})},
                                     {"volumeDevices", keyed(make(Kind::Deduced), {"devicePath"})}},
                                    false);
    MergeSchema* pod_spec = strukt({{"containers", keyed(container, {"name"})},
                                    {"initContainers", keyed(container, {"name"})},
                                    {"ephemeralContainers", keyed(container, {"name"})},
                                    {"volumes", keyed(make(Kind::Deduced), {"name"})},
                                    {"imagePullSecrets", keyed(make(Kind::Deduced), {"name"})},
                                    {"hostAliases", keyed(make(Kind::Deduced), {"ip"})},
                                    {"resourceClaims", keyed(make(Kind::Deduced), {"name"})},
                                    {"schedulingGates", keyed(make(Kind::Deduced), {"name"})},
                                    {"topologySpreadConstraints",
                                     keyed(make(Kind::Deduced), {"topologyKey", "whenUnsatisfiable"})}},
                                   false);
    MergeSchema* pod_template = strukt({{"metadata", meta}, {"spec", pod_spec}}, true);

    pod_ = object({{"spec", pod_spec}});
    pod_template_ = object({{"template", pod_template}});

    // apps/v1 DeploymentSpec: every field, so a misspelt one is refused.
    MergeSchema* deployment_spec = strukt({{"replicas", scalar_},
                                           {"selector", label_selector},
                                           {"template", pod_template},
                                           {"strategy", make(Kind::Deduced)},
                                           {"minReadySeconds", scalar_},
                                           {"revisionHistoryLimit", scalar_},
                                           {"paused", scalar_},
                                           {"progressDeadlineSeconds", scalar_}},
                                          true);
    deployment_ = object({{"spec", deployment_spec}});
    MergeSchema* workload_spec = strukt({{"selector", label_selector}, {"template", pod_template}}, false);
    workload_ = object({{"spec", workload_spec}});
    MergeSchema* job_spec = strukt({{"selector", label_selector}, {"template", pod_template}}, false);
    job_ = object({{"spec", job_spec}});
    MergeSchema* job_template = strukt({{"metadata", meta}, {"spec", job_spec}}, true);
    cron_job_ = object({{"spec", strukt({{"jobTemplate", job_template}}, false)}});
    other_ = object({});
  }

  const MergeSchema* deduced() const { return deduced_; }
  const MergeSchema* atomic_any() const { return atomic_any_; }

  const MergeSchema* for_kind(std::string_view api_version, std::string_view kind) const {
    if (api_version == "v1" && kind == "Pod") return pod_;
    if (api_version == "v1" && kind == "PodTemplate") return pod_template_;
    if (api_version == "apps/v1" && kind == "Deployment") return deployment_;
    if (api_version == "apps/v1" && (kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet"))
      return workload_;
    if (api_version == "batch/v1" && kind == "Job") return job_;
    if (api_version == "batch/v1" && kind == "CronJob") return cron_job_;
    return other_;
  }

 private:
  MergeSchema* make(Kind k) {
    nodes_.emplace_back();
    nodes_.back().kind = k;
    return &nodes_.back();
  }
  MergeSchema* strukt(std::initializer_list<std::pair<const char*, const MergeSchema*>> fields, bool closed) {
    MergeSchema* s = make(Kind::Struct);
    for (const auto& [name, type] : fields) s->fields.emplace(name, type);
    s->closed = closed;
    return s;
  }
  // A whole object: apiVersion, kind, metadata, status and the given fields.
  MergeSchema* object(std::initializer_list<std::pair<const char*, const MergeSchema*>> fields) {
    MergeSchema* s = make(Kind::Struct);
    s->fields.emplace("apiVersion", scalar_);
    s->fields.emplace("kind", scalar_);
    s->fields.emplace("metadata", meta_);
    for (const auto& [name, type] : fields) s->fields.emplace(name, type);
    return s;
  }
  MergeSchema* map_of(const MergeSchema* element) {
    MergeSchema* s = make(Kind::Map);
    s->element = element;
    return s;
  }
  MergeSchema* keyed(const MergeSchema* element, std::initializer_list<const char*> keys) {
    MergeSchema* s = make(Kind::List);
    s->element = element;
    s->list_type = ListType::Map;
    for (const char* k : keys) s->keys.emplace_back(k);
    return s;
  }
  MergeSchema* set_of(const MergeSchema* element) {
    MergeSchema* s = make(Kind::List);
    s->element = element;
    s->list_type = ListType::Set;
    return s;
  }
  MergeSchema* atomic_list(const MergeSchema* element) {
    MergeSchema* s = make(Kind::List);
    s->element = element;
    return s;
  }

  std::deque<MergeSchema> nodes_;
  const MergeSchema* deduced_ = nullptr;
  const MergeSchema* atomic_any_ = nullptr;
  const MergeSchema* scalar_ = nullptr;
  const MergeSchema* string_map_ = nullptr;
  const MergeSchema* meta_ = nullptr;
  const MergeSchema* pod_ = nullptr;
  const MergeSchema* pod_template_ = nullptr;
  const MergeSchema* deployment_ = nullptr;
  const MergeSchema* workload_ = nullptr;
  const MergeSchema* job_ = nullptr;
  const MergeSchema* cron_job_ = nullptr;
  const MergeSchema* other_ = nullptr;
};

const Schemas& schemas() {
  static const Schemas s;
  return s;
}

}  // namespace

const MergeSchema* MergeSchema::field(std::string_view name) const {
  auto it = fields.find(name);
  if (it != fields.end()) return it->second;
  return closed ? nullptr : schemas().deduced();
}

const MergeSchema* merge_schema_for(std::string_view api_version, std::string_view kind) {
  return schemas().for_kind(api_version, kind);
}

const MergeSchema* deduced_schema() { return schemas().deduced(); }
const MergeSchema* atomic_any_schema() { return schemas().atomic_any(); }

}  // namespace tollgate::policies::vap
