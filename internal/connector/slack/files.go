package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/redact"
	"parley/internal/retry"
	"parley/internal/richtext"
)

// How long SendFile waits for Slack to record where the file was shared:
// real Slack shares a file asynchronously after files.completeUploadExternal
// answers, so the answer's shares are usually empty. Seven polls wait about
// 13 seconds in all.
const (
	shareAttempts = 7
	shareFirstGap = 100 * time.Millisecond
)

// sharedFile is a file object as completeUploadExternal and files.info
// return it; only shares matter here.
type sharedFile struct {
	ID     string      `json:"id"`
	Shares slack.Share `json:"shares"`
}

type completeResult struct {
	apiResult
	Files []sharedFile `json:"files"`
}

// SendFile uploads f with Slack's three-step external upload, streaming
// f.Body straight into the upload request, and posts it in ch (in root's
// thread when root is set) with m as its comment. It returns the ts of the
// message that shows the file.
func (c *Client) SendFile(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message, f connector.File) (core.MessageID, error) {
	if f.Size <= 0 {
		// Slack needs the length before the bytes; buffering to learn it
		// would hold the whole file in memory.
		return "", fmt.Errorf("slack file upload: size unknown: %w", connector.ErrPermanent)
	}
	name := f.Name
	if name == "" {
		name = "file"
	}
	up, err := c.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{
		FileName: name,
		FileSize: int(f.Size),
	})
	if err != nil {
		return "", mapError("files.getUploadURLExternal", err)
	}
	if err := c.upload(ctx, up.UploadURL, f); err != nil {
		return "", err
	}
	// The upload sent exactly f.Size bytes; anything left means the size
	// was wrong and the file would be cut short. It stays unshared.
	if n, _ := f.Body.Read(make([]byte, 1)); n > 0 {
		return "", fmt.Errorf("slack file upload: body longer than its size: %w", connector.ErrPermanent)
	}

	filesJSON, err := json.Marshal([]slack.FileSummary{{ID: up.FileID, Title: name}})
	if err != nil {
		return "", fmt.Errorf("slack files.completeUploadExternal: encode files: %w", err)
	}
	form := url.Values{"files": {string(filesJSON)}, "channel_id": {string(ch)}}
	if text := richtext.RenderMrkdwn(fileComment(m)); text != "" {
		form.Set("initial_comment", text)
	}
	if root != "" {
		form.Set("thread_ts", string(root))
	}
	var done completeResult
	if err := c.call(ctx, "files.completeUploadExternal", form, &done); err != nil {
		return "", err
	}
	for _, sf := range done.Files {
		if ts := shareTS(sf.Shares, ch, root); ts != "" {
			return ts, nil
		}
	}
	ts, err := c.awaitShare(ctx, up.FileID, ch, root)
	if err != nil {
		// Slack has the file and will post it: trying again would upload
		// and post it a second time.
		return "", fmt.Errorf("%w (the file was handed to Slack and is not sent again): %w", err, connector.ErrPermanent)
	}
	return ts, nil
}

