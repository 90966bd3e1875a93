// Package alertlog receives Alertmanager's webhook notifications and writes
// each alert as one structured log line: the receiver an operator has before
// configuring email, Slack or PagerDuty, so no alert is lost in the meantime
// and every alert is on record with its runbook.
package alertlog

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// MaxBodyBytes bounds one notification. Alertmanager sends every alert of a
// group in one request; thousands of alerts fit in far less.
const MaxBodyBytes = 4 << 20

// Notification is Alertmanager's webhook payload (version "4"); fields the
// log does not use are left out.
type Notification struct {
	Version     string            `json:"version"`
	Status      string            `json:"status"`
	Receiver    string            `json:"receiver"`
	GroupLabels map[string]string `json:"groupLabels"`
	Alerts      []Alert           `json:"alerts"`
}

// Alert is one alert of a notification.
type Alert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Fingerprint string            `json:"fingerprint"`
}

// Handler serves POST /alerts (a notification: 200 once logged, 400 when it
// is not one) and GET /healthz (200), logging to log.
func Handler(log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /alerts", func(w http.ResponseWriter, r *http.Request) {
		var n Notification
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		if err := dec.Decode(&n); err != nil {
			status, msg := http.StatusBadRequest, "not an Alertmanager webhook notification: "+err.Error()
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				status, msg = http.StatusRequestEntityTooLarge, "notification larger than 4 MiB"
			}
			log.Warn("alert-log: refused a notification", "status", status, "error", err)
			http.Error(w, msg, status)
			return
		}
		for _, a := range n.Alerts {
			logAlert(r.Context(), log, a)
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

// logAlert writes a at level WARN while it fires and INFO once resolved, so
// a log view filtered on warnings shows what is wrong now.
// A resolved alert also says when it ended.
func logAlert(ctx context.Context, log *slog.Logger, a Alert) {
	level := slog.LevelWarn
	attrs := []any{"alertname", a.Labels["alertname"],
		"status", a.Status,
		"severity", a.Labels["severity"],
		"instance", a.Labels["instance"],
		"summary", a.Annotations["summary"],
		"description", a.Annotations["description"],
		"runbook_url", a.Annotations["runbook_url"],
		"startsAt", a.StartsAt,
		"fingerprint", a.Fingerprint,
	}
	if a.Status == "resolved" {
		level = slog.LevelInfo
		attrs = append(attrs, "endsAt", a.EndsAt)
	}
	log.Log(ctx, level, "alert", attrs...)
}
