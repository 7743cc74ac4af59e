package webex

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// maxUpload caps an uploaded file; the emulator keeps files in memory.
const maxUpload = 50 << 20

// readMultipart reads a multipart message create: the same fields as
// JSON plus one "files" part.
func (e *Emulator) readMultipart(c *call, in *postInput) (int, any, bool) {
	mr, err := c.r.MultipartReader()
	if err != nil {
		return http.StatusBadRequest, apiError("Unable to parse the multipart body."), false
	}
	fields := map[string]*string{
		"roomId": &in.RoomID, "parentId": &in.ParentID, "text": &in.Text,
		"markdown": &in.Markdown, "html": &in.HTML, "toPersonId": &in.ToPerson, "toPersonEmail": &in.ToEmail,
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return 0, nil, true
		}
		if err != nil {
			return http.StatusBadRequest, apiError("Unable to parse the multipart body."), false
		}
		name := part.FormName()
		if name == "files" {
			if in.upload != nil {
				return http.StatusBadRequest, apiError("Only one file may be attached to a message."), false
			}
			data, err := io.ReadAll(io.LimitReader(part, maxUpload+1))
			if err != nil {
				return http.StatusBadRequest, apiError("Unable to read the uploaded file."), false
			}
			if len(data) > maxUpload {
				return http.StatusRequestEntityTooLarge, apiError("The file is too large."), false
			}
			ct := part.Header.Get("Content-Type")
			if ct == "" {
				ct = "application/octet-stream"
			}
			fname := part.FileName()
			if fname == "" {
				fname = "file"
			}
			in.upload = &content{id: newID("CONTENT"), name: fname, mime: ct, data: data}
			continue
		}
		dst, ok := fields[name]
		if !ok {
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxTextBytes+1))
		if err != nil {
			return http.StatusBadRequest, apiError("Unable to parse the multipart body."), false
		}
		*dst = string(v)
	}
}

// contentsGet serves a file to members of its room who may see the
// message, with the bearer token, as webexapis.com/v1/contents/{id} does.
func (e *Emulator) contentsGet(c *call) (int, any) {
	e.mu.Lock()
	f := e.st.contents[c.r.PathValue("id")]
	ok := f != nil && e.st.rooms[f.room] != nil && e.st.rooms[f.room].isMember(c.who.id) && e.contentVisible(c.who, f.id)
	e.mu.Unlock()
	if !ok {
		return http.StatusNotFound, errNotFound
	}
	h := c.w.Header()
	h.Set("Content-Type", f.mime)
	h.Set("Content-Length", strconv.Itoa(len(f.data)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.name}))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(f.data)
	}
	return 0, nil
}

// contentVisible reports whether p may see a message carrying content id.
// The caller holds e.mu.
func (e *Emulator) contentVisible(p *person, id string) bool {
	for _, m := range e.st.order {
		for _, f := range m.files {
			if f == id {
				return m.deleted.IsZero() && e.st.visibleTo(p, m)
			}
		}
	}
	return false
}
