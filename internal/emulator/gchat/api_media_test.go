package gchat

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	chat "google.golang.org/api/chat/v1"
)

func TestUploadAttachAndDownload(t *testing.T) {
	ev := newEnv(t)
	alice := ev.userService(ev.alice)
	payload := bytes.Repeat([]byte("PNGDATA"), 1000)
	up, err := alice.Media.Upload(ev.space.Name, &chat.UploadAttachmentRequest{Filename: "../photo.png"}).
		Media(bytes.NewReader(payload)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if up.AttachmentDataRef == nil || up.AttachmentDataRef.ResourceName == "" || up.AttachmentDataRef.AttachmentUploadToken == "" {
		t.Fatalf("upload = %+v", up)
	}
	m, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{
		Text: "see photo", Attachment: []*chat.Attachment{{AttachmentDataRef: up.AttachmentDataRef}},
	}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachment) != 1 || m.Attachment[0].ContentName != "photo.png" || m.Attachment[0].Source != "UPLOADED_CONTENT" {
		t.Fatalf("attachment = %+v", m.Attachment)
	}
	app := ev.appService()
	meta, err := app.Spaces.Messages.Attachments.Get(m.Attachment[0].Name).Do()
	if err != nil || meta.AttachmentDataRef.ResourceName != up.AttachmentDataRef.ResourceName {
		t.Fatalf("attachments.get = %+v, %v", meta, err)
	}
	res, err := app.Media.Download(meta.AttachmentDataRef.ResourceName).Download()
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	if !bytes.Equal(got, payload) {
		t.Fatalf("downloaded %d bytes, want %d", len(got), len(payload))
	}

	outsider := ev.emu.AddUser("globex.example", "Eve", "eve@globex.example")
	if _, err := ev.userService(outsider).Media.Download(meta.AttachmentDataRef.ResourceName).Download(); err == nil {
		t.Fatal("a non-member downloaded the attachment")
	}
}

func TestAppAuthLimits(t *testing.T) {
	ev := newEnv(t)
	alice := ev.userService(ev.alice)
	app := ev.appService()
	m, err := alice.Spaces.Messages.Create(ev.space.Name, &chat.Message{Text: "react to me"}).Do()
	if err != nil {
		t.Fatal(err)
	}
	r, err := alice.Spaces.Messages.Reactions.Create(m.Name, &chat.Reaction{Emoji: &chat.Emoji{Unicode: "🎉"}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		code int
	}{
		{"app reacts", func() error {
			_, err := app.Spaces.Messages.Reactions.Create(m.Name, &chat.Reaction{Emoji: &chat.Emoji{Unicode: "👍"}}).Do()
			return err
		}, http.StatusForbidden},
		{"app uploads", func() error {
			_, err := app.Media.Upload(ev.space.Name, &chat.UploadAttachmentRequest{Filename: "a.txt"}).Media(bytes.NewReader([]byte("x"))).Do()
			return err
		}, http.StatusForbidden},
		{"duplicate reaction", func() error {
			_, err := alice.Spaces.Messages.Reactions.Create(m.Name, &chat.Reaction{Emoji: &chat.Emoji{Unicode: "🎉"}}).Do()
			return err
		}, http.StatusConflict},
		{"ascii is not an emoji", func() error {
			_, err := alice.Spaces.Messages.Reactions.Create(m.Name, &chat.Reaction{Emoji: &chat.Emoji{Unicode: "x"}}).Do()
			return err
		}, http.StatusBadRequest},
		{"someone else's reaction", func() error {
			_, err := ev.userService(ev.bob).Spaces.Messages.Reactions.Delete(r.Name).Do()
			return err
		}, http.StatusForbidden},
		{"app lists messages without admin scope", func() error {
			_, err := app.Spaces.Messages.List(ev.space.Name).Do()
			return err
		}, http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, msg := apiCode(tc.call()); code != tc.code {
				t.Fatalf("code = %d (%s), want %d", code, msg, tc.code)
			}
		})
	}
	list, err := ev.userService(ev.bob).Spaces.Messages.Reactions.List(m.Name).Filter(`emoji.unicode = "🎉"`).Do()
	if err != nil || len(list.Reactions) != 1 || list.Reactions[0].User.Name != ev.alice.Name {
		t.Fatalf("reactions = %+v, %v", list, err)
	}
	got, err := alice.Spaces.Messages.Get(m.Name).Do()
	if err != nil || len(got.EmojiReactionSummaries) != 1 || got.EmojiReactionSummaries[0].ReactionCount != 1 {
		t.Fatalf("summaries = %+v, %v", got, err)
	}
}
