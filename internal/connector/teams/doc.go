// Package teams connects Parley to Microsoft Teams as a Bot Framework bot:
// an inbound handler for the activities the Bot Connector posts to the
// bot's messaging endpoint, and a per-tenant Client that speaks the Bot
// Connector REST API (at the activity's serviceUrl) and Microsoft Graph.
//
// Inbound, every request's JWT is verified before the body is parsed: RS256
// only, signed by a key from the Bot Framework OpenID metadata (cached,
// refreshed daily and on an unknown kid, at most every few seconds), the
// key endorsed for msteams, issuer and audience pinned, expiry enforced, and
// the token's serviceurl claim equal to the activity's serviceUrl. Nothing
// is relayed from a request that fails any check.
//
// Outbound, a bot cannot post under another name, so each message is an
// Adaptive Card headed by the author's avatar and bold name, then the body
// (card Markdown with native <at> mentions); the card's fallbackText and the
// activity's summary carry plain text for clients and notifications that do
// not render cards. A message with a file is the author and body as Teams
// HTML in the activity text above a file card, since Teams shows a file card
// only as its own attachment. A bot cannot react either: reactions relayed
// to Teams are a footer on the bot's own copy ("👍 2 · 🎉 1"), and on a
// person's message a small card in its thread. Tokens go only to the token
// endpoint, Graph and allowed Bot Connector hosts: a serviceUrl outside
// AllowedServiceURLs never receives one.
//
// Rich text is parsed and rendered by richtext.ParseTeamsHTML and
// RenderTeamsHTML.
package teams
