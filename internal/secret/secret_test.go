package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestNeverPrinted(t *testing.T) {
	s := New("xoxb-very-secret")
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "token", s)
	js, _ := json.Marshal(struct{ T Secret }{s})
	text, _ := s.MarshalText()
	out := strings.Join([]string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), logs.String(), string(js), string(text)}, "|")
	if strings.Contains(out, "very-secret") {
		t.Fatalf("secret printed: %s", out)
	}
	if s.Reveal() != "xoxb-very-secret" || s.IsZero() || !New("").IsZero() {
		t.Fatal("Reveal/IsZero broken")
	}
}
