package webex

import (
	"net/url"
	"testing"

	"parley/internal/core"
)

// TestRefusedFileStaysInTheEvent: a message naming a file URL off the API
// host still carries that file in its event, unfetched, so that the copy
// says the file could not be fetched instead of dropping it unsaid. No
// request is made for it.
func TestRefusedFileStaysInTheEvent(t *testing.T) {
	base, _ := url.Parse("https://webexapis.example/v1/")
	c := &Client{api: &api{base: base}}
	m := message{ID: "M1", RoomID: "R1", Text: "see file", Files: []string{"https://files.evil.example/v1/contents/C1"}}
	ev, err := c.toEvent(t.Context(), core.Posted, "E1", m)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Files) != 1 || ev.Files[0].URL != m.Files[0] {
		t.Fatalf("files %+v, want the refused one kept", ev.Files)
	}
}
