package slack

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

func TestFileUploadAndDownload(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	bot := e.client(e.inst.BotToken)
	alice := e.client(e.alice.Token)
	_, root, err := alice.PostMessageContext(ctx, e.ch.ID, slackapi.MsgOptionText("root", false))
	if err != nil {
		t.Fatal(err)
	}
	content := "col1,col2\n1,2\n"

	sum, err := bot.UploadFileContext(ctx, slackapi.UploadFileParameters{
		Filename: "report.csv", FileSize: len(content), Content: content, Title: "Report",
		Channel: e.ch.ID, ThreadTimestamp: root, InitialComment: "here it is",
	})
	if err != nil {
		t.Fatalf("UploadFileContext: %v", err)
	}

	f, _, _, err := bot.GetFileInfoContext(ctx, sum.ID, 0, 0)
	if err != nil {
		t.Fatalf("files.info: %v", err)
	}
	shares := f.Shares.Public[e.ch.ID]
	if f.Name != "report.csv" || f.Title != "Report" || f.Size != len(content) || f.Mimetype != "text/csv" || len(shares) != 1 || shares[0].Ts == "" {
		t.Fatalf("file = %+v shares %+v", f, f.Shares)
	}

	ev := e.rc.waitEvent(ofType("message", "file_share"))
	msg := ev.event.InnerEvent.Data.(*slackevents.MessageEvent)
	if msg.TimeStamp != shares[0].Ts || msg.ThreadTimeStamp != root || msg.Text != "here it is" || msg.BotID != e.inst.BotID {
		t.Errorf("file_share event = %v", ev.inner)
	}
	files, _ := ev.inner["files"].([]any)
	if len(files) != 1 {
		t.Fatalf("file_share files = %v", ev.inner["files"])
	}
	shared := e.rc.waitEvent(ofType("file_shared", ""))
	if shared.inner["file_id"] != sum.ID || shared.inner["channel_id"] != e.ch.ID {
		t.Errorf("file_shared = %v", shared.inner)
	}

	for _, u := range []string{f.URLPrivate, f.URLPrivateDownload} {
		var buf bytes.Buffer
		if err := alice.GetFileContext(ctx, u, &buf); err != nil || buf.String() != content {
			t.Fatalf("download %s = %q, %v", u, buf.String(), err)
		}
	}

	noFiles := e.emu.AddApp(AppSpec{Name: "NoFiles", BotScopes: []string{"chat:write"}})
	noFilesInst := e.emu.Install(noFiles.ID, e.ws.ID)
	tests := []struct {
		name   string
		header string
		want   int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"bad token", "Bearer xoxb-nope", http.StatusUnauthorized},
		{"no files:read", "Bearer " + noFilesInst.BotToken, http.StatusForbidden},
		{"ok", "Bearer " + e.alice.Token, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.URLPrivate, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			res, err := e.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
		})
	}

	t.Run("multipart-free raw upload and private file", func(t *testing.T) {
		u, err := alice.GetUploadURLExternalContext(ctx, slackapi.GetUploadURLExternalParameters{FileName: "a.bin", FileSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.srv.Client().Post(u.UploadURL, "application/octet-stream", bytes.NewReader([]byte{1, 2, 3}))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("raw upload: %v %v", res, err)
		}
		res.Body.Close()
		c, err := alice.CompleteUploadExternalContext(ctx, slackapi.CompleteUploadExternalParameters{Files: []slackapi.FileSummary{{ID: u.FileID}}})
		if err != nil || len(c.Files) != 1 {
			t.Fatalf("complete without channel: %+v %v", c, err)
		}
		if _, _, _, err := bot.GetFileInfoContext(ctx, u.FileID, 0, 0); err == nil || err.Error() != "file_not_found" {
			t.Fatalf("bot sees alice's private file: %v", err)
		}
	})
}
