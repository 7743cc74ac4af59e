package egress_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"parley/internal/connector/conformance"
	"parley/internal/egress"
)

func TestCheck(t *testing.T) {
	p := egress.Policy{Hosts: []string{"files.slack.com", "*.sharepoint.com", "127.0.0.1:8443", "[::1]:9443", "10.1.2.3"}}
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://files.slack.com/files-pri/T-F/a.pdf", true},
		{"https://FILES.slack.com:443/x", true},
		{"https://files.slack.com:8443/x", true}, // a bare host allows any port
		{"http://files.slack.com/x", false},
		{"https://user:pw@files.slack.com/x", false},
		{"https://evil.example/x", false},
		{"https://files.slack.com.evil.example/x", false},
		{"https://contoso.sharepoint.com/sites/x", true},
		{"https://contoso-my.sharepoint.com/personal/x", true},
		{"https://sharepoint.com/x", false}, // *.domain is subdomains only
		{"https://evilsharepoint.com/x", false},
		{"https://127.0.0.1:8443/x", false}, // listed, but loopback
		{"https://127.0.0.1:9999/x", false},
		{"https://[::1]:9443/x", false},
		{"https://10.1.2.3/x", false},
		{"file:///etc/passwd", false},
		{"gopher://files.slack.com/x", false},
	} {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		err = p.Check(u)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%s) = %v, want ok=%v", tt.url, err, tt.ok)
		}
		if err != nil && !errors.Is(err, egress.ErrRefused) {
			t.Errorf("Check(%s) = %v, not ErrRefused", tt.url, err)
		}
		if err != nil && (strings.Contains(err.Error(), "/x") || strings.Contains(err.Error(), "pw")) {
			t.Errorf("Check(%s) error shows the path or credentials: %v", tt.url, err)
		}
	}
	p.AllowPrivate = true
	for _, s := range []string{"https://127.0.0.1:8443/x", "https://[::1]:9443/x", "https://10.1.2.3/x"} {
		u, _ := url.Parse(s)
		if err := p.Check(u); err != nil {
			t.Errorf("with AllowPrivate, Check(%s) = %v", s, err)
		}
	}
}

func TestNonPublicAddresses(t *testing.T) {
	p := egress.Policy{Hosts: []string{"*"}}
	for _, a := range []string{
		"127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1", "198.18.0.1",
		"::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "2002:7f00:1::",
	} {
		t.Run(a, func(t *testing.T) {
			u := &url.URL{Scheme: "https", Host: net.JoinHostPort(a, "443")}
			p.Hosts = []string{a}
			if err := p.Check(u); err == nil {
				t.Fatalf("%s passed as public", a)
			}
		})
	}
	for _, a := range []string{"8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"} {
		p.Hosts = []string{a}
		if err := p.Check(&url.URL{Scheme: "https", Host: net.JoinHostPort(a, "443")}); err != nil {
			t.Errorf("public %s refused: %v", a, err)
		}
	}
}

func newRecorder(t *testing.T, addr string, h http.Handler) *conformance.DialRecorder {
	return conformance.NewDialRecorder(t, addr, h)
}

func hostOf(s string) string {
	u, _ := url.Parse(s)
	return u.Host
}

