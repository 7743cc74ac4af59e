package teams

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"parley/internal/connector"
	"parley/internal/connector/rest"
	"parley/internal/core"
	"parley/internal/richtext"
	"parley/internal/secret"
)

// maxInlineImage is the largest picture shown inside the card as a data:
// URL. Teams caps a whole bot message at about 100 KB (base64 grows bytes
// by a third), so larger pictures are uploaded like any other file.
const maxInlineImage = 64 << 10

// inlineTypes are the picture formats Teams shows in a card.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

// SendFile shares f with m as its text: a small picture inline in the
// card; anything else uploaded to the channel's files folder (SharePoint)
// through Graph and shown as a Teams file card. The bytes stream from
// f.Body to Graph, never to disk.
func (c *Client) SendFile(ctx context.Context, ch core.ChannelID, root core.MessageID, m connector.Message, f connector.File) (core.MessageID, error) {
	body := f.Body
	cm := cardMessage{msg: m}
	if inlineTypes[strings.ToLower(f.MimeType)] && f.Size <= maxInlineImage {
		buf, err := io.ReadAll(io.LimitReader(f.Body, maxInlineImage+1))
		if err != nil {
			return "", fmt.Errorf("teams send file: read: %w", err)
		}
		if len(buf) <= maxInlineImage {
			cm.image = "data:" + strings.ToLower(f.MimeType) + ";base64," + base64.StdEncoding.EncodeToString(buf)
			return c.post(ctx, ch, root, cm)
		}
		// Bigger than announced: upload what was read and the rest.
		body = io.MultiReader(bytes.NewReader(buf), f.Body)
	}
	item, err := c.upload(ctx, ch, f.Name, f.Size, body)
	if err != nil {
		return "", err
	}
	cm.file = &outAttachment{
		ContentType: ctFileInfo,
		ContentURL:  item.WebURL,
		Name:        item.Name,
		Content: map[string]any{
			"uniqueId": uniqueID(item),
			"fileType": strings.TrimPrefix(strings.ToLower(path.Ext(item.Name)), "."),
		},
	}
	return c.post(ctx, ch, root, cm)
}

// post sends cm as a new thread or a reply and remembers it.
func (c *Client) post(ctx context.Context, ch core.ChannelID, root core.MessageID, cm cardMessage) (core.MessageID, error) {
	var id core.MessageID
	var err error
	if root == "" {
		id, err = c.startThread(ctx, ch, cm.activity())
	} else {
		id, err = c.reply(ctx, ch, root, cm.activity())
	}
	if err != nil {
		return "", err
	}
	c.own.Put(msgKey{ch, id}, cm)
	return id, nil
}

// driveItem is the part of a Graph driveItem Parley reads.
type driveItem struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	WebURL string `json:"webUrl"`
	ETag   string `json:"eTag"`
}

// uniqueID is what Teams' file card calls the file: the GUID inside the
// item's eTag ("\"{GUID},1\""), else the item ID.
func uniqueID(it driveItem) string {
	s := strings.Trim(it.ETag, `"`)
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(s, "{}")
	if s == "" {
		return it.ID
	}
	return s
}

