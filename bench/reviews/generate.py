#!/usr/bin/env python3
"""Writes the AdmissionReviews the benchmarks send: healthcare workloads as teams author them
(for /mutate) and as the apiserver passes them on after mutation (for /validate).

  pod-2k          a lab-results worker Pod created by its ReplicaSet
  deployment-5k   the EHR API: 3 containers, env, Vault annotations, CSI and configMap volumes
  deployment-100k an HL7/FHIR integration hub: 50 interface containers

Run it again after changing it; the JSON files are committed so a benchmark run never depends
on this script.
"""
import copy
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def container(name, image, port, env, mounts, authored_resources=True, probes=True):
    c = {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": env,
        "volumeMounts": mounts,
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    if authored_resources:
        c["resources"] = {"requests": {"cpu": "250m", "memory": "256Mi"}}
    if probes:
        c["readinessProbe"] = {"httpGet": {"path": "/health/ready", "port": port, "scheme": "HTTP"},
                               "initialDelaySeconds": 5, "periodSeconds": 10, "timeoutSeconds": 2,
                               "successThreshold": 1, "failureThreshold": 3}
    return c


def env(pairs):
    return [{"name": k, "value": v} for k, v in pairs]


def pod_template(app, team, containers, volumes, extra_annotations=None):
    annotations = {
        "vault.hashicorp.com/agent-inject": "true",
        "vault.hashicorp.com/role": app,
        "vault.hashicorp.com/agent-inject-secret-db": "database/creds/" + app,
        "vault.hashicorp.com/agent-pre-populate-only": "true",
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9102",
    }
    annotations.update(extra_annotations or {})
    return {
        "metadata": {
            "labels": {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "clinical-platform",
                       "team": team, "data-classification": "phi"},
            "annotations": annotations,
        },
        "spec": {
            "serviceAccountName": app,
            "automountServiceAccountToken": False,
            "imagePullSecrets": [{"name": "registry-local"}],
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "priorityClassName": "clinical-critical",
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                           "whenUnsatisfiable": "ScheduleAnyway",
                                           "labelSelector": {"matchLabels": {"app.kubernetes.io/name": app}}}],
            "containers": containers,
            "volumes": volumes,
        },
    }


def secrets_volume(app):
    return {"name": "vault-secrets", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                                            "volumeAttributes": {"secretProviderClass": app + "-vault"}}}


def review(kind, group, resource, namespace, name, obj, user, groups):
    gvk = {"group": group, "version": "v1", "kind": kind}
    gvr = {"group": group, "version": "v1", "resource": resource}
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, "triage-bench/" + name)),
            "kind": gvk, "resource": gvr, "requestKind": gvk, "requestResource": gvr,
            "name": name, "namespace": namespace, "operation": "CREATE",
            "userInfo": {"username": user, "uid": "5f1c7f64-9a8e-4c1e-bb1e-3c3f0a9d2e11", "groups": groups},
            "object": obj, "oldObject": None, "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions", "fieldManager": "argocd-controller"},
        },
    }


def admitted(obj):
    """The object after the shipped mutations: what /validate receives from the apiserver."""
    out = copy.deepcopy(obj)
    template = out if out["kind"] == "Pod" else out["spec"]["template"]
    template["metadata"].setdefault("labels", {})["sidecar.istio.io/inject"] = "true"
    spec = template["spec"]
    spec.setdefault("securityContext", {}).setdefault("runAsNonRoot", True)
    spec["securityContext"].setdefault("seccompProfile", {"type": "RuntimeDefault"})
    for c in spec["containers"]:
        sc = c.setdefault("securityContext", {})
        sc.setdefault("allowPrivilegeEscalation", False)
        sc.setdefault("capabilities", {"drop": ["ALL"]})
        res = c.setdefault("resources", {})
        res.setdefault("requests", {}).setdefault("cpu", "100m")
        res["requests"].setdefault("memory", "128Mi")
        res.setdefault("limits", {}).setdefault("cpu", "1")
        res["limits"].setdefault("memory", "512Mi")
        port = c["ports"][0]["containerPort"]
        c.setdefault("readinessProbe", {"tcpSocket": {"port": port}, "initialDelaySeconds": 5, "periodSeconds": 10})
        c.setdefault("livenessProbe", {"tcpSocket": {"port": port}, "initialDelaySeconds": 15, "periodSeconds": 20,
                                       "failureThreshold": 3})
    return out


