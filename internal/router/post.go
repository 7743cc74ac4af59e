package router

import (
	"context"
	"errors"
	"fmt"
	"io"

	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/msgmap"
	"parley/internal/richtext"
)

// post relays a new message, its thread position and its files, in parts
// when it is too long for the destination (parts.go).
func (r *Router) post(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client) error {
	// A retry after a crash or timeout must not post twice: the parts
	// already recorded are skipped.
	done, err := r.msgs.FindParts(ctx, ev.Tenant, ev.MessageRef(), dest)
	if err != nil && !errors.Is(err, msgmap.ErrNotFound) {
		return err
	}
	msg, err := r.render(ctx, ev, dest)
	if err != nil {
		return err
	}
	var root core.MessageID
	if ev.Thread != "" {
		root, err = r.copyOf(ctx, ev, ev.Thread, dest)
		if err != nil && !errors.Is(err, connector.ErrNotFound) {
			return err
		}
		// A reply whose root never crossed over is posted top-level.
	}
	var first core.MessageID
	for i, part := range split(client, msg) {
		if i < len(done) {
			first = done[0]
			continue
		}
		at := root
		if i > 0 && root == "" {
			at = first
		}
		id, err := r.postPart(ctx, ev, dest, client, at, part, i, i == 0 && len(ev.Files) > 0)
		if err != nil {
			return err
		}
		if i == 0 {
			first = id
		}
	}
	return nil
}

// reconcile makes a retry safe. It records the intent to deliver before
// the first attempt; on any later attempt (a timeout, or a process that died
// between sending and recording) it asks the destination whether the copy,
// marked with the delivery's key, is already there, and returns its ID if
// so. msg gets the key to carry: the key of its part when the message is
// posted in parts.
func (r *Router) reconcile(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client, root core.MessageID, part int, msg *connector.Message) (core.MessageID, error) {
	key, err := r.msgs.DeliveryKey(ctx, ev.Tenant, ev.MessageRef(), dest)
	if err != nil {
		return "", err
	}
	key = partKey(key, part)
	msg.Key = key
	first, err := r.msgs.FirstAttempt(ctx, key)
	if err != nil || first {
		return "", err
	}
	var id core.MessageID
	switch c := client.(type) {
	case connector.Reconciler:
		id, err = c.FindSent(ctx, dest.Channel, root, key)
	case connector.ContentReconciler:
		id, err = c.FindSentContent(ctx, dest.Channel, root, *msg, func(id core.MessageID) bool {
			known, err := r.msgs.IsCopy(ctx, ev.Tenant, core.MessageRef{ChannelRef: dest, Message: id})
			return err != nil || known // when unsure, resend rather than lose
		})
	default:
		return "", nil // nothing to ask: resend (the platform may show a duplicate)
	}
	switch {
	case err == nil:
		r.log.Info("earlier attempt had landed; not resending", "to", dest.Platform)
		return id, nil
	case errors.Is(err, connector.ErrNotFound):
		return "", nil
	default:
		return "", fmt.Errorf("reconcile: %w", err)
	}
}

func send(ctx context.Context, client connector.Client, ch core.ChannelID, root core.MessageID, msg connector.Message) (core.MessageID, error) {
	if root != "" {
		if ts, ok := client.(connector.ThreadSender); ok {
			return ts.SendReply(ctx, ch, root, msg)
		}
	}
	return client.Send(ctx, ch, msg)
}

// postFiles streams each file from the source to the destination; the
// message text goes with the first. Where the destination cannot take
// files, or the source will not hand one over (a URL off the platform's
// file hosts, a file deleted since), people see a note instead of nothing.
func (r *Router) postFiles(ctx context.Context, ev core.Event, dest core.ChannelRef, client connector.Client, root core.MessageID, msg connector.Message) (core.MessageID, error) {
	src, err := r.clients.Client(ev.Tenant, ev.Source.Platform, ev.Source.Workspace)
	if err != nil {
		return "", fmt.Errorf("source workspace: %w", err)
	}
	fetcher, canFetch := src.(connector.FileFetcher)
	sender, canSend := client.(connector.FileSender)
	if !canFetch || !canSend {
		var notes []string
		for _, f := range ev.Files {
			notes = append(notes, fmt.Sprintf("[file %q (%d bytes) cannot be shown here]", f.Name, f.Size))
		}
		return send(ctx, client, dest.Channel, root, withNotes(msg, notes))
	}
	var first core.MessageID
	pending := msg     // the text goes with the first post
	var notes []string // files not fetched, said in the next post
	for _, f := range ev.Files {
		body, err := fetcher.FetchFile(ctx, f)
		if err != nil {
			if !errors.Is(err, connector.ErrPermanent) && !errors.Is(err, connector.ErrNotFound) {
				return "", fmt.Errorf("fetch file: %w", err)
			}
			r.log.Warn("file not relayed: the source will not hand it over", "to", dest.Platform, "err", err)
			notes = append(notes, fmt.Sprintf("[file %q could not be fetched from its source]", f.Name))
			continue
		}
		id, err := r.streamFile(ctx, body, sender, dest.Channel, root, withNotes(pending, notes), f)
		if err != nil {
			return "", err
		}
		if first == "" {
			first = id
		}
		pending.Body, notes = richtext.Doc{}, nil
	}
	if first == "" || len(notes) > 0 {
		id, err := send(ctx, client, dest.Channel, root, withNotes(pending, notes))
		if err != nil {
			return "", err
		}
		if first == "" {
			first = id
		}
	}
	return first, nil
}

// withNotes returns m with each note on a line of its own after its text.
func withNotes(m connector.Message, notes []string) connector.Message {
	if len(notes) == 0 {
		return m
	}
	nodes := append([]richtext.Node(nil), m.Body.Nodes...)
	for _, n := range notes {
		if len(nodes) > 0 {
			nodes = append(nodes, richtext.Node{Kind: richtext.LineBreak})
		}
		nodes = append(nodes, richtext.Node{Kind: richtext.Text, Text: n})
	}
	m.Body = richtext.Doc{Nodes: nodes}
	return m
}

// streamFile sends the file whose body the source opened, and closes it.
func (r *Router) streamFile(ctx context.Context, body io.ReadCloser, to connector.FileSender, ch core.ChannelID, root core.MessageID, m connector.Message, f core.FileRef) (core.MessageID, error) {
	defer body.Close()
	id, err := to.SendFile(ctx, ch, root, m, connector.File{Name: f.Name, MimeType: f.MimeType, Size: f.Size, Body: io.LimitReader(body, f.Size)})
	if err != nil {
		return "", fmt.Errorf("send file: %w", err)
	}
	return id, nil
}
