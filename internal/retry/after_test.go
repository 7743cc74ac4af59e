package retry

import (
	"net/http"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestParseAfter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Duration
		ok   bool
	}{
		{"seconds", "7", 7 * time.Second, true},
		{"zero is now", "0", 0, true},
		{"spaces around", " 12 ", 12 * time.Second, true},
		{"leading zeros", "007", 7 * time.Second, true},
		{"capped", "86400", MaxAfter, true},
		{"beyond int64 is capped, not refused", "99999999999999999999999", MaxAfter, true},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"rfc 850 date", now.Add(30 * time.Second).Format("Monday, 02-Jan-06 15:04:05 GMT"), 30 * time.Second, true},
		{"asctime date", now.Add(5 * time.Second).Format(time.ANSIC), 5 * time.Second, true},
		{"date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"date far ahead is capped", now.Add(48 * time.Hour).Format(http.TimeFormat), MaxAfter, true},
		{"empty", "", 0, false},
		{"negative", "-5", 0, false},
		{"fraction", "1.5", 0, false},
		{"signed", "+5", 0, false},
		{"unit", "5s", 0, false},
		{"garbage", "soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseAfter(tt.in, now)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ParseAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAfterFallsBackToThePlatformDefault(t *testing.T) {
	const def = 30 * time.Second
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"no header map", nil, def},
		{"no header", http.Header{}, def},
		{"unreadable", http.Header{"Retry-After": {"later"}}, def},
		{"given", http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{"zero is honoured", http.Header{"Retry-After": {"0"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := After(tt.h, def, now); got != tt.want {
				t.Fatalf("After = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBound(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{
		-time.Second: 0, 0: 0, time.Minute: time.Minute, 3 * time.Hour: MaxAfter,
	} {
		if got := Bound(in); got != want {
			t.Errorf("Bound(%v) = %v, want %v", in, got, want)
		}
	}
}

// FuzzParseAfter: whatever a platform (or what stands between it and us)
// sends, the wait is within [0, MaxAfter], and an accepted number of
// seconds is read as that number.
func FuzzParseAfter(f *testing.F) {
	for _, s := range []string{"", "0", "7", "3600", "3601", "-1", "1e3", "99999999999999999999",
		"Sun, 01 Mar 2026 12:01:00 GMT", "Sunday, 01-Mar-26 12:01:00 GMT", "Sun Mar  1 12:01:00 2026", "\x00", " 5 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseAfter(v, now)
		if d < 0 || d > MaxAfter {
			t.Fatalf("ParseAfter(%q) = %v, outside [0, %v]", v, d, MaxAfter)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseAfter(%q) refused with a wait %v", v, d)
		}
	})
}
