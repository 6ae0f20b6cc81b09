#!/usr/bin/env python3
"""A deterministic cluster dump for the audit bench (bench/audit_bench.sh).

    bench/gen_cluster.py OBJECTS [NAMESPACES] > dump.json

Writes what `kubectl get namespaces,pods,deployments,services,ingresses -A -o json`
prints: one List (4-space indents, as kubectl), Namespaces first, then the
other kinds each in namespace order. OBJECTS counts the Namespaces too; of the
rest, per namespace about half are Pods, a fifth Deployments, a sixth
Services and an eighth Ingresses. The same arguments always give the same
bytes (seeded generator).

Shaped after a real cluster so that the library's templates find some of
everything: Pods owned by a Deployment's ReplicaSet with 1-3 containers,
most with resources (some limits only, some nothing), some with probes,
some with a securityContext (a few privileged or running as root), images
from a handful of registries (some `:latest`, some by digest); Services
mostly ClusterIP (a few NodePort / LoadBalancer) selecting their app, and
one in 40 reusing the selector of a Service of the previous namespace;
Ingresses on <service>.<namespace>.example.com, one in 50 the host of an
Ingress of the previous namespace, most with TLS. Namespaces carry a `team` label.
"""
import json
import random
import sys
import zlib

REGISTRIES = ["registry.corp.example/", "docker.io/library/", "quay.io/org/", "gcr.io/proj/", "ghcr.io/team/"]
IMAGES = ["nginx", "redis", "api", "worker", "frontend", "postgres", "envoy", "fluent-bit"]
TEAMS = ["payments", "search", "platform", "data", "web", "mobile", "ml", "infra"]


def labels_for(app, rng, extra=None):
    labels = {"app": app, "app.kubernetes.io/name": app}
    if rng.random() < 0.7:
        labels["owner"] = rng.choice(TEAMS) + ".agilebank.demo"
    if rng.random() < 0.5:
        labels["tier"] = rng.choice(["frontend", "backend", "cache"])
    if extra:
        labels.update(extra)
    return labels


def image(rng):
    name = rng.choice(REGISTRIES) + rng.choice(IMAGES)
    r = rng.random()
    if r < 0.1:
        return name + ":latest"
    if r < 0.2:
        return name + "@sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))
    if r < 0.25:
        return name
    return name + ":%d.%d.%d" % (rng.randint(1, 3), rng.randint(0, 20), rng.randint(0, 9))


def probe(rng):
    kind = rng.random()
    if kind < 0.6:
        handler = {"httpGet": {"path": "/healthz", "port": 8080}}
    elif kind < 0.9:
        handler = {"tcpSocket": {"port": 8080}}
    else:
        handler = {"exec": {"command": ["cat", "/tmp/healthy"]}}
    handler.update({"initialDelaySeconds": 5, "periodSeconds": 10})
    return handler


def container(rng, index):
    c = {"name": "c%d" % index if index else "app", "image": image(rng), "imagePullPolicy": "IfNotPresent"}
    c["ports"] = [{"containerPort": 8080 + index, "protocol": "TCP"}]
    r = rng.random()
    if r < 0.6:
        c["resources"] = {
            "limits": {"cpu": rng.choice(["250m", "500m", "1", "2"]), "memory": rng.choice(["128Mi", "256Mi", "1Gi", "2Gi"])},
            "requests": {"cpu": rng.choice(["100m", "250m"]), "memory": rng.choice(["64Mi", "128Mi"])},
        }
    elif r < 0.8:
        c["resources"] = {"limits": {"memory": rng.choice(["256Mi", "512Mi"])}}
    else:
        c["resources"] = {}
    if rng.random() < 0.55:
        c["readinessProbe"] = probe(rng)
    if rng.random() < 0.45:
        c["livenessProbe"] = probe(rng)
    s = rng.random()
    if s < 0.4:
        c["securityContext"] = {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 1000 + rng.randint(0, 50),
            "capabilities": {"drop": ["ALL"]},
        }
    elif s < 0.43:
        c["securityContext"] = {"privileged": True, "runAsUser": 0}
    elif s < 0.5:
        c["securityContext"] = {"capabilities": {"add": ["NET_ADMIN"]}}
    c["terminationMessagePath"] = "/dev/termination-log"
    return c


