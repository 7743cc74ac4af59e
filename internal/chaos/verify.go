package chaos

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// sentMsg is one message a person posted: seq counts per source channel
// from 1; root is the seq of the thread's first message for a reply, 0 for
// a top-level message.
type sentMsg struct {
	src  string // channel key of the source
	seq  int
	root int
	dsts []string  // channel keys that should get a copy
	at   time.Time // when the source platform accepted it
}

// seen is one message as a destination platform lists it, oldest first.
type seen struct {
	id      string   // the platform's message ID
	thread  string   // ID of the thread's first message, "" at top level
	raw     string   // the message as the API returned it
	markers []marker // distinct chaos markers in raw, filled by the run
}

// marker identifies a source message inside a copy's text.
type marker struct {
	src int // index of the source channel in the run
	seq int
}

// markerRe matches what mark writes; digits and hyphens survive every
// platform's rich-text rendering unchanged.
var markerRe = regexp.MustCompile(`chaos-([0-9a-f]{8})-s(\d+)-n(\d+)`)

func mark(run string, src, seq int) string {
	return fmt.Sprintf("chaos-%s-s%d-n%d", run, src, seq)
}

// findMarkers returns the distinct markers of run in s, in order of first
// appearance: a copy may carry its text twice (text and markdown, a card
// and its fallback) and that is still one copy.
func findMarkers(run, s string) []marker {
	var out []marker
	for _, m := range markerRe.FindAllStringSubmatch(s, -1) {
		if m[1] != run {
			continue
		}
		src, err1 := strconv.Atoi(m[2])
		seq, err2 := strconv.Atoi(m[3])
		if err1 != nil || err2 != nil {
			continue
		}
		k := marker{src, seq}
		dup := false
		for _, o := range out {
			dup = dup || o == k
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}

// tally compares what was sent with what each destination lists. srcKeys
// maps a marker's source index to its channel key; got maps a channel key
// to its messages, oldest first.
func tally(sent []sentMsg, srcKeys []string, got map[string][]seen) Report {
	r := Report{Sent: len(sent)}
	index := map[string]int{}
	for i, k := range srcKeys {
		index[k] = i
	}
	type copyKey struct {
		dst string
		m   marker
	}
	count := map[copyKey]int{}
	where := map[copyKey]seen{}    // the first copy, for thread checks
	reordered := map[copyKey]int{} // → the later seq it came after
	for dst, msgs := range got {
		type group struct {
			src, root int
		}
		last := map[group]int{}
		roots := map[string]int{} // destination message ID → root seq of its source message
		for _, s := range msgs {
			for _, m := range s.markers {
				roots[s.id] = m.seq
			}
		}
		for _, s := range msgs {
			for _, m := range s.markers {
				k := copyKey{dst, m}
				count[k]++
				if count[k] > 1 {
					continue
				}
				where[k] = s
				g := group{m.src, 0}
				if s.thread != "" && s.thread != s.id {
					g.root = roots[s.thread]
				}
				if m.seq < last[g] {
					reordered[k] = last[g]
				}
				last[g] = max(last[g], m.seq)
			}
		}
	}
	for _, s := range sent {
		m := marker{index[s.src], s.seq}
		for _, dst := range s.dsts {
			k := copyKey{dst, m}
			r.Expected++
			n := count[k]
			switch {
			case n == 0:
				r.Lost++
				r.example("lost %s #%d in %s", s.src, s.seq, dst)
				continue
			case n == 1:
				r.Delivered++
			default:
				r.Duplicated += n - 1
				r.example("%d copies of %s #%d in %s", n, s.src, s.seq, dst)
			}
			if after := reordered[k]; after != 0 {
				r.Reordered++
				r.example("%s #%d (posted %s, copy %s) after #%d in %s", s.src, s.seq, s.at.Format("15:04:05.000"), where[k].id, after, dst)
			}
			if !inThread(s, where[k], got[dst], m) {
				r.Misthreaded++
				r.example("%s #%d (root #%d) outside its thread in %s", s.src, s.seq, s.root, dst)
			}
		}
	}
	return r
}

// inThread reports whether a copy sits where its source did: at top level
// for a top-level message, in the thread of the root's copy for a reply.
func inThread(s sentMsg, c seen, msgs []seen, m marker) bool {
	top := c.thread == "" || c.thread == c.id
	if s.root == 0 {
		return top
	}
	if top {
		return false
	}
	for _, o := range msgs {
		if o.id == c.thread {
			for _, om := range o.markers {
				if om == (marker{m.src, s.root}) {
					return true
				}
			}
		}
	}
	return false
}
