package vault

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestIndex(t *testing.T) {
	e := newEnv(t)
	idx := func(tenant string, parts ...string) string {
		t.Helper()
		s, err := e.v.Index(t.Context(), coreTenant(tenant), parts...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := idx("a", "slack", "T1", "C1", "1700000000.000100")
	for _, tc := range []struct {
		name  string
		other string
		equal bool
	}{
		{"stable", idx("a", "slack", "T1", "C1", "1700000000.000100"), true},
		{"other tenant", idx("b", "slack", "T1", "C1", "1700000000.000100"), false},
		{"other part", idx("a", "slack", "T1", "C1", "1700000000.000101"), false},
		{"parts regrouped", idx("a", "slackT1", "C1", "1700000000.000100"), false},
		{"extra empty part", idx("a", "slack", "T1", "C1", "1700000000.000100", ""), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if (tc.other == base) != tc.equal {
				t.Fatalf("equal = %v, want %v", tc.other == base, tc.equal)
			}
		})
	}
	if idx("a", "ab", "c") == idx("a", "a", "bc") {
		t.Fatal("length prefix missing: (ab,c) == (a,bc)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(base)
	if err != nil || len(raw) != 32 {
		t.Fatalf("index %q is not unpadded base64url of 32 bytes: %v", base, err)
	}
	if strings.Contains(base, "C1") {
		t.Fatal("index shows its input")
	}
}

func TestPseudonym(t *testing.T) {
	e := newEnv(t)
	p := e.v.Pseudonym("U0123456789")
	if len(p) != pseudonymLen {
		t.Fatalf("len %d", len(p))
	}
	if p != e.v.Pseudonym("U0123456789") {
		t.Fatal("not stable")
	}
	if p == e.v.Pseudonym("U0123456788") {
		t.Fatal("two values share a pseudonym")
	}
	other := newEnv(t) // another deployment, another key file
	if p == other.v.Pseudonym("U0123456789") {
		t.Fatal("pseudonym is not keyed by the deployment")
	}
}
