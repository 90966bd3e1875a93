package monitoring

import (
	"strings"
	"testing"
)

// The histograms must tell 1 ms from 2 ms and still place a 10 s stall.
func TestLatencyBucketsResolve1msTo10s(t *testing.T) {
	b := LatencyBuckets
	if b[0] != 0.001 || b[len(b)-1] != 10 {
		t.Errorf("buckets %v do not span 1 ms to 10 s", b)
	}
	for i := 1; i < len(b); i++ {
		if b[i] <= b[i-1] || b[i] > 2.5*b[i-1] {
			t.Errorf("buckets %v: %v after %v is out of order or too coarse", b, b[i], b[i-1])
		}
	}
}

func TestRegistryPrefixesAndKeepsRuntimeCollectors(t *testing.T) {
	r := NewRegistry()
	r.Counter("things_total", "Things.").Inc()
	r.HistogramVec("thing_seconds", "Thing latency.", "op").WithLabelValues("a").Observe(0.002)
	mfs, err := r.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
		if mf.GetName() == "parley_thing_seconds" && len(mf.GetMetric()[0].GetHistogram().GetBucket()) != len(LatencyBuckets) {
			t.Errorf("histogram buckets are not LatencyBuckets")
		}
	}
	for _, want := range []string{"parley_things_total", "parley_thing_seconds", "go_goroutines", "process_cpu_seconds_total"} {
		if !names[want] {
			t.Errorf("registry lacks %s (has %s)", want, strings.Join(keys(names), ", "))
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
