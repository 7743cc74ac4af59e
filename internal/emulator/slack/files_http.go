package slack

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// serveUpload receives the bytes of files.getUploadURLExternal's step 2,
// raw or as multipart (the file is the first file part). Like Slack's
// files.slack.com, the secret URL is the credential, and success is a
// plain-text "OK - <size>".
func (e *Emulator) serveUpload(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	e.mu.Lock()
	f := e.st.uploads[key]
	e.mu.Unlock()
	if f == nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUploadBytes+(1<<20)))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		data, err = firstFilePart(data, params["boundary"])
		if err != nil {
			http.Error(w, "bad multipart body", http.StatusBadRequest)
			return
		}
	}
	if len(data) > maxUploadBytes {
		http.Error(w, "request entity too large", http.StatusRequestEntityTooLarge)
		return
	}
	e.mu.Lock()
	if f.completed {
		e.mu.Unlock()
		http.Error(w, "upload already completed", http.StatusBadRequest)
		return
	}
	f.data = data
	f.uploaded = true
	e.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("OK - " + strconv.Itoa(len(data))))
}

func firstFilePart(body []byte, boundary string) ([]byte, error) {
	if boundary == "" {
		return nil, errors.New("no boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		if p.FileName() != "" || p.FormName() == "file" {
			return io.ReadAll(p)
		}
	}
}

// serveFile answers url_private and url_private_download. Slack requires
// a token with files:read that can see the file.
func (e *Emulator) serveFile(w http.ResponseWriter, r *http.Request) {
	team, fileID, ok := strings.Cut(r.PathValue("key"), "-")
	tokValue := bearer(r)
	if tokValue == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="slack"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	e.mu.Lock()
	tok := e.st.tokens[tokValue]
	f := e.st.files[fileID]
	var data []byte
	var mimetype, name string
	status := http.StatusOK
	switch {
	case tok == nil:
		status = http.StatusUnauthorized
	case !tok.has("files:read"):
		status = http.StatusForbidden
	case !ok || f == nil || f.team != team || f.name != r.PathValue("name"):
		status = http.StatusNotFound
	case !e.tokenSeesFile(tok, f):
		status = http.StatusForbidden
	default:
		data, mimetype, name = f.data, f.mimetype, f.name
	}
	e.mu.Unlock()
	if status != http.StatusOK {
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", mimetype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if strings.Contains(r.URL.Path, "/download/") {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	_, _ = w.Write(data)
}
