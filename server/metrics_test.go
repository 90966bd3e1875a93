package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-chat/parley/monitoring"
	"github.com/parley-chat/parley/server"
)

// gauge reads an unlabelled gauge from reg.
func gauge(t *testing.T, reg *monitoring.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no gauge %s", name)
	return 0
}

func TestReadyGaugeFollowsTheStore(t *testing.T) {
	s := newTestServer(t)
	if v := gauge(t, s.reg, "parley_ready"); v != 1 {
		t.Errorf("parley_ready = %v with the store up, want 1", v)
	}
	if err := s.st.Backend.Close(); err != nil {
		t.Fatal(err)
	}
	if v := gauge(t, s.reg, "parley_ready"); v != 0 {
		t.Errorf("parley_ready = %v with the store closed, want 0", v)
	}
}

func TestMetricsOnOwnListener(t *testing.T) {
	if res := newTestServer(t).do("GET", "/metrics", "", nil); res.Status != http.StatusOK || !strings.Contains(res.Raw, "parley_ready 1") {
		t.Errorf("/metrics on the main app by default: %d", res.Status)
	}

	s := newTestServer(t, func(c *server.Config) { c.MetricsOnOwnListener = true })
	if res := s.do("GET", "/metrics", "", nil); res.Status != http.StatusNotFound {
		t.Errorf("/metrics on the main app with its own listener: %d, want 404", res.Status)
	}
	rec := httptest.NewRecorder()
	server.MetricsApp(s.reg).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "\nparley_connections 0\n") {
		t.Errorf("MetricsApp /metrics: %d %.200s", rec.Code, rec.Body)
	}
}
