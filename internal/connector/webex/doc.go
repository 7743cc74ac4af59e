// Package webex connects Parley to Webex messaging: a webhook handler that
// turns Webex's ID-only, X-Spark-Signature-signed deliveries into
// core.Events, and a per-org Client over the REST API (no Go SDK is
// available, wire-facts §7; the API is small).
//
// Inbound, unlike Slack, cannot be answered from the request alone: a Webex
// webhook carries IDs but no text, so after verifying the signature over the
// raw bytes (HMAC-SHA1, constant-time compare) and dropping redeliveries,
// the handler fetches the message (GET /v1/messages/{id}) and, for files,
// HEADs each content URL for its name. That outbound I/O is bounded by
// Config.FetchTimeout; when it fails transiently the handler forgets the
// delivery and answers 503 so Webex delivers it again.
//
// Which token to install. A Webex bot sees, in group rooms, only messages
// that @mention it, and may not read the others (developer.webex.com, Bots
// guide). A gateway must relay every message, so Parley is installed with
// an integration (OAuth, "user") token of a dedicated service account that
// is a member of the linked rooms and holds spark:messages_read,
// spark:messages_write, spark:rooms_read, spark:memberships_read and
// spark:people_read. Install registers (and repairs) that account's
// messages webhooks. A bot token also works, but then only mentions and
// 1:1 messages are relayed.
//
// Posting as someone else is impossible with one token, so relayed
// messages show the author in the text: "**Name**: text".
//
// Edits: Install registers a messages "updated" webhook and relays edits
// when Webex sends it; where it never arrives, edits are simply not
// relayed, and nothing else depends on it. Reactions have no public API.
package webex
