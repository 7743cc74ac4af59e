package gchat

import (
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/platform"
)

// Where Google Chat reaches the gateway: the Pub/Sub push subscription
// carrying Workspace Events, and the Chat app's interaction endpoint. The
// handler serves both under one prefix.
const (
	prefix          = "/gchat"
	PushPath        = prefix + "/pubsub"
	InteractionPath = prefix + "/events"
)

// Platform is Google Chat as the registry knows it.
var Platform = platform.Platform{
	Name:  core.GChat,
	Title: "Google Chat",
	Settings: []platform.Setting{
		{Key: "service_account_key", Kind: platform.Secret, Doc: "The Chat app's service-account key JSON. Empty: Google Chat is off."},
		{Key: "project_number", Doc: "The Cloud project's number: the audience of Chat's interaction-event tokens."},
		{Key: "push_audience", Doc: "The audience the Pub/Sub push subscription's OIDC tokens carry."},
		{Key: "push_service_account", Doc: "The service account email the push subscription authenticates as."},
		{Key: "pubsub_topic", Doc: "The topic that receives the Workspace Events subscriptions (projects/P/topics/T). Default projects/PROJECT_NUMBER/topics/parley-events."},
		{Key: "api_url", Default: DefaultAPIURL, Doc: "The Chat API root."},
		{Key: "events_api_url", Default: DefaultEventsAPIURL, Doc: "The Workspace Events API root."},
		{Key: "token_url", Doc: "The OAuth token endpoint. Default: the service-account key's token_uri."},
		{Key: "chat_certs_url", Default: DefaultChatCertsURL, Doc: "The certificates that sign Chat's interaction events."},
		{Key: "oidc_jwks_url", Default: DefaultOIDCJWKSURL, Doc: "The keys that sign Pub/Sub push tokens."},
		{Key: "file_hosts", Kind: platform.List, Doc: "Hosts attachments may be downloaded from besides api_url's. Default chat.googleapis.com."},
	},
	EnabledBy: "service_account_key",
	BotToken:  platform.TokenOptional,
	Mounts: []platform.Mount{
		{Name: string(core.GChat), Path: PushPath, StripPrefix: prefix},
		{Name: string(core.GChat) + "_interaction", Path: InteractionPath, StripPrefix: prefix},
	},
	Validate: func(s platform.Settings) error { return configFrom(s).Validate() },
	New: func(s platform.Settings, env platform.Env) connector.Connector {
		c := configFrom(s)
		c.AllowPrivateAddresses, c.HTTPClient, c.Logger = env.AllowPrivateAddresses, env.HTTPClient, env.Logger
		return New(c)
	},
}

func configFrom(s platform.Settings) Config {
	return Config{
		ServiceAccountKey: s.Secret("service_account_key"), ProjectNumber: s.String("project_number"),
		PushAudience: s.String("push_audience"), PushServiceAccount: s.String("push_service_account"), PubsubTopic: s.String("pubsub_topic"),
		APIURL: s.String("api_url"), EventsAPIURL: s.String("events_api_url"), TokenURL: s.String("token_url"),
		ChatCertsURL: s.String("chat_certs_url"), OIDCJWKSURL: s.String("oidc_jwks_url"), FileHosts: s.List("file_hosts"),
	}
}
