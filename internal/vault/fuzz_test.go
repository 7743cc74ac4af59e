package vault

import (
	"errors"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to Open: it must fail cleanly with
// ErrCorrupt, never panic, and never accept bytes that Seal did not make.
func FuzzOpen(f *testing.F) {
	e := newEnv(f)
	sealed := e.seal(f, "t", "hello", "aad")
	f.Add(sealed, []byte("aad"))
	f.Add(sealed[:13], []byte("aad"))
	f.Add([]byte{1}, []byte(nil))
	f.Add([]byte{}, []byte(nil))
	f.Fuzz(func(t *testing.T, b, aad []byte) {
		got, err := e.v.Open(t.Context(), "t", b, aad)
		if err == nil {
			if string(b) != string(sealed) || string(aad) != "aad" || string(got) != "hello" {
				t.Fatalf("Open accepted bytes Seal did not make")
			}
			return
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err = %v, want ErrCorrupt", err)
		}
	})
}

// FuzzParseKeyFile: a damaged key file must be refused with an error, never
// a panic, and anything accepted must be usable for wrapping.
func FuzzParseKeyFile(f *testing.F) {
	f.Add([]byte(`{"primary":"x","keys":{"x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},"pseudonym":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`))
	f.Add([]byte(`{"primary":"","keys":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		kf, err := parseKeyFile(b)
		if err != nil {
			return
		}
		k := &fileKEK{kf: kf}
		id, w, err := k.wrap(make([]byte, keyLen))
		if err != nil {
			t.Fatalf("accepted key file cannot wrap: %v", err)
		}
		if _, err := k.Unwrap(t.Context(), id, w); err != nil {
			t.Fatalf("accepted key file cannot unwrap: %v", err)
		}
	})
}
