{{- define "parley.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "parley.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "parley.labels" -}}
{{ include "parley.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "parley.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{/* Several nodes need shared state: refuse a release that would give each its own. */}}
{{- define "parley.check" -}}
{{- if gt (int .Values.replicaCount) 1 -}}
{{- if not (and .Values.config.bus .Values.config.bus.url) -}}
{{- fail "config.bus.url: several replicas need a shared NATS JetStream cluster; the embedded bus is per pod" -}}
{{- end -}}
{{- if ne (default "sqlite" (and .Values.config.store .Values.config.store.driver)) "postgres" -}}
{{- fail "config.store.driver: several replicas need postgres; SQLite is per pod" -}}
{{- end -}}
{{- end -}}
{{- if not .Values.secrets.existingSecret -}}
{{- fail "secrets.existingSecret: name the Secret holding the admin token and the store URL" -}}
{{- end -}}
{{- if not .Values.secrets.tlsSecret -}}
{{- fail "secrets.tlsSecret: name the kubernetes.io/tls Secret for the HTTPS listeners" -}}
{{- end -}}
{{- end -}}
