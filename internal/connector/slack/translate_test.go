package slack

import (
	"reflect"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/richtext"
)

var testID = identity{
	tenant:    "tenant-1",
	team:      "T0000000001",
	botID:     "B0000000001",
	appID:     "A0000000001",
	botUserID: "U00000000B1",
}

// callback wraps an inner event in an event_callback envelope.
func callback(event string) string {
	return `{"type":"event_callback","team_id":"T0000000001","api_app_id":"A0000000001",` +
		`"event_id":"Ev0000000001","event_time":1712345600,"event":` + event + `}`
}

func TestTranslate(t *testing.T) {
	src := core.ChannelRef{Platform: core.Slack, Workspace: "T0000000001", Channel: "C0000000001"}
	at := func(ts string) time.Time { tm, _ := parseTS(ts); return tm }
	base := func(kind core.Kind, msg string) core.Event {
		return core.Event{ID: "Ev0000000001", Kind: kind, Tenant: "tenant-1", Source: src, Message: core.MessageID(msg)}
	}
	with := func(ev core.Event, f func(*core.Event)) *core.Event { f(&ev); return &ev }

	tests := []struct {
		name  string
		event string
		want  *core.Event // nil: ignored
	}{
		{"plain message",
			`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"hi &amp; bye","ts":"1712345678.123456","event_ts":"1712345678.123456","channel_type":"channel"}`,
			with(base(core.Posted, "1712345678.123456"), func(e *core.Event) {
				e.Author = core.Author{ID: "U0000000001"}
				e.Body = richtext.ParseMrkdwn("hi &amp; bye")
				e.Time = at("1712345678.123456")
			})},
		{"thread reply",
			`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"re","ts":"1712345679.000001","thread_ts":"1712345678.123456","parent_user_id":"U0000000002"}`,
			with(base(core.Posted, "1712345679.000001"), func(e *core.Event) {
				e.Thread = "1712345678.123456"
				e.Author = core.Author{ID: "U0000000001"}
				e.Body = richtext.ParseMrkdwn("re")
				e.Time = at("1712345679.000001")
			})},
		{"thread root is top-level",
			`{"type":"message","channel":"C0000000001","user":"U0000000001","text":"root","ts":"1712345678.123456","thread_ts":"1712345678.123456"}`,
			with(base(core.Posted, "1712345678.123456"), func(e *core.Event) {
				e.Author = core.Author{ID: "U0000000001"}
				e.Body = richtext.ParseMrkdwn("root")
				e.Time = at("1712345678.123456")
			})},
		{"thread broadcast",
			`{"type":"message","subtype":"thread_broadcast","channel":"C0000000001","user":"U0000000001","text":"also","ts":"1712345680.000001","thread_ts":"1712345678.123456"}`,
			with(base(core.Posted, "1712345680.000001"), func(e *core.Event) {
				e.Thread = "1712345678.123456"
				e.Author = core.Author{ID: "U0000000001"}
				e.Body = richtext.ParseMrkdwn("also")
				e.Time = at("1712345680.000001")
			})},
		{"file share",
			`{"type":"message","subtype":"file_share","channel":"C0000000001","user":"U0000000001","text":"","ts":"1712345681.000001","files":[` +
				`{"id":"F0000000001","name":"a.png","title":"A","mimetype":"image/png","size":42,"url_private":"https://files.slack.com/x","url_private_download":"https://files.slack.com/x/download"},` +
				`{"id":"F0000000002","mode":"tombstone"}]}`,
			with(base(core.Posted, "1712345681.000001"), func(e *core.Event) {
				e.Author = core.Author{ID: "U0000000001"}
				e.Files = []core.FileRef{{ID: "F0000000001", Name: "a.png", MimeType: "image/png", Size: 42, URL: "https://files.slack.com/x/download"}}
				e.Time = at("1712345681.000001")
			})},
		{"another app's bot message",
			`{"type":"message","subtype":"bot_message","channel":"C0000000001","bot_id":"B0000000009","app_id":"A0000000009","username":"CI","text":"build ok","ts":"1712345682.000001"}`,
			with(base(core.Posted, "1712345682.000001"), func(e *core.Event) {
				e.Author = core.Author{ID: "B0000000009", Name: "CI"}
				e.Body = richtext.ParseMrkdwn("build ok")
				e.Time = at("1712345682.000001")
			})},
		{"edit",
			`{"type":"message","subtype":"message_changed","hidden":true,"channel":"C0000000001","ts":"1712345690.000001","event_ts":"1712345690.000001",` +
				`"message":{"type":"message","user":"U0000000001","text":"new","ts":"1712345678.123456","edited":{"user":"U0000000001","ts":"1712345690.000000"}},` +
				`"previous_message":{"type":"message","user":"U0000000001","text":"old","ts":"1712345678.123456"}}`,
			with(base(core.Edited, "1712345678.123456"), func(e *core.Event) {
				e.Author = core.Author{ID: "U0000000001"}
				e.Body = richtext.ParseMrkdwn("new")
				e.Time = at("1712345690.000001")
			})},
		{"delete",
			`{"type":"message","subtype":"message_deleted","hidden":true,"channel":"C0000000001","ts":"1712345691.000001","deleted_ts":"1712345679.000001",` +
				`"previous_message":{"type":"message","user":"U0000000001","text":"re","ts":"1712345679.000001","thread_ts":"1712345678.123456"}}`,
			with(base(core.Deleted, "1712345679.000001"), func(e *core.Event) {
				e.Thread = "1712345678.123456"
				e.Author = core.Author{ID: "U0000000001"}
				e.Time = at("1712345691.000001")
			})},
		{"reaction added with skin tone",
			`{"type":"reaction_added","user":"U0000000001","reaction":"thumbsup::skin-tone-2","item":{"type":"message","channel":"C0000000001","ts":"1712345678.123456"},"item_user":"U0000000002","event_ts":"1712345692.000001"}`,
			with(base(core.ReactionAdded, "1712345678.123456"), func(e *core.Event) {
				e.Author = core.Author{ID: "U0000000001"}
				e.Emoji = "thumbsup::skin-tone-2"
				e.Time = at("1712345692.000001")
			})},
		{"reaction removed",
			`{"type":"reaction_removed","user":"U0000000001","reaction":"tada","item":{"type":"message","channel":"C0000000001","ts":"1712345678.123456"},"event_ts":"1712345693.000001"}`,
			with(base(core.ReactionRemoved, "1712345678.123456"), func(e *core.Event) {
				e.Author = core.Author{ID: "U0000000001"}
				e.Emoji = "tada"
				e.Time = at("1712345693.000001")
			})},

		{"our bot's post", `{"type":"message","channel":"C0000000001","bot_id":"B0000000001","user":"U00000000B1","text":"relayed","ts":"1.1"}`, nil},
		{"our app's customised post", `{"type":"message","subtype":"bot_message","channel":"C0000000001","bot_id":"B0000000007","app_id":"A0000000001","username":"Ann","text":"relayed","ts":"1.1"}`, nil},
		{"edit of our post", `{"type":"message","subtype":"message_changed","channel":"C0000000001","ts":"2.2","message":{"bot_id":"B0000000001","text":"b","ts":"1.1"},"previous_message":{"bot_id":"B0000000001","text":"a","ts":"1.1"}}`, nil},
		{"delete of our post", `{"type":"message","subtype":"message_deleted","channel":"C0000000001","ts":"2.2","deleted_ts":"1.1","previous_message":{"bot_id":"B0000000001","text":"a","ts":"1.1"}}`, nil},
		{"reaction by our bot", `{"type":"reaction_added","user":"U00000000B1","reaction":"tada","item":{"type":"message","channel":"C0000000001","ts":"1.1"},"event_ts":"2.2"}`, nil},
		{"reply count update", `{"type":"message","subtype":"message_changed","channel":"C0000000001","ts":"2.2","message":{"user":"U0000000001","text":"same","ts":"1.1","reply_count":3},"previous_message":{"user":"U0000000001","text":"same","ts":"1.1","reply_count":2}}`, nil},
		{"edit without message", `{"type":"message","subtype":"message_changed","channel":"C0000000001","ts":"2.2"}`, nil},
		{"reaction to a file", `{"type":"reaction_added","user":"U0000000001","reaction":"tada","item":{"type":"file","file":"F0000000001"},"event_ts":"2.2"}`, nil},
		{"reaction without item", `{"type":"reaction_added","user":"U0000000001","reaction":"tada","event_ts":"2.2"}`, nil},
		{"channel join", `{"type":"message","subtype":"channel_join","channel":"C0000000001","user":"U0000000001","text":"<@U0000000001> has joined","ts":"1.1"}`, nil},
		{"app mention", `{"type":"app_mention","channel":"C0000000001","user":"U0000000001","text":"<@U00000000B1> hi","ts":"1.1"}`, nil},
		{"empty message", `{"type":"message","channel":"C0000000001","user":"U0000000001","text":"","ts":"1.1"}`, nil},
		{"message without channel", `{"type":"message","user":"U0000000001","text":"x","ts":"1.1"}`, nil},
		{"message without ts", `{"type":"message","channel":"C0000000001","user":"U0000000001","text":"x"}`, nil},
		{"no inner event", `null`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(callback(tt.event)))
			if err != nil {
				t.Fatalf("parseEnvelope: %v", err)
			}
			got, ok := translate(env, testID)
			if tt.want == nil {
				if ok {
					t.Fatalf("translate relayed %+v, want it ignored", got)
				}
				return
			}
			if !ok {
				t.Fatal("translate ignored the event")
			}
			if !reflect.DeepEqual(got, *tt.want) {
				t.Fatalf("translate =\n%+v\nwant\n%+v", got, *tt.want)
			}
		})
	}
}

func TestTranslateFallsBackToEventTime(t *testing.T) {
	env, err := parseEnvelope([]byte(callback(`{"type":"message","subtype":"message_deleted","channel":"C0000000001","deleted_ts":"1.1"}`)))
	if err != nil {
		t.Fatal(err)
	}
	ev, ok := translate(env, testID)
	if !ok {
		t.Fatal("ignored")
	}
	if want := time.Unix(1712345600, 0).UTC(); !ev.Time.Equal(want) {
		t.Fatalf("time = %v, want %v", ev.Time, want)
	}
}

func TestParseTS(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1712345678.123456", time.Unix(1712345678, 123456000).UTC(), true},
		{"1712345678", time.Unix(1712345678, 0).UTC(), true},
		{"1712345678.1", time.Unix(1712345678, 100000000).UTC(), true},
		{"", time.Time{}, false},
		{"abc.123", time.Time{}, false},
		{"1.abc", time.Time{}, false},
		{"-1.5", time.Time{}, false},
		{"1.1234567890", time.Time{}, false},
		{"1.-5", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseTS(tt.in)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Fatalf("parseTS(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
