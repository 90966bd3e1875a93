package main

import "testing"

// The percentiles are the figures the side-by-side is read by: nearest rank
// over everything due, the undelivered counting as slowest.
func TestLatencyCountsUndeliveredAsSlowest(t *testing.T) {
	us := make([]int32, 0, 100)
	for i := 100; i >= 1; i-- {
		us = append(us, int32(i*1000)) // 1..100 ms, unsorted
	}
	l := latency(us, 0)
	if l.P50 != 50 || l.P99 != 99 || l.Max != 100 || l.N != 100 {
		t.Fatalf("all delivered: %+v", l)
	}
	l = latency(us[:0:0], 0)
	if l.N != 0 || l.P99 != 0 {
		t.Fatalf("no samples: %+v", l)
	}
	// 98 delivered, 2 not: the 99th percentile is among the missing.
	us = us[:0]
	for i := 1; i <= 98; i++ {
		us = append(us, int32(i*1000))
	}
	l = latency(us, 2)
	if l.P50 != 50 || l.P90 != 90 || l.P99 != -1 || l.Max != -1 || l.Undelivered != 2 {
		t.Fatalf("2 of 100 undelivered: %+v", l)
	}
}
