package chaos

import (
	"testing"
)

func TestFindMarkers(t *testing.T) {
	const run = "0badcafe"
	tests := []struct {
		name string
		in   string
		want []marker
	}{
		{"none", "hello", nil},
		{"one", "*alice*: " + mark(run, 2, 17) + " from the chaos suite", []marker{{2, 17}}},
		{"text and markdown count once", `{"text":"` + mark(run, 1, 3) + `","markdown":"` + mark(run, 1, 3) + `"}`, []marker{{1, 3}}},
		{"other run ignored", mark("deadbeef", 1, 3), nil},
		{"two distinct", mark(run, 1, 3) + " " + mark(run, 1, 4), []marker{{1, 3}, {1, 4}}},
		{"huge number ignored", "chaos-" + run + "-s1-n99999999999999999999999", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := findMarkers(run, tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func FuzzFindMarkers(f *testing.F) {
	f.Add("chaos-0badcafe-s1-n2 chaos-0badcafe-s1-n2")
	f.Add("chaos-0badcafe-s-n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range findMarkers("0badcafe", s) {
			if m.seq < 0 || m.src < 0 {
				t.Fatalf("negative marker %v from %q", m, s)
			}
		}
	})
}

// msg builds a destination message carrying markers of source 0.
func msg(id, thread string, seqs ...int) seen {
	s := seen{id: id, thread: thread}
	for _, q := range seqs {
		s.markers = append(s.markers, marker{0, q})
	}
	return s
}

func TestTally(t *testing.T) {
	const src, dst, dst2 = "slack/A/C1", "slack/B/C2", "webex/O/R"
	sent := []sentMsg{
		{src: src, seq: 1, dsts: []string{dst}},
		{src: src, seq: 2, dsts: []string{dst}},
		{src: src, seq: 3, root: 1, dsts: []string{dst}},
		{src: src, seq: 4, root: 1, dsts: []string{dst}},
	}
	tests := []struct {
		name string
		sent []sentMsg
		got  map[string][]seen
		want Report
	}{
		{"clean", sent, map[string][]seen{dst: {msg("a", "", 1), msg("b", "", 2), msg("c", "a", 3), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 4}},
		{"lost", sent, map[string][]seen{dst: {msg("a", "", 1), msg("c", "a", 3), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 3, Lost: 1}},
		{"duplicated", sent, map[string][]seen{dst: {msg("a", "", 1), msg("b", "", 2), msg("b2", "", 2), msg("b3", "", 2), msg("c", "a", 3), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 3, Duplicated: 2}},
		{"top level reordered", sent, map[string][]seen{dst: {msg("b", "", 2), msg("a", "", 1), msg("c", "a", 3), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 4, Reordered: 1}},
		{"thread reordered", sent, map[string][]seen{dst: {msg("a", "", 1), msg("b", "", 2), msg("d", "a", 4), msg("c", "a", 3)}},
			Report{Sent: 4, Expected: 4, Delivered: 4, Reordered: 1}},
		{"reply in the wrong thread", sent, map[string][]seen{dst: {msg("a", "", 1), msg("b", "", 2), msg("c", "b", 3), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 4, Misthreaded: 1}},
		{"reply at top level", sent, map[string][]seen{dst: {msg("a", "", 1), msg("b", "", 2), msg("c", "", 3), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 4, Misthreaded: 1}},
		{"thread interleaved with top level is in order", sent, map[string][]seen{dst: {msg("a", "", 1), msg("c", "a", 3), msg("b", "", 2), msg("d", "a", 4)}},
			Report{Sent: 4, Expected: 4, Delivered: 4}},
		{"several destinations", []sentMsg{{src: src, seq: 1, dsts: []string{dst, dst2}}}, map[string][]seen{dst: {msg("a", "", 1)}},
			Report{Sent: 1, Expected: 2, Delivered: 1, Lost: 1}},
		{"the source's own channel does not count", []sentMsg{{src: src, seq: 1, dsts: []string{dst}}}, map[string][]seen{src: {msg("x", "", 1)}, dst: {msg("a", "", 1)}},
			Report{Sent: 1, Expected: 1, Delivered: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tally(tc.sent, []string{src}, tc.got)
			got.Examples = nil
			if got.String() != tc.want.String() {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
			if got.Clean() != (tc.want.Lost+tc.want.Duplicated+tc.want.Reordered+tc.want.Misthreaded == 0) {
				t.Fatalf("Clean() = %v for %v", got.Clean(), got)
			}
		})
	}
}
