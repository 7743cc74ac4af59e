package teams

import (
	"testing"

	"parley/internal/secret"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{AppID: "app", AppSecret: secret.New("s")}
	tests := []struct {
		name  string
		mod   func(*Config)
		valid bool
	}{
		{"defaults", func(*Config) {}, true},
		{"no app id", func(c *Config) { c.AppID = " " }, false},
		{"no secret", func(c *Config) { c.AppSecret = secret.Secret{} }, false},
		{"http graph", func(c *Config) { c.GraphURL = "http://graph.example/v1.0/" }, false},
		{"relative token url", func(c *Config) { c.TokenURL = "/token" }, false},
		{"token url with tenant", func(c *Config) { c.TokenURL = "https://login.example/{tenant}/oauth2/v2.0/token" }, true},
		{"service host with path", func(c *Config) { c.AllowedServiceURLs = []string{"evil.example/x"} }, false},
		{"file host pattern", func(c *Config) { c.FileHosts = []string{"*.sharepoint.us", "files.example:8443"} }, true},
		{"file host URL", func(c *Config) { c.FileHosts = []string{"https://files.example/"} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			if err := c.Validate(); (err == nil) != tt.valid {
				t.Fatalf("Validate = %v, want valid %v", err, tt.valid)
			}
		})
	}
}

func TestAllowedService(t *testing.T) {
	c := Config{AllowedServiceURLs: []string{"smba.trafficmanager.net"}}.withDefaults()
	tests := []struct {
		url  string
		want bool
	}{
		{"https://smba.trafficmanager.net/amer/", true},
		{"https://SMBA.trafficmanager.net/emea/", true},
		{"http://smba.trafficmanager.net/amer/", false},
		{"https://smba.trafficmanager.net.evil.example/", false},
		{"https://user@smba.trafficmanager.net/", false},
		{"https://evil.example/", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if got := c.allowedService(tt.url); got != tt.want {
				t.Fatalf("allowedService(%q) = %v", tt.url, got)
			}
		})
	}
}

func TestSafeFileName(t *testing.T) {
	tests := map[string]string{
		"report.pdf": "report.pdf", `a/b\c:d*?.txt`: "a_b_c_d__.txt", " .. ": "file", "": "file", "x#y%z": "x_y_z",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := safeFileName(in); got != want {
				t.Fatalf("safeFileName(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestUniqueID(t *testing.T) {
	if got := uniqueID(driveItem{ID: "01ABC", ETag: `"{1150D938-8870-4044-9F2C-5BBDEBA70C8C},1"`}); got != "1150D938-8870-4044-9F2C-5BBDEBA70C8C" {
		t.Fatalf("uniqueID = %q", got)
	}
	if got := uniqueID(driveItem{ID: "01ABC"}); got != "01ABC" {
		t.Fatalf("uniqueID without eTag = %q", got)
	}
}
