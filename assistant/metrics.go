package assistant

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"

	"github.com/parley-chat/parley/monitoring"
)

// Outcomes of a model request, the values of parley_llm_requests_total's
// label.
const (
	outcomeOK       = "ok"
	outcomeError    = "error"
	outcomeTimeout  = "timeout"
	outcomeRejected = "rejected" // breaker open or too many in flight
)

type metrics struct {
	reply      prometheus.Histogram
	firstToken prometheus.Histogram
	llm        *prometheus.CounterVec
	tokens     *prometheus.CounterVec
	breaker    prometheus.Gauge
	requests   *prometheus.CounterVec
}

func newMetrics(reg *monitoring.Registry) *metrics {
	m := &metrics{
		reply:      reg.Histogram("assistant_reply_seconds", "Time from a message that asks the assistant to its final reply."),
		firstToken: reg.Histogram("assistant_first_token_seconds", "Time from a message that asks the assistant to the first streamed piece of the model's reply."),
		llm:        reg.CounterVec("llm_requests_total", "Model requests by outcome: ok, error, timeout, rejected.", "outcome"),
		tokens:     reg.CounterVec("llm_tokens_total", "Tokens the model reported, by kind: prompt, completion.", "kind"),
		breaker:    reg.Gauge("assistant_breaker_state", "The model circuit breaker: 0 closed, 1 half-open, 2 open."),
		requests:   reg.CounterVec("assistant_requests_total", "Requests to the assistant by route: builtin, skill, model, degraded, limited, dropped.", "route"),
	}
	for _, o := range []string{outcomeOK, outcomeError, outcomeTimeout, outcomeRejected} {
		m.llm.WithLabelValues(o)
	}
	for _, k := range []string{"prompt", "completion"} {
		m.tokens.WithLabelValues(k)
	}
	for _, r := range []string{"builtin", "skill", "model", "degraded", "limited", "dropped"} {
		m.requests.WithLabelValues(r)
	}
	return m
}

func (m *metrics) breakerState(s gobreaker.State) {
	switch s {
	case gobreaker.StateClosed:
		m.breaker.Set(0)
	case gobreaker.StateHalfOpen:
		m.breaker.Set(1)
	case gobreaker.StateOpen:
		m.breaker.Set(2)
	}
}

func (m *metrics) usage(u Usage) {
	m.tokens.WithLabelValues("prompt").Add(float64(u.PromptTokens))
	m.tokens.WithLabelValues("completion").Add(float64(u.CompletionTokens))
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }
