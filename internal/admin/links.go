package admin

import (
	"crypto/rand"
	"errors"
	"regexp"
	"slices"
	"unicode/utf8"

	"parley/internal/core"
	"parley/internal/store"
)

// validID is what a link ID may be: short, and safe in URLs, logs and
// config files.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

const maxName = 200

func linkOut(l store.Link) LinkOut {
	out := LinkOut{ID: string(l.ID), Tenant: string(l.Tenant), Name: l.Name, Origin: string(l.Origin), Channels: []Channel{}}
	for _, c := range l.Channels {
		out.Channels = append(out.Channels, Channel{Platform: string(c.Platform), Workspace: string(c.Workspace), Channel: string(c.Channel)})
	}
	return out
}

func (a *API) listLinks(c *call, _ *none) (LinksOut, error) {
	limit, pos, e := page(c.r)
	if e != nil {
		return LinksOut{}, e
	}
	ls, err := a.st.Links(c.ctx(), c.tenant)
	if err != nil {
		return LinksOut{}, err
	}
	out := LinksOut{Links: []LinkOut{}}
	for _, l := range ls { // ordered by ID
		if pos.K != "" && string(l.ID) <= pos.K {
			continue
		}
		if len(out.Links) == limit {
			out.NextCursor = encodeCursor(position{K: out.Links[limit-1].ID})
			break
		}
		out.Links = append(out.Links, linkOut(l))
	}
	return out, nil
}

func (a *API) findLink(c *call) (store.Link, error) { return a.findLinkID(c, c.r.PathValue("link")) }

func (a *API) findLinkID(c *call, id string) (store.Link, error) {
	c.target = "link:" + id
	ls, err := a.st.Links(c.ctx(), c.tenant)
	if err != nil {
		return store.Link{}, err
	}
	for _, l := range ls {
		if string(l.ID) == id {
			return l, nil
		}
	}
	return store.Link{}, notFound("link")
}

func (a *API) getLink(c *call, _ *none) (LinkOut, error) {
	l, err := a.findLink(c)
	return linkOut(l), err
}

func (a *API) createLink(c *call, in *LinkIn) (LinkOut, error) {
	if in.ID == "" {
		in.ID = "l_" + rand.Text()[:16]
	}
	c.target = "link:" + in.ID
	if !validID.MatchString(in.ID) {
		return LinkOut{}, badRequest("id: 1 to 64 letters, digits, '-' or '_', starting with a letter or digit")
	}
	if _, err := a.findLinkID(c, in.ID); err == nil {
		return LinkOut{}, conflict("link %q exists; change it with PATCH", in.ID)
	} else if !isNotFound(err) {
		return LinkOut{}, err
	}
	l := store.Link{ID: core.LinkID(in.ID), Tenant: c.tenant, Name: in.Name, Origin: store.OriginAPI}
	if err := a.setChannels(c, &l, in.Channels); err != nil {
		return LinkOut{}, err
	}
	if err := a.putLink(c, l); err != nil {
		return LinkOut{}, err
	}
	return linkOut(l), nil
}

func (a *API) updateLink(c *call, in *LinkPatch) (LinkOut, error) {
	l, err := a.findLink(c)
	if err != nil {
		return LinkOut{}, err
	}
	if in.Name != nil {
		l.Name = *in.Name
	}
	chans := linkOut(l).Channels
	if in.Channels != nil {
		chans = *in.Channels
	}
	if err := a.setChannels(c, &l, chans); err != nil {
		return LinkOut{}, err
	}
	// A link the config file made stays the file's: the next start sets
	// it as the file says (export config.yaml to carry the change there).
	if err := a.putLink(c, l); err != nil {
		return LinkOut{}, err
	}
	return linkOut(l), nil
}

func (a *API) deleteLink(c *call, _ *none) (none, error) {
	l, err := a.findLink(c)
	if err != nil {
		return none{}, err
	}
	if err := a.st.DeleteLink(c.ctx(), c.tenant, l.ID); err != nil {
		return none{}, err
	}
	a.notify(c, "links")
	return none{}, nil
}

// setChannels validates a link's name and channels against the tenant's
// workspaces and sets them on l.
func (a *API) setChannels(c *call, l *store.Link, chans []Channel) error {
	if l.Name == "" || utf8.RuneCountInString(l.Name) > maxName || !utf8.ValidString(l.Name) {
		return badRequest("name: required, at most %d characters", maxName)
	}
	if len(chans) < 2 {
		return badRequest("channels: a link needs at least two channels")
	}
	ws, err := a.st.Workspaces(c.ctx(), c.tenant)
	if err != nil {
		return err
	}
	l.Channels = nil
	for i, ch := range chans {
		ref := core.ChannelRef{Platform: core.Platform(ch.Platform), Workspace: core.WorkspaceID(ch.Workspace), Channel: core.ChannelID(ch.Channel)}
		if !slices.ContainsFunc(ws, func(w store.Workspace) bool { return w.Platform == ref.Platform && w.ID == ref.Workspace }) {
			return badRequest("channels[%d]: workspace %s/%s is not one of this tenant's workspaces", i, ch.Platform, ch.Workspace)
		}
		if ch.Channel == "" || len(ch.Channel) > 256 || !utf8.ValidString(ch.Channel) {
			return badRequest("channels[%d].channel: required, at most 256 bytes", i)
		}
		if slices.Contains(l.Channels, ref) {
			return badRequest("channels[%d]: listed twice", i)
		}
		l.Channels = append(l.Channels, ref)
	}
	return nil
}

func (a *API) putLink(c *call, l store.Link) error {
	if err := a.st.PutLink(c.ctx(), l); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return conflict("a channel of this link already belongs to another link of the tenant")
		}
		return err
	}
	a.notify(c, "links")
	return nil
}

// notify tells every node; if the bus is down the change still stands
// and nodes pick it up at their next periodic reload.
func (a *API) notify(c *call, what string) {
	if err := a.opts.Notify(c.ctx(), Change{Tenant: c.tenant, What: what}); err != nil {
		a.log.Warn("config change not announced; nodes reload it within a minute", "what", what, "err", err)
	}
}

func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == 404 || errors.Is(err, store.ErrNotFound)
}
