package teams

import (
	"context"
	"net/http"
	"net/url"

	"parley/internal/emulator/idp"
)

// Approve answers a Microsoft sign-in or consent page —
// /{tenant}/oauth2/v2.0/authorize or /{tenant}/[v2.0/]adminconsent — as
// the person whose userPrincipalName (their email when they have one) is
// given, through the HTTP a browser uses: GET the page, press that
// person's button on the account chooser, and return the URL Entra
// redirects to (the app's redirect_uri with code and state, or
// admin_consent=True and tenant). GET it with the same client to run the
// app's callback (idp.Follow).
func Approve(ctx context.Context, client *http.Client, authorizeURL, upn string) (*url.URL, error) {
	return idp.Choose(ctx, client, authorizeURL, upn)
}

// Decline presses Cancel; the result is the redirect_uri with
// error=access_denied.
func Decline(ctx context.Context, client *http.Client, authorizeURL string) (*url.URL, error) {
	return idp.Deny(ctx, client, authorizeURL)
}
