package conformance

import (
	"context"
	"errors"
	"slices"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
)

// sendOnly can only Send.
type sendOnly struct{}

func (sendOnly) Send(context.Context, core.ChannelID, connector.Message) (core.MessageID, error) {
	return "1", nil
}

// sendAndReact adds reactions.
type sendAndReact struct{ sendOnly }

func (sendAndReact) React(context.Context, core.ChannelID, core.MessageID, string) error { return nil }
func (sendAndReact) Unreact(context.Context, core.ChannelID, core.MessageID, string) error {
	return nil
}

func TestMissing(t *testing.T) {
	all := []string{"ThreadSender", "Editor", "Deleter", "Reactor", "FileSender", "FileFetcher", "Directory", "History"}
	tests := []struct {
		name        string
		client      connector.Client
		unsupported []string
		want        []string
	}{
		{"send only", sendOnly{}, nil, all},
		{"with reactions", sendAndReact{}, nil, slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == "Reactor" })},
		{"declared unsupported", sendOnly{}, all, nil},
		{"partly declared", sendAndReact{}, []string{"ThreadSender", "Editor", "Deleter", "FileSender", "FileFetcher", "Directory"}, []string{"History"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Missing(tt.client, tt.unsupported); !slices.Equal(got, tt.want) {
				t.Fatalf("Missing = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRecorder(t *testing.T) {
	ctx := context.Background()
	r := NewRecorder()
	ev := core.Event{ID: "Ev1", Kind: core.Posted}

	steps := []struct {
		name string
		do   func() error
	}{
		{"first sight", func() error {
			if ok, _ := r.FirstSeen(ctx, core.Slack, "Ev1"); !ok {
				return errors.New("first FirstSeen = false")
			}
			return nil
		}},
		{"second sight", func() error {
			if ok, _ := r.FirstSeen(ctx, core.Slack, "Ev1"); ok {
				return errors.New("second FirstSeen = true")
			}
			return nil
		}},
		{"same id on another platform", func() error {
			if ok, _ := r.FirstSeen(ctx, core.Teams, "Ev1"); !ok {
				return errors.New("platforms share IDs")
			}
			return nil
		}},
		{"forget", func() error {
			_ = r.Forget(ctx, core.Slack, "Ev1")
			if r.Seen(core.Slack, "Ev1") {
				return errors.New("still seen after Forget")
			}
			return nil
		}},
		{"failing accept", func() error {
			r.FailAccept(errors.New("down"))
			if r.Accept(ctx, ev) == nil || len(r.Events()) != 0 {
				return errors.New("accepted while failing")
			}
			return nil
		}},
		{"accept", func() error {
			r.FailAccept(nil)
			if err := r.Accept(ctx, ev); err != nil || len(r.Events()) != 1 {
				return errors.New("not recorded")
			}
			return nil
		}},
	}
	// The steps share the recorder, so they run in order.
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
