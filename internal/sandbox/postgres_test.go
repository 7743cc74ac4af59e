package sandbox

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/slack-go/slack"

	"parley/internal/store/postgres/pgtest"
)

// TestRelayOnPostgres runs the gateway with its state in PostgreSQL (the
// scale-out configuration): a post, a thread reply on its copy, an edit and
// a delete cross between companies, which takes the message map, the
// replay guard, the traffic log and the tenant's keys, all in the
// database. Then every row of every table is searched for the texts and
// the people's tokens, as they are and hex-encoded as BYTEA prints.
func TestRelayOnPostgres(t *testing.T) {
	schema, storeURL := pgtest.Schema(t)
	w := startWorld(t, func(o *Options) { o.StoreURL = storeURL })
	acme, globex := w.ws("acme"), w.ws("globex")
	acmeCh, globexCh := w.linked(acme), w.linked(globex)
	alice, bob := w.person(acme, "alice"), w.person(globex, "bob")

	text := "pg-post-" + randomHex(6)
	_, ts, err := w.api(alice).PostMessage(acmeCh, slack.MsgOptionText(text, false))
	if err != nil {
		t.Fatal(err)
	}
	var copyTS string
	w.await(globex, globexCh, "post", func(msgs []slack.Message) bool {
		if m := find(msgs, text); m != nil {
			copyTS = m.Timestamp
			return true
		}
		return false
	})
	reply := "pg-reply-" + randomHex(6)
	if _, _, err := w.api(bob).PostMessage(globexCh, slack.MsgOptionText(reply, false), slack.MsgOptionTS(copyTS)); err != nil {
		t.Fatal(err)
	}
	w.await(acme, acmeCh, "thread reply", func(msgs []slack.Message) bool {
		m := find(msgs, reply)
		return m != nil && m.ThreadTimestamp == ts
	})
	edited := "pg-edited-" + randomHex(6)
	if _, _, _, err := w.api(alice).UpdateMessage(acmeCh, ts, slack.MsgOptionText(edited, false)); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "edit", func(msgs []slack.Message) bool { return find(msgs, edited) != nil })
	if _, _, err := w.api(alice).DeleteMessage(acmeCh, ts); err != nil {
		t.Fatal(err)
	}
	w.await(globex, globexCh, "delete", func(msgs []slack.Message) bool { return find(msgs, edited) == nil })

	// The gateway wrote its state to PostgreSQL, not to a file.
	if _, err := os.Stat(filepath.Join(w.dir, "gateway", "parley.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the gateway made a SQLite database: %v", err)
	}
	rows := tableRows(t, schema)
	for _, table := range []string{"tenants", "workspaces", "tenant_keys", "copies", "seen_marks", "traffic"} {
		if len(rows[table]) == 0 {
			t.Errorf("no rows in %s: the relay did not use PostgreSQL", table)
		}
	}
	forbidden := map[string]string{"post": text, "reply": reply, "edit": edited, "alice's token": alice.Token, "bob's token": bob.Token}
	for table, rs := range rows {
		for _, r := range rs {
			for what, s := range forbidden {
				if bytes.Contains(r, []byte(s)) || bytes.Contains(r, []byte(hex.EncodeToString([]byte(s)))) {
					t.Errorf("%s found in plaintext in %s", what, table)
				}
			}
		}
	}
}

// tableRows returns every row of every table of schema, as PostgreSQL
// prints the row (BYTEA as hex).
func tableRows(t *testing.T, schema string) map[string][][]byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, pgtest.ServerURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	names, _ := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, schema)
	tables, err := pgx.CollectRows(names, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]byte{}
	for _, table := range tables {
		all, _ := conn.Query(ctx, `SELECT convert_to(r::text, 'UTF8') FROM `+pgx.Identifier{schema, table}.Sanitize()+` r`)
		rows, err := pgx.CollectRows(all, pgx.RowTo[[]byte])
		if err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}