// upload streams the bytes to the upload URL Slack handed out. The URL is
// pre-signed; the token goes along only when the host may see it anyway.
func (c *Client) upload(ctx context.Context, uploadURL string, f connector.File) error {
	u, err := url.Parse(uploadURL)
	if err != nil || u.Scheme != "https" && !c.sameAsAPI(u) {
		return fmt.Errorf("slack file upload: refusing upload URL: %w", connector.ErrPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uploadURL, io.LimitReader(f.Body, f.Size))
	if err != nil {
		return fmt.Errorf("slack file upload: %w", redact.Error(err))
	}
	req.ContentLength = f.Size
	req.Header.Set("Content-Type", "application/octet-stream")
	if c.tokenAllowed(u) {
		req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	}
	resp, err := c.files.Do(req)
	if err != nil {
		return c.web.Rules.SendError("file upload", err)
	}
	defer resp.Body.Close()
	return c.web.Rules.Check("file upload", resp)
}

// awaitShare polls files.info until Slack reports the message that shares
// the file.
func (c *Client) awaitShare(ctx context.Context, fileID string, ch core.ChannelID, root core.MessageID) (core.MessageID, error) {
	gaps := retry.Backoff{First: shareFirstGap}
	for try := range shareAttempts {
		f, _, _, err := c.api.GetFileInfoContext(ctx, fileID, 0, 0)
		if err != nil {
			return "", mapError("files.info", err)
		}
		if ts := shareTS(f.Shares, ch, root); ts != "" {
			return ts, nil
		}
		if err := retry.Sleep(ctx, gaps.Wait(try)); err != nil {
			return "", fmt.Errorf("slack files.info: %w", err)
		}
	}
	return "", errors.New("slack file upload: slack did not report where the file was shared")
}

// shareTS finds the ts of the message that shared a file in ch (and in
// root's thread when root is set).
func shareTS(s slack.Share, ch core.ChannelID, root core.MessageID) core.MessageID {
	for _, m := range []map[string][]slack.ShareFileInfo{s.Public, s.Private} {
		for _, sh := range m[string(ch)] {
			if root == "" && (sh.ThreadTs == "" || sh.ThreadTs == sh.Ts) ||
				root != "" && sh.ThreadTs == string(root) {
				return core.MessageID(sh.Ts)
			}
		}
	}
	return ""
}

// resolveFiles fills in the files Slack announced as stubs ("Slack
// Connect channels": file_access check_file_info, an ID and nothing else)
// from files.info. A file Slack no longer shows is left out; any other
// failure is returned, for the event to be read again later.
func (c *Client) resolveFiles(ctx context.Context, ev *core.Event) error {
	kept := ev.Files[:0]
	for _, ref := range ev.Files {
		if ref.URL != "" {
			kept = append(kept, ref)
			continue
		}
		f, _, _, err := c.api.GetFileInfoContext(ctx, string(ref.ID), 0, 0)
		if code, ok := errorCode(err); ok && (code == "file_not_found" || code == "file_deleted") {
			continue
		}
		if err != nil {
			return mapError("files.info", err)
		}
		if f.URLPrivateDownload == "" {
			continue
		}
		name := f.Name
		if name == "" {
			name = f.Title
		}
		kept = append(kept, core.FileRef{ID: ref.ID, Name: name, MimeType: f.Mimetype, Size: int64(f.Size), URL: f.URLPrivateDownload})
	}
	ev.Files = kept
	return nil
}

// FetchFile opens a file announced in an event. The bot token is sent only
// to the API host or a configured file host: a URL in an event is outside
// input and must not be able to lure the token elsewhere, nor the gateway
// to a redirect off those hosts or to an internal address (see egress).
func (c *Client) FetchFile(ctx context.Context, ref core.FileRef) (io.ReadCloser, error) {
	u, err := url.Parse(ref.URL)
	if err != nil || !c.tokenAllowed(u) {
		return nil, fmt.Errorf("slack file download: host not allowed: %w", connector.ErrPermanent)
	}
	resp, err := c.web.Rules.Open(ctx, c.files, "file download", http.MethodGet, u.String(), c.token)
	if err != nil {
		return nil, err
	}
	// Slack answers a download it will not serve with its HTML sign-in page
	// and status 200; relaying that as the file would be wrong.
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && !strings.HasPrefix(ref.MimeType, "text/html") {
		resp.Body.Close()
		return nil, fmt.Errorf("slack file download: got a sign-in page: %w", connector.ErrAuth)
	}
	return resp.Body, nil
}

// tokenAllowed reports whether u may receive the bot token: https (or the
// API's own scheme) on the API host or a configured file host.
func (c *Client) tokenAllowed(u *url.URL) bool {
	if c.sameAsAPI(u) {
		return true
	}
	if u.Scheme != "https" || u.User != nil {
		return false
	}
	for _, h := range c.fileHosts {
		if strings.EqualFold(u.Host, h) {
			return true
		}
	}
	return false
}

// sameAsAPI reports whether u has the API URL's scheme and host.
func (c *Client) sameAsAPI(u *url.URL) bool {
	api, err := url.Parse(c.apiURL)
	return err == nil && u.User == nil && api.Host != "" &&
		u.Scheme == api.Scheme && strings.EqualFold(u.Host, api.Host)
}

// fileComment is the text that goes with a file. Slack shows file posts
// under the app's own name (no username/icon_url there), so the author is
// named in the comment itself.
func fileComment(m connector.Message) richtext.Doc {
	if m.Author.Name == "" {
		return m.Body
	}
	doc := richtext.Doc{Nodes: []richtext.Node{{Kind: richtext.Bold, Children: []richtext.Node{{Kind: richtext.Text, Text: m.Author.Name}}}}}
	if m.Body.IsEmpty() {
		doc.Nodes = append(doc.Nodes, richtext.Node{Kind: richtext.Text, Text: " shared a file"})
		return doc
	}
	doc.Nodes = append(doc.Nodes, richtext.Node{Kind: richtext.Text, Text: ": "})
	doc.Nodes = append(doc.Nodes, m.Body.Nodes...)
	return doc
}
