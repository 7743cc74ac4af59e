package teams

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (v *env) put(path, token string, data []byte) (int, map[string]any) {
	v.t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), "PUT", v.srv.URL+path, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := v.client.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(res.Body)
	_ = jsonUnmarshal(raw, &out)
	return res.StatusCode, out
}

func TestChannelFilesUploadAndShare(t *testing.T) {
	v := newEnv(t)
	_, _, folder := v.call("GET", "/v1.0/teams/"+v.team.ID+"/channels/"+url.PathEscape(v.random.ID)+"/filesFolder", v.alice.Token, nil)
	if folder["name"] != "Random" || folder["folder"] == nil {
		t.Fatalf("filesFolder = %v", folder)
	}
	drive := str(folder, "parentReference", "driveId")
	upload := "/v1.0/drives/" + url.PathEscape(drive) + "/items/" + str(folder, "id") + ":/" + url.PathEscape("report q3.pdf") + ":/content"
	data := []byte("%PDF-1.4 not really")

	// The bot uploads with its app token (Files.ReadWrite.All).
	status, item := v.put(upload, v.graphToken(), data)
	if status != http.StatusCreated || item["name"] != "report q3.pdf" || item["size"].(float64) != float64(len(data)) {
		t.Fatalf("upload: %d %v", status, item)
	}
	dl := str(item, "@microsoft.graph.downloadUrl")
	res, err := v.client.Get(dl) // pre-authenticated: no token
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, data) || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("download: %d %q %s", res.StatusCode, got, res.Header.Get("Content-Type"))
	}

	// /content redirects to the download URL.
	noRedirect := *v.client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest("GET", v.srv.URL+"/v1.0/drives/"+url.PathEscape(drive)+"/items/"+str(item, "id")+"/content", nil)
	req.Header.Set("Authorization", "Bearer "+v.alice.Token)
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != dl {
		t.Errorf("content: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	// Re-uploading the same name replaces the file.
	status, again := v.put(upload, v.alice.Token, []byte("v2"))
	if status != http.StatusOK || again["id"] != item["id"] {
		t.Errorf("replace: %d %v", status, again)
	}

	// A person shares it in the channel; the bot gets a file attachment
	// it can download.
	status, _, msg := v.call("POST", channelMsgs(v.team, v.random), v.alice.Token, map[string]any{
		"body":        map[string]any{"contentType": "html", "content": `see <attachment id="f1"></attachment>`},
		"attachments": []any{map[string]any{"id": "f1", "contentType": "reference", "contentUrl": item["webUrl"], "name": "report q3.pdf"}},
	})
	if status != http.StatusCreated {
		t.Fatalf("share: %d %v", status, msg)
	}
	act := v.botRecv.waitFor(func(a activity) bool { return a["id"] == msg["id"] })
	var file map[string]any
	for _, a := range act["attachments"].([]any) {
		if a.(map[string]any)["contentType"] == "application/vnd.microsoft.teams.file.download.info" {
			file = a.(map[string]any)
		}
	}
	if file == nil || str(file, "content", "downloadUrl") != dl || str(file, "content", "fileType") != "pdf" {
		t.Errorf("file attachment = %v", act["attachments"])
	}

	cases := []struct {
		name, path, token string
		body              []byte
		status            int
	}{
		{"bad path", "/v1.0/drives/" + url.PathEscape(drive) + "/items/" + str(folder, "id") + "/content", v.alice.Token, data, 400},
		{"slash in name", "/v1.0/drives/" + url.PathEscape(drive) + "/items/" + str(folder, "id") + ":/a%2Fb:/content", v.alice.Token, data, 400},
		{"unknown drive", "/v1.0/drives/nope/items/" + str(folder, "id") + ":/x.txt:/content", v.alice.Token, data, 404},
		{"unknown parent", "/v1.0/drives/" + url.PathEscape(drive) + "/items/01NOPE:/x.txt:/content", v.alice.Token, data, 404},
		{"too big", upload, v.alice.Token, bytes.Repeat([]byte("x"), maxUpload+1), 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := v.put(tc.path, tc.token, tc.body)
			if status != tc.status {
				t.Errorf("got %d %v, want %d", status, body, tc.status)
			}
		})
	}
	if res, _ := v.client.Get(strings.Replace(dl, "/drive/", "/drive/x", 1)); res.StatusCode != 404 {
		t.Errorf("wrong download key: %d", res.StatusCode)
	}
}
