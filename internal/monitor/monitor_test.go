package monitor

import (
	"testing"
	"time"

	"parley/internal/policy"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func kinds(as []Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Kind)
	}
	return out
}

func TestHardLimits(t *testing.T) {
	c := &clock{time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	m := New(c.now)
	lim := &policy.Limits{FilesPerHour: 3, MessagesPerMinute: 5, Action: policy.ActionBlock}
	file := Sample{Tenant: "t", Link: "L", Files: 1, Bytes: 100, Dests: []string{"d1"}}
	for i := range 3 {
		if as, block := m.Observe(file, lim, nil); len(as) != 0 || block {
			t.Fatalf("file %d: alerts %v (block %v) before the limit", i+1, kinds(as), block)
		}
		c.t = c.t.Add(time.Minute)
	}
	as, block := m.Observe(file, lim, nil)
	if len(as) != 1 || as[0].Kind != "limit.files_per_hour" || !block || as[0].Link != "L" || as[0].Detail != "4 files in the last hour; the limit is 3" {
		t.Fatalf("4th file: %+v", as)
	}
	if as, block := m.Observe(file, lim, nil); len(as) != 0 || !block {
		t.Fatalf("5th file: alerts %v (want none: once an hour), block %v (want still)", kinds(as), block)
	}
	// Another link is counted apart; a new hour starts afresh.
	if as, _ := m.Observe(Sample{Tenant: "t", Link: "other", Files: 9}, &policy.Limits{FilesPerHour: 20}, nil); len(as) != 0 {
		t.Fatalf("other link: %v", kinds(as))
	}
	c.t = c.t.Add(time.Hour)
	if as, block := m.Observe(file, lim, nil); len(as) != 0 || block {
		t.Fatalf("new hour: %v", kinds(as))
	}

	// Messages per minute, and the tenant's limit over all its links.
	msg := Sample{Tenant: "t", Link: "L"}
	var got []string
	for range 6 {
		as, _ := m.Observe(msg, lim, &policy.Limits{MessagesPerMinute: 100})
		got = append(got, kinds(as)...)
	}
	if len(got) != 1 || got[0] != "limit.messages_per_minute" {
		t.Fatalf("messages per minute: %v", got)
	}
	all, block := m.Observe(Sample{Tenant: "t", Link: "x"}, nil, &policy.Limits{MessagesPerMinute: 2})
	if len(all) != 1 || all[0].Link != "" || block {
		t.Fatalf("tenant limit: %+v", all)
	}

	// Reset lets a released link start over within the hour.
	m.Reset("t", "L")
	if as, block := m.Observe(file, lim, nil); len(as) != 0 || block {
		t.Fatalf("after reset: %v", kinds(as))
	}
}

func TestBaselineAndNewDestinations(t *testing.T) {
	c := &clock{time.Date(2026, 5, 1, 0, 30, 0, 0, time.UTC)}
	m := New(c.now)
	lim := &policy.Limits{BaselineFactor: 3, DestinationsPerHour: 1}
	msg := Sample{Tenant: "t", Link: "L", Dests: []string{"d1"}}
	// Four ordinary hours of 10 messages.
	for h := range 4 {
		for range 10 {
			if as, _ := m.Observe(msg, lim, nil); len(as) != 0 {
				t.Fatalf("hour %d: %v", h, kinds(as))
			}
		}
		c.t = c.t.Add(time.Hour)
	}
	var got []Alert
	blocked := false
	for range 31 {
		as, block := m.Observe(msg, lim, nil)
		got, blocked = append(got, as...), blocked || block
	}
	if len(got) != 1 || got[0].Kind != "baseline.messages_per_hour" || blocked {
		t.Fatalf("31 messages against a usual 10: %+v", got)
	}
	// Two destinations never seen before within the hour.
	m.Observe(Sample{Tenant: "t", Link: "L", Dests: []string{"d2"}}, lim, nil)
	as, _ := m.Observe(Sample{Tenant: "t", Link: "L", Dests: []string{"d3"}}, lim, nil)
	if len(as) != 1 || as[0].Kind != "limit.new_destinations_per_hour" {
		t.Fatalf("new destinations: %+v", as)
	}
}

func TestRejectedBursts(t *testing.T) {
	c := &clock{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	m := New(c.now)
	bursts := 0
	for range BurstThreshold + 10 {
		if _, b := m.Rejected("slack|src1"); b {
			bursts++
		}
		m.Rejected("slack|src2") // another source, counted apart
	}
	if bursts != 1 {
		t.Fatalf("%d bursts from one source in a minute, want 1", bursts)
	}
	c.t = c.t.Add(time.Minute)
	if n, b := m.Rejected("slack|src1"); n != 1 || b {
		t.Fatalf("a new minute: %d, %v", n, b)
	}
}
