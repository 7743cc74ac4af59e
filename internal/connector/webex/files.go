package webex

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strconv"
	"strings"

	"parley/internal/connector"
	"parley/internal/core"
)

// SendFile posts f with m as its text, in root's thread when root is set,
// as one multipart/form-data message create. The body is streamed through
// a pipe: the bytes never sit in memory or on disk whole.
func (c *Client) SendFile(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message, f connector.File) (core.MessageID, error) {
	text, err := body(m)
	if err != nil {
		return "", err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan struct{})
	// The writer goroutine is owned by this call: it ends when the body is
	// written or the pipe is closed, and SendFile waits for it.
	go func() {
		defer close(done)
		pw.CloseWithError(writeFileForm(mw, ch, root, text, f))
	}()
	defer func() {
		pr.Close()
		<-done
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.api.base.JoinPath("messages").String(), pr)
	if err != nil {
		return "", fmt.Errorf("webex file upload: %w", err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var out message
	if err := c.api.Do("file upload", req, &out); err != nil {
		return "", err
	}
	return core.MessageID(out.ID), nil
}

func writeFileForm(mw *multipart.Writer, ch core.ChannelID, root core.MessageID, text string, f connector.File) error {
	fields := [][2]string{{"roomId", string(ch)}, {"markdown", text}}
	if root != "" {
		fields = append(fields, [2]string{"parentId", string(root)})
	}
	for _, kv := range fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	name := path.Base(strings.ReplaceAll(f.Name, `\`, "/"))
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	ct := f.MimeType
	if _, _, err := mime.ParseMediaType(ct); err != nil {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "files", "filename": name}))
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, f.Body); err != nil {
		return fmt.Errorf("read file body: %w", err)
	}
	return mw.Close()
}

// contentURL checks that a file URL is on the API host, the only place
// the token may go: a URL in an event is outside input.
func (c *Client) contentURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !c.api.sameHost(u) {
		return nil, fmt.Errorf("webex file: refusing a URL off the API host: %w", connector.ErrPermanent)
	}
	return u, nil
}

// FetchFile opens a file announced in an event, with the bearer token:
// only from the API host, never through a redirect off the allowed hosts
// or to an internal address (see egress).
func (c *Client) FetchFile(ctx context.Context, ref core.FileRef) (io.ReadCloser, error) {
	u, err := c.contentURL(ref.URL)
	if err != nil {
		return nil, err
	}
	res, err := c.api.Rules.Open(ctx, c.files, "file download", http.MethodGet, u.String(), c.token)
	if err != nil {
		return nil, err
	}
	return res.Body, nil
}

// fileRef learns a file's name, type and size with HEAD, as Webex's
// message carries only the content URL.
func (c *Client) fileRef(ctx context.Context, raw string) (core.FileRef, error) {
	u, err := c.contentURL(raw)
	if err != nil {
		return core.FileRef{}, err
	}
	res, err := c.api.Rules.Open(ctx, c.files, "file head", http.MethodHead, u.String(), c.token)
	if err != nil {
		return core.FileRef{}, err
	}
	res.Body.Close()
	ref := core.FileRef{ID: core.FileID(path.Base(u.Path)), URL: raw, Name: "file"}
	if _, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		ref.Name = params["filename"]
	}
	if mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type")); err == nil {
		ref.MimeType = mt
	}
	if n, err := strconv.ParseInt(res.Header.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
		ref.Size = n
	}
	return ref, nil
}
