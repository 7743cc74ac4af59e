package loopback

import "testing"

func TestHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"localhost.", true},
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"[::1]", true},
		{"::ffff:127.0.0.1", true},
		{"", false},
		{"0.0.0.0", false},
		{"::", false},
		{"10.0.0.5", false},
		{"192.168.1.20", false},
		{"nats.example.com", false},
		{"localhost.example.com", false},
		{"127.0.0.1.nip.io", false},
		{"my-localhost", false},
		{"::2", false},
	}
	for _, tt := range tests {
		if got := Host(tt.host); got != tt.want {
			t.Errorf("Host(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}

func TestListenAddr(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8444", true},
		{"[::1]:8444", true},
		{"localhost:8444", true},
		{":8444", false},
		{"0.0.0.0:8444", false},
		{"[::]:8444", false},
		{"10.1.2.3:8444", false},
		{"admin.internal:8444", false},
		{"127.0.0.1", false}, // not host:port: never loopback by accident
	}
	for _, tt := range tests {
		if got := ListenAddr(tt.addr); got != tt.want {
			t.Errorf("ListenAddr(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
