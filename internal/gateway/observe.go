package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"parley/internal/audit"
	"parley/internal/core"
	"parley/internal/delivery"
	"parley/internal/metrics"
	"parley/internal/store"
)

// observer records every delivery in the traffic log and the metrics:
// platforms, pseudonyms, sizes and outcomes, never content.
type observer struct {
	traffic *audit.Traffic
	metrics *metrics.Metrics
	pseudo  func(string) string
}

func (o observer) Delivered(ctx context.Context, ev core.Event, dest core.ChannelRef, err error, attempts int) {
	outcome := "delivered"
	if err != nil {
		outcome = delivery.Reason(err)
	}
	var size int64 = int64(ev.Body.Len())
	for _, f := range ev.Files {
		size += f.Size
	}
	latency := time.Duration(0)
	if !ev.Time.IsZero() {
		latency = time.Since(ev.Time)
	}
	o.traffic.Record(ctx, store.TrafficEntry{
		Tenant: ev.Tenant, Kind: ev.Kind,
		SrcPlatform: ev.Source.Platform, Src: o.pseudo(ev.Source.String()),
		DstPlatform: dest.Platform, Dst: o.pseudo(dest.String()),
		Size: size, Files: len(ev.Files), Outcome: outcome, Attempts: attempts, Latency: latency,
	})
	o.metrics.Deliveries.WithLabelValues(string(dest.Platform), outcome).Inc()

	if attempts > 1 {
		o.metrics.Retries.WithLabelValues(string(dest.Platform)).Add(float64(attempts - 1))
	}
	if err == nil && latency > 0 {
		o.metrics.Latency.WithLabelValues(string(dest.Platform)).Observe(latency.Seconds())
	}
}

// countInbound wraps a platform's inbound handler to count what it accepted
// and rejected, by reason, from the status it answered. A panic in the
// handler (a request that trips a parser bug) is recovered here rather than
// by net/http, which would log the panic's value — possibly message text —
// to standard error: the platform gets a 500 and retries a few times, as
// for any server error, and the log gets the stack only.
//
// rejected, if set, is told of every request refused for its credentials
// (a bad signature or token), for burst alerts.
func countInbound(m *metrics.Metrics, log *slog.Logger, p core.Platform, h http.Handler, rejected func(kind string, r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				delivery.LogPanic(log.With("platform", p), "inbound request", v)
				m.Rejected.WithLabelValues(string(p), "panic").Inc()
				if !sw.wrote {
					http.Error(w, "internal error", http.StatusInternalServerError)
				}
			}
		}()
		h.ServeHTTP(sw, r)
		switch sw.status {
		case http.StatusOK, http.StatusAccepted, http.StatusCreated, http.StatusNoContent:
			m.Accepted.WithLabelValues(string(p)).Inc()
		default:
			reason := rejectReason(sw.status)
			m.Rejected.WithLabelValues(string(p), reason).Inc()
			if reason == "authentication" && rejected != nil {
				rejected(string(p)+" signature", r)
			}
		}
	})
}

func rejectReason(status int) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "authentication"
	case http.StatusBadRequest:
		return "malformed"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusServiceUnavailable:
		return "unavailable"
	default:
		return "other"
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	s.status, s.wrote = code, true
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// laneCollector reports each busy lane's depth at scrape time, labelled by
// a pseudonym of the destination channel.
type laneCollector struct {
	lanes  *delivery.Lanes
	pseudo func(string) string
	desc   *prometheus.Desc
}

func newLaneCollector(l *delivery.Lanes, pseudo func(string) string) *laneCollector {
	return &laneCollector{lanes: l, pseudo: pseudo, desc: prometheus.NewDesc("parley_lane_depth", "Deliveries queued or running per destination channel.", []string{"lane"}, nil)}
}

func (c *laneCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *laneCollector) Collect(ch chan<- prometheus.Metric) {
	for lane, n := range c.lanes.Depths() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), c.pseudo(lane))
	}
}

// breakerCollector reports open circuit breakers.
type breakerCollector struct {
	b      *delivery.Breakers
	pseudo func(string) string
	desc   *prometheus.Desc
}

func (c *breakerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *breakerCollector) Collect(ch chan<- prometheus.Metric) {
	for _, k := range c.b.Open() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, 1, c.pseudo(k))
	}
}
