package webex

import (
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/platform"
)

// WebhooksPath is where the webhooks Parley registers deliver.
const WebhooksPath = "/webex/webhooks"

// Platform is Webex as the registry knows it.
var Platform = platform.Platform{
	Name:  core.Webex,
	Title: "Webex",
	Settings: []platform.Setting{
		{Key: "webhook_secret", Kind: platform.Secret, Doc: "Signs the webhooks Parley registers: a long random string. Empty: Webex is off."},
		{Key: "api_url", Default: DefaultAPIURL, Doc: "The REST base."},
		{Key: "file_hosts", Kind: platform.List, Doc: "Hosts besides api_url's that file downloads may be redirected to. Default none."},
	},
	EnabledBy: "webhook_secret",
	BotToken:  platform.TokenRequired,
	Mounts:    []platform.Mount{{Name: string(core.Webex), Path: WebhooksPath}},
	Validate:  func(s platform.Settings) error { return configFrom(s).Validate() },
	New: func(s platform.Settings, env platform.Env) connector.Connector {
		c := configFrom(s)
		c.PublicURL = env.PublicURL + WebhooksPath
		c.AllowPrivateAddresses, c.HTTPClient, c.Logger = env.AllowPrivateAddresses, env.HTTPClient, env.Logger
		return New(c)
	},
}

func configFrom(s platform.Settings) Config {
	return Config{WebhookSecret: s.Secret("webhook_secret"), APIURL: s.String("api_url"), FileHosts: s.List("file_hosts")}
}
