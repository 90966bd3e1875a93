// Package monitoringtest checks Parley's monitoring configuration against a
// running node: it reads the PromQL of the Grafana dashboards and the
// Prometheus rule files, has promtool parse it, finds the metric names each
// expression selects, and parses a /metrics exposition into families, so a
// test can require that every name a dashboard or rule uses is one Parley
// really exposes (or a recording rule).
package monitoringtest
