// Package monitor watches what each link (and each tenant as a whole)
// sends, in windows — messages per minute, files and bytes per hour, new
// destinations per hour — against the hard limits an admin set and
// against a baseline it learns, and says when a window crosses one. It
// counts numbers only: no content, no names, destinations by pseudonym.
//
// Counts are kept in memory per node: in a cluster each node sees its
// share of the traffic, so limits hold per node (a lane is owned by one
// node at a time, so one link's traffic mostly stays on one node).
package monitor

import (
	"fmt"
	"sync"
	"time"

	"parley/internal/core"
	"parley/internal/policy"
)

// Sample is what one event sends.
type Sample struct {
	Tenant core.TenantID
	Link   core.LinkID
	Files  int
	Bytes  int64
	// Dests are pseudonyms of the destination channels.
	Dests []string
}

// Alert is a window that crossed a limit or the baseline.
type Alert struct {
	Tenant core.TenantID
	Link   core.LinkID // empty: the tenant as a whole
	Kind   string      // "limit.files_per_hour", "baseline.messages_per_hour", …
	Detail string      // counts and limits only
}

// Monitor holds the windows. The zero value is not usable; use New.
type Monitor struct {
	mu     sync.Mutex
	now    func() time.Time
	stats  map[key]*stats
	bursts map[string]*burst
}

type key struct {
	tenant core.TenantID
	link   core.LinkID
}

// New returns a monitor reading the clock now (time.Now if nil).
func New(now func() time.Time) *Monitor {
	if now == nil {
		now = time.Now
	}
	return &Monitor{now: now, stats: map[key]*stats{}}
}

// baselineWeight is how much a finished hour moves the learned baseline;
// learnHours is how many hours it must have seen before it alerts.
const (
	baselineWeight = 0.2
	learnHours     = 3
	maxDests       = 10000 // destinations remembered per link
)

type stats struct {
	minute, hour int64 // the current windows (Unix minute, Unix hour)
	msgsMinute   int64
	msgsHour     int64
	filesHour    int64
	bytesHour    int64
	newDestsHour int64
	seen         map[string]bool
	// The learned hourly baseline and how many hours it has seen.
	baseMsgs, baseFiles, baseBytes float64
	hours                          int
	alerted                        map[string]int64 // kind → window it last alerted in
}

// Observe counts s against the link's limits (and the tenant's, under an
// empty link) and returns the alerts it raised — each kind at most once
// per window — and whether a crossed limit's action is block (true for
// as long as the window stays over it, alerted or not).
func (m *Monitor) Observe(s Sample, link, tenant *policy.Limits) ([]Alert, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	a1, b1 := m.observe(key{s.Tenant, s.Link}, s, link, now)
	a2, b2 := m.observe(key{s.Tenant, ""}, s, tenant, now)
	return append(a1, a2...), b1 || b2
}

// Reset forgets a link's windows (after an admin releases it, it starts
// afresh rather than tripping again on the hour that quarantined it).
func (m *Monitor) Reset(t core.TenantID, link core.LinkID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if st := m.stats[key{t, link}]; st != nil {
		st.msgsMinute, st.msgsHour, st.filesHour, st.bytesHour, st.newDestsHour = 0, 0, 0, 0, 0
		st.alerted = map[string]int64{}
	}
}

