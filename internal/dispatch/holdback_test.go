package dispatch

import (
	"slices"
	"testing"
	"time"

	"parley/internal/catchup"
	"parley/internal/core"
)

func TestHoldback(t *testing.T) {
	ch := core.ChannelRef{Platform: core.Slack, Workspace: "T1", Channel: "C1"}
	other := core.ChannelRef{Platform: core.Slack, Workspace: "T1", Channel: "C2"}
	pending := []catchup.Pending{{Tenant: "t", Channel: ch}}
	t0 := time.Unix(1000, 0)
	ev := func(id string, c core.ChannelRef, sec int) core.Event {
		return core.Event{ID: core.EventID(id), Tenant: "t", Source: c, Time: t0.Add(time.Duration(sec) * time.Second)}
	}
	type step struct {
		do string // offer, publish, unpublish, done, release
		ev core.Event
	}
	tests := []struct {
		name  string
		steps []step
		want  []core.EventID
	}{
		{"a channel not being caught up flows", []step{{"offer", ev("a", other, 2)}, {"offer", ev("b", other, 1)}}, []core.EventID{"a", "b"}},
		{"held until catch-up is done, then oldest first", []step{
			{"offer", ev("live3", ch, 3)}, {"publish", ev("h1", ch, 1)}, {"offer", ev("h1", ch, 1)}, {"done", core.Event{}},
		}, []core.EventID{"h1", "live3"}},
		{"waits for published catch-up events to be consumed", []step{
			{"offer", ev("live3", ch, 3)}, {"publish", ev("h1", ch, 1)}, {"publish", ev("h2", ch, 2)},
			{"offer", ev("h1", ch, 1)}, {"done", core.Event{}}, {"offer", ev("h2", ch, 2)}, {"offer", ev("live4", ch, 4)},
		}, []core.EventID{"h1", "h2", "live3", "live4"}},
		{"a failed publish is not waited for", []step{
			{"offer", ev("live3", ch, 3)}, {"publish", ev("h1", ch, 1)}, {"done", core.Event{}}, {"unpublish", ev("h1", ch, 1)},
		}, []core.EventID{"live3"}},
		{"release lets a phantom go", []step{
			{"offer", ev("live3", ch, 3)}, {"publish", ev("h1", ch, 1)}, {"done", core.Event{}}, {"release", core.Event{}},
		}, []core.EventID{"live3"}},
		{"still held while catch-up runs", []step{{"offer", ev("live3", ch, 3)}, {"publish", ev("h1", ch, 1)}, {"offer", ev("h1", ch, 1)}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHoldback(pending)
			var routed []core.EventID
			for _, s := range tc.steps {
				switch s.do {
				case "offer":
					e := s.ev
					h.offer(e, func() { routed = append(routed, e.ID) })
				case "publish":
					h.published(s.ev)
				case "unpublish":
					h.unpublished(s.ev)
				case "done":
					h.caughtUp(pending[0], nil)
				case "release":
					h.release(holdKey{"t", ch})
				}
			}
			if !slices.Equal(routed, tc.want) {
				t.Fatalf("routed %v, want %v", routed, tc.want)
			}
		})
	}
}
