package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/internal/connector"
	"parley/internal/connector/conformance"
	"parley/internal/connector/webhook"
	"parley/internal/core"
)

// brokenDedupe is a sink whose replay guard is down.
type brokenDedupe struct{ *conformance.Recorder }

func (brokenDedupe) FirstSeen(context.Context, core.Platform, core.EventID) (bool, error) {
	return false, errors.New("store down")
}

func endpoint(sink connector.Sink, log *bytes.Buffer) *webhook.Endpoint {
	return &webhook.Endpoint{Platform: "p", Sink: sink, Log: slog.New(slog.NewTextHandler(log, nil)), MaxBody: 16}
}

func TestRead(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   string
		status int // 0: read
	}{
		{"post", http.MethodPost, `{"a":1}`, 0},
		{"get", http.MethodGet, "", http.StatusMethodNotAllowed},
		{"too large", http.MethodPost, strings.Repeat("x", 17), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			e := endpoint(conformance.NewRecorder(), &log)
			w := httptest.NewRecorder()
			body, ok := e.Read(w, httptest.NewRequest(tt.method, "/", strings.NewReader(tt.body)))
			if ok != (tt.status == 0) || !ok && w.Code != tt.status || ok && string(body) != tt.body {
				t.Fatalf("Read = %q, %v, status %d; want status %d", body, ok, w.Code, tt.status)
			}
			if strings.Contains(log.String(), "xxxx") {
				t.Fatalf("the body reached the log: %s", log.String())
			}
		})
	}
}

func TestDeliver(t *testing.T) {
	ctx := context.Background()
	ev := core.Event{ID: "E1", Kind: core.Posted}
	t.Run("once, then acknowledged as redelivered", func(t *testing.T) {
		rec := conformance.NewRecorder()
		e := endpoint(rec, &bytes.Buffer{})
		if o := e.Deliver(ctx, ev); o != webhook.Accepted {
			t.Fatalf("first Deliver = %v", o)
		}
		if o := e.Deliver(ctx, ev); o != webhook.Redelivered || o.Status(http.StatusNoContent) != http.StatusNoContent {
			t.Fatalf("second Deliver = %v", o)
		}
		if n := len(rec.Events()); n != 1 {
			t.Fatalf("%d events queued, want 1", n)
		}
	})
	t.Run("a failed queue is forgotten, so the platform's retry gets through", func(t *testing.T) {
		rec := conformance.NewRecorder()
		e := endpoint(rec, &bytes.Buffer{})
		rec.FailAccept(errors.New("bus down"))
		if o := e.Deliver(ctx, ev); o != webhook.Unavailable || o.Status(http.StatusOK) != http.StatusServiceUnavailable {
			t.Fatalf("Deliver while the bus is down = %v", o)
		}
		rec.FailAccept(nil)
		if o := e.Deliver(ctx, ev); o != webhook.Accepted || len(rec.Events()) != 1 {
			t.Fatalf("the retry = %v, %d events", o, len(rec.Events()))
		}
	})
	t.Run("no replay guard, no acknowledgement", func(t *testing.T) {
		rec := conformance.NewRecorder()
		e := endpoint(brokenDedupe{rec}, &bytes.Buffer{})
		if o := e.Deliver(ctx, ev); o != webhook.Unavailable || len(rec.Events()) != 0 {
			t.Fatalf("Deliver without a replay guard = %v, %d events", o, len(rec.Events()))
		}
	})
}

func TestReadSigned(t *testing.T) {
	good := func(secret, body []byte) error {
		if string(body) != "signed:"+string(secret) {
			return errors.New("bad signature")
		}
		return nil
	}
	tests := []struct {
		name   string
		secret string
		body   string
		status int // 0: read
	}{
		{"signed", "s3", "signed:s3", 0},
		{"forged", "s3", "signed:other", http.StatusUnauthorized},
		{"no secret configured: nothing is trusted", "", "signed:", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := endpoint(conformance.NewRecorder(), &bytes.Buffer{})
			w := httptest.NewRecorder()
			_, ok := e.ReadSigned(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body)), []byte(tt.secret), good)
			if ok != (tt.status == 0) || !ok && w.Code != tt.status {
				t.Fatalf("ReadSigned = %v, status %d; want %d", ok, w.Code, tt.status)
			}
		})
	}
}