func (m *Monitor) observe(k key, s Sample, lim *policy.Limits, now time.Time) ([]Alert, bool) {
	st := m.stats[k]
	if st == nil {
		st = &stats{seen: map[string]bool{}, alerted: map[string]int64{}}
		m.stats[k] = st
	}
	minute, hour := now.Unix()/60, now.Unix()/3600
	if minute != st.minute {
		st.minute, st.msgsMinute = minute, 0
	}
	if hour != st.hour {
		if st.hour != 0 {
			// The hour that ended teaches the baseline; hours with no
			// traffic at all never reach here, which keeps it honest
			// for links that are busy only in bursts.
			st.baseMsgs = learn(st.baseMsgs, st.msgsHour, st.hours)
			st.baseFiles = learn(st.baseFiles, st.filesHour, st.hours)
			st.baseBytes = learn(st.baseBytes, st.bytesHour, st.hours)
			st.hours++
		}
		st.hour, st.msgsHour, st.filesHour, st.bytesHour, st.newDestsHour = hour, 0, 0, 0, 0
	}
	st.msgsMinute++
	st.msgsHour++
	st.filesHour += int64(s.Files)
	st.bytesHour += s.Bytes
	for _, d := range s.Dests {
		if !st.seen[d] && len(st.seen) < maxDests {
			st.seen[d] = true
			if st.hours > 0 || st.msgsHour > 1 {
				st.newDestsHour++ // the first message's destinations are the link itself
			}
		}
	}
	if lim == nil {
		return nil, false
	}
	var out []Alert
	over := false
	raise := func(kind string, window int64, block bool, format string, a ...any) {
		over = over || block
		if last, ok := st.alerted[kind]; ok && last == window {
			return
		}
		st.alerted[kind] = window
		out = append(out, Alert{Tenant: k.tenant, Link: k.link, Kind: kind, Detail: fmt.Sprintf(format, a...)})
	}
	block := lim.Action == policy.ActionBlock
	if l := lim.FilesPerHour; l > 0 && st.filesHour > l {
		raise("limit.files_per_hour", hour, block, "%d files in the last hour; the limit is %d", st.filesHour, l)
	}
	if l := lim.BytesPerHour; l > 0 && st.bytesHour > l {
		raise("limit.bytes_per_hour", hour, block, "%d bytes in the last hour; the limit is %d", st.bytesHour, l)
	}
	if l := lim.MessagesPerMinute; l > 0 && st.msgsMinute > l {
		raise("limit.messages_per_minute", minute, block, "%d messages in the last minute; the limit is %d", st.msgsMinute, l)
	}
	if l := lim.DestinationsPerHour; l > 0 && st.newDestsHour > l {
		raise("limit.new_destinations_per_hour", hour, block, "%d new destinations in the last hour; the limit is %d", st.newDestsHour, l)
	}
	if f := lim.BaselineFactor; f > 0 && st.hours >= learnHours {
		for _, b := range []struct {
			what string
			now  int64
			base float64
		}{{"messages", st.msgsHour, st.baseMsgs}, {"files", st.filesHour, st.baseFiles}, {"bytes", st.bytesHour, st.baseBytes}} {
			if b.base > 0 && float64(b.now) > f*b.base {
				// A baseline alert only alerts: learned behaviour is a
				// hint, not a rule an admin wrote.
				raise("baseline."+b.what+"_per_hour", hour, false, "%d %s in the last hour; %.1f times the usual %.0f", b.now, b.what, float64(b.now)/b.base, b.base)
			}
		}
	}
	return out, over
}

func learn(base float64, hour int64, hours int) float64 {
	if hours == 0 {
		return float64(hour)
	}
	return (1-baselineWeight)*base + baselineWeight*float64(hour)
}

// BurstThreshold is how many rejected credentials (bad signatures, unknown
// tokens) one source may send within a minute before an alert.
const BurstThreshold = 20

// maxSources bounds the sources remembered within a minute, so a flood
// from many addresses cannot grow the map without end.
const maxSources = 10000

type burst struct {
	minute, n int64
	alerted   bool
}

// Rejected counts a rejected credential from source (a pseudonym of where
// it came from, with what kind of credential) and reports how many this
// minute and whether this one made it a burst — true once per minute.
func (m *Monitor) Rejected(source string) (int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	minute := m.now().Unix() / 60
	if m.bursts == nil || len(m.bursts) >= maxSources {
		m.bursts = map[string]*burst{}
	}
	b := m.bursts[source]
	if b == nil || b.minute != minute {
		b = &burst{minute: minute}
		m.bursts[source] = b
	}
	b.n++
	if b.n > BurstThreshold && !b.alerted {
		b.alerted = true
		return b.n, true
	}
	return b.n, false
}
