package slack

import (
	"context"
	"net/http"
	"net/url"

	"parley/internal/emulator/idp"
)

// Approve answers a Slack authorize page — Sign in with Slack
// (/openid/connect/authorize) or an OAuth v2 install or user consent
// (/oauth/v2/authorize) — as the person whose email is given, through the
// same HTTP a browser uses: GET the page, press that person's button on
// the account chooser, and return the URL Slack redirects to (the app's
// redirect_uri with code and state). GET it with the same client to run
// the app's callback (idp.Follow). client must trust the emulator's TLS
// certificate.
func Approve(ctx context.Context, client *http.Client, authorizeURL, email string) (*url.URL, error) {
	return idp.Choose(ctx, client, authorizeURL, email)
}

// Decline presses Cancel on a Slack authorize page; the result is the
// redirect_uri with error=access_denied and the state.
func Decline(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return idp.Deny(ctx, client, authorizeURL)
}
