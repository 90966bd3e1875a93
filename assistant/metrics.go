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

// ModelBuckets resolve a quarter second to 90 s: a model reply is bounded by
// ModelTimeout (60 s by default), and a reply that runs into it must land in
// a bucket of its own, not in +Inf, so quantiles can show it.
var ModelBuckets = []float64{.25, .5, 1, 2, 5, 10, 20, 30, 45, 60, 90}

// Breaker states, the values of parley_assistant_breaker_state's label.
const (
	breakerClosed   = "closed"
	breakerHalfOpen = "half_open"
	breakerOpen     = "open"
)

var breakerStates = []string{breakerClosed, breakerHalfOpen, breakerOpen}

type metrics struct {
	reply      prometheus.Histogram
	firstToken prometheus.Histogram
	llm        *prometheus.CounterVec
	tokens     *prometheus.CounterVec
	breaker    *prometheus.GaugeVec
	requests   *prometheus.CounterVec
}

func newMetrics(reg *monitoring.Registry) *metrics {
	m := &metrics{
		reply:      reg.LongHistogram("assistant_reply_seconds", "Time from a message that asks the assistant to its final reply.", ModelBuckets),
		firstToken: reg.LongHistogram("assistant_first_token_seconds", "Time from a message that asks the assistant to the first streamed piece of the model's reply.", ModelBuckets),
		llm:        reg.CounterVec("llm_requests_total", "Model requests by outcome: ok, error, timeout, rejected.", "outcome"),
		tokens:     reg.CounterVec("llm_tokens_total", "Tokens the model reported, by kind: prompt, completion.", "kind"),
		breaker:    reg.GaugeVec("assistant_breaker_state", "The model circuit breaker's state: 1 for the current one of closed, half_open, open; 0 for the others.", "state"),
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
	m.breakerState(gobreaker.StateClosed)
	return m
}

// breakerState sets the series of state s to 1 and the others to 0, so
// exactly one is 1 and "open" reads as a plain comparison in an alert.
func (m *metrics) breakerState(s gobreaker.State) {
	current := breakerClosed
	switch s {
	case gobreaker.StateHalfOpen:
		current = breakerHalfOpen
	case gobreaker.StateOpen:
		current = breakerOpen
	}
	for _, state := range breakerStates {
		v := 0.0
		if state == current {
			v = 1
		}
		m.breaker.WithLabelValues(state).Set(v)
	}
}

func (m *metrics) usage(u Usage) {
	m.tokens.WithLabelValues("prompt").Add(float64(u.PromptTokens))
	m.tokens.WithLabelValues("completion").Add(float64(u.CompletionTokens))
}

func since(t time.Time) float64 { return time.Since(t).Seconds() }
