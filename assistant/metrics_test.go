package assistant_test

import (
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

func gauge(t *testing.T, reg *monitoring.Registry, name string) float64 {
	t.Helper()
	return series(t, reg, name, "")
}
