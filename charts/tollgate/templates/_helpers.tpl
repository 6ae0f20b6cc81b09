{{/* The chart's name, and the full name every object is called by (max 63 characters). */}}
{{- define "tollgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tollgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tollgate.selector" -}}
app.kubernetes.io/name: {{ include "tollgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "tollgate.labels" -}}
{{ include "tollgate.selector" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "tollgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tollgate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding tls.crt and tls.key (the user's certs.existingSecret, else cert-manager's or the chart's). */}}
{{- define "tollgate.tlsSecretName" -}}
{{- if .Values.certs.existingSecret -}}
{{- .Values.certs.existingSecret -}}
{{- else -}}
{{- printf "%s-tls" (include "tollgate.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The serving Certificate cert-manager injects into the webhook configurations. */}}
{{- define "tollgate.servingCertificateName" -}}
{{- printf "%s-serving" (include "tollgate.fullname" .) -}}
{{- end -}}

{{- define "tollgate.platformPackConfigMapName" -}}
{{- printf "%s-platform-pack" (include "tollgate.fullname" .) -}}
{{- end -}}

{{- define "tollgate.policiesConfigMapName" -}}
{{- printf "%s-policies" (include "tollgate.fullname" .) -}}
{{- end -}}

{{/* Every policy ConfigMap the server reads, one name a line: the platform pack, the chart's own, the user's. */}}
{{- define "tollgate.policyConfigMaps" -}}
{{- if .Values.platformPack.enabled }}
{{ include "tollgate.platformPackConfigMapName" . }}
{{- end }}
{{ include "tollgate.policiesConfigMapName" . }}
{{- range .Values.policies.configMaps }}
{{ . }}
{{- end }}
{{- end -}}

{{/* The DNS names the API server calls the Service by. */}}
{{- define "tollgate.serviceDNSNames" -}}
{{- $svc := include "tollgate.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | toJson -}}
{{- end -}}

{{- define "tollgate.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Namespaces neither webhook is called for: the release's, kube-system, and the values'. */}}
{{- define "tollgate.exemptNamespaces" -}}
{{- concat (list .Release.Namespace "kube-system") .Values.webhook.exemptNamespaces | uniq | toJson -}}
{{- end -}}

{{/* What both webhooks share; called with (list $root $hookValues $path $caBundle). */}}
{{- define "tollgate.webhookCommon" -}}
{{- $root := index . 0 -}}
{{- $hook := index . 1 -}}
{{- $path := index . 2 -}}
{{- $caBundle := index . 3 -}}
admissionReviewVersions: [v1]
sideEffects: None
matchPolicy: Equivalent
failurePolicy: {{ $hook.failurePolicy }}
timeoutSeconds: {{ $hook.timeoutSeconds }}
clientConfig:
  service:
    name: {{ include "tollgate.fullname" $root }}
    namespace: {{ $root.Release.Namespace }}
    path: {{ $path }}
    port: 443
  {{- if not $root.Values.certManager.enabled }}
  caBundle: {{ $caBundle }}
  {{- end }}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ include "tollgate.exemptNamespaces" $root }}
    - key: admission.gatekeeper.sh/ignore
      operator: DoesNotExist
{{- with $root.Values.webhook.objectSelector }}
objectSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.webhook.matchConditions }}
matchConditions: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The Lease the replicas elect their one auditor on (leaderElection). */}}
{{- define "tollgate.leaseName" -}}
{{- printf "%s-audit" (include "tollgate.fullname" .) | trunc 253 -}}
{{- end -}}
