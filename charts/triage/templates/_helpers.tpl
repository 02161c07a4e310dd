{{/* The name of every object: the release name, which is "triage" in the documented install. */}}
{{- define "triage.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "triage.labels" -}}
app.kubernetes.io/name: triage
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "triage.selectorLabels" -}}
app.kubernetes.io/name: triage
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "triage.tlsSecretName" -}}
{{- .Values.certificates.secretName | default (printf "%s-tls" (include "triage.fullname" .)) -}}
{{- end -}}

{{- define "triage.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{/*
policy/v1 where the cluster serves it (Kubernetes 1.21 and later, where v1beta1 is deprecated and
from 1.25 gone); policy/v1beta1 on older clusters, and when rendering offline without --api-versions.
*/}}
{{- define "triage.pdbApiVersion" -}}
{{- if .Values.podDisruptionBudget.apiVersion -}}
{{ .Values.podDisruptionBudget.apiVersion }}
{{- else if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end -}}
{{- end -}}

{{/*
The namespaces neither webhook reviews: the control plane's, Triage's own, and the extra ones.
An outage of Triage must never lock them out.
*/}}
{{- define "triage.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: {{ concat (list "kube-system" "kube-public" "kube-node-lease" .Release.Namespace) .Values.webhook.excludedNamespaces | uniq | toJson }}
  - key: triage.dev/ignore
    operator: NotIn
    values: ["true"]
{{- end -}}

{{/* How the apiserver trusts the serving certificate: an annotation for cert-manager's cainjector. */}}
{{- define "triage.webhookAnnotations" -}}
{{- if eq .Values.certificates.mode "certManager" -}}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "triage.fullname" . }}-serving
{{- end -}}
{{- end -}}

{{- define "triage.clientConfig" -}}
service:
  name: {{ include "triage.fullname" .root }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: 443
{{- if eq .root.Values.certificates.mode "caBundle" }}
caBundle: {{ required "certificates.caBundle: the base64 CA that signed the serving certificate (mode caBundle)" .root.Values.certificates.caBundle }}
{{- end }}
{{- end -}}

{{/* The objects both webhooks review: pod-bearing workloads. */}}
{{- define "triage.workloadRules" -}}
- apiGroups: [""]
  apiVersions: ["*"]
  operations: [CREATE, UPDATE]
  resources: [pods, replicationcontrollers]
  scope: Namespaced
- apiGroups: [apps]
  apiVersions: ["*"]
  operations: [CREATE, UPDATE]
  resources: [deployments, statefulsets, daemonsets, replicasets]
  scope: Namespaced
- apiGroups: [batch]
  apiVersions: ["*"]
  operations: [CREATE, UPDATE]
  resources: [jobs, cronjobs]
  scope: Namespaced
{{- end -}}
