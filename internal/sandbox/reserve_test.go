package sandbox

import (
	"net"
	"strconv"
	"testing"
)

// TestReserveAvoidsEphemeralPorts: the gateway's reserved addresses lie
// below the ephemeral range, so the emulators' ":0" listeners and outgoing
// connections, started before the gateway listens, cannot take them.
func TestReserveAvoidsEphemeralPorts(t *testing.T) {
	low := ephemeralLow()
	for range 20 {
		addr, err := reserve("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		if p < reservedFloor || p >= low {
			t.Fatalf("reserved %s: want a port in [%d, %d)", addr, reservedFloor, low)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("reserved %s cannot be listened on: %v", addr, err)
		}
		ln.Close()
	}
	if got, err := reserve("127.0.0.1:8443"); err != nil || got != "127.0.0.1:8443" {
		t.Errorf("an explicit port is kept: got %q, %v", got, err)
	}
}
