package clock

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAdvanceMovesNowNotWall(t *testing.T) {
	wall := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := New(func() time.Time { return wall })
	var seen []time.Time
	c.OnAdvance(func(now time.Time) { seen = append(seen, now) })

	if _, err := c.Advance(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Now(), wall.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("Now = %s, want %s", got, want)
	}
	if !c.Wall().Equal(wall) {
		t.Fatalf("Wall moved: %s", c.Wall())
	}
	wall = wall.Add(time.Second) // real time keeps passing under the offset
	if got, want := c.Now(), wall.Add(90*time.Minute); !got.Equal(want) {
		t.Fatalf("Now = %s, want %s", got, want)
	}
	if len(seen) != 1 || !seen[0].Equal(wall.Add(-time.Second).Add(90*time.Minute)) {
		t.Fatalf("listener saw %v", seen)
	}
	for _, bad := range []time.Duration{0, -time.Second, MaxAdvance + time.Second} {
		if _, err := c.Advance(bad); err == nil {
			t.Errorf("Advance(%s) accepted", bad)
		}
	}
	if len(seen) != 1 {
		t.Fatalf("a refused advance ran listeners: %v", seen)
	}
}

func TestUntil(t *testing.T) {
	// answer waits up to a deadline for a sleeper to end.
	answer := func(t *testing.T, done <-chan bool) (ended, passed bool) {
		t.Helper()
		select {
		case passed = <-done:
			return true, passed
		case <-time.After(5 * time.Second):
			return false, false
		}
	}
	// asleep is true when the sleeper has not ended a little later (a
	// deliberate observation window, not a wait for a condition).
	asleep := func(done <-chan bool) bool {
		select {
		case <-done:
			return false
		case <-time.After(50 * time.Millisecond):
			return true
		}
	}

	tests := []struct {
		name     string
		d        time.Duration
		advances []time.Duration // applied in order while it sleeps
		cancel   bool
		want     bool // the answer once it ends
	}{
		{"due now passes at once", 0, nil, false, true},
		{"a short real wait passes", 20 * time.Millisecond, nil, false, true},
		{"an advance to due wakes it", time.Hour, []time.Duration{time.Hour}, false, true},
		{"advances that add up wake it", time.Hour, []time.Duration{40 * time.Minute, 20 * time.Minute}, false, true},
		{"cancelled while asleep", time.Hour, []time.Duration{30 * time.Minute}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			due := c.Now().Add(tt.d)
			done := make(chan bool, 1)
			go func() { done <- c.Until(ctx, due) }()
			for _, adv := range tt.advances {
				if !asleep(done) {
					t.Fatal("woke before its time")
				}
				if _, err := c.Advance(adv); err != nil {
					t.Fatal(err)
				}
			}
			if tt.cancel {
				if !asleep(done) {
					t.Fatal("woke before its time")
				}
				cancel()
			}
			ended, passed := answer(t, done)
			if !ended {
				t.Fatal("still asleep")
			}
			if passed != tt.want {
				t.Fatalf("Until = %v, want %v", passed, tt.want)
			}
		})
	}
}

func TestSleepOnRealTime(t *testing.T) {
	c := New(nil)
	start := time.Now()
	if !c.Sleep(context.Background(), 30*time.Millisecond) {
		t.Fatal("Sleep reported a cancel")
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("Sleep ended early")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c.Sleep(ctx, time.Hour) || c.Sleep(ctx, 0) {
		t.Fatal("Sleep on a done context reported the time passed")
	}
	// A test's frozen wall clock does not stop real time from counting.
	frozen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c = New(func() time.Time { return frozen })
	start = time.Now()
	if !c.Sleep(context.Background(), 30*time.Millisecond) || time.Since(start) < 30*time.Millisecond {
		t.Fatal("Sleep on a frozen wall clock did not wait out the real time")
	}
}

func TestServeHTTP(t *testing.T) {
	wall := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := New(func() time.Time { return wall })
	call := func(method, body string) (int, map[string]any) {
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, httptest.NewRequest(method, "/_emulator/clock", strings.NewReader(body)))
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %q", method, body, rec.Body.String())
		}
		return rec.Code, out
	}
	for _, bad := range []string{``, `{`, `{}`, `{"advance_seconds":0}`, `{"advance_seconds":-60}`,
		`{"advance_seconds":"60"}`, `{"advance_seconds":99999999999}`, `{"advance_seconds":60,"x":1}`, `{"advance_seconds":1.5}`} {
		if code, out := call(http.MethodPost, bad); code != http.StatusBadRequest || out["ok"] != false || out["error"] == "" {
			t.Errorf("%q: %d %v, want 400 with an error", bad, code, out)
		}
	}
	if !c.Now().Equal(wall) {
		t.Fatalf("refused requests moved the clock to %s", c.Now())
	}
	code, out := call(http.MethodPost, `{"advance_seconds":14400}`)
	if code != http.StatusOK || out["ok"] != true || out["now"] != wall.Add(4*time.Hour).Format(time.RFC3339Nano) {
		t.Fatalf("advance: %d %v", code, out)
	}
	if code, out := call(http.MethodGet, ``); code != http.StatusOK || out["now"] != wall.Add(4*time.Hour).Format(time.RFC3339Nano) {
		t.Fatalf("read: %d %v", code, out)
	}
	if code, _ := call(http.MethodDelete, ``); code != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE: %d", code)
	}
}

func FuzzServeHTTP(f *testing.F) {
	for _, s := range []string{`{"advance_seconds":60}`, `{}`, `{"advance_seconds":-1}`, `[`, `{"advance_seconds":1e99}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := New(nil)
		before := c.Now()
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/clock", strings.NewReader(body)))
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d", rec.Code)
		}
		if c.Now().Before(before) {
			t.Fatal("the clock went back")
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
	})
}
