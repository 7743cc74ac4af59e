package slack_test

import (
	"slices"
	"testing"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/core"
)

// TestRepliesAfter: catch-up finds the replies posted after a point in
// time in threads rooted before it, oldest first, and only those.
func TestRepliesAfter(t *testing.T) {
	e := newEnv(t)
	ann := slack.New(e.person.Token, slack.OptionAPIURL(e.emuSrv.URL+"/api/"), slack.OptionHTTPClient(e.emuSrv.Client()))
	post := func(text, thread string) string {
		t.Helper()
		opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		_, ts, err := ann.PostMessage(e.channel.ID, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	rootA := post("root a", "")
	post("a before", rootA)
	rootB := post("root b", "")
	cursor := post("top level, the cursor", "")
	post("a after 1", rootA)
	post("b after", rootB)
	post("a after 2", rootA)
	post("top level after", "")

	th, ok := e.client.(connector.ThreadHistory)
	if !ok {
		t.Fatal("the Slack client has no ThreadHistory")
	}
	tests := []struct {
		name  string
		after string
		limit int
		want  []string
	}{
		{"after the cursor", cursor, 100, []string{"a after 1", "b after", "a after 2"}},
		{"limit keeps the oldest", cursor, 2, []string{"a after 1", "b after"}},
		{"from the start of thread a", rootA, 100, []string{"a before", "a after 1", "b after", "a after 2"}},
		{"no cursor", "", 100, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := th.RepliesAfter(t.Context(), core.ChannelID(e.channel.ID), core.MessageID(tc.after), tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ev := range evs {
				if ev.Thread == "" || ev.Kind != core.Posted {
					t.Errorf("%+v is not a posted reply", ev)
				}
				got = append(got, plainText(ev.Body))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("replies %q, want %q", got, tc.want)
			}
		})
	}
}
