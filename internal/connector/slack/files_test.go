package slack

import (
	"net/url"
	"testing"

	"github.com/slack-go/slack"

	"parley/internal/core"
	"parley/internal/secret"
)

func TestTokenAllowed(t *testing.T) {
	tests := []struct {
		name   string
		apiURL string
		hosts  []string
		target string
		want   bool
	}{
		{"api host", "https://127.0.0.1:8443/api/", nil, "https://127.0.0.1:8443/files/F1/download", true},
		{"api host other port", "https://127.0.0.1:8443/api/", nil, "https://127.0.0.1:9443/files/F1", false},
		{"api host over http", "https://127.0.0.1:8443/api/", nil, "http://127.0.0.1:8443/files/F1", false},
		{"real slack file host", DefaultAPIURL, nil, "https://files.slack.com/files-pri/T1-F1/download/a.png", true},
		{"file host upper case", DefaultAPIURL, nil, "https://FILES.SLACK.COM/files-pri/x", true},
		{"file host over http", DefaultAPIURL, nil, "http://files.slack.com/files-pri/x", false},
		{"lookalike host", DefaultAPIURL, nil, "https://files.slack.com.evil.example/x", false},
		{"other host", DefaultAPIURL, nil, "https://evil.example/files.slack.com", false},
		{"userinfo trick", DefaultAPIURL, nil, "https://files.slack.com@evil.example/x", false},
		{"credentials in url", DefaultAPIURL, nil, "https://u:p@files.slack.com/x", false},
		{"no default file host with custom api", "https://127.0.0.1:8443/api/", nil, "https://files.slack.com/x", false},
		{"configured file host", "https://127.0.0.1:8443/api/", []string{"files.example"}, "https://files.example/x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{APIURL: tt.apiURL, FileHosts: tt.hosts}.withDefaults()
			c := newClient(cfg, secret.New("xoxb-test"))
			u, err := url.Parse(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.tokenAllowed(u); got != tt.want {
				t.Fatalf("tokenAllowed(%s) = %v, want %v", tt.target, got, tt.want)
			}
		})
	}
}

func TestShareTS(t *testing.T) {
	s := slack.Share{
		Public: map[string][]slack.ShareFileInfo{
			"C1": {{Ts: "5.5", ThreadTs: "1.1"}, {Ts: "6.6"}},
		},
		Private: map[string][]slack.ShareFileInfo{
			"G1": {{Ts: "7.7", ThreadTs: "7.7"}},
		},
	}
	tests := []struct {
		ch   core.ChannelID
		root core.MessageID
		want core.MessageID
	}{
		{"C1", "", "6.6"},
		{"C1", "1.1", "5.5"},
		{"C1", "9.9", ""},
		{"G1", "", "7.7"},
		{"C2", "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.ch)+"/"+string(tt.root), func(t *testing.T) {
			if got := shareTS(s, tt.ch, tt.root); got != tt.want {
				t.Fatalf("shareTS = %q, want %q", got, tt.want)
			}
		})
	}
}
