package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestKEKFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "kek.json")
	k, err := OpenKEK(t.Context(), "file://"+path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("created with mode %o", info.Mode().Perm())
	}
	plain := bytes.Repeat([]byte{7}, 32)
	id, wrapped, err := k.Wrap(t.Context(), plain)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("reopen by plain path", func(t *testing.T) {
		k2, err := OpenKEK(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := k2.Unwrap(t.Context(), id, wrapped)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Unwrap = %v", err)
		}
	})
	t.Run("unwrap rejects", func(t *testing.T) {
		bad := bytes.Clone(wrapped)
		bad[len(bad)-1] ^= 1
		for name, tc := range map[string]struct {
			id string
			w  []byte
		}{
			"tampered":   {id, bad},
			"short":      {id, wrapped[:5]},
			"unknown id": {"file-99", wrapped},
			"other id":   {"file-2", wrapped},
		} {
			if _, err := k.Unwrap(t.Context(), tc.id, tc.w); err == nil {
				t.Errorf("%s: no error", name)
			}
		}
	})
	t.Run("rotate keeps old versions", func(t *testing.T) {
		if err := RotateKEKFile(path); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("after rotation: %v, mode %o", err, info.Mode().Perm())
		}
		// The running KEK learns the new version when it meets it.
		k2, err := OpenKEK(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		if k2.ID() == id {
			t.Fatal("primary unchanged")
		}
		id2, w2, err := k2.Wrap(t.Context(), plain)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := k.Unwrap(t.Context(), id2, w2); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("old handle, new version: %v", err)
		}
		if got, err := k2.Unwrap(t.Context(), id, wrapped); err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("new handle, old version: %v", err)
		}
		if k.(PseudonymKeyer).PseudonymKey() == nil || !bytes.Equal(k.(PseudonymKeyer).PseudonymKey(), k2.(PseudonymKeyer).PseudonymKey()) {
			t.Fatal("rotation changed the pseudonym key")
		}
	})
	t.Run("rotate refuses while locked", func(t *testing.T) {
		if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path + ".lock")
		if err := RotateKEKFile(path); err == nil {
			t.Fatal("rotated despite the lock")
		}
	})
}

func TestKEKFileRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	good, err := os.ReadFile(mustKEKFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body []byte
		mode os.FileMode
		want error
	}{
		{"world readable", good, 0o644, ErrKEKFileMode},
		{"group readable", good, 0o640, ErrKEKFileMode},
		{"not json", []byte("{"), 0o600, nil},
		{"primary missing", []byte(`{"primary":"x","keys":{},"pseudonym":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`), 0o600, nil},
		{"short key", []byte(`{"primary":"x","keys":{"x":"AAAA"},"pseudonym":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`), 0o600, nil},
		{"no pseudonym key", []byte(`{"primary":"x","keys":{"x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}`), 0o600, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kek.json")
			if err := os.WriteFile(path, tc.body, tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, err := OpenKEK(t.Context(), "file://"+path)
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err := RotateKEKFile(path); err == nil {
				t.Fatal("rotated a bad file")
			}
		})
	}
}

func mustKEKFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kek.json")
	if _, err := OpenKEK(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenKEKURLs(t *testing.T) {
	for _, u := range []string{"", "nosuchscheme://x", "file://", "%zz://x"} {
		t.Run(u, func(t *testing.T) {
			if _, err := OpenKEK(t.Context(), u); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
