// Package gchat is an in-memory emulator of Google Chat for tests,
// benchmarks and `parley sandbox`. Importers alias it gchatemu.
//
// One handler serves the Chat REST API v1 subset a bridge needs (paths,
// method IDs and JSON shapes from the discovery document chat-api.json,
// errors as {"error":{"code","message","status"}}), media upload and
// download, an OAuth2 token endpoint for service-account JWT-bearer
// grants, the certificates Google publishes (chat@system x509 certs, OIDC
// JWKS and x509 certs), the Workspace Events API (subscriptions), and a
// /_emulator/ control API (faults per SANDBOX.md keyed by domain name, the
// clock, subscription suspension, and a request log). google.golang.org/api/chat/v1 and
// golang.org/x/oauth2/google accept it.
//
// Inbound to the app: interaction events (MESSAGE, ADDED_TO_SPACE) POSTed
// to AppSpec.InteractionEndpoint with a bearer JWT from
// chat@system.gserviceaccount.com, audience the project number; and
// Workspace Events as CloudEvents in Pub/Sub push requests to
// AppSpec.PushEndpoint with a Google OIDC ID token (iss
// https://accounts.google.com, aud PushAudience, email the push service
// account, email_verified).
//
// Choices where Google's docs are unclear or where the emulator simplifies:
//   - A MESSAGE interaction event reaches an app only for a person's
//     message that @mentions it, or any person's message in its direct
//     message. Messages sent by apps never cause interaction events, but
//     they do cause Workspace Events (a bridge drops its own by sender
//     type BOT and its App.UserName). Chat does not retry interaction
//     events; the emulator does not either. A synchronous reply (a Message
//     JSON with text or cardsV2 in the 2xx answer) is posted in the thread.
//   - App auth (chat.bot) may create, get, patch and delete messages, the
//     latter two only for its own messages; people likewise edit and
//     delete only their own. Listing messages with app auth needs the
//     admin-approved chat.app.messages.readonly scope, which the token
//     endpoint grants without an approval step.
//   - Reactions (create, list, delete) and media upload need user auth,
//     as the method guides say; apps get 403 PERMISSION_DENIED. Cards need
//     app auth; attachments in messages need user auth.
//     spaces.messages.attachments.get needs app auth. media.download works
//     for members with either.
//   - A space the caller is not in answers 404 NOT_FOUND, not 403.
//   - Deleting a thread root with replies: with user auth it needs
//     force=true and then deletes the replies too (a deleted event each);
//     with app auth force has no effect and only the root goes.
//   - Message size: text plus cardsV2 JSON over 32,000 bytes is 400
//     INVALID_ARGUMENT. Empty messages are rejected.
//   - messageId must match client-[a-z0-9-]{1,56} (63 characters in all)
//     and be unique in the space (409 ALREADY_EXISTS); the message keeps
//     its system name, and the client ID works wherever {message} goes.
//     requestId is scoped to the caller and the space: a repeat returns
//     the first message, whatever the new body says.
//   - messageReplyOption unset starts a new thread and ignores
//     thread.name/threadKey, as documented; thread keys are scoped to the
//     caller. REPLY_MESSAGE_OR_FAIL with a thread key not used before
//     starts a thread under it; only a thread name that is not found
//     fails (NOT_FOUND). Message IDs are THREAD.THREAD for thread roots
//     and THREAD.ID for replies, like real ones.
//   - A message.v1.deleted event's message holds only name, createTime
//     and deletionMetadata, as MessageDeletedEventData documents.
//   - text in responses is plain text with mentions rendered "@Name";
//     formattedText holds the markup with canonical <users/N>; annotation
//     startIndex/length count UTF-16 code units. <users/EMAIL> and
//     <users/app> (the calling app) are canonicalized on write.
//   - Rate limits: writes (message create/patch/delete, reactions,
//     uploads) per space, shared by all callers: 1 per second with a burst
//     of 30; app-auth writes per project: 3000 per minute. Excess gets 429
//     RESOURCE_EXHAUSTED without Retry-After, as Google's API does;
//     injected 429 faults do carry Retry-After (SANDBOX.md).
//   - Workspace Events: create, patch and reactivate return a finished
//     Operation (done: true). Chat subscriptions may have user authority
//     (chat.messages[.readonly] scopes; targetResource spaces/- covers
//     every space of the user) or app authority
//     (chat.app.messages.readonly, granted without admin approval). A
//     subscription lives 4 hours with includeResource, 7 days without, or
//     its ttl/expireTime if shorter; a longer ask (on create or patch) is
//     held to the maximum rather than refused, and ttl "0s" means the
//     maximum. patch takes updateMask ttl or expireTime and counts the new
//     life from now. includeResource false sends only resource names. Only
//     message and reaction events are produced; membership and space event
//     types are accepted but never fire. spaces.spaceEvents is not
//     emulated.
//   - Lifecycle events, through the subscription's own Pub/Sub topic like
//     every event, with ce-source and ce-subject
//     //workspaceevents.googleapis.com/subscriptions/ID and data
//     {"subscription": <the resource, camelCase as the API returns it>}
//     (the docs' example shows snake_case; which the service sends could
//     not be checked): expirationReminder 12 hours and 1 hour before
//     expireTime (a reminder that would fall before the last create or
//     renewal is not sent), expired at expireTime, after which the
//     subscription is deleted (get and patch are NOT_FOUND); suspended when
//     the control API says so (POST /_emulator/subscriptions/suspend
//     {"workspace": DOMAIN, "reason": ErrorType}); a suspended
//     subscription gets no events until :reactivate, which keeps its
//     expireTime and refuses one that is not suspended
//     (FAILED_PRECONDITION).
//   - Clock: POST /_emulator/clock {"advance_seconds": N} (package clock)
//     moves Google's time. Tokens, subscriptions, rate limits and timed
//     faults run on it; lifecycle events that fall due during a jump are
//     sent in order, each stamped (ce-time) with when it fell due. Tokens
//     Google signs for a receiver (push and interaction tokens,
//     certificates) and the check of an app's assertion use the wall
//     clock, which a jump does not move.
//   - Pub/Sub: each app has one topic (App.PubSubTopic) with one push
//     subscription to PushEndpoint; other topics are NOT_FOUND. CloudEvent
//     attributes follow Google's "structure of events" page as remembered:
//     ce-id, ce-source (//workspaceevents.googleapis.com/subscriptions/…),
//     ce-subject (//chat.googleapis.com/spaces/…), ce-type, ce-time,
//     ce-specversion 1.0, ce-datacontenttype application/json — the exact
//     set could not be checked against a primary source. Pushes to one
//     app are delivered in order, one at a time; a nack (anything but 102,
//     200, 201, 202, 204, or no answer in 10 s) is retried after
//     Options.RetryDelays of the emulator's clock before later messages
//     go, then dropped (Pub/Sub
//     would keep it up to 7 days). POST /_emulator/pubsub {"held": true}
//     keeps pushes queued, as Pub/Sub does while an endpoint is
//     unreachable, until {"held": false} sends them in order.
//   - Tokens: setup user tokens never expire; app tokens last an hour.
//     Service-account self-signed JWTs used directly as bearer tokens are
//     not accepted. A JWT-bearer assertion with sub (domain-wide
//     delegation) gets a token acting as that person only after
//     AuthorizeDomainWideDelegation for every scope asked, else
//     unauthorized_client.
//   - Sign-in and user consent (signin.go): discovery at
//     /.well-known/openid-configuration with the emulator's origin as
//     issuer (standing for https://accounts.google.com; Pub/Sub push tokens
//     keep the real string), /o/oauth2/v2/auth, /token, /revoke,
//     /v1/userinfo and /oauth2/v3/certs. OAuth clients are registered with
//     RegisterOAuthClient. The chooser lists every person (only the hd
//     domain's with hd); Cancel redirects access_denied; an unknown client
//     is "Error 401: invalid_client" and an unregistered redirect URI
//     "Error 400: redirect_uri_mismatch", as pages. Codes are single-use,
//     10 minutes; token errors are invalid_grant ("Bad Request", "Invalid
//     code verifier.", "Missing code verifier.", "Malformed auth code.")
//     and redirect_uri_mismatch. access_type=offline gives a refresh token
//     on the grant's first exchange. User access tokens live an hour;
//     /revoke of a refresh or access token ends the grant and all its
//     access tokens at once. ID tokens carry azp, hd, email,
//     email_verified, at_hash and, with profile, the names.
//   - Media: uploadType multipart and media are supported, not resumable
//     (google.golang.org/api uses multipart below its 16 MiB chunk size;
//     pass googleapi.ChunkSize(0) for larger files). Bytes stay in memory.
//     attachmentDataRef.resourceName is an opaque token, as on the real
//     API; downloadUri points at the emulator's media download.
//   - members.list lists people only; memberships of apps are left out.
//     Membership events and space changes are not emulated.
package gchat
