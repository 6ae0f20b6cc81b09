// Fixtures shared by the expansion tests (policies, cli, webhook): Gatekeeper's
// own expansion fixtures (gatekeeper-expansion.md §10) and the library's
// K8sRequiredLabels template to judge resultants with.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/gator/object_reader.h"
#include "policies/policy_set.h"
#include "policies/test_support.h"

namespace tollgate::policies::expansion::testing {

// expand-deployments: apps/v1 Deployment -> v1 Pod from spec.template.
inline const char* kExpandDeployments = R"(apiVersion: expansion.gatekeeper.sh/v1alpha1
kind: ExpansionTemplate
metadata:
  name: expand-deployments
spec:
  applyTo:
  - groups: ["apps"]
    kinds: ["Deployment"]
    versions: ["v1"]
  templateSource: "spec.template"
  generatedGVK:
    kind: "Pod"
    group: ""
    version: "v1"
)";

// nginx-deployment, without a namespace (gator's basic-expansion fixture).
inline const char* kNginxDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
        args:
        - "/bin/sh"
)";

// What gator expand prints for basic-expansion (kNginxDeployment,
// kExpandDeployments, kAlwaysPullImage, an AssignImage adding `:latest` and
// an AssignMetadata adding `owner: admin`), byte for byte.
inline const char* kBasicExpansionPod = R"(apiVersion: v1
kind: Pod
metadata:
  annotations:
    owner: admin
  labels:
    app: nginx
  name: nginx-deployment-pod
spec:
  containers:
  - args:
    - /bin/sh
    image: nginx:latest
    imagePullPolicy: Always
    name: nginx
    ports:
    - containerPort: 80
)";

// always-pull-image: imagePullPolicy Always on generated, namespaced Pods.
inline const char* kAlwaysPullImage = R"(apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: Assign
metadata:
  name: always-pull-image
spec:
  applyTo:
  - groups: [""]
    kinds: ["Pod"]
    versions: ["v1"]
  location: "spec.containers[name: *].imagePullPolicy"
  parameters:
    assign:
      value: "Always"
  match:
    source: "Generated"
    scope: Namespaced
    kinds:
    - apiGroups: []
      kinds: []
)";

// all-must-have-owner: Pods need label `owner` (with kRequiredLabelsTemplate).
inline const char* kPodsMustHaveOwner = R"(apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: all-must-have-owner
spec:
  match:
    kinds: [{apiGroups: [""], kinds: [Pod]}]
  parameters:
    labels: [{key: owner}]
)";

inline const std::string kRequiredLabelsTemplate =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/general/requiredlabels/template.yaml";

// The library's K8sRequiredLabels template followed by the objects of
// `yaml`, loaded with `engine` (Rego by default: one result per missing
// label, where the template's CEL code also reports a regex mismatch).
inline LoadResult load_with_required_labels(const std::string& yaml,
                                            EnginePreference engine = EnginePreference::Rego) {
  std::vector<gator::SourcedObject> objects;
  std::string error;
  if (!gator::read_objects_file(kRequiredLabelsTemplate, &objects, &error)) {
    LoadResult failed;
    failed.errors.push_back(LoadError{kRequiredLabelsTemplate, 0, 0, error});
    return failed;
  }
  std::vector<value::Value> values{objects[0].object};
  for (value::Value& v : policies::testing::yaml_all(yaml)) values.push_back(std::move(v));
  LoadOptions options;
  options.engine = engine;
  return PolicySet::from_objects(values, options);
}

}  // namespace tollgate::policies::expansion::testing
