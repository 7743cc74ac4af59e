package conformance

import (
	"errors"
	"testing"

	"parley/internal/connector"
	"parley/internal/core"
)

// oneTenant: installing the workspace for a second tenant is refused, and
// the workspace's events stay its own tenant's. A connector that keyed its
// installs by workspace alone would let the last tenant win and receive
// the first one's traffic.
func (s *suite) oneTenant(t *testing.T) {
	other := core.TenantID("another-" + string(s.h.Tenant))
	cl, err := s.h.InstallAs(s.ctx(t), other)
	if !errors.Is(err, connector.ErrOtherTenant) {
		t.Fatalf("installing the workspace for another tenant: client %v, err %v; want connector.ErrOtherTenant", cl != nil, err)
	}
	text := "still ours " + nonce(t)
	id, err := s.h.Person.Post(s.ctx(t), text)
	if err != nil {
		t.Fatalf("person post: %v", err)
	}
	ev := s.waitEvent(t, "posted event after the refused install", about(core.Posted, id))
	if ev.Tenant != s.h.Tenant {
		t.Fatalf("event attributed to tenant %q, want %q", ev.Tenant, s.h.Tenant)
	}
}
