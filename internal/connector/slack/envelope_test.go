package slack

import (
	"testing"
)

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr bool
		check   func(envelope) bool
	}{
		{"url verification", `{"token":"x","challenge":"abc","type":"url_verification"}`, false,
			func(e envelope) bool { return e.Type == typeURLVerification && e.Challenge == "abc" }},
		{"event callback", callback(`{"type":"message","channel":"C1","text":"x","ts":"1.1"}`), false,
			func(e envelope) bool {
				return e.Type == typeEventCallback && e.EventID == "Ev0000000001" && e.Event != nil && e.Event.Channel == "C1"
			}},
		{"unknown fields are ignored", `{"type":"app_rate_limited","minute_rate_limited":1518467820,"extra":{"a":[1,2]}}`, false,
			func(e envelope) bool { return e.Type == "app_rate_limited" }},
		{"not json", `{"type":`, true, nil},
		{"array", `[1,2]`, true, nil},
		{"no type", `{"challenge":"abc"}`, true, nil},
		{"wrong field type", `{"type":"event_callback","event_time":"soon"}`, true, nil},
		{"empty", ``, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.check != nil && !tt.check(env) {
				t.Fatalf("unexpected envelope %+v", env)
			}
		})
	}
}

// FuzzParseEvent feeds arbitrary bodies through the envelope parser and the
// translation: neither may panic, and whatever is relayed must name a
// channel, a message and a kind.
func FuzzParseEvent(f *testing.F) {
	seeds := []string{
		`{"type":"url_verification","challenge":"c"}`,
		callback(`{"type":"message","channel":"C1","user":"U1","text":"*hi* <@U2> <https://x|y>","ts":"1.1","thread_ts":"0.9"}`),
		callback(`{"type":"message","subtype":"file_share","channel":"C1","user":"U1","ts":"1.1","files":[{"id":"F1","url_private_download":"https://files.slack.com/f"}]}`),
		callback(`{"type":"message","subtype":"message_changed","channel":"C1","ts":"2.2","message":{"user":"U1","text":"b","ts":"1.1"},"previous_message":{"text":"a"}}`),
		callback(`{"type":"message","subtype":"message_deleted","channel":"C1","ts":"2.2","deleted_ts":"1.1"}`),
		callback(`{"type":"reaction_added","user":"U1","reaction":"tada","item":{"type":"message","channel":"C1","ts":"1.1"}}`),
		callback(`{"type":"message","channel":"C1","bot_id":"B0000000001","text":"x","ts":"1.1"}`),
		`{"type":"event_callback","event":{"message":null,"item":{}}}`,
		`{}`, `null`, `"x"`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := parseEnvelope(body)
		if err != nil {
			return
		}
		ev, ok := translate(env, testID)
		if !ok {
			return
		}
		if ev.Message == "" || ev.Source.Channel == "" || ev.Kind == "" {
			t.Fatalf("relayed an incomplete event: %+v", ev)
		}
		if ev.Source.Workspace != testID.team || ev.Tenant != testID.tenant {
			t.Fatalf("event not scoped to the installation: %+v", ev)
		}
	})
}
