package router

import (
	"io"
	"net/http"
	"testing"

	"parley/internal/connector/conformance"
	"parley/internal/core"
)

// TestUnfetchableFileBecomesANote: a message whose file the source
// connector refuses to fetch (a URL off the platform's file hosts, as a
// crafted event would name) still crosses over, with a note where the file
// would be; the refused host is never contacted.
func TestUnfetchableFileBecomesANote(t *testing.T) {
	e := newEnv(t)
	inside := conformance.NewDialRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata-secret")
	}))
	ev := posted(e.src, "1700000000.000300", "see-attached-report", core.UserID(e.alice.ID))
	ev.Files = []core.FileRef{{ID: "F1", Name: "q3-report.pdf", MimeType: "application/pdf", Size: 15, URL: inside.URL + "/latest/meta-data/iam"}}
	if err := e.route(t, ev); err != nil {
		t.Fatalf("route: %v", err)
	}
	if n := e.count(t, "see-attached-report"); n != 1 {
		t.Fatalf("%d copies of the message, want 1", n)
	}
	if n := e.count(t, `q3-report.pdf`); n != 1 {
		t.Fatal("the copy does not say which file is missing")
	}
	if n := e.count(t, "could not be fetched"); n != 1 {
		t.Fatal("the copy has no note about the file")
	}
	if inside.Conns() != 0 {
		t.Fatalf("%d connections reached the file URL's host", inside.Conns())
	}
	// Redelivering the event posts nothing more.
	if err := e.route(t, ev); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t, "see-attached-report"); n != 1 {
		t.Fatalf("%d copies after a redelivery, want 1", n)
	}
}
