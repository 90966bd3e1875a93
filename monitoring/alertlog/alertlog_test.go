package alertlog_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-chat/parley/monitoring/alertlog"
)

// notification is what Alertmanager 0.25 posts for a group of two alerts,
// one firing and one resolved, from the rules in
// monitoring/prometheus/rules/parley-alerts.yml.
const notification = `{
  "receiver": "alert-log",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "ParleyNodeNotReady", "instance": "parley2:8080", "job": "parley", "severity": "warning"},
      "annotations": {
        "summary": "Parley node parley2:8080 is down or not ready",
        "description": "parley2:8080 has been down (not scraped) or failing /readyz for 5 minutes; its users reconnect to the other nodes.",
        "runbook_url": "https://github.com/parley-chat/parley/blob/main/docs/operations.md#parleynodenotready"
      },
      "startsAt": "2026-12-03T09:41:15.123Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=up%7Bjob%3D%22parley%22%7D+%3D%3D+0&g0.tab=1",
      "fingerprint": "5e1a9f2b7c3d4e60"
    },
    {
      "status": "resolved",
      "labels": {"alertname": "ParleyNodeNotReady", "instance": "parley1:8080", "job": "parley", "severity": "warning"},
      "annotations": {
        "summary": "Parley node parley1:8080 is down or not ready",
        "description": "parley1:8080 has been down (not scraped) or failing /readyz for 5 minutes; its users reconnect to the other nodes.",
        "runbook_url": "https://github.com/parley-chat/parley/blob/main/docs/operations.md#parleynodenotready"
      },
      "startsAt": "2026-12-03T09:20:00Z",
      "endsAt": "2026-12-03T09:35:30Z",
      "generatorURL": "http://prometheus:9090/graph?g0.expr=up%7Bjob%3D%22parley%22%7D+%3D%3D+0&g0.tab=1",
      "fingerprint": "0b6c2d8e1f4a7391"
    }
  ],
  "groupLabels": {"alertname": "ParleyNodeNotReady"},
  "commonLabels": {"alertname": "ParleyNodeNotReady", "job": "parley", "severity": "warning"},
  "commonAnnotations": {"runbook_url": "https://github.com/parley-chat/parley/blob/main/docs/operations.md#parleynodenotready"},
  "externalURL": "http://alertmanager:9093",
  "version": "4",
  "groupKey": "{}:{alertname=\"ParleyNodeNotReady\"}",
  "truncatedAlerts": 0
}`

func serve(t *testing.T) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	srv := httptest.NewServer(alertlog.Handler(slog.New(slog.NewJSONHandler(&logs, nil))))
	t.Cleanup(srv.Close)
	return srv, &logs
}

// logLines decodes every JSON log line, without its time.
func logLines(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		delete(m, "time")
		out = append(out, m)
	}
	return out
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestEachAlertIsOneLogLine(t *testing.T) {
	srv, logs := serve(t)
	if status, body := post(t, srv.URL+"/alerts", notification); status != http.StatusOK || body != "" {
		t.Fatalf("POST /alerts: %d %q", status, body)
	}
	want := []map[string]any{
		{
			"level": "WARN", "msg": "alert",
			"alertname": "ParleyNodeNotReady", "status": "firing", "severity": "warning", "instance": "parley2:8080",
			"summary":     "Parley node parley2:8080 is down or not ready",
			"description": "parley2:8080 has been down (not scraped) or failing /readyz for 5 minutes; its users reconnect to the other nodes.",
			"runbook_url": "https://github.com/parley-chat/parley/blob/main/docs/operations.md#parleynodenotready",
			"startsAt":    "2026-12-03T09:41:15.123Z",
			"fingerprint": "5e1a9f2b7c3d4e60",
		},
		{
			"level": "INFO", "msg": "alert",
			"alertname": "ParleyNodeNotReady", "status": "resolved", "severity": "warning", "instance": "parley1:8080",
			"summary":     "Parley node parley1:8080 is down or not ready",
			"description": "parley1:8080 has been down (not scraped) or failing /readyz for 5 minutes; its users reconnect to the other nodes.",
			"runbook_url": "https://github.com/parley-chat/parley/blob/main/docs/operations.md#parleynodenotready",
			"startsAt":    "2026-12-03T09:20:00Z",
			"endsAt":      "2026-12-03T09:35:30Z",
			"fingerprint": "0b6c2d8e1f4a7391",
		},
	}
	if got := logLines(t, logs); !reflect.DeepEqual(got, want) {
		t.Errorf("logged\n%v\nwant\n%v", got, want)
	}
}

func TestNotANotificationIs400(t *testing.T) {
	srv, logs := serve(t)
	status, body := post(t, srv.URL+"/alerts", `{"alerts": [{"status": "firing"`)
	if want := "not an Alertmanager webhook notification: unexpected EOF\n"; status != http.StatusBadRequest || body != want {
		t.Errorf("POST /alerts with broken JSON: %d %q, want 400 %q", status, body, want)
	}
	status, body = post(t, srv.URL+"/alerts", `{"alerts": "many"}`)
	if want := "not an Alertmanager webhook notification: json: cannot unmarshal string into Go struct field Notification.alerts of type []alertlog.Alert\n"; status != http.StatusBadRequest || body != want {
		t.Errorf("POST /alerts with alerts not a list: %d %q, want 400 %q", status, body, want)
	}
	for _, l := range logLines(t, logs) {
		if l["msg"] == "alert" {
			t.Errorf("logged an alert from a refused notification: %v", l)
		}
	}
}

func TestHealthzAndMethods(t *testing.T) {
	srv, _ := serve(t)
	res, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: %d", res.StatusCode)
	}
	res, err = http.Get(srv.URL + "/alerts")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /alerts: %d, want 405", res.StatusCode)
	}
}
