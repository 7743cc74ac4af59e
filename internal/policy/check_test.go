package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"parley/internal/core"
	"parley/internal/richtext"
)

func compileJSON(t *testing.T, doc string, links ...string) *Set {
	t.Helper()
	var d Document
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(links); err != nil {
		t.Fatal(err)
	}
	s, err := Compile(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func posted(text string, files ...core.FileRef) core.Event {
	return core.Event{Kind: core.Posted, Body: richtext.Plain(text), Files: files}
}

func plain(d richtext.Doc) string {
	var b strings.Builder
	d.Walk(func(n *richtext.Node) { b.WriteString(n.Text) })
	return b.String()
}

func TestContentRules(t *testing.T) {
	s := compileJSON(t, `{"links":{"L1":{"rules":[
		{"detector":"payment_card","action":"block"},
		{"detector":"iban","action":"redact"},
		{"detector":"regex","name":"project name","pattern":"(?i)bluebird","action":"alert"}]}}}`, "L1", "L2")

	d := s.Check("L1", posted("pay 4111 1111 1111 1111 now"), Sender{})
	if d.Blocked == nil || d.Blocked.Rule != "payment card number" || d.Blocked.Detector != DetectPaymentCard {
		t.Fatalf("card not blocked: %+v", d)
	}

	ev := posted("send to GB82 WEST 1234 5698 7654 32 today")
	d = s.Check("L1", ev, Sender{})
	if d.Blocked != nil || plain(d.Body) != "send to [bank account number (IBAN) redacted] today" {
		t.Fatalf("iban not redacted: %q %+v", plain(d.Body), d.Blocked)
	}
	if !strings.Contains(plain(ev.Body), "GB82") {
		t.Fatal("redaction changed the event it was given")
	}

	d = s.Check("L1", posted("Project BlueBird ships"), Sender{})
	if d.Blocked != nil || plain(d.Body) != "Project BlueBird ships" || len(d.Findings) != 1 || d.Findings[0].Action != ActionAlert || d.Findings[0].Rule != "project name" {
		t.Fatalf("alert rule: %+v", d)
	}
	if d.Changed() {
		t.Fatal("an alert alone changes the event")
	}

	// Another link has no rules; edits are checked like posts; reactions
	// carry no text.
	if d := s.Check("L2", posted("4111111111111111"), Sender{}); d.Blocked != nil {
		t.Fatal("L2 blocked by L1's rule")
	}
	edit := posted("4111111111111111")
	edit.Kind = core.Edited
	if d := s.Check("L1", edit, Sender{}); d.Blocked == nil {
		t.Fatal("an edit adding a card number passed")
	}
}

func TestRedactInsideFormattingAndLinks(t *testing.T) {
	s := compileJSON(t, `{"tenant":{"rules":[{"detector":"secret","action":"redact"}]}}`)
	body := richtext.Doc{Nodes: []richtext.Node{
		{Kind: richtext.Bold, Children: []richtext.Node{{Kind: richtext.Text, Text: "key AKIAIOSFODNN7EXAMPLE"}}},
		{Kind: richtext.CodeBlock, Text: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"},
		{Kind: richtext.Link, URL: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX"},
	}}
	d := s.Check("any", core.Event{Kind: core.Posted, Body: body}, Sender{})
	b, _ := json.Marshal(d.Body)
	for _, secret := range []string{"AKIAIOSFODNN7EXAMPLE", "abc", "hooks.slack.com"} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("%s survived redaction: %s", secret, b)
		}
	}
	if n := strings.Count(string(b), "[secret or access key redacted]"); n != 3 {
		t.Fatalf("%d masks in %s", n, b)
	}
}

func TestFilePolicy(t *testing.T) {
	pdf := core.FileRef{Name: "plan.PDF", MimeType: "application/pdf", Size: 2000}
	png := core.FileRef{Name: "shot", MimeType: "image/png", Size: 50}
	for _, tc := range []struct {
		name, doc string
		who       Sender
		want      int // files allowed of the two
	}{
		{"no policy", `{}`, Sender{}, 2},
		{"off", `{"links":{"L1":{"files":{"enabled":false}}}}`, Sender{}, 0},
		{"off for the tenant", `{"tenant":{"files":{"enabled":false}},"links":{"L1":{"files":{"enabled":true}}}}`, Sender{}, 0},
		{"off for guests, member", `{"links":{"L1":{"files":{"guests":false}}}}`, Sender{}, 2},
		{"off for guests, guest", `{"links":{"L1":{"files":{"guests":false}}}}`, Sender{Guest: true}, 0},
		{"size cap", `{"links":{"L1":{"files":{"max_bytes":1000}}}}`, Sender{}, 1},
		{"types by extension", `{"links":{"L1":{"files":{"types":[".pdf"]}}}}`, Sender{}, 1},
		{"types by mime wildcard", `{"links":{"L1":{"files":{"types":["image/*"]}}}}`, Sender{}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := compileJSON(t, tc.doc, "L1")
			d := s.Check("L1", posted("here", pdf, png), tc.who)
			if len(d.Files) != tc.want || len(d.Dropped) != 2-tc.want {
				t.Fatalf("allowed %v, dropped %v; want %d allowed", d.Files, d.Dropped, tc.want)
			}
			if d.Changed() != (tc.want < 2) {
				t.Fatalf("Changed() = %v", d.Changed())
			}
		})
	}
}

func TestRestrictedPeople(t *testing.T) {
	s := compileJSON(t, `{"links":{"L1":{"restricted_people":["Dave@Acme.example"]}}}`, "L1")
	if !s.NeedsSender("L1") || s.NeedsSender("L2") {
		t.Fatal("NeedsSender")
	}
	if d := s.Check("L1", posted("hi"), Sender{Email: "dave@acme.example"}); !d.Internal {
		t.Fatal("restricted person not kept in")
	}
	react := core.Event{Kind: core.ReactionAdded}
	if d := s.Check("L1", react, Sender{Email: "DAVE@acme.example"}); !d.Internal {
		t.Fatal("restricted person's reaction not kept in")
	}
	if d := s.Check("L1", posted("hi"), Sender{Email: "alice@acme.example"}); d.Internal {
		t.Fatal("someone else kept in")
	}
	var nilSet *Set
	if d := nilSet.Check("L1", posted("4111111111111111"), Sender{}); d.Changed() {
		t.Fatal("a nil set changed something")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"links":{"nope":{}}}`, "links.nope: the tenant has no such link"},
		{`{"links":{"L1":{"rules":[{"detector":"dna","action":"block"}]}}}`, "links.L1.rules[0].detector"},
		{`{"links":{"L1":{"rules":[{"detector":"iban","action":"shout"}]}}}`, "links.L1.rules[0].action"},
		{`{"links":{"L1":{"rules":[{"detector":"regex","pattern":"(","action":"block"}]}}}`, "not a valid RE2"},
		{`{"links":{"L1":{"rules":[{"detector":"regex","pattern":"a*","action":"block"}]}}}`, "matches empty text"},
		{`{"links":{"L1":{"rules":[{"detector":"regex","pattern":"(abc|def){900}","action":"block"}]}}}`, "too complex"},
		{`{"links":{"L1":{"rules":[{"detector":"regex","pattern":"` + strings.Repeat("a", MaxPattern+1) + `","action":"block"}]}}}`, "at most 512 bytes"},
		{`{"links":{"L1":{"rules":[{"detector":"regex","pattern":"(?<!x)y","action":"block"}]}}}`, "not a valid RE2"},
		{`{"links":{"L1":{"rules":[{"detector":"iban","pattern":"x","action":"block"}]}}}`, "only a regex rule"},
		{`{"links":{"L1":{"restricted_people":["Dave <dave@x.example>"]}}}`, "restricted_people[0]"},
		{`{"links":{"L1":{"files":{"max_bytes":-1}}}}`, "max_bytes"},
		{`{"links":{"L1":{"limits":{"files_per_hour":-1}}}}`, "limits"},
		{`{"links":{"L1":{"limits":{"action":"explode"}}}}`, "limits.action"},
		{`{"alert_webhook":"http://siem.example/"}`, "alert_webhook"},
		{`{"alert_webhook":"https://user:pw@siem.example/"}`, "alert_webhook"},
	} {
		var d Document
		if err := json.Unmarshal([]byte(tc.doc), &d); err != nil {
			t.Fatal(err)
		}
		err := d.Validate([]string{"L1"})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.80s: %v, want %q", tc.doc, err, tc.want)
		}
	}
	var d Document
	_ = json.Unmarshal([]byte(`{"links":{"L1":{"restricted_people":["Dave@X.example"],"files":{"types":[" .PDF"]},"rules":[{"detector":"iban","action":"alert"}],"limits":{}}}}`), &d)
	if err := d.Validate([]string{"L1"}); err != nil {
		t.Fatal(err)
	}
	l := d.Links["L1"]
	if l.RestrictedPeople[0] != "dave@x.example" || l.Files.Types[0] != "pdf" || l.Rules[0].Name != "bank account number (IBAN)" || l.Limits.Action != ActionAlert {
		t.Fatalf("not normalised: %+v", l)
	}
}

// FuzzDocument: any JSON either fails validation with ErrInvalid or
// compiles, and the compiled set checks any event without panicking.
func FuzzDocument(f *testing.F) {
	for _, s := range []string{`{}`, `{"links":{"L1":{"rules":[{"detector":"regex","pattern":"x+","action":"redact"}]}}}`,
		`{"tenant":{"files":{"enabled":false,"max_bytes":5,"types":["a"]},"restricted_people":["a@b.c"]}}`,
		`{"links":{"L1":{"limits":{"files_per_hour":1,"action":"block"}}},"alert_webhook":"https://x/"}`} {
		f.Add(s, "text 4111111111111111")
	}
	f.Fuzz(func(t *testing.T, doc, text string) {
		var d Document
		if json.Unmarshal([]byte(doc), &d) != nil {
			return
		}
		if err := d.Validate([]string{"L1"}); err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		s, err := Compile(d)
		if err != nil {
			t.Fatalf("a valid document does not compile: %v", err)
		}
		s.Check("L1", posted(text, core.FileRef{Name: text, Size: 10}), Sender{Email: text})
	})
}