def pod_spec(rng, app):
    spec = {"containers": [container(rng, i) for i in range(rng.choice([1, 1, 1, 2, 2, 3]))]}
    if rng.random() < 0.2:
        spec["initContainers"] = [{"name": "init", "image": image(rng), "command": ["sh", "-c", "true"]}]
    spec["serviceAccountName"] = app if rng.random() < 0.6 else "default"
    spec["restartPolicy"] = "Always"
    spec["dnsPolicy"] = "ClusterFirst"
    if rng.random() < 0.3:
        spec["automountServiceAccountToken"] = False
    if rng.random() < 0.02:
        spec["hostNetwork"] = True
    if rng.random() < 0.5:
        spec["securityContext"] = {"runAsNonRoot": True, "fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"}}
    spec["volumes"] = [{"name": "config", "configMap": {"name": app + "-config"}}]
    if rng.random() < 0.05:
        spec["volumes"].append({"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}})
    return spec


def metadata(name, namespace, uid, labels, annotations=None):
    m = {
        "creationTimestamp": "2026-11-%02dT%02d:%02d:00Z" % (1 + uid % 28, uid % 24, uid % 60),
        "name": name,
        "namespace": namespace,
        "resourceVersion": str(100000 + uid),
        "uid": "%08x-0000-4000-8000-%012x" % (uid, uid),
        "labels": labels,
    }
    if annotations:
        m["annotations"] = annotations
    return m


def namespace_objects(rng, ns_index, counts, uid):
    ns = "ns-%03d" % ns_index
    team = TEAMS[ns_index % len(TEAMS)]
    apps = ["%s-app-%d" % (ns, i) for i in range(max(1, counts["Deployment"]))]
    out = {k: [] for k in ("Pod", "Deployment", "Service", "Ingress")}
    for i in range(counts["Deployment"]):
        app = apps[i]
        uid += 1
        annotations = {"deployment.kubernetes.io/revision": str(rng.randint(1, 9))}
        if rng.random() < 0.5:
            annotations["a8r.io/owner"] = team + "@example.com"
        out["Deployment"].append({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata("app-%d" % i, ns, uid, labels_for(app, rng), annotations),
            "spec": {
                "replicas": rng.choice([1, 2, 3, 3, 5]),
                "selector": {"matchLabels": {"app": app}},
                "template": {"metadata": {"labels": {"app": app}}, "spec": pod_spec(rng, app)},
            },
            "status": {"replicas": 2, "readyReplicas": 2},
        })
    for i in range(counts["Pod"]):
        app = apps[i % len(apps)]
        uid += 1
        name = "app-%d-%08x-%05x" % (i % len(apps), rng.getrandbits(32), i)
        m = metadata(name, ns, uid, labels_for(app, rng, {"pod-template-hash": "%08x" % zlib.crc32(app.encode())}))
        m["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": app + "-rs", "controller": True,
                                 "uid": "rs-%d-%d" % (ns_index, i % len(apps))}]
        out["Pod"].append({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": m,
            "spec": pod_spec(rng, app),
            "status": {"phase": "Running", "podIP": "10.%d.%d.%d" % (ns_index % 250, i % 250, uid % 250)},
        })
    for i in range(counts["Service"]):
        app = apps[i % len(apps)]
        uid += 1
        selector = {"app": app}
        if ns_index > 0 and rng.random() < 0.025:  # the previous namespace's: uniqueserviceselector's violations
            selector = {"app": "ns-%03d-app-%d" % (ns_index - 1, i % len(apps))}
        kind = rng.random()
        stype = "ClusterIP" if kind < 0.9 else ("NodePort" if kind < 0.96 else "LoadBalancer")
        port = {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}
        if stype == "NodePort":
            port["nodePort"] = 30000 + (uid % 2700)
        spec = {"type": stype, "selector": selector, "ports": [port], "clusterIP": "10.96.%d.%d" % (uid // 250 % 250, uid % 250)}
        if rng.random() < 0.01:
            spec["externalIPs"] = ["203.0.113.%d" % (uid % 250)]
        out["Service"].append({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata("svc-%d" % i, ns, uid, labels_for(app, rng)),
            "spec": spec,
        })
    for i in range(counts["Ingress"]):
        app = apps[i % len(apps)]
        uid += 1
        host = "svc-%d.%s.example.com" % (i, ns)
        if ns_index > 0 and rng.random() < 0.02:  # the previous namespace's: uniqueingresshost's violations
            host = "svc-%d.ns-%03d.example.com" % (i, ns_index - 1)
        spec = {
            "ingressClassName": "nginx",
            "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                                                         "backend": {"service": {"name": "svc-%d" % i, "port": {"number": 80}}}}]}}],
        }
        if rng.random() < 0.8:
            spec["tls"] = [{"hosts": [host], "secretName": "tls-%d" % i}]
        annotations = {"kubernetes.io/ingress.allow-http": "false"} if rng.random() < 0.6 else None
        out["Ingress"].append({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": metadata("ing-%d" % i, ns, uid, labels_for(app, rng), annotations),
            "spec": spec,
        })
    return out, uid


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    total = int(sys.argv[1])
    namespaces = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    namespaces = max(1, min(namespaces, total))
    rng = random.Random(20261207)
    per_ns = (total - namespaces) // namespaces
    extra = (total - namespaces) % namespaces
    items = {k: [] for k in ("Namespace", "Pod", "Deployment", "Service", "Ingress")}
    uid = 0
    for n in range(namespaces):
        uid += 1
        ns = "ns-%03d" % n
        labels = {"kubernetes.io/metadata.name": ns, "team": TEAMS[n % len(TEAMS)]}
        if n % 10 == 0:
            labels["environment"] = "production"
        items["Namespace"].append({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": ns, "labels": labels, "uid": "ns-%d" % n, "resourceVersion": str(uid)},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        })
        count = per_ns + (1 if n < extra else 0)
        deployments = count // 5
        services = count // 6
        ingresses = count // 8
        pods = count - deployments - services - ingresses
        objects, uid = namespace_objects(rng, n, {"Pod": pods, "Deployment": deployments, "Service": services,
                                                  "Ingress": ingresses}, uid)
        for kind, list_ in objects.items():
            items[kind].extend(list_)
    everything = [o for kind in ("Namespace", "Pod", "Deployment", "Service", "Ingress") for o in items[kind]]
    out = sys.stdout
    out.write('{\n    "apiVersion": "v1",\n    "items": [\n')
    for i, o in enumerate(everything):
        text = json.dumps(o, indent=4, sort_keys=False)
        out.write("        " + text.replace("\n", "\n        "))
        out.write(",\n" if i + 1 < len(everything) else "\n")
    out.write('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n')


if __name__ == "__main__":
    main()
