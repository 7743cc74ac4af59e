// Package rest calls a platform's HTTP API and reads its answers into the
// connector's typed errors, so that every connector means the same by a
// 401, a 404 or a 429, and no two connectors parse a Retry-After apart.
//
// A platform says how it differs in Rules: its name, the wait a bare 429
// means, where its error code is in a body, and what some of its answers
// mean beyond HTTP's own rule (Teams' 412 is worth a retry, Slack's 403 is
// a refused token). Everything else — the status rule, the Retry-After,
// keeping response text out of errors, redacting URLs, treating a request
// the egress guard refused as permanent — is done here once.
//
// Client is the JSON call most platform APIs take. A connector whose
// platform has its own client library (slack-go, Google's API clients)
// still reads that library's errors through Rules.Error.
package rest