def lab_results_pod():
    app = "lab-results-worker"
    t = pod_template(app, "laboratory", [
        container("worker", "registry.local/clinical/lab-results-worker:4.12.0", 8080, env([
            ("HL7_INBOUND_QUEUE", "amqps://mq.clinical.svc:5671/lab.results"),
            ("FHIR_BASE_URL", "https://fhir.clinical.svc/fhir/R4"),
            ("DB_PASSWORD_FILE", "/vault/secrets/db"),
            ("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"),
        ]), [{"name": "vault-secrets", "mountPath": "/mnt/secrets", "readOnly": True}]),
    ], [secrets_volume(app)])
    meta = {"name": app + "-6d8f9c7b5-x2k9q", "generateName": app + "-6d8f9c7b5-", "namespace": "laboratory",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": app + "-6d8f9c7b5",
                                 "uid": "0b6e3b9e-41c4-4f0e-9d3f-2b1f1a8c7d55", "controller": True,
                                 "blockOwnerDeletion": True}]}
    meta.update(t["metadata"])
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": t["spec"]}
    del pod["spec"]["topologySpreadConstraints"]
    for key in ("prometheus.io/scrape", "prometheus.io/port", "vault.hashicorp.com/agent-pre-populate-only"):
        del pod["metadata"]["annotations"][key]
    for c in pod["spec"]["containers"]:
        for key in ("terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy"):
            del c[key]
    for key in ("schedulerName", "dnsPolicy", "imagePullSecrets"):
        del pod["spec"][key]
    return review("Pod", "", "pods", "laboratory", meta["name"], pod,
                  "system:serviceaccount:kube-system:replicaset-controller",
                  ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])


