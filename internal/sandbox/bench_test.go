package sandbox

import (
	"context"
	"testing"
	"time"
)

// BenchmarkRelay measures Slack emulator → gateway → Slack emulator over
// TLS on loopback. Run with a fixed count, e.g. -benchtime=400x.
func BenchmarkRelay(b *testing.B) {
	n := b.N
	sb, err := Start(context.Background(), Options{DataDir: b.TempDir(), BenchChannels: BenchChannelsFor(n)})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close(context.Background())
	b.ResetTimer()
	res, err := sb.Bench(context.Background(), BenchOptions{Messages: n, Concurrency: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.PerSecond, "msgs/s")
	b.ReportMetric(float64(res.P50)/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(res.P99)/float64(time.Millisecond), "p99-ms")
	b.Logf("%s", res)
}
