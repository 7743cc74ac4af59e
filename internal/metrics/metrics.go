// Package metrics exposes Parley's Prometheus metrics. Labels are platforms,
// outcomes, reasons and pseudonyms only: never names, channel titles or
// content, so a metrics scrape reveals no more than the traffic log.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every collector.
type Metrics struct {
	reg *prometheus.Registry

	Accepted   *prometheus.CounterVec   // platform
	Rejected   *prometheus.CounterVec   // platform, reason
	Deliveries *prometheus.CounterVec   // platform (destination), outcome
	Retries    *prometheus.CounterVec   // platform
	Latency    *prometheus.HistogramVec // platform
	Notices    *prometheus.CounterVec   // platform (source)
	Unhealthy  *prometheus.GaugeVec     // platform, workspace pseudonym
	// DeadLetters counts events set aside because handling them panicked.
	DeadLetters *prometheus.CounterVec // platform (source), stage
	// PolicyActions counts policy rules that matched, by what they did.
	PolicyActions *prometheus.CounterVec // action, detector
	// Alerts counts monitoring and policy alerts raised.
	Alerts *prometheus.CounterVec // kind
	// Ready is 1 while a readiness check (store, bus, consumer) passes.
	Ready *prometheus.GaugeVec // check
}

// New registers Parley's metrics with a fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		Accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_events_accepted_total", Help: "Inbound events durably accepted.",
		}, []string{"platform"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_events_rejected_total", Help: "Inbound requests rejected, by reason.",
		}, []string{"platform", "reason"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_deliveries_total", Help: "Deliveries finished, by destination platform and outcome.",
		}, []string{"platform", "outcome"}),
		Retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_delivery_retries_total", Help: "Delivery attempts beyond the first.",
		}, []string{"platform"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "parley_delivery_latency_seconds", Help: "From the platform's event time to delivery at the destination.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"platform"}),
		Notices: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_failure_notices_total", Help: "Notices sent to senders about undeliverable messages.",
		}, []string{"platform"}),
		Unhealthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "parley_workspace_unhealthy", Help: "1 while a workspace's credentials are rejected.",
		}, []string{"platform", "workspace"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_dead_letters_total", Help: "Events set aside (dead-lettered) because handling them panicked, by source platform and stage (consume, route, delivery).",
		}, []string{"platform", "stage"}),
		PolicyActions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_policy_actions_total", Help: "Policy rules that matched a message, by action (block, redact, alert) and detector.",
		}, []string{"action", "detector"}),
		Alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_alerts_total", Help: "Alerts raised, by kind (limit.*, baseline.*, policy.*).",
		}, []string{"kind"}),
		Ready: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "parley_ready", Help: "1 while a readiness check (store, bus, consumer) passed its last probe; /readyz answers 503 while any is 0.",
		}, []string{"check"}),
	}
	m.reg.MustRegister(m.Accepted, m.Rejected, m.Deliveries, m.Retries, m.Latency, m.Notices, m.Unhealthy, m.DeadLetters, m.PolicyActions, m.Alerts, m.Ready,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Register adds another collector (lane depths are collected at scrape).
func (m *Metrics) Register(c prometheus.Collector) { m.reg.MustRegister(c) }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
