// Package gchat connects Parley to Google Chat: an inbound Handler that
// verifies and translates Google's deliveries into core.Events, and a
// per-domain Client that speaks the Chat REST API through
// google.golang.org/api/chat/v1.
//
// Inbound. Only Google Workspace Events carry every message of a space with
// its edits, deletes and reactions, so they are the one source of truth:
// they arrive as CloudEvents inside Pub/Sub push requests (POST /pubsub),
// each authenticated by a Google-signed OIDC token whose audience and
// service-account email are pinned. Interaction events (POST /events,
// bearer JWT from chat@system.gserviceaccount.com with the project number
// as audience) are verified the same way but relay nothing: a MESSAGE event
// only repeats a message the Workspace Events subscription also delivers.
// Redeliveries and replays are dropped through the sink's FirstSeen, keyed
// by the CloudEvent id; messages the app itself posted (its custom message
// IDs, its BOT sender) and reactions of the relay user are echo and dropped.
//
// Outbound, with app auth (a service-account key): messages are created
// with a cardsV2 header naming the author (apps cannot post as a person)
// and the body as text, so <users/…> mentions notify; creates carry a
// stable custom messageId and a requestId, so a retried create never
// duplicates. Replies go to the root's thread with
// REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD.
//
// Reactions and attachment uploads need user auth in Google Chat; an app
// cannot do either. A domain that wants them installs Parley with a
// dedicated "relay user" account's OAuth token (Installation.Token); its
// Client is then a *RelayClient, which adds Reactor and FileSender. A
// domain installed without one gets a plain *Client, which lacks both, so
// the router reports them as unsupported instead of failing at send time.
// Reactions and files sent that way show as the relay user's.
//
// Directory lookups use spaces.members.list of the watched spaces: Chat has
// no directory search for apps, and emails are only shown to apps where the
// domain allows it.
package gchat
