package slack

import "testing"

func TestCompareTS(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1712345678.000200", "1712345678.000200", 0},
		{"1712345678.000201", "1712345678.000200", 1},
		{"1712345677.999999", "1712345678.000000", -1},
		{"999999999.000000", "1000000000.000000", -1},
		{"1712345678", "1712345678.000001", -1},
		{"", "1.000000", -1},
	}
	for _, tc := range tests {
		t.Run(tc.a+"_"+tc.b, func(t *testing.T) {
			got := compareTS(tc.a, tc.b)
			if (got > 0) != (tc.want > 0) || (got < 0) != (tc.want < 0) {
				t.Fatalf("compareTS(%q, %q) = %d, want sign of %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
