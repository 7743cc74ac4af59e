package idp

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

func TestCodesRedeem(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	grant := Grant[string]{ClientID: "app", RedirectURI: "https://app/cb", Challenge: s256(verifier), Method: "S256", Account: "U1", Data: "x"}
	tests := []struct {
		name                       string
		client, redirect, verifier string
		advance                    time.Duration
		want                       error
	}{
		{"ok", "app", "https://app/cb", verifier, 0, nil},
		{"other client", "evil", "https://app/cb", verifier, 0, ErrClientMismatch},
		{"other redirect", "app", "https://app/cb2", verifier, 0, ErrRedirectMismatch},
		{"redirect omitted", "app", "", verifier, 0, ErrRedirectMismatch},
		{"no verifier", "app", "https://app/cb", "", 0, ErrVerifierMissing},
		{"wrong verifier", "app", "https://app/cb", strings.Repeat("a", 43), 0, ErrVerifierMismatch},
		{"expired", "app", "https://app/cb", verifier, 11 * time.Minute, ErrCodeExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Codes[string]{Now: clk.now, TTL: 10 * time.Minute}
			c.Issue("code", grant)
			clk.t = clk.t.Add(tc.advance)
			defer func() { clk.t = clk.t.Add(-tc.advance) }()
			g, err := c.Redeem("code", tc.client, tc.redirect, tc.verifier)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Redeem = %v, want %v", err, tc.want)
			}
			if err == nil && (g.Account != "U1" || g.Data != "x") {
				t.Fatalf("grant = %+v", g)
			}
		})
	}
	t.Run("single use", func(t *testing.T) {
		c := &Codes[string]{Now: clk.now, TTL: time.Minute}
		c.Issue("code", grant)
		if _, err := c.Redeem("code", "app", "https://app/cb", verifier); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Redeem("code", "app", "https://app/cb", verifier); !errors.Is(err, ErrCodeUsed) {
			t.Fatalf("replay: %v, want ErrCodeUsed", err)
		}
		if _, err := c.Redeem("nope", "app", "https://app/cb", verifier); !errors.Is(err, ErrCodeUnknown) {
			t.Fatalf("unknown: %v", err)
		}
	})
	t.Run("failed attempt burns the code", func(t *testing.T) {
		c := &Codes[string]{Now: clk.now, TTL: time.Minute}
		c.Issue("code", grant)
		if _, err := c.Redeem("code", "app", "https://app/cb", strings.Repeat("b", 43)); !errors.Is(err, ErrVerifierMismatch) {
			t.Fatal(err)
		}
		if _, err := c.Redeem("code", "app", "https://app/cb", verifier); !errors.Is(err, ErrCodeUsed) {
			t.Fatalf("retry after a bad verifier: %v, want ErrCodeUsed", err)
		}
	})
}

func TestValidChallenge(t *testing.T) {
	for _, tc := range []struct {
		challenge, method string
		want              bool
	}{
		{"", "", true},
		{"", "S256", false},
		{s256(verifier), "S256", true},
		{s256(verifier), "", false}, // plain not offered
		{"short", "S256", false},
		{s256(verifier), "S512", false},
	} {
		if got := ValidChallenge(tc.challenge, tc.method, "S256"); got != tc.want {
			t.Errorf("ValidChallenge(%q, %q) = %v, want %v", tc.challenge, tc.method, got, tc.want)
		}
	}
}

func TestPendingSingleUse(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	p := &Pending[int]{Now: clk.now, TTL: time.Minute}
	id := p.Put(7)
	if v, ok := p.Take(id); !ok || v != 7 {
		t.Fatalf("Take = %v, %v", v, ok)
	}
	if _, ok := p.Take(id); ok {
		t.Fatal("second Take succeeded")
	}
	id = p.Put(8)
	clk.t = clk.t.Add(2 * time.Minute)
	if _, ok := p.Take(id); ok {
		t.Fatal("expired request was taken")
	}
}

func TestChooserRoundTrip(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteChooser(rec, Chooser{
		Platform: "Slack", Title: "Sign in", Intro: "wants:", Scopes: []string{"openid"},
		Action: "/authorize", Request: "req<1>",
		Accounts: []Account{{ID: "U1", Email: "alice@acme.example", Name: "<b>Alice</b>"}, {ID: "U2", Email: "Bob@acme.example"}},
	})
	body := rec.Body.String()
	if strings.Contains(body, "<b>Alice</b>") {
		t.Fatal("name not escaped")
	}
	f, err := ParseChooser(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Action != "/authorize" || f.Hidden["request"] != "req<1>" || !f.Deny {
		t.Fatalf("form = %+v", f)
	}
	if f.Accounts["alice@acme.example"] != "U1" || f.Accounts["bob@acme.example"] != "U2" {
		t.Fatalf("accounts = %v", f.Accounts)
	}
	rec = httptest.NewRecorder()
	WriteErrorPage(rec, 400, "Bad redirect", "redirect_uri <x> is not registered")
	if title, detail := ParseErrorPage(rec.Body.Bytes()); title != "Bad redirect" || detail != "redirect_uri <x> is not registered" {
		t.Fatalf("error page = %q, %q", title, detail)
	}
	if _, err := ParseChooser(rec.Body.Bytes()); err == nil {
		t.Fatal("error page parsed as a chooser")
	}
}

func FuzzParseChooser(f *testing.F) {
	rec := httptest.NewRecorder()
	WriteChooser(rec, Chooser{Action: "/a", Request: "r", Accounts: []Account{{ID: "1", Email: "a@b"}}})
	f.Add(rec.Body.Bytes())
	f.Add([]byte("<form><button name=deny></form>"))
	f.Add([]byte("<<<>>>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		_, _ = ParseChooser(page)
		_, _ = ParseErrorPage(page)
	})
}

func FuzzVerifyPKCE(f *testing.F) {
	f.Add(s256(verifier), "S256", verifier)
	f.Add("abc", "plain", "abc")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, challenge, method, v string) {
		err := VerifyPKCE(challenge, method, v)
		if err == nil && challenge != "" && method == "S256" && s256(v) != challenge {
			t.Fatalf("accepted a verifier that does not hash to the challenge")
		}
	})
}

