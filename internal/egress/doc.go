// Package egress guards the outbound requests whose URL came from outside:
// file links in platform events (Slack's url_private, Teams' contentUrl and
// downloadUrl, Webex's file URLs, Google Chat's media), a Teams
// activity's serviceUrl, upload URLs handed out by an API. Such a URL is
// attacker-chosen until proven otherwise, and fetching it with the
// gateway's network position is server-side request forgery.
//
// A guarded client fetches only over https, only from the hosts its Policy
// names (the platform's documented file and API hosts), re-applies both
// rules to every redirect, and refuses to connect to private, loopback,
// link-local and other non-public addresses unless the policy allows them.
// The address check runs at dial time on the resolved IP, so a name that
// resolves to a public address when checked and to an internal one when
// dialled (DNS rebinding) gains nothing.
package egress