// upload streams a file into the channel's files folder. A name already
// taken gets a new one rather than replacing someone's file.
func (c *Client) upload(ctx context.Context, ch core.ChannelID, name string, size int64, body io.Reader) (driveItem, error) {
	group, err := c.groupOf(ctx, ch)
	if err != nil {
		return driveItem{}, err
	}
	var folder struct {
		ID              string `json:"id"`
		ParentReference struct {
			DriveID string `json:"driveId"`
		} `json:"parentReference"`
	}
	if err := c.graph.Call(ctx, "files folder", http.MethodGet, c.graphURL(nil, "teams", group, "channels", string(ch), "filesFolder"), nil, &folder); err != nil {
		return driveItem{}, err
	}
	if folder.ID == "" || folder.ParentReference.DriveID == "" {
		return driveItem{}, fmt.Errorf("teams files folder: no drive in the answer: %w", connector.ErrPermanent)
	}
	u := c.conn.cfg.GraphURL + joinEscaped([]string{"drives", folder.ParentReference.DriveID, "items"}) + "/" +
		joinEscaped([]string{folder.ID}) + ":/" + joinEscaped([]string{safeFileName(name)}) + ":/content?" +
		url.Values{"@microsoft.graph.conflictBehavior": {"rename"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, body)
	if err != nil {
		return driveItem{}, fmt.Errorf("teams upload: %w", err)
	}
	if size > 0 {
		req.ContentLength = size
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	var it driveItem
	if err := c.graph.Do("upload", req, &it); err != nil {
		return driveItem{}, err
	}
	if it.WebURL == "" || it.Name == "" {
		return driveItem{}, fmt.Errorf("teams upload: no item in the answer: %w", connector.ErrPermanent)
	}
	return it, nil
}

// safeFileName replaces what SharePoint refuses in a file name.
func safeFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`"*:<>?/\|#%`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, ". ")
	if name == "" {
		name = "file"
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}

// groupOf finds the Entra group ID of the channel's team, which Graph
// calls the team's ID: from what activities told, else by asking the Bot
// Connector about the team the channel is known to be in.
func (c *Client) groupOf(ctx context.Context, ch core.ChannelID) (string, error) {
	if g, ok := c.conn.groupOf(string(ch)); ok {
		return g, nil
	}
	team := c.conn.teamOf(string(ch))
	if team == "" {
		// A team's General channel has the team's own thread ID.
		team = string(ch)
	}
	u, err := c.connectorURL("v3", "teams", team)
	if err != nil {
		return "", err
	}
	var r struct {
		AADGroupID string `json:"aadGroupId"`
	}
	if err := c.bot.Call(ctx, "team details", http.MethodGet, u, nil, &r); err != nil {
		if errors.Is(err, connector.ErrNotFound) {
			// Not a General channel, and no activity from the channel since
			// the start: ask Graph which of the tenant's teams holds it.
			return c.groupFromGraph(ctx, ch)
		}
		return "", err
	}
	if r.AADGroupID == "" {
		return "", fmt.Errorf("teams team details: no aadGroupId: %w", connector.ErrPermanent)
	}
	c.conn.rememberGroup(string(ch), team, r.AADGroupID)
	return r.AADGroupID, nil
}

// FetchFile opens a file an event announced. The URL is outside input: it
// is fetched only over https from Teams' file hosts, Graph or an allowed
// Bot Connector host, never via a redirect elsewhere, never from an
// internal address (see egress). Pre-authenticated download URLs get no
// token; the bot's tokens go only to Graph and the Bot Connector hosts.
func (c *Client) FetchFile(ctx context.Context, ref core.FileRef) (io.ReadCloser, error) {
	u, err := url.Parse(ref.URL)
	if err != nil {
		return nil, fmt.Errorf("teams fetch file: unreadable URL: %w", connector.ErrPermanent)
	}
	if err := c.conn.egress.Check(u); err != nil {
		return nil, fmt.Errorf("teams fetch file: %w: %w", err, connector.ErrPermanent)
	}
	var api *rest.Client // whose token the file host may see
	switch {
	case sameHost(u, c.conn.cfg.GraphURL):
		api = c.graph
	case c.conn.cfg.allowedService(ref.URL):
		api = c.bot
	}
	var tok secret.Secret
	if api != nil {
		if tok, err = api.Token.Token(ctx); err != nil {
			return nil, fmt.Errorf("teams fetch file: %w", err)
		}
	}
	resp, err := c.graph.Rules.Open(ctx, c.http, "fetch file", http.MethodGet, ref.URL, tok)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func sameHost(u *url.URL, base string) bool {
	b, err := url.Parse(base)
	return err == nil && strings.EqualFold(b.Host, u.Host)
}

// fileActivity renders a message that shares a file: Teams shows a file
// card only as its own attachment, so the author and text go in the
// activity text (HTML) above it, in one message.
func (m cardMessage) fileActivity() outActivity {
	html, mentions := richtext.RenderTeamsHTML(m.msg.Body)
	name := authorName(m.msg)
	text := "<b>" + escapeHTML(name) + "</b>"
	if html != "" {
		text += "<br>" + html
	}
	if len(m.footer) > 0 {
		text += "<br>" + escapeHTML(strings.Join(m.footer, " · "))
	}
	var entities []mentionEntity
	for _, mn := range mentions {
		entities = append(entities, mentionEntity{Type: "mention", Text: mn.Text, Mentioned: account{ID: mn.ID, Name: mn.Name}})
	}
	return outActivity{
		Type:        "message",
		Text:        text,
		TextFormat:  "xml",
		Summary:     summary(name, richtext.RenderPlain(m.msg.Body)),
		Attachments: []outAttachment{*m.file},
		Entities:    entities,
	}
}
