package faults

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTable(t *testing.T) {
	now := time.Unix(0, 0)
	tab := &Table{Now: func() time.Time { return now }}
	post := func(body string) int {
		rec := httptest.NewRecorder()
		tab.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/faults", strings.NewReader(body)))
		return rec.Code
	}
	for _, bad := range []string{`{`, `{"status":200}`, `{"status":503,"count":-1}`, `{}`, `{"status":503,"colour":"red"}`} {
		if code := post(bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
	if code := post(`{"workspace":"W1","status":503,"count":2}`); code != http.StatusOK {
		t.Fatalf("add: %d", code)
	}
	if _, ok := tab.Take("W2"); ok {
		t.Fatal("a fault for W1 hit W2")
	}
	for range 2 {
		if f, ok := tab.Take("W1"); !ok || f.Status != 503 {
			t.Fatalf("Take = %+v, %v", f, ok)
		}
	}
	if _, ok := tab.Take("W1"); ok {
		t.Fatal("a counted fault outlived its count")
	}
	post(`{"status":429,"seconds":10}`)
	if f, ok := tab.Take("anything"); !ok || f.RetryAfter != 1 {
		t.Fatalf("429 without retry_after: %+v, %v", f, ok)
	}
	now = now.Add(11 * time.Second)
	if _, ok := tab.Take("anything"); ok {
		t.Fatal("a timed fault outlived its seconds")
	}
	post(`{"latency_ms":500}`)
	rec := httptest.NewRecorder()
	tab.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/faults", nil))
	if _, ok := tab.Take("x"); ok || rec.Code != http.StatusOK {
		t.Fatal("DELETE did not clear")
	}
}
