package gchat

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"parley/internal/emulator/ids"
)

// maxUploadBytes is Chat's attachment size limit (200 MB). Uploads are
// held in memory only.
const maxUploadBytes = 200 << 20

const uploadsUserOnly = "Uploading attachments requires user authentication."

// apiMediaUpload serves media.upload with uploadType=multipart (JSON
// metadata {"filename"} then the bytes, as google.golang.org/api sends
// files under its chunk size) or uploadType=media (bytes only, with the
// filename taken from ?filename=). Resumable uploads are not emulated.
func (e *Emulator) apiMediaUpload(c *call) (any, *apiError) {
	if ae := c.needScopes([]string{"chat.messages", "chat.messages.create", "chat.import"}, nil, uploadsUserOnly); ae != nil {
		return nil, ae
	}
	// Check membership before reading the body, outside e.mu while reading.
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	spaceName, uploader := s.name, c.p.id()
	e.mu.Unlock()
	filename, contentType, data, ae := readUpload(c.w, c.r)
	e.mu.Lock()
	if ae != nil {
		return nil, ae
	}
	if filename == "" {
		return nil, errInvalid("filename is required.")
	}
	up := &upload{
		token: ids.String(ids.URLSafe, 96), resourceName: ids.String(ids.Alnum, 64),
		space: spaceName, uploader: uploader, filename: sanitizeFilename(filename),
		contentType: contentType, data: data,
	}
	e.st.uploads[up.token] = up
	e.st.media[up.resourceName] = up
	return map[string]any{"attachmentDataRef": map[string]any{
		"resourceName": up.resourceName, "attachmentUploadToken": up.token,
	}}, nil
}

func readUpload(w http.ResponseWriter, r *http.Request) (filename, contentType string, data []byte, ae *apiError) {
	body := http.MaxBytesReader(w, r.Body, maxUploadBytes+64<<10)
	tooBig := func(err error) *apiError {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &apiError{http.StatusRequestEntityTooLarge, "INVALID_ARGUMENT", "The attachment exceeds the 200 MB limit."}
		}
		return errInvalid("Could not read the upload.")
	}
	switch r.URL.Query().Get("uploadType") {
	case "multipart":
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
			return "", "", nil, errInvalid("uploadType=multipart needs a multipart/related body.")
		}
		mr := multipart.NewReader(body, params["boundary"])
		meta, err := mr.NextPart()
		if err != nil {
			return "", "", nil, tooBig(err)
		}
		var md struct {
			Filename string `json:"filename"`
		}
		if err := json.NewDecoder(io.LimitReader(meta, 64<<10)).Decode(&md); err != nil {
			return "", "", nil, errInvalid("Invalid upload metadata.")
		}
		media, err := mr.NextPart()
		if err != nil {
			return "", "", nil, tooBig(err)
		}
		data, err = io.ReadAll(io.LimitReader(media, maxUploadBytes+1))
		if err != nil {
			return "", "", nil, tooBig(err)
		}
		if len(data) > maxUploadBytes {
			return "", "", nil, tooBig(&http.MaxBytesError{Limit: maxUploadBytes})
		}
		return md.Filename, contentTypeOr(media.Header.Get("Content-Type")), data, nil
	case "media":
		data, err := io.ReadAll(body)
		if err != nil {
			return "", "", nil, tooBig(err)
		}
		if len(data) > maxUploadBytes {
			return "", "", nil, tooBig(&http.MaxBytesError{Limit: maxUploadBytes})
		}
		return r.URL.Query().Get("filename"), contentTypeOr(r.Header.Get("Content-Type")), data, nil
	default:
		return "", "", nil, errInvalid("Unsupported uploadType: use multipart or media.")
	}
}

func contentTypeOr(ct string) string {
	if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
		return "application/octet-stream"
	}
	return ct
}

// sanitizeFilename keeps the last path element and drops control
// characters, so a name can never steer a downloader's path.
func sanitizeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if len(name) > 255 {
		name = name[:255]
	}
	if name == "" || name == "." || name == ".." {
		name = "attachment"
	}
	return name
}

// apiMediaDownload serves media.download: with alt=media the bytes, else
// the Media resource. Members of the space (people, or apps with
// chat.bot) may download.
func (e *Emulator) apiMediaDownload(c *call) (any, *apiError) {
	if ae := c.needScopes(scopesMsgRead, scopesBot, ""); ae != nil {
		return nil, ae
	}
	name := c.r.PathValue("resource")
	up := e.st.media[name]
	if up == nil {
		return nil, errNotFound("Media not found.")
	}
	s := e.st.spaces[up.space]
	if s == nil || !s.canAccess(c.p) {
		return nil, errNotFound("Media not found.")
	}
	if c.r.URL.Query().Get("alt") != "media" {
		return map[string]any{"resourceName": up.resourceName}, nil
	}
	w := c.w
	w.Header().Set("Content-Type", up.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(up.data)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": up.filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(up.data)
	return nil, nil
}

// apiAttachmentsGet serves spaces.messages.attachments.get, which Chat
// allows with app auth only.
func apiAttachmentsGet(c *call) (any, *apiError) {
	if ae := c.needScopes(nil, scopesBot, "Getting attachment metadata requires app authentication."); ae != nil {
		return nil, ae
	}
	s, ae := c.spaceFor()
	if ae != nil {
		return nil, ae
	}
	m, ae := c.e.findMessage(s, c.r.PathValue("message"))
	if ae != nil {
		return nil, ae
	}
	name := m.name + "/attachments/" + c.r.PathValue("attachment")
	for _, a := range m.attachments {
		if a.name == name {
			return c.e.attachmentJSON(a), nil
		}
	}
	return nil, errNotFound("Attachment not found.")
}
