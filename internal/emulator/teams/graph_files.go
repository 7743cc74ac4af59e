package teams

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"parley/internal/emulator/ids"
)

// maxUpload caps a simple upload. Graph allows 250 MB; the emulator keeps
// files in memory, so it stops at 50 MiB and answers 413 beyond.
const maxUpload = 50 << 20

// graphFilesFolder answers GET /teams/{team}/channels/{channel}/filesFolder.
func (e *Emulator) graphFilesFolder(g *graphCall) {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ch, ok := g.channelAccess()
	if !ok {
		return
	}
	g.reply(http.StatusOK, e.graphItem(e.st.items[ch.folder]))
}

// webURL is the item's SharePoint page; a file reference attachment's
// contentUrl is this URL.
func (e *Emulator) webURL(it *driveItem) string {
	t := e.st.drives[it.driveID]
	segs := []string{}
	for cur := it; cur != nil && cur.parent != ""; cur = e.st.items[cur.parent] {
		segs = append([]string{url.PathEscape(cur.name)}, segs...)
	}
	site := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, t.name)
	return e.base.URL() + "/sites/" + site + "/Shared%20Documents/" + strings.Join(segs, "/")
}

// downloadURL is the short-lived pre-authenticated URL Graph hands out as
// @microsoft.graph.downloadUrl; here the random key is the credential and
// it does not expire.
func (e *Emulator) downloadURL(it *driveItem) string {
	return e.base.URL() + "/drive/" + it.dlKey + "/" + url.PathEscape(it.name)
}

// itemByURL finds the file whose webUrl or download URL is u. The caller
// holds e.mu.
func (e *Emulator) itemByURL(u string) *driveItem {
	if u == "" {
		return nil
	}
	for _, it := range e.st.items {
		if !it.folder && (e.webURL(it) == u || e.downloadURL(it) == u) {
			return it
		}
	}
	return nil
}

func (e *Emulator) graphItem(it *driveItem) map[string]any {
	out := map[string]any{
		"id": it.id, "name": it.name, "webUrl": e.webURL(it), "size": len(it.data),
		"createdDateTime": it.created.UTC().Format(time.RFC3339), "lastModifiedDateTime": it.modified.UTC().Format(time.RFC3339),
		"eTag": `"{` + it.etag + `},1"`, "cTag": `"c:{` + it.etag + `},1"`,
		"parentReference": map[string]any{"driveId": it.driveID, "driveType": "documentLibrary", "id": it.parent},
		"fileSystemInfo":  map[string]any{"createdDateTime": it.created.UTC().Format(time.RFC3339), "lastModifiedDateTime": it.modified.UTC().Format(time.RFC3339)},
	}
	if it.folder {
		n := 0
		for _, c := range e.st.items {
			if c.parent == it.id {
				n++
			}
		}
		out["folder"] = map[string]any{"childCount": n}
		return out
	}
	out["file"] = map[string]any{"mimeType": mimeOf(it.name)}
	out["@microsoft.graph.downloadUrl"] = e.downloadURL(it)
	return out
}

func mimeOf(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// driveAccess checks the caller may use a team drive: app tokens of the
// tenant (Files.ReadWrite.All) or team members. The caller holds e.mu.
func (g *graphCall) driveAccess(driveID string) (*team, bool) {
	t := g.e.st.drives[driveID]
	if t == nil || t.tenant != g.tok.tenant {
		g.fail(http.StatusNotFound, "itemNotFound", "The resource could not be found.")
		return nil, false
	}
	if g.isUser() && !t.isMember(g.tok.userID) {
		g.fail(http.StatusForbidden, "accessDenied", "Access denied.")
		return nil, false
	}
	return t, true
}

// parseUploadPath splits "{parent-id}:/{filename}:/content".
func parseUploadPath(p string) (parent, name string, ok bool) {
	parent, rest, ok := strings.Cut(p, ":/")
	if !ok {
		return "", "", false
	}
	name, ok = strings.CutSuffix(rest, ":/content")
	if !ok || name == "" || parent == "" || strings.ContainsAny(name, "/\\\x00") || name == "." || name == ".." || len(name) > 400 {
		return "", "", false
	}
	return parent, name, true
}

// graphUpload answers PUT /drives/{drive}/items/{parent}:/{name}:/content,
// replacing a same-named file as Graph's default conflict behaviour does.
func (e *Emulator) graphUpload(g *graphCall) {
	parentID, name, ok := parseUploadPath(g.r.PathValue("path"))
	if !ok {
		g.fail(http.StatusBadRequest, "invalidRequest", "Invalid upload path; use {parent-id}:/{filename}:/content.")
		return
	}
	if g.r.ContentLength > maxUpload {
		g.fail(http.StatusRequestEntityTooLarge, "maxFileSizeExceeded", "The file is larger than the upload limit.")
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(g.w, g.r.Body, maxUpload))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			g.fail(http.StatusRequestEntityTooLarge, "maxFileSizeExceeded", "The file is larger than the upload limit.")
			return
		}
		g.fail(http.StatusBadRequest, "invalidRequest", "Could not read the upload.")
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	driveID := g.r.PathValue("drive")
	if _, ok := g.driveAccess(driveID); !ok {
		return
	}
	parent := e.st.items[parentID]
	if parent == nil || parent.driveID != driveID || !parent.folder {
		g.fail(http.StatusNotFound, "itemNotFound", "The parent folder could not be found.")
		return
	}
	now := e.now()
	creator := g.tok.userID
	if creator == "" {
		creator = g.tok.appID
	}
	for _, it := range e.st.items {
		if it.parent == parentID && strings.EqualFold(it.name, name) && !it.folder {
			it.data, it.modified, it.etag = data, now, ids.Hex(8)
			g.reply(http.StatusOK, e.graphItem(it))
			return
		}
	}
	it := &driveItem{
		id: e.newItemID(), driveID: driveID, parent: parentID, name: name, data: data,
		created: now, modified: now, etag: ids.Hex(8), createdBy: creator,
		dlKey: e.unique(func() string { return ids.String(ids.URLSafe, 40) }),
	}
	e.st.items[it.id] = it
	e.st.dlKeys[it.dlKey] = it
	g.reply(http.StatusCreated, e.graphItem(it))
}

// graphGetItem answers GET /drives/{drive}/items/{id} and …/{id}/content
// (a 302 to the download URL, as Graph does).
func (e *Emulator) graphGetItem(g *graphCall) {
	p := g.r.PathValue("path")
	id, content := strings.CutSuffix(p, "/content")
	e.mu.Lock()
	defer e.mu.Unlock()
	driveID := g.r.PathValue("drive")
	if _, ok := g.driveAccess(driveID); !ok {
		return
	}
	it := e.st.items[id]
	if it == nil || it.driveID != driveID || strings.Contains(id, "/") {
		g.fail(http.StatusNotFound, "itemNotFound", "The resource could not be found.")
		return
	}
	if !content {
		g.reply(http.StatusOK, e.graphItem(it))
		return
	}
	if it.folder {
		g.fail(http.StatusBadRequest, "invalidRequest", "Folders have no content.")
		return
	}
	g.w.Header().Set("Location", e.downloadURL(it))
	g.reply(http.StatusFound, nil)
}

// serveDownload serves a file by its pre-authenticated download key.
func (e *Emulator) serveDownload(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	it := e.st.dlKeys[r.PathValue("key")]
	var data []byte
	var name string
	if it != nil {
		data, name = it.data, it.name
	}
	e.mu.Unlock()
	if it == nil || name != r.PathValue("name") {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", mimeOf(name))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}
