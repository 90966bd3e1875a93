package assistant_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/parley-chat/parley/monitoring"
)

// series reads the value of family name's series whose label has value
// (any series when value is "").
func series(t *testing.T, reg *monitoring.Registry, name, value string) float64 {
	t.Helper()
	fams, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := value == ""
			for _, l := range m.GetLabel() {
				match = match || l.GetValue() == value
			}
			if !match {
				continue
			}
			if m.Counter != nil {
				return m.Counter.GetValue()
			}
			return m.Gauge.GetValue()
		}
	}
	t.Fatalf("no series %s{%q}", name, value)
	return 0
}

// breakerSeries reads every parley_assistant_breaker_state series by its
// state label, as a scrape shows them.
func breakerSeries(t *testing.T, reg *monitoring.Registry) map[string]float64 {
	t.Helper()
	fams, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "parley_assistant_breaker_state" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "state" {
					got[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	return got
}

// wantBreaker requires the series of state to be 1 and the other two 0.
func wantBreaker(t *testing.T, reg *monitoring.Registry, state string) {
	t.Helper()
	want := map[string]float64{"closed": 0, "half_open": 0, "open": 0}
	want[state] = 1
	if got := breakerSeries(t, reg); !maps.Equal(got, want) {
		t.Fatalf("parley_assistant_breaker_state = %v, want %v", got, want)
	}
}

// A reply that runs into the model timeout (60 s by default) must land in a
// bucket, not in +Inf, or the reply-time quantiles stop at the last bucket.
func TestReplyBucketsCoverTheModelTimeout(t *testing.T) {
	reg := monitoring.NewRegistry()
	f := newFixture(t, withModel(newModel(t, "ok"), reg, nil))
	f.ask(f.user("alice"), general, "@assistant hello?")
	fams, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{.25, .5, 1, 2, 5, 10, 20, 30, 45, 60, 90}
	for _, name := range []string{"parley_assistant_reply_seconds", "parley_assistant_first_token_seconds"} {
		var bounds []float64
		for _, fam := range fams {
			if fam.GetName() == name {
				for _, b := range fam.GetMetric()[0].GetHistogram().GetBucket() {
					bounds = append(bounds, b.GetUpperBound())
				}
			}
		}
		if !slices.Equal(bounds, want) {
			t.Errorf("%s buckets = %v, want %v", name, bounds, want)
		}
	}
	wantBreaker(t, reg, "closed")
}
