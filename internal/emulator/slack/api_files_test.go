package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

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

	// Slack shares the file after completeUploadExternal answered: wait
	// for files.info to say where, as an uploader must.
	var f *slackapi.File
	checkFor(t, 10*time.Second, func() bool {
		f, _, _, err = bot.GetFileInfoContext(ctx, sum.ID, 0, 0)
		if err != nil {
			t.Fatalf("files.info: %v", err)
		}
		return len(f.Shares.Public[e.ch.ID]) > 0
	})
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

// TestCompleteUploadSharesLater: files.completeUploadExternal answers
// before the file is in the channel (its files carry no shares); the
// file_share message, and the share files.info reports, come after, once.
func TestCompleteUploadSharesLater(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	bot := e.client(e.inst.BotToken)
	u, err := bot.GetUploadURLExternalContext(ctx, slackapi.GetUploadURLExternalParameters{FileName: "a.txt", FileSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.srv.Client().Post(u.UploadURL, "application/octet-stream", bytes.NewReader([]byte("hi")))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %v %v", res, err)
	}
	res.Body.Close()
	_, _, body := e.raw(t, "files.completeUploadExternal", "application/x-www-form-urlencoded",
		url.Values{"files": {`[{"id":"` + u.FileID + `"}]`}, "channel_id": {e.ch.ID}}.Encode(),
		map[string]string{"Authorization": "Bearer " + e.inst.BotToken})
	files, _ := body["files"].([]any)
	if body["ok"] != true || len(files) != 1 {
		t.Fatalf("completeUploadExternal = %v", body)
	}
	if sh, _ := files[0].(map[string]any)["shares"].(map[string]any); len(sh) != 0 {
		t.Fatalf("completeUploadExternal already reports shares %v; Slack shares asynchronously", sh)
	}

	e.advance(t, time.Second)
	var f *slackapi.File
	checkFor(t, 10*time.Second, func() bool {
		f, _, _, err = bot.GetFileInfoContext(ctx, u.FileID, 0, 0)
		return err == nil && len(f.Shares.Public[e.ch.ID]) > 0
	})
	h, err := bot.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: e.ch.ID})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range h.Messages {
		if m.SubType == "file_share" {
			n++
			if m.Timestamp != f.Shares.Public[e.ch.ID][0].Ts {
				t.Errorf("file_share ts %s, files.info says %s", m.Timestamp, f.Shares.Public[e.ch.ID][0].Ts)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d file_share messages, want 1", n)
	}
}

// TestConnectChannelSendsFileStubs: in a Slack Connect channel the
// file_share event carries only a stub (file_access check_file_info);
// files.info has the rest, and the channel says it is externally shared.
func TestConnectChannelSendsFileStubs(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	if err := e.emu.ShareExternally(e.ws.ID, e.ch.ID); err != nil {
		t.Fatal(err)
	}
	alice := e.client(e.alice.Token)
	bot := e.client(e.inst.BotToken)
	sum, err := alice.UploadFileContext(ctx, slackapi.UploadFileParameters{
		Filename: "plan.txt", FileSize: 4, Content: "plan", Channel: e.ch.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := e.rc.waitEvent(ofType("message", "file_share"))
	var envelope struct {
		ExtShared bool `json:"is_ext_shared_channel"`
	}
	if err := json.Unmarshal(ev.body, &envelope); err != nil || !envelope.ExtShared {
		t.Errorf("envelope is_ext_shared_channel false (%v)", err)
	}
	files, _ := ev.inner["files"].([]any)
	if len(files) != 1 {
		t.Fatalf("files = %v", ev.inner["files"])
	}
	stub, _ := files[0].(map[string]any)
	if stub["id"] != sum.ID || stub["file_access"] != "check_file_info" || stub["mode"] != "file_access" {
		t.Fatalf("file in a Slack Connect event = %v, want a check_file_info stub", stub)
	}
	for _, k := range []string{"url_private", "url_private_download", "name", "size"} {
		if _, ok := stub[k]; ok {
			t.Errorf("stub has %s", k)
		}
	}
	f, _, _, err := bot.GetFileInfoContext(ctx, sum.ID, 0, 0)
	if err != nil || f.URLPrivateDownload == "" || f.Name != "plan.txt" || f.Size != 4 {
		t.Fatalf("files.info = %+v, %v", f, err)
	}
	info, err := bot.GetConversationInfoContext(ctx, &slackapi.GetConversationInfoInput{ChannelID: e.ch.ID})
	if err != nil || !info.IsExtShared {
		t.Fatalf("conversations.info is_ext_shared = %+v, %v", info, err)
	}
}