func TestClientRefusesBeforeDialling(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "secret inside") })
	inside := newRecorder(t, "127.0.0.1:0", ok)
	port := strings.TrimPrefix(hostOf(inside.URL), "127.0.0.1:")

	cases := map[string]struct {
		url    string
		policy egress.Policy
	}{
		"plain http":     {"http://" + hostOf(inside.URL) + "/f", egress.Policy{Hosts: []string{hostOf(inside.URL)}, AllowPrivate: true}},
		"host off list":  {inside.URL + "/f", egress.Policy{Hosts: []string{"files.example"}, AllowPrivate: true}},
		"internal IP":    {inside.URL + "/f", egress.Policy{Hosts: []string{hostOf(inside.URL)}}},
		"name to inside": {"https://localhost:" + port + "/f", egress.Policy{Hosts: []string{"localhost"}}},
	}
	for name, tt := range cases {
		t.Run(name, func(t *testing.T) {
			before := int32(inside.Conns())
			c := egress.Client(inside.Client(), tt.policy)
			resp, err := c.Get(tt.url)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("fetched %s", name)
			}
			if !errors.Is(err, egress.ErrRefused) {
				t.Fatalf("error %v is not ErrRefused", err)
			}
			if n := int32(inside.Conns()) - before; n != 0 {
				t.Fatalf("%d connections reached the server", n)
			}
		})
	}

	// The same server, allowed, answers: the refusals above are the
	// guard's, not a broken setup.
	c := egress.Client(inside.Client(), egress.Policy{Hosts: []string{hostOf(inside.URL)}, AllowPrivate: true})
	resp, err := c.Get(inside.URL + "/f")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "secret inside" {
		t.Fatalf("allowed fetch read %q", b)
	}
}

func TestRedirectsStayInsideThePolicy(t *testing.T) {
	// The file host is on 127.0.0.1, allowed by prefix; everything it
	// redirects to is on 127.0.0.2, another loopback address, refused
	// unless listed and allowed.
	target := newRecorder(t, "127.0.0.2:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "inside") }))
	var to atomic.Value
	files := newRecorder(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			_, _ = io.WriteString(w, "file")
			return
		}
		http.Redirect(w, r, to.Load().(string), http.StatusFound)
	}))
	filesPrefix := netip.MustParsePrefix("127.0.0.1/32")
	base := egress.Policy{Hosts: []string{hostOf(files.URL)}, AllowPrefixes: []netip.Prefix{filesPrefix}}
	withTarget := base
	withTarget.Hosts = append([]string{hostOf(target.URL)}, base.Hosts...)

	for name, tt := range map[string]struct {
		to     string
		policy egress.Policy
	}{
		"to plain http":     {"http://" + hostOf(target.URL) + "/f", withTarget},
		"to host off list":  {target.URL + "/f", base},
		"to an internal IP": {target.URL + "/f", withTarget},
		"to user info":      {"https://u:p@" + hostOf(files.URL) + "/ok", base},
	} {
		t.Run(name, func(t *testing.T) {
			to.Store(tt.to)
			before := int32(target.Conns())
			c := egress.Client(files.Client(), tt.policy)
			resp, err := c.Get(files.URL + "/redirect")
			if err == nil {
				resp.Body.Close()
				t.Fatalf("followed the redirect %s", name)
			}
			if !errors.Is(err, egress.ErrRefused) {
				t.Fatalf("error %v is not ErrRefused", err)
			}
			if n := int32(target.Conns()) - before; n != 0 {
				t.Fatalf("%d connections reached the redirect target", n)
			}
		})
	}

	// Within the policy a redirect is followed.
	to.Store(files.URL + "/ok")
	resp, err := egress.Client(files.Client(), base).Get(files.URL + "/redirect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// A transport that is not an *http.Transport still gets the URL rules.
	to.Store(target.URL + "/f")
	wrapped := &http.Client{Transport: roundTripFunc(files.Client().Transport.RoundTrip)}
	if _, err := egress.Client(wrapped, base).Get(files.URL + "/redirect"); !errors.Is(err, egress.ErrRefused) {
		t.Fatalf("redirect through a wrapped transport = %v, want ErrRefused", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestValidateHost(t *testing.T) {
	for _, h := range []string{"files.slack.com", "*.sharepoint.com", "127.0.0.1:8443", "[::1]:443"} {
		if err := egress.ValidateHost(h); err != nil {
			t.Errorf("ValidateHost(%q) = %v", h, err)
		}
	}
	for _, h := range []string{"", "*.", "https://files.slack.com", "files.slack.com/x", "*.example.com:443", "a b", "*"} {
		if err := egress.ValidateHost(h); err == nil {
			t.Errorf("ValidateHost(%q) accepted", h)
		}
	}
}
