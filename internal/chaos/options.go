package chaos

import (
	"log/slog"
	"time"
)

// Options sizes a chaos run.
type Options struct {
	// Duration is how long people post while the gateway is killed and
	// the platforms fail; settling and counting come after it.
	Duration time.Duration
	// Messages is how many messages are posted in all, spread over the
	// benchmark channel pairs (the bulk) and the five-platform room.
	Messages int
	// Seed makes the kills and faults reproducible; the message text
	// carries a random run ID regardless.
	Seed int64
	// Logger gets the run's progress; nil discards it.
	Logger *slog.Logger
	// Binary is the parley executable run as `Binary serve --config …`.
	Binary string
	// DataDir holds the sandbox and the gateway's data and log
	// (gateway.log); empty means a temporary directory, removed after a
	// clean run and kept (and named in the error) otherwise.
	DataDir string
	// Settle bounds the wait for deliveries after the chaos ends; zero
	// means two minutes.
	Settle time.Duration
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Duration <= 0 {
		o.Duration = time.Minute
	}
	if o.Messages <= 0 {
		o.Messages = int(o.Duration.Seconds() * 4)
	}
	if o.Settle <= 0 {
		o.Settle = 2 * time.Minute
	}
}
