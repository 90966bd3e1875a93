package redisskills

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-chat/parley/monitoring"
)

// Outcomes of a question sent to another node, the values of
// parley_skill_forwarded_total's label.
const (
	outcomeAnswered = "answered" // the service answered
	outcomeFailed   = "failed"   // the node replied without an answer (the service left, timed out, ...)
	outcomeGone     = "gone"     // no node listened: it died before its skills expired
	outcomeTimeout  = "timeout"  // no reply in time
	outcomeError    = "error"    // Redis could not be reached
)

type metrics struct {
	forwards *prometheus.CounterVec
}

func newMetrics(reg *monitoring.Registry) *metrics {
	m := &metrics{forwards: reg.CounterVec("skill_forwarded_total",
		"Questions for a skill offered on another node, by outcome: answered, failed, gone, timeout, error.", "outcome")}
	for _, o := range []string{outcomeAnswered, outcomeFailed, outcomeGone, outcomeTimeout, outcomeError} {
		m.forwards.WithLabelValues(o)
	}
	return m
}

func (m *metrics) forwarded(outcome string) { m.forwards.WithLabelValues(outcome).Inc() }
