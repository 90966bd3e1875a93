package server

import (
	"testing"

	"github.com/parley-chat/parley/monitoring"
)

func TestDisconnectReasonsAreBounded(t *testing.T) {
	reg := monitoring.NewRegistry()
	m := newSocketMetrics(reg)
	for _, args := range [][]any{
		{"transport close"}, {"ping timeout", "no pong"}, {"forced server close"}, {"forced close"},
		{"something new in a later release"}, {42}, {},
	} {
		m.disconnected(args)
	}
	got := map[string]float64{}
	mfs, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "parley_socket_disconnects_total" {
			continue
		}
		for _, s := range mf.GetMetric() {
			got[s.GetLabel()[0].GetValue()] = s.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"transport_close": 1, "ping_timeout": 1, "forced_close": 2, "other": 3,
		"transport_error": 0, "parse_error": 0, "client_disconnect": 0, "server_disconnect": 0, "server_shutdown": 0,
	}
	if len(got) != len(want) {
		t.Errorf("reason label values %v, want exactly %v", got, want)
	}
	for r, n := range want {
		if got[r] != n {
			t.Errorf("disconnects{reason=%q} = %v, want %v", r, got[r], n)
		}
	}
}
