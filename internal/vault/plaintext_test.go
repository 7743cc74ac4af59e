package vault

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parley/internal/core"
	"parley/internal/store"
)

// TestNoPlaintextAtRest seals values carrying a marker into every sealed
// field the store has, indexes IDs carrying it, and then searches the raw
// bytes of the database (with its WAL and shared-memory files) and of the
// key file: the marker must appear nowhere.
func TestNoPlaintextAtRest(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	const marker = "PLAINTEXT-MARKER-7f3a"
	if err := e.st.CreateTenant(ctx, store.Tenant{ID: "acme", Name: "Acme", Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	creds := e.seal(t, "acme", `{"access_token":"xoxb-`+marker+`"}`, "workspace:T1")
	if err := e.st.PutWorkspace(ctx, store.Workspace{Tenant: "acme", Platform: core.Slack, ID: "T1", Name: "Acme", Credentials: creds, Healthy: true, Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		key, err := e.v.Index(ctx, "acme", "slack", "T1", "C1", marker, string(rune('a'+i%26)))
		if err != nil {
			t.Fatal(err)
		}
		group, err := e.v.Index(ctx, "acme", "group", marker)
		if err != nil {
			t.Fatal(err)
		}
		sealed := e.seal(t, "acme", "slack/T1/C1/"+marker, key)
		if err := e.st.PutCopy(ctx, store.Copy{Tenant: "acme", Group: group, Key: key, Sealed: sealed, Expires: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := e.st.FirstSeen(ctx, e.v.Pseudonym("Ev"+marker), time.Now().Add(time.Hour))
	if err != nil || !first {
		t.Fatalf("FirstSeen = %v, %v", first, err)
	}

	files, err := filepath.Glob(e.dbPath + "*")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, e.kekPath)
	sawWAL := false
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(f) == ".db-wal" && len(b) > 0 {
			sawWAL = true
		}
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds the marker in clear", filepath.Base(f))
		}
	}
	if !sawWAL {
		t.Fatal("no WAL data written: the search did not cover what it should")
	}
	// The search works: the tenant's name, stored in clear by design, is found.
	b, err := os.ReadFile(e.dbPath + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("Acme")) {
		t.Fatal("the search cannot find a name stored in clear; it proves nothing")
	}
}
