package conformance

import (
	"slices"
	"strings"
	"testing"
	"time"

	"parley/internal/connector"
)

// suite is one run of the checks against one harness.
type suite struct {
	h Harness
}

// Run runs every check against h, each as a subtest. Inbound checks assume
// the connector's Handler delivers to h.Events.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Client == nil || h.Person == nil || h.Viewer == nil || h.Events == nil || h.Tenant == "" || h.InstallAs == nil {
		t.Fatal("conformance: the harness needs a Client, a Tenant, InstallAs, a Person, a Viewer and Events")
	}
	if h.Timeout <= 0 {
		h.Timeout = 10 * time.Second
	}
	s := &suite{h: h}

	t.Run("capabilities", s.capabilities)
	t.Run("outbound/send", s.send)
	t.Run("outbound/reply", s.reply)
	t.Run("outbound/edit", s.edit)
	t.Run("outbound/delete", s.delete)
	t.Run("outbound/react", s.react)
	t.Run("outbound/file", s.sendFile)
	t.Run("directory", s.directory)
	t.Run("history", s.history)
	t.Run("inbound/post", s.inboundPost)
	t.Run("inbound/reply", s.inboundReply)
	t.Run("inbound/edit", s.inboundEdit)
	t.Run("inbound/delete", s.inboundDelete)
	t.Run("inbound/reaction", s.inboundReaction)
	t.Run("inbound/file", s.inboundFile)
	t.Run("echo suppression", s.echo)
	t.Run("one tenant per workspace", s.oneTenant)
}

// capability is one optional connector interface.
type capability struct {
	name string
	has  func(connector.Client) bool
}

func is[T any](c connector.Client) bool { _, ok := c.(T); return ok }

var capabilities = []capability{
	{"ThreadSender", is[connector.ThreadSender]},
	{"Editor", is[connector.Editor]},
	{"Deleter", is[connector.Deleter]},
	{"Reactor", is[connector.Reactor]},
	{"FileSender", is[connector.FileSender]},
	{"FileFetcher", is[connector.FileFetcher]},
	{"Directory", is[connector.Directory]},
	{"History", is[connector.History]},
}

// capabilities fails with the list of capabilities the client lacks that
// the harness did not declare unsupported.
func (s *suite) capabilities(t *testing.T) {
	if missing := Missing(s.h.Client, s.h.Unsupported); len(missing) > 0 {
		t.Fatalf("client lacks capabilities not declared unsupported: %s", strings.Join(missing, ", "))
	}
}

// Missing lists the optional capabilities c lacks that are not declared
// unsupported.
func Missing(c connector.Client, unsupported []string) []string {
	var missing []string
	for _, cp := range capabilities {
		if !cp.has(c) && !slices.Contains(unsupported, cp.name) {
			missing = append(missing, cp.name)
		}
	}
	return missing
}

// need returns the client as capability T, skipping the check when the
// platform declared it unsupported and failing when it is merely missing.
func need[T any](t *testing.T, s *suite, name string) T {
	t.Helper()
	v, ok := s.h.Client.(T)
	if ok {
		return v
	}
	if slices.Contains(s.h.Unsupported, name) {
		t.Skipf("%s declared unsupported", name)
	}
	t.Fatalf("client is not a %s and the harness did not declare it unsupported", name)
	return v
}
