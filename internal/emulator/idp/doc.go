// Package idp holds the OpenID-provider and OAuth-server mechanics that the
// platform emulators share, so each emulator only adds its platform's paths,
// claims, token formats and error dialect:
//
//   - Signer: an RS256 key and the JWKS that publishes it;
//   - Codes: single-use, short-lived authorization codes bound to a client,
//     a redirect URI and a PKCE challenge (RFC 6749 §4.1, RFC 7636);
//   - Pending: authorize requests waiting for the person's choice, keyed by
//     an unguessable single-use ID that the chooser form carries;
//   - WriteChooser / WriteErrorPage: the account chooser and consent page
//     (plain HTML, no JavaScript: one submit button per account, labelled
//     with the account's email, and a Deny button) and the error page shown
//     instead of redirecting when the client or redirect URI is bad;
//   - Choose / Deny: a client that drives that page as a person would, for
//     tests of relying parties and of install flows.
//
// How a client picks an account: GET the authorize URL; the page has one
// form whose hidden field "request" names the pending request, one button
// name="account" per person (value = the emulator's account ID, text = the
// email) and one button name="deny". POST the form's fields plus
// account=<ID> (or deny=1) to the form's action; the answer is a 302 to the
// app's redirect URI with code and state, or with error=access_denied.
package idp
