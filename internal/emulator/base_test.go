package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewBaseDefaults(t *testing.T) {
	d := Defaults{Platform: "zoom", Origin: "https://zoom.emulator.invalid/", RetryDelays: []time.Duration{time.Second}, AckTimeout: 3 * time.Second}
	tests := []struct {
		name        string
		opts        Options
		wantRetries []time.Duration
		wantAck     time.Duration
	}{
		{"zero options take the platform's", Options{}, d.RetryDelays, d.AckTimeout},
		{"set options win", Options{RetryDelays: []time.Duration{time.Millisecond}, AckTimeout: time.Second}, []time.Duration{time.Millisecond}, time.Second},
		{"an empty schedule disables retries", Options{RetryDelays: []time.Duration{}}, []time.Duration{}, d.AckTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBase(tt.opts, d)
			defer b.Close()
			if b.Opts.HTTPClient == nil || b.Opts.Now == nil || b.Opts.Logger == nil || b.Log == nil || b.Clock == nil || b.Faults == nil {
				t.Fatalf("unset parts: %+v", b)
			}
			if len(b.Opts.RetryDelays) != len(tt.wantRetries) || (b.Opts.RetryDelays == nil) != (tt.wantRetries == nil) {
				t.Fatalf("RetryDelays %v, want %v", b.Opts.RetryDelays, tt.wantRetries)
			}
			for i := range tt.wantRetries {
				if b.Opts.RetryDelays[i] != tt.wantRetries[i] {
					t.Fatalf("RetryDelays %v, want %v", b.Opts.RetryDelays, tt.wantRetries)
				}
			}
			if b.Opts.AckTimeout != tt.wantAck {
				t.Fatalf("AckTimeout %s, want %s", b.Opts.AckTimeout, tt.wantAck)
			}
			if b.URL() != "https://zoom.emulator.invalid" {
				t.Fatalf("placeholder origin %q", b.URL())
			}
			b.SetURL("https://127.0.0.1:8443/")
			if b.URL() != "https://127.0.0.1:8443" {
				t.Fatalf("origin %q", b.URL())
			}
		})
	}
}

func TestGoAndClose(t *testing.T) {
	b := NewBase(Options{}, Defaults{Platform: "test"})
	var running, stopped atomic.Int32
	for range 3 {
		b.Go(func(ctx context.Context) {
			running.Add(1)
			<-ctx.Done()
			stopped.Add(1)
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for running.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatal("goroutines did not start")
		}
		time.Sleep(time.Millisecond)
	}
	b.Close()
	if stopped.Load() != 3 {
		t.Fatalf("Close returned with %d of 3 goroutines stopped", stopped.Load())
	}
	b.Go(func(context.Context) { t.Error("a goroutine started after Close") })
	b.Close() // twice is fine
}

func TestMountControl(t *testing.T) {
	b := NewBase(Options{}, Defaults{Platform: "test"})
	defer b.Close()
	mux := http.NewServeMux()
	b.MountControl(mux, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"ok":true,"requests":[]}`)) }))
	tests := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/_emulator/faults", `{"status":503,"count":1}`, 200},
		{"DELETE", "/_emulator/faults", ``, 200},
		{"GET", "/_emulator/requests", ``, 200},
		{"POST", "/_emulator/clock", `{"advance_seconds":60}`, 200},
		{"GET", "/_emulator/clock", ``, 200},
		{"PUT", "/_emulator/clock", ``, 405},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body)))
		if rec.Code != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, rec.Code, tt.want)
		}
	}
	if b.Now().Sub(b.Wall()) < 59*time.Second {
		t.Fatal("the clock control did not move the base's clock")
	}
}
