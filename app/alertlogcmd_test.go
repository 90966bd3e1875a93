package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAlertLogHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := AlertLogCommand(context.Background(), func(string) string { return "" }, []string{"-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("-h: exit %d, stderr %q", code, stderr.String())
	}
	if stdout.String() != alertLogUsage || stderr.Len() != 0 {
		t.Errorf("-h printed %q on stdout and %q on stderr, want the usage on stdout", stdout.String(), stderr.String())
	}
}

// lockedBuffer is the command's stderr, read by the test while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The command serves on the address of PARLEY_ALERT_LOG_ADDR, logs a posted
// alert on stderr and exits 0 when its context ends.
func TestAlertLogServesUntilStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"PARLEY_ALERT_LOG_ADDR": "127.0.0.1:0"}
	var stdout bytes.Buffer
	var stderr lockedBuffer
	exit := make(chan int, 1)
	go func() { exit <- AlertLogCommand(ctx, func(k string) string { return env[k] }, nil, &stdout, &stderr) }()

	var addr string
	for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "alert-log: listening" {
				addr = l.Addr
			}
		}
	}
	if addr == "" {
		t.Fatalf("no listening line on stderr: %q", stderr.String())
	}
	res, err := http.Post("http://"+addr+"/alerts", "application/json", strings.NewReader(
		`{"version":"4","status":"firing","receiver":"alert-log","groupLabels":{"alertname":"ParleyStoreErrors"},"alerts":[`+
			`{"status":"firing","labels":{"alertname":"ParleyStoreErrors","op":"messages.append","severity":"critical"},`+
			`"annotations":{"summary":"more than 1% of store messages.append calls fail"},"startsAt":"2026-12-03T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"aa"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /alerts: %d", res.StatusCode)
	}
	cancel()
	if code := <-exit; code != 0 {
		t.Fatalf("exit %d after the context ended; stderr %q", code, stderr.String())
	}
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var l struct {
			Level, Msg, Alertname, Summary string
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("stderr line %q is not JSON: %v", line, err)
		}
		msgs = append(msgs, l.Level+" "+l.Msg+" "+l.Alertname+" "+l.Summary)
	}
	want := []string{
		"INFO alert-log: listening  ",
		"WARN alert ParleyStoreErrors more than 1% of store messages.append calls fail",
		"INFO alert-log: stopped  ",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") || stdout.Len() != 0 {
		t.Errorf("stderr lines %q (stdout %q), want %q", msgs, stdout.String(), want)
	}
}
