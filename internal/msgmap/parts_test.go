package msgmap

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"parley/internal/core"
)

func TestParts(t *testing.T) {
	ctx := context.Background()
	m := newMap(t, time.Hour, nil)
	orig := ref("T1", "C1", "1.1")
	// Recorded out of order, as a retry after a partial delivery may.
	p0, p1, p2 := ref("T2", "C2", "2.1"), ref("T2", "C2", "2.2"), ref("T2", "C2", "2.3")
	other := ref("T3", "C3", "3.1")
	for i, cp := range []core.MessageRef{p2, p0, p1} {
		part := []int{2, 0, 1}[i]
		if err := m.RecordPart(ctx, "t", orig, cp, part); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Record(ctx, "t", orig, other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from core.MessageRef
		dest core.ChannelRef
		want []core.MessageID
	}{
		{"original to parts", orig, p0.ChannelRef, []core.MessageID{"2.1", "2.2", "2.3"}},
		{"a later part to the original", p2, orig.ChannelRef, []core.MessageID{"1.1"}},
		{"a part to an unsplit copy", p1, other.ChannelRef, []core.MessageID{"3.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.FindParts(ctx, "t", tt.from, tt.dest)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("FindParts = %v, %v; want %v", got, err, tt.want)
			}
			first, err := m.Find(ctx, "t", tt.from, tt.dest)
			if err != nil || first != tt.want[0] {
				t.Fatalf("Find = %q, %v; want %q", first, err, tt.want[0])
			}
		})
	}
	t.Run("forgotten part", func(t *testing.T) {
		if err := m.ForgetPart(ctx, "t", orig, p2, 2); err != nil {
			t.Fatal(err)
		}
		got, err := m.FindParts(ctx, "t", orig, p0.ChannelRef)
		if err != nil || !slices.Equal(got, []core.MessageID{"2.1", "2.2"}) {
			t.Fatalf("FindParts = %v, %v", got, err)
		}
		if echo, err := m.IsCopy(ctx, "t", p2); err != nil || !echo {
			t.Fatalf("a deleted part is no longer known as a copy: %v, %v", echo, err)
		}
	})
	if _, err := m.FindParts(ctx, "t", orig, core.ChannelRef{Platform: core.Slack, Workspace: "T9", Channel: "C9"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindParts in an unlinked channel: %v", err)
	}
}
