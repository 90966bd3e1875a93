package app

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.MetricsAddr = "127.0.0.1:0"
	n := boot(t, cfg)
	maddr := n.m.MetricsAddr()
	if maddr == "" || maddr == n.m.Addr() {
		t.Fatalf("MetricsAddr = %q (main %s)", maddr, n.m.Addr())
	}
	if status, _ := n.do("GET", "/metrics", "", ""); status != http.StatusNotFound {
		t.Errorf("/metrics on the main address: %d, want 404 when PARLEY_METRICS_ADDR is set", status)
	}
	res, err := n.client.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "\nparley_ready 1\n") {
		t.Errorf("/metrics on %s: %d %.300s", maddr, res.StatusCode, body)
	}
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", maddr, time.Second); err == nil {
		t.Error("the metrics port still accepts connections after Run returned")
	}
}

func TestMetricsAddressTakenFailsTheStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig(t, t.TempDir())
	cfg.MetricsAddr = ln.Addr().String()
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	err = m.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), cfg.MetricsAddr) {
		t.Errorf("Run = %v, want an error naming %s", err, cfg.MetricsAddr)
	}
}