def deployment(app, team, namespace, containers, volumes, replicas=3):
    obj = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": app, "namespace": namespace,
                     "labels": {"app.kubernetes.io/name": app, "app.kubernetes.io/instance": app + "-prod",
                                "app.kubernetes.io/managed-by": "argocd", "team": team},
                     "annotations": {"argocd.argoproj.io/tracking-id": namespace + ":apps/Deployment:" + namespace
                                     + "/" + app}},
        "spec": {"replicas": replicas, "revisionHistoryLimit": 5,
                 "selector": {"matchLabels": {"app.kubernetes.io/name": app}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                 "template": pod_template(app, team, containers, volumes)},
    }
    return review("Deployment", "apps", "deployments", namespace, app, obj,
                  "system:serviceaccount:argocd:argocd-application-controller",
                  ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"])


def ehr_api():
    app = "ehr-api"
    mounts = [{"name": "vault-secrets", "mountPath": "/mnt/secrets", "readOnly": True},
              {"name": "config", "mountPath": "/etc/ehr", "readOnly": True},
              {"name": "tmp", "mountPath": "/tmp"}]
    containers = [
        container("ehr-api", "registry.local/clinical/ehr-api:2.3.1", 8080, env([
            ("DB_HOST", "ehr-db.clinical.svc"), ("DB_NAME", "ehr"), ("DB_PASSWORD_FILE", "/vault/secrets/db"),
            ("FHIR_VERSION", "R4"), ("AUDIT_ENDPOINT", "http://localhost:9400/audit"),
            ("OIDC_ISSUER", "https://sso.hospital.example/realms/clinical"),
            ("SMART_ON_FHIR_ENABLED", "true"), ("LOG_FORMAT", "json"),
        ]), mounts),
        container("fhir-gateway", "registry.local/clinical/fhir-gateway:1.9.4", 8443, env([
            ("UPSTREAM", "http://localhost:8080"), ("CONSENT_SERVICE", "https://consent.clinical.svc"),
            ("TLS_CERT_PATH", "/mnt/secrets/tls.crt"), ("RATE_LIMIT_RPS", "200"),
        ]), mounts[:2], probes=False),
        container("audit-shipper", "registry.local/platform/audit-shipper:0.14.2", 9400, env([
            ("SINK", "https://audit.hospital.example/ingest"), ("BUFFER_DIR", "/tmp/audit"),
            ("SIEM_TOKEN_FILE", "/vault/secrets/siem"),
        ]), [mounts[2]], authored_resources=False, probes=False),
    ]
    volumes = [secrets_volume(app), {"name": "config", "configMap": {"name": "ehr-api-config", "defaultMode": 420}},
               {"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}]
    return deployment(app, "clinical-records", "clinical", containers, volumes)


def integration_hub():
    app = "integration-hub"
    systems = ["adt", "orm", "oru", "siu", "mdm", "dft", "vxu", "rde", "ppr", "bar"]
    sites = ["north", "south", "east", "west", "central"]
    containers = []
    for i in range(50):
        feed = systems[i % 10] + "-" + sites[i // 10]
        containers.append(container("hl7-" + feed, "registry.local/integration/hl7-channel:7.2.%d" % (i % 4),
                                    9000 + i, env([
            ("CHANNEL", feed), ("MLLP_LISTEN_PORT", str(9000 + i)),
            ("SOURCE_FACILITY", sites[i // 10].upper() + "-GENERAL"), ("MESSAGE_TYPE", systems[i % 10].upper()),
            ("FHIR_BASE_URL", "https://fhir.clinical.svc/fhir/R4"),
            ("DEAD_LETTER_QUEUE", "amqps://mq.clinical.svc:5671/dlq." + feed),
            ("MAPPING_FILE", "/etc/hub/mappings/" + feed + ".yaml"),
            ("DB_PASSWORD_FILE", "/vault/secrets/db"), ("ACK_TIMEOUT_MS", "30000"),
            ("LOG_LEVEL", "info"), ("RETRY_BACKOFF", "exponential"), ("RETRY_MAX_ATTEMPTS", "8"),
            ("ENCODING", "UNICODE UTF-8"), ("PATIENT_ID_SYSTEM", "urn:oid:2.16.840.1.113883.3.4711." + str(i)),
            ("ASSIGNING_AUTHORITY", sites[i // 10].upper() + "-MRN"), ("VALIDATE_SEGMENTS", "MSH,PID,PV1,OBR,OBX"),
            ("METRICS_PORT", str(9500 + i)), ("TRACE_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability.svc:4317"),
            ("OTEL_SERVICE_NAME", "integration-hub-" + feed), ("TZ", "Europe/Amsterdam"),
            ("ARCHIVE_BUCKET", "s3://hl7-archive/" + feed), ("CONSENT_CHECK", "strict"),
        ]), [{"name": "vault-secrets", "mountPath": "/mnt/secrets", "readOnly": True},
             {"name": "mappings", "mountPath": "/etc/hub/mappings", "readOnly": True},
             {"name": "spool", "mountPath": "/var/spool/hl7/" + feed, "subPath": feed}],
            authored_resources=i % 3 != 0, probes=i % 2 == 0))
    volumes = [secrets_volume(app), {"name": "mappings", "configMap": {"name": "hub-mappings"}},
               {"name": "spool", "persistentVolumeClaim": {"claimName": "hl7-spool"}}]
    return deployment(app, "integration", "integration", containers, volumes, replicas=2)


def write(name, value):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(value, f, indent=None, separators=(",", ":"))
        f.write("\n")


for name, r in [("pod-2k", lab_results_pod()), ("deployment-5k", ehr_api()), ("deployment-100k", integration_hub())]:
    write(name + ".mutate.json", r)
    v = copy.deepcopy(r)
    v["request"]["object"] = admitted(r["request"]["object"])
    write(name + ".validate.json", v)
