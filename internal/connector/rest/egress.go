package rest

import (
	"net/url"

	"parley/internal/egress"
)

// EgressPolicy is where a connector's requests to URLs that came from
// outside (file links in events, upload URLs in answers) may go: the
// platform's file hosts, and the hosts of the API base URLs it calls,
// which serve files too. allowPrivate is for the sandbox and tests only.
func EgressPolicy(allowPrivate bool, hosts []string, apiURLs ...string) egress.Policy {
	hosts = append([]string(nil), hosts...)
	for _, base := range apiURLs {
		if u, err := url.Parse(base); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return egress.Policy{Hosts: hosts, AllowPrivate: allowPrivate}
}