func TestTakeAnswer(t *testing.T) {
	pages := AnswerPages{BadForm: Page{"Bad form", "unreadable"}, Expired: Page{"Expired", "start again"}}
	tests := []struct {
		name      string
		body      func(id string) string
		wantOK    bool
		want      Answer[string]
		wantTitle string // the page written when not ok
	}{
		{"an account", func(id string) string { return "request=" + id + "&account=U1" }, true, Answer[string]{Request: "req", Account: "U1"}, ""},
		{"deny", func(id string) string { return "request=" + id + "&deny=Cancel&account=U1" }, true, Answer[string]{Request: "req", Denied: true}, ""},
		{"unknown request", func(string) string { return "request=forged&account=U1" }, false, Answer[string]{}, "Expired"},
		{"no request", func(string) string { return "account=U1" }, false, Answer[string]{}, "Expired"},
		{"unreadable form", func(id string) string { return "request=" + id + "&account=%zz" }, false, Answer[string]{}, "Bad form"},
		{"too large", func(id string) string { return "request=" + id + "&account=" + strings.Repeat("x", 4096) }, false, Answer[string]{}, "Bad form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{t: time.Unix(1_700_000_000, 0)}
			p := &Pending[string]{Now: clk.now, TTL: time.Minute}
			id := p.Put("req")
			r := httptest.NewRequest("POST", "/authorize", strings.NewReader(tt.body(id)))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			got, ok := p.TakeAnswer(rec, r, 1024, pages)
			if ok != tt.wantOK || got != tt.want {
				t.Fatalf("TakeAnswer = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
			if !ok {
				if title, _ := ParseErrorPage(rec.Body.Bytes()); rec.Code != 400 || title != tt.wantTitle {
					t.Fatalf("page %d %q, want 400 %q", rec.Code, title, tt.wantTitle)
				}
				return
			}
			if _, again := p.Take(id); again {
				t.Fatal("an answered request can be answered again")
			}
		})
	}
}

func TestSignRS256(t *testing.T) {
	var s Signer
	tok := SignRS256(s.key0(), map[string]any{"kid": "k1", "x5t": "thumb"}, jwt.MapClaims{"sub": "U1"})
	parsed, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return s.PublicKey(), nil }, jwt.WithValidMethods([]string{"RS256"}))
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["kid"] != "k1" || parsed.Header["x5t"] != "thumb" || parsed.Header["typ"] != "JWT" || parsed.Claims.(jwt.MapClaims)["sub"] != "U1" {
		t.Fatalf("token %+v", parsed)
	}
	if _, err := jwt.Parse(s.Sign(jwt.MapClaims{"sub": "U2"}), func(tk *jwt.Token) (any, error) {
		if tk.Header["kid"] != s.KeyID() {
			return nil, errors.New("kid")
		}
		return s.PublicKey(), nil
	}); err != nil {
		t.Fatal(err)
	}
}

// key0 is the Signer's key, for signing with SignRS256 in tests.
func (s *Signer) key0() *rsa.PrivateKey { s.init(); return s.key }

// FuzzTakeAnswer feeds chooser forms, which come from the browser, to
// TakeAnswer: it never panics, takes the pending request only for its own
// ID, and answers 400 whenever it refuses.
func FuzzTakeAnswer(f *testing.F) {
	for _, seed := range []string{"request=ID&account=U1", "request=ID&deny=Cancel", "account=U1", "request=%zz", "", "request=ID&request=other&account=", strings.Repeat("a=b&", 300)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, form string) {
		clk := &clock{t: time.Unix(1_700_000_000, 0)}
		p := &Pending[string]{Now: clk.now, TTL: time.Minute}
		id := p.Put("req")
		r := httptest.NewRequest("POST", "/authorize", strings.NewReader(strings.ReplaceAll(form, "ID", id)))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		ans, ok := p.TakeAnswer(rec, r, 1024, AnswerPages{BadForm: Page{"Bad", "form"}, Expired: Page{"Expired", "again"}})
		if !ok {
			if rec.Code != 400 {
				t.Fatalf("refused with %d", rec.Code)
			}
			return
		}
		if ans.Request != "req" || (ans.Denied && ans.Account != "") {
			t.Fatalf("answer %+v", ans)
		}
		if _, again := p.Take(id); again {
			t.Fatal("an answered request is still pending")
		}
	})
}
