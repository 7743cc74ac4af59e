package slack

import (
	"context"
	"encoding/json"
	"mime"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"parley/internal/emulator/ids"
)

// maxUploadBytes caps one emulated file. Slack allows 1 GB; the emulator
// keeps files in memory, so it refuses more than this with
// file_upload_size_restricted.
const maxUploadBytes = 50 << 20

// file is an uploaded file. Bytes stay in memory only.
type file struct {
	id, team, user string
	name, title    string
	mimetype       string
	filetype       string
	length         int
	data           []byte
	uploaded       bool
	completed      bool
	created        int64
	shares         map[string][]fileShare // by channel ID
	shareOrder     []string
}

// fileShare is where a file was posted; it tells the uploader the ts of
// the file_share message.
type fileShare struct {
	ts, threadTS, channelName, teamID string
}

func apiFilesGetUploadURLExternal(c *call) resp {
	name := strings.TrimSpace(c.args["filename"])
	length, err := strconv.Atoi(c.args["length"])
	if name == "" || err != nil || length <= 0 {
		return errResp("invalid_arguments")
	}
	if length > maxUploadBytes {
		return errResp("file_upload_size_restricted")
	}
	if len(c.args["alt_txt"]) > 1000 {
		return errResp("alt_txt_too_large")
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	mt := mime.TypeByExtension("." + ext)
	if mt == "" {
		mt = "application/octet-stream"
	}
	if i := strings.Index(mt, ";"); i >= 0 {
		mt = mt[:i]
	}
	ft := ext
	switch ext {
	case "":
		ft = "binary"
	case "txt":
		ft = "text"
	}
	f := &file{
		id: c.e.newID("F"), team: c.tok.team, user: c.tok.userID, name: name, title: name,
		mimetype: mt, filetype: ft, length: length, created: c.e.now().Unix(),
		shares: map[string][]fileShare{},
	}
	key := ids.String(ids.Alnum, 40)
	c.e.st.files[f.id] = f
	c.e.st.uploads[key] = f
	return resp{"ok": true, "file_id": f.id, "upload_url": c.e.base.URL() + "/upload/v1/" + key}
}

func apiFilesCompleteUploadExternal(c *call) resp {
	var wanted []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if json.Unmarshal([]byte(c.args["files"]), &wanted) != nil || len(wanted) == 0 {
		return errResp("invalid_arguments")
	}
	var files []*file
	for _, w := range wanted {
		f := c.e.st.files[w.ID]
		if f == nil || f.team != c.tok.team || f.user != c.tok.userID || !f.uploaded || f.completed {
			return errResp("file_not_found")
		}
		files = append(files, f)
	}
	chID := c.args["channel_id"]
	if chID == "" {
		chID, _, _ = strings.Cut(c.args["channels"], ",")
	}
	var ch *channel
	var root *message
	if chID != "" {
		c.args["channel"] = chID
		var fail resp
		if ch, fail = c.channelArg("channel"); fail != nil {
			return fail
		}
		if !ch.isMember(c.tok.userID) && !(c.tok.kind == tokenBot && c.tok.has("chat:write.public")) {
			return errResp("not_in_channel")
		}
		if root, fail = c.threadRoot(ch); fail != nil {
			return fail
		}
	} else if c.args["thread_ts"] != "" {
		return errResp("invalid_arguments")
	}
	for i, f := range files {
		f.completed = true
		if t := strings.TrimSpace(wanted[i].Title); t != "" {
			f.title = t
		}
	}
	if ch != nil {
		c.e.shareLater(ch.id, root, files, c.tok, c.args["initial_comment"])
	}
	out := make([]any, 0, len(files))
	for _, f := range files {
		out = append(out, c.e.renderFile(f))
	}
	return resp{"ok": true, "files": out}
}

// shareDelay is how long, on Slack's clock, a completed upload takes to
// appear in its channel. Slack shares files asynchronously: the answer to
// files.completeUploadExternal comes before the file_share message exists
// and carries no shares, so an uploader learns the message's ts from
// files.info (or the file_shared event) a moment later.
const shareDelay = 300 * time.Millisecond

// shareLater posts the file_share message for files in channel chID after
// shareDelay, as the uploader behind tok, in root's thread when root is
// set. Advancing the clock past the delay shares at once.
func (e *Emulator) shareLater(chID string, root *message, files []*file, tok *token, comment string) {
	e.base.Go(func(ctx context.Context) {
		if !e.base.Clock.Sleep(ctx, shareDelay) {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		ch := e.st.channels[chID]
		if ch == nil {
			return
		}
		m := &message{user: tok.userID, subtype: "file_share", text: comment}
		if tok.kind == tokenBot {
			m.botID, m.appID = tok.botID, tok.appID
		} else {
			m.clientMsgID = newUUID()
		}
		for _, f := range files {
			m.files = append(m.files, f.id)
		}
		if root != nil && ch.find(root.ts) == nil {
			root = nil // the thread went away meanwhile
		}
		e.appendMessage(ch, m, root, false)
		for _, f := range files {
			if _, seen := f.shares[ch.id]; !seen {
				f.shareOrder = append(f.shareOrder, ch.id)
			}
			f.shares[ch.id] = append(f.shares[ch.id], fileShare{ts: m.ts, threadTS: m.threadTS, channelName: ch.name, teamID: ch.team})
		}
		e.emitMessage(ch, m)
		for _, f := range files {
			e.emitFileShared(ch, f, tok.userID)
		}
	})
}

// canSee reports whether the caller may see a file: its uploader, anyone
// in a channel it was shared to, and people for any shared public file.
func (c *call) canSee(f *file) bool {
	return c.e.tokenSeesFile(c.tok, f)
}

func (e *Emulator) tokenSeesFile(t *token, f *file) bool {
	if f.team != t.team || !f.completed && f.user != t.userID {
		return false
	}
	if f.user == t.userID {
		return true
	}
	for chID := range f.shares {
		if ch := e.st.channels[chID]; ch != nil && (t.kind == tokenUser || ch.isMember(t.userID)) {
			return true
		}
	}
	return false
}

func apiFilesInfo(c *call) resp {
	f := c.e.st.files[strings.TrimSpace(c.args["file"])]
	if f == nil || !c.canSee(f) {
		return errResp("file_not_found")
	}
	return resp{"ok": true, "file": c.e.renderFile(f), "comments": []any{}, "response_metadata": map[string]any{"next_cursor": ""}}
}

// renderFile is Slack's file object, with shares once posted.
func (e *Emulator) renderFile(f *file) map[string]any {
	esc := url.PathEscape(f.name)
	private := e.base.URL() + "/files-pri/" + f.team + "-" + f.id + "/" + esc
	public := map[string]any{}
	channels := []string{}
	for _, chID := range f.shareOrder {
		var list []any
		for _, s := range f.shares[chID] {
			entry := map[string]any{"ts": s.ts, "channel_name": s.channelName, "team_id": s.teamID,
				"reply_users": []string{}, "reply_users_count": 0, "reply_count": 0}
			if s.threadTS != "" {
				entry["thread_ts"] = s.threadTS
			}
			list = append(list, entry)
		}
		public[chID] = list
		channels = append(channels, chID)
	}
	out := map[string]any{
		"id": f.id, "created": f.created, "timestamp": f.created, "name": f.name, "title": f.title,
		"mimetype": f.mimetype, "filetype": f.filetype, "pretty_type": strings.ToUpper(f.filetype),
		"user": f.user, "user_team": f.team, "editable": false, "size": len(f.data), "mode": "hosted",
		"is_external": false, "external_type": "", "is_public": len(channels) > 0, "public_url_shared": false,
		"display_as_bot": false, "username": "", "url_private": private,
		"url_private_download": e.base.URL() + "/files-pri/" + f.team + "-" + f.id + "/download/" + esc,
		"media_display_type":   "unknown",
		"permalink":            e.base.URL() + "/files/" + f.user + "/" + f.id + "/" + esc,
		"is_starred":           false, "has_rich_preview": false, "file_access": "visible",
		"channels": channels, "groups": []string{}, "ims": []string{}, "comments_count": 0,
	}
	if len(public) > 0 {
		out["shares"] = map[string]any{"public": public}
	} else {
		out["shares"] = map[string]any{}
	}
	return out
}
