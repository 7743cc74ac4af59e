package storetest

import (
	"reflect"
	"testing"

	"parley/internal/core"
	"parley/internal/store"
)

func ch(p core.Platform, w, c string) core.ChannelRef {
	return core.ChannelRef{Platform: p, Workspace: core.WorkspaceID(w), Channel: core.ChannelID(c)}
}

func testLinks(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	l := store.Link{ID: "L1", Tenant: tenantA, Name: "general", Channels: []core.ChannelRef{
		ch(core.Teams, "W", "19:x"), ch(core.Slack, "T1", "C1"), ch(core.GChat, "d", "spaces/s"),
	}}
	must(t, s.PutLink(ctx(t), l))
	must(t, s.PutLink(ctx(t), store.Link{ID: "L0", Tenant: tenantA, Name: "empty"}))
	ls, err := s.Links(ctx(t), tenantA)
	must(t, err)
	if len(ls) != 2 || ls[0].ID != "L0" || len(ls[0].Channels) != 0 || !reflect.DeepEqual(ls[1], l) {
		t.Fatalf("Links = %+v", ls)
	}

	// Upsert replaces name and channels; a dropped channel is free again.
	l.Name, l.Channels = "renamed", []core.ChannelRef{ch(core.Slack, "T1", "C1"), ch(core.Webex, "o", "r")}
	must(t, s.PutLink(ctx(t), l))
	must(t, s.PutLink(ctx(t), store.Link{ID: "L2", Tenant: tenantA, Channels: []core.ChannelRef{ch(core.Teams, "W", "19:x")}}))
	ls, err = s.Links(ctx(t), tenantA)
	must(t, err)
	if len(ls) != 3 || !reflect.DeepEqual(ls[1], l) {
		t.Fatalf("after upsert Links = %+v", ls)
	}

	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: tenantB, Name: "b"}))
	all, err := s.AllLinks(ctx(t))
	must(t, err)
	if len(all) != 4 {
		t.Fatalf("AllLinks = %d, want 4", len(all))
	}

	must(t, s.DeleteLink(ctx(t), tenantA, "L1"))
	wantErr(t, s.DeleteLink(ctx(t), tenantA, "L1"), store.ErrNotFound)
	// Its channels are free for another link.
	must(t, s.PutLink(ctx(t), store.Link{ID: "L3", Tenant: tenantA, Channels: []core.ChannelRef{ch(core.Slack, "T1", "C1")}}))
	ls, err = s.Links(ctx(t), tenantB)
	must(t, err)
	if len(ls) != 1 {
		t.Fatalf("deleting A's L1 touched B's: %+v", ls)
	}
}

func testLinkConflicts(t *testing.T, s store.Store) {
	mustCreateTenants(t, s, tenantA, tenantB)
	c := ch(core.Slack, "T1", "C1")
	must(t, s.PutLink(ctx(t), store.Link{ID: "L1", Tenant: tenantA, Channels: []core.ChannelRef{c}}))
	for _, tc := range []struct {
		name string
		link store.Link
		want error
	}{
		{"channel in another link", store.Link{ID: "L2", Tenant: tenantA, Channels: []core.ChannelRef{ch(core.Teams, "W", "x"), c}}, store.ErrConflict},
		{"channel twice in one link", store.Link{ID: "L3", Tenant: tenantA, Channels: []core.ChannelRef{ch(core.Teams, "W", "y"), ch(core.Teams, "W", "y")}}, store.ErrConflict},
		{"unknown tenant", store.Link{ID: "L1", Tenant: "nobody", Channels: []core.ChannelRef{c}}, store.ErrNotFound},
		{"same channel, other tenant", store.Link{ID: "L1", Tenant: tenantB, Channels: []core.ChannelRef{c}}, nil},
		{"same channel, same link", store.Link{ID: "L1", Tenant: tenantA, Name: "x", Channels: []core.ChannelRef{c}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.PutLink(ctx(t), tc.link)
			if tc.want == nil {
				must(t, err)
				return
			}
			wantErr(t, err, tc.want)
		})
	}
	// A failed put changed nothing.
	ls, err := s.Links(ctx(t), tenantA)
	must(t, err)
	if len(ls) != 1 || ls[0].ID != "L1" || len(ls[0].Channels) != 1 {
		t.Fatalf("after conflicts Links = %+v", ls)
	}
}
