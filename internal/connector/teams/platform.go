package teams

import (
	"parley/internal/connector"
	"parley/internal/core"
	"parley/internal/platform"
)

// MessagesPath is where the Bot Connector delivers activities (the Azure
// Bot's messaging endpoint).
const MessagesPath = "/teams/messages"

// Platform is Microsoft Teams as the registry knows it.
var Platform = platform.Platform{
	Name:  core.Teams,
	Title: "Microsoft Teams",
	Settings: []platform.Setting{
		{Key: "app_id", Doc: "The Azure Bot's Microsoft App ID; inbound tokens must be for it. Empty: Teams is off."},
		{Key: "app_secret", Kind: platform.Secret, Doc: "A client secret of the bot's app registration."},
		{Key: "tenant_id", Doc: "The bot's home tenant (single-tenant bots, the only kind Azure creates since 2025)."},
		{Key: "openid_metadata_url", Default: DefaultOpenIDMetadataURL, Doc: "Lists the keys that sign inbound activities."},
		{Key: "issuer", Default: DefaultIssuer, Doc: "The iss inbound tokens must carry."},
		{Key: "token_url", Default: DefaultTokenURL, Doc: "The token endpoint; {tenant} is replaced by the tenant."},
		{Key: "graph_url", Default: DefaultGraphURL, Doc: "The Microsoft Graph base."},
		{Key: "service_url", Default: DefaultServiceURL, Doc: "The Bot Connector base used until a tenant's activity names its regional one."},
		{Key: "allowed_service_hosts", Kind: platform.List, Doc: "Hosts (host[:port]) an activity's serviceUrl may name; the bot token goes nowhere else. Default smba.trafficmanager.net; service_url's host is always allowed."},
		{Key: "file_hosts", Kind: platform.List, Doc: "Hosts files and pictures may be fetched from besides Graph and the Bot Connector. Default *.sharepoint.com."},
	},
	EnabledBy: "app_id",
	BotToken:  platform.TokenNone,
	Mounts:    []platform.Mount{{Name: string(core.Teams), Path: MessagesPath}},
	Validate:  func(s platform.Settings) error { return configFrom(s).Validate() },
	New: func(s platform.Settings, env platform.Env) connector.Connector {
		c := configFrom(s)
		c.AllowPrivateAddresses, c.HTTPClient, c.Logger = env.AllowPrivateAddresses, env.HTTPClient, env.Logger
		if env.Reactions != nil {
			c.Reactions = env.Reactions
		}
		return New(c)
	},
}

func configFrom(s platform.Settings) Config {
	return Config{
		AppID: s.String("app_id"), AppSecret: s.Secret("app_secret"), TenantID: s.String("tenant_id"),
		OpenIDMetadataURL: s.String("openid_metadata_url"), Issuer: s.String("issuer"), TokenURL: s.String("token_url"),
		GraphURL: s.String("graph_url"), ServiceURL: s.String("service_url"),
		AllowedServiceURLs: s.List("allowed_service_hosts"), FileHosts: s.List("file_hosts"),
	}
}
