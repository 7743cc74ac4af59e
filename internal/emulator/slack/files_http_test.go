package slack

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// FuzzUploadBody posts arbitrary bodies to an upload URL: raw or
// multipart, nothing may panic or produce a 5xx.
func FuzzUploadBody(f *testing.F) {
	var tick atomic.Int64
	base := time.Unix(1700000000, 0)
	emu := New(Options{Now: func() time.Time { return base.Add(time.Duration(tick.Add(1)) * time.Minute) }})
	defer emu.Close()
	ws := emu.AddWorkspace("fuzz")
	u := emu.AddUser(ws.ID, "fuzzer", "f@fuzz.example")
	h := emu.Handler()
	f.Add("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n")
	f.Add("application/octet-stream", "raw bytes")
	f.Add("multipart/form-data", "--b\r\n")
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/files.getUploadURLExternal", strings.NewReader("filename=a.txt&length=5"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+u.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		_, uploadURL, ok := strings.Cut(rec.Body.String(), `"upload_url":"`)
		if !ok {
			t.Fatalf("getUploadURLExternal: %s", rec.Body.String())
		}
		uploadURL, _, _ = strings.Cut(uploadURL, `"`)
		path := uploadURL[strings.Index(uploadURL, "/upload/"):]
		req = httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("upload answered %d", rec.Code)
		}
	})
}
