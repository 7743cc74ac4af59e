package bench

import (
	"context"
	"testing"
	"time"

	"parley/internal/sandbox"
)

// BenchmarkRelay measures Slack emulator → gateway → Slack emulator over
// TLS on loopback. Run with a fixed count, e.g. -benchtime=400x.
func BenchmarkRelay(b *testing.B) {
	n := b.N
	sb, err := sandbox.Start(context.Background(), sandbox.Options{DataDir: b.TempDir(), BenchChannels: ChannelsFor(n)})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close(context.Background())
	b.ResetTimer()
	res, err := Relay(context.Background(), sb, BenchOptions{Messages: n, Concurrency: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.PerSecond, "msgs/s")
	b.ReportMetric(float64(res.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(res.P99)/float64(time.Millisecond), "p99-ms")
	b.ReportMetric(float64(res.CPUPerMessage)/float64(time.Microsecond), "cpu-µs/msg")
	b.Logf("%s", res)
}
