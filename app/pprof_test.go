package app

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPprofOnItsOwnAddress: with PARLEY_PPROF_ADDR the profiler answers
// there, never on the public address, and stops with the node.
func TestPprofOnItsOwnAddress(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.PprofAddr = "127.0.0.1:0"
	n := boot(t, cfg)
	paddr := n.m.PprofAddr()
	if paddr == "" || paddr == n.m.Addr() {
		t.Fatalf("PprofAddr = %q (main %s)", paddr, n.m.Addr())
	}
	if status, body := n.do("GET", "/debug/pprof/goroutine?debug=1", "", ""); status == http.StatusOK && strings.Contains(body, "goroutine profile") {
		t.Error("the public address serves the profiler")
	}
	res, err := n.client.Get("http://" + paddr + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile:") {
		t.Errorf("goroutine profile on %s: %d %.200s", paddr, res.StatusCode, body)
	}
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", paddr, time.Second); err == nil {
		t.Error("the profiler's port still accepts connections after Run returned")
	}
}

// TestNoPprofByDefault: without PARLEY_PPROF_ADDR nothing profiles.
func TestNoPprofByDefault(t *testing.T) {
	n := boot(t, testConfig(t, t.TempDir()))
	if addr := n.m.PprofAddr(); addr != "" {
		t.Errorf("PprofAddr = %q with no PARLEY_PPROF_ADDR", addr)
	}
}
