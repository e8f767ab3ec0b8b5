{{/* The chart's name. */}}
{{- define "preview-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of the release's objects (the release name when it contains the chart name). */}}
{{- define "preview-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "preview-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "preview-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "preview-operator.labels" -}}
{{ include "preview-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "preview-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "preview-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "preview-operator.leaseName" -}}
{{- default (include "preview-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "preview-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The operator's configuration file (/etc/preview-operator/config.yaml), in the format the operator's
--config option reads.
*/}}
{{- define "preview-operator.config" -}}
{{- if not (hasKey .Values.plans .Values.defaultPlan) }}
{{- fail (printf "defaultPlan %q names no plan in plans (%s)" .Values.defaultPlan (keys .Values.plans | sortAlpha | join ", ")) }}
{{- end -}}
plans:
{{- range $name, $plan := .Values.plans }}
  {{ $name }}: {ttl: {{ $plan.ttl }}, maxPreviews: {{ $plan.maxPreviews }}, expiry: {{ $plan.expiry }}
    {{- with $plan.maxTtl }}, maxTtl: {{ . }}{{ end }}
    {{- with $plan.warnBefore }}, warnBefore: {{ . }}{{ end }}
    {{- with $plan.sleepAfter }}, sleepAfter: {{ . }}{{ end }}
    {{- with $plan.awake }}, awake: {{ . | quote }}{{ end }}
    {{- with $plan.rollover }}, rollover: {{ . }}{{ end }}
    {{- with $plan.defaults }}, defaults: {{ toJson . }}{{ end }}}
{{- end }}
defaultPlan: {{ .Values.defaultPlan }}
{{- with .Values.ingress.hostTemplate }}
ingress:
  hostTemplate: {{ . | quote }}
{{- end }}
namespaces: {{ toJson .Values.watchNamespaces }}
{{- with .Values.notifications.webhooks }}
notifications:
  webhooks:
  {{- $names := dict }}
  {{- range . }}
  {{- if hasKey $names .name }}
  {{- fail (printf "notifications.webhooks: the name %q is used twice (names label the metrics)" .name) }}
  {{- end }}
  {{- $_ := set $names .name true }}
    - name: {{ .name }}
      {{- if .urlFrom.secretKeyRef }}
      urlFrom: {env: {{ include "preview-operator.webhookEnv" . }}}
      {{- else }}
      urlFrom: {file: {{ .urlFrom.file | quote }}}
      {{- end }}
      {{- with .events }}
      events: {{ toJson . }}
      {{- end }}
      {{- with .namespaces }}
      namespaces: {{ toJson . }}
      {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
The environment variable that carries a webhook's URL from its Secret (urlFrom.secretKeyRef) into the
operator's container: PREVIEW_WEBHOOK_<NAME>_URL (names are DNS labels, so this is one-to-one).
*/}}
{{- define "preview-operator.webhookEnv" -}}
{{- printf "PREVIEW_WEBHOOK_%s_URL" (.name | upper | replace "-" "_") }}
{{- end }}

{{/*
What the operator does in the namespaces it watches (see deploy/02-rbac.yaml for the reasons).
*/}}
{{- define "preview-operator.namespacedRules" -}}
- apiGroups: ["previews.dev"]
  resources: ["previewdeployments"]
  verbs: ["get", "list", "watch", "delete"]
- apiGroups: ["previews.dev"]
  resources: ["previewdeployments/status"]
  verbs: ["patch"]
- apiGroups: ["previews.dev"]
  resources: ["previewdeployments/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}

{{/* Namespaces are cluster-scoped: a namespace's plan is its label previews.dev/plan. */}}
{{- define "preview-operator.namespaceRules" -}}
- apiGroups: [""]
  resources: ["namespaces"]
  verbs: ["list", "watch"]
{{- end }}
