package webex_test

import (
	"errors"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/richtext"
)

// TestFindSentContent: a retry finds the copy its lost attempt posted, in
// the right thread, and passes over copies already known as others'.
func TestFindSentContent(t *testing.T) {
	e := newEnv(t)
	rec, ok := e.client.(connector.ContentReconciler)
	if !ok {
		t.Fatal("the Webex client is not a ContentReconciler")
	}
	ch := core.ChannelID(e.room.ID)
	msg := func(s string) connector.Message {
		return connector.Message{Author: core.Author{Name: "alice"}, Body: richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.Text, Text: s}}}}
	}
	first, err := e.client.Send(t.Context(), ch, msg("same words"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.client.Send(t.Context(), ch, msg("same words"))
	if err != nil {
		t.Fatal(err)
	}
	ts := e.client.(connector.ThreadSender)
	reply, err := ts.SendReply(t.Context(), ch, first, msg("in the thread"))
	if err != nil {
		t.Fatal(err)
	}
	none := func(core.MessageID) bool { return false }
	only := func(ids ...core.MessageID) func(core.MessageID) bool {
		return func(id core.MessageID) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		}
	}
	tests := []struct {
		name  string
		root  core.MessageID
		text  string
		taken func(core.MessageID) bool
		want  core.MessageID // "" for ErrNotFound
	}{
		{"the earliest unclaimed copy", "", "same words", none, first},
		{"a claimed copy is passed over", "", "same words", only(first), second},
		{"all claimed", "", "same words", only(first, second), ""},
		{"other text", "", "other words", none, ""},
		{"in the thread", first, "in the thread", none, reply},
		{"not at top level", "", "in the thread", none, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rec.FindSentContent(t.Context(), ch, tc.root, msg(tc.text), tc.taken)
			if tc.want == "" {
				if !errors.Is(err, connector.ErrNotFound) {
					t.Fatalf("got %q, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
