package clock

import (
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
