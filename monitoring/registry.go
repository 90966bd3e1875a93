// Package monitoring is how Parley's packages declare their Prometheus
// metrics. Each package declares its own metrics next to the code it
// measures, through a *Registry, so names are prefixed and buckets chosen in
// one place and nothing string-builds metric names at run time.
package monitoring

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every Parley metric.
const Namespace = "parley"

// LatencyBuckets resolve 1 ms to 10 s.
var LatencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5, 10}

// Registry wraps a Prometheus registry with the Go and process collectors.
type Registry struct {
	reg *prometheus.Registry
}

// NewRegistry returns a registry with the standard Go and process collectors.
func NewRegistry() *Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return &Registry{reg: reg}
}

// OrNew returns r, or a private registry when r is nil, so packages can be
// built in tests without wiring metrics.
func OrNew(r *Registry) *Registry {
	if r == nil {
		return &Registry{reg: prometheus.NewRegistry()}
	}
	return r
}

// Gatherer exposes the registry for tests and exposition.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }

// Handler serves the exposition format.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg})
}

// Counter registers parley_<name>.
func (r *Registry) Counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help})
	r.reg.MustRegister(c)
	return c
}

// CounterVec registers parley_<name> with bounded labels.
func (r *Registry) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	r.reg.MustRegister(c)
	return c
}

// Gauge registers parley_<name>.
func (r *Registry) Gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help})
	r.reg.MustRegister(g)
	return g
}

// Info registers parley_<name>, a gauge fixed at 1 whose labels are the
// information (the Prometheus convention for facts such as a build's
// version): queries join on it rather than read its value.
func (r *Registry) Info(name, help string, labels map[string]string) {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help, ConstLabels: labels})
	g.Set(1)
	r.reg.MustRegister(g)
}

// GaugeFunc registers parley_<name> read from fn at scrape time.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, fn))
}

// Histogram registers a latency histogram parley_<name> (seconds).
func (r *Registry) Histogram(name, help string) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: LatencyBuckets})
	r.reg.MustRegister(h)
	return h
}

// SizeHistogram registers a histogram parley_<name> of counts (batch
// sizes, say) over buckets.
func (r *Registry) SizeHistogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets})
	r.reg.MustRegister(h)
	return h
}

// GaugeVec registers parley_<name> with bounded labels.
func (r *Registry) GaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	r.reg.MustRegister(g)
	return g
}

// LongHistogram registers a latency histogram parley_<name> (seconds) over
// buckets of its own, for waits that LatencyBuckets' 10 s would cut off (a
// model's reply may take a minute).
func (r *Registry) LongHistogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets})
	r.reg.MustRegister(h)
	return h
}

// HistogramVec registers a latency histogram parley_<name> with bounded labels.
func (r *Registry) HistogramVec(name, help string, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: LatencyBuckets}, labels)
	r.reg.MustRegister(h)
	return h
}
