package admin

import (
	"encoding/base64"
	"strings"
	"testing"
)

// FuzzDecodeStrict: any body either decodes or is a 400 with a message;
// never a panic.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"name":"x","channels":[{"platform":"slack","workspace":"T","channel":"C"}]}`, `{"name":7}`, `{"colour":1}`, `{} {}`, `{"name":"\u0000"}`, `[`, ``, `null`, `{"channels":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var in LinkIn
		if e := decodeStrict(b, &in); e != nil && (e.Status != 400 || e.Message == "") {
			t.Fatalf("error %+v", e)
		}
		var p LinkPatch
		_ = decodeStrict(b, &p)
	})
}

// FuzzCursor: a cursor either decodes to a position or is a 400; what
// encodeCursor writes always decodes to itself.
func FuzzCursor(f *testing.F) {
	f.Add("")
	f.Add(encodeCursor(position{K: "L1"}))
	f.Add(encodeCursor(position{T: 1234, N: 2}))
	f.Add("eyJ2IjoxLCJuIjotMX0") // {"v":1,"n":-1}
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, s string) {
		p, e := decodeCursor(s)
		if e != nil {
			if e.Status != 400 {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if p.N < 0 || p.T < 0 {
			t.Fatalf("negative position %+v", p)
		}
		if s != "" {
			q, e := decodeCursor(encodeCursor(p))
			if e != nil || q != p {
				t.Fatalf("round trip %+v → %+v %v", p, q, e)
			}
		}
	})
}

// FuzzParseToken: only well-formed tokens pass; their ID is the part the
// format says.
func FuzzParseToken(f *testing.F) {
	tok, _ := newToken("personal")
	ses, _ := newToken("session")
	for _, s := range []string{tok, ses, "parley_pat_", "parley_pat_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43), "Bearer x", bootstrapSecret} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{"personal", "session"} {
			id, err := parseToken(s, kind)
			if err != nil {
				continue
			}
			if len(id) != idLen || !strings.HasPrefix(s, tokenPrefix(kind)+id+"_") {
				t.Fatalf("%q parsed as %s token with id %q", s, kind, id)
			}
		}
	})
}

// FuzzSigninCookie: a sign-in cookie from outside opens only if the
// vault sealed it; anything else is refused without a panic.
func FuzzSigninCookie(f *testing.F) {
	f.Add("")
	f.Add("AQ")
	f.Add(strings.Repeat("A", 200))
	f.Add("%%%")
	e := newEnv(f)
	ok, _ := e.api.vault.SealDeployment(f.Context(), []byte(`{"p":"x","e":9999999999}`), signinAAD)
	f.Add(base64.RawURLEncoding.EncodeToString(ok))
	f.Fuzz(func(t *testing.T, v string) {
		ps, err := e.api.openSignin(t.Context(), v)
		if err == nil && ps.Provider != "x" {
			t.Fatalf("forged sign-in cookie %q accepted", v)
		}
	})
}

// FuzzCheckEmail: whatever is accepted is a bare, lower-case address.
func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"a@b.example", "Alice <a@b.c>", "A@B.EXAMPLE", " a@b.c", "a@", "@b", "a\x00@b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, e := checkEmail(s)
		if e != nil {
			return
		}
		if got != strings.ToLower(got) || strings.ContainsAny(got, " <>") || !strings.Contains(got, "@") {
			t.Fatalf("%q accepted as %q", s, got)
		}
	})
}
