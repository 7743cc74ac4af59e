package slack

import (
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/platform"
)

// EventsPath is where Slack's Events API reaches the gateway (the app's
// Request URL).
const EventsPath = "/slack/events"

// Platform is Slack as the registry knows it.
var Platform = platform.Platform{
	Name:  core.Slack,
	Title: "Slack",
	Settings: []platform.Setting{
		{Key: "signing_secret", Kind: platform.Secret, Doc: "The app's signing secret (Basic Information); it verifies every inbound request."},
		{Key: "client_id", Doc: "The app's client ID, for its OAuth install flow."},
		{Key: "client_secret", Kind: platform.Secret, Doc: "The app's client secret, for its OAuth install flow."},
		{Key: "api_url", Default: DefaultAPIURL, Doc: "The Web API base; the sandbox points it at its emulator."},
		{Key: "file_hosts", Kind: platform.List, Doc: "Hosts (host, host:port or *.domain) files may be fetched from besides api_url's. Default " + defaultFileHost + " with Slack's own api_url, none otherwise."},
	},
	EnabledBy: "signing_secret",
	BotToken:  platform.TokenRequired,
	Mounts:    []platform.Mount{{Name: string(core.Slack), Path: EventsPath}},
	Validate:  func(s platform.Settings) error { return configFrom(s).Validate() },
	New: func(s platform.Settings, env platform.Env) connector.Connector {
		c := configFrom(s)
		c.AllowPrivateAddresses, c.HTTPClient, c.Logger = env.AllowPrivateAddresses, env.HTTPClient, env.Logger
		return New(c)
	},
}

func configFrom(s platform.Settings) Config {
	return Config{SigningSecret: s.Secret("signing_secret"), APIURL: s.String("api_url"), FileHosts: s.List("file_hosts")}
}
