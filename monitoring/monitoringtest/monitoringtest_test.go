package monitoringtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const exposition = `# HELP parley_x_seconds x
# TYPE parley_x_seconds histogram
parley_x_seconds_bucket{op="a b\"}",le="0.1"} 1
parley_x_seconds_bucket{op="a b\"}",le="+Inf"} 2
parley_x_seconds_sum{op="a b\"}"} 0.3
parley_x_seconds_count{op="a b\"}"} 2
# TYPE parley_y_total counter
parley_y_total 0
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0.5"} 1e-05
go_gc_duration_seconds_sum 0.01
go_gc_duration_seconds_count 7
# TYPE parley_g gauge
parley_g 0
`

func TestParseExposition(t *testing.T) {
	fams, err := ParseExposition(exposition)
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 4 || fams["parley_x_seconds"].Samples[`parley_x_seconds_count{op="a b\"}"}`] != 2 {
		t.Fatalf("families %v", fams)
	}
	for name, want := range map[string]bool{"parley_x_seconds": true, "parley_y_total": false, "go_gc_duration_seconds": true, "parley_g": true} {
		if got := fams[name].Observed(); got != want {
			t.Errorf("%s observed = %v, want %v", name, got, want)
		}
	}
	for series, want := range map[string]string{
		"parley_x_seconds_bucket": "parley_x_seconds", "parley_x_seconds_count": "parley_x_seconds",
		"go_gc_duration_seconds_sum": "go_gc_duration_seconds", "parley_y_total": "parley_y_total",
		"go_gc_duration_seconds_bucket": "", "parley_y_total_count": "", "parley_z": "",
	} {
		got := ""
		if f, ok := fams.Resolve(series); ok {
			got = f.Name
		}
		if got != want {
			t.Errorf("Resolve(%s) = %q, want %q", series, got, want)
		}
	}
}

func TestReadDashboardAndSubstitute(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.json")
	err := os.WriteFile(path, []byte(`{"title": "T",
	  "panels": [
	    {"type": "row", "title": "R", "collapsed": true, "panels": [
	      {"title": "inner", "datasource": {"uid": "p"}, "targets": [{"refId": "A", "expr": "rate(a_total{i=~\"$instance\"}[$__rate_interval])"}]}
	    ]},
	    {"title": "outer", "targets": [{"refId": "B", "datasource": {"uid": "q"}, "expr": "b"}, {"refId": "C"}]}
	  ],
	  "templating": {"list": [
	    {"name": "instance", "type": "query", "datasource": {"uid": "p"}, "query": {"query": "label_values(up{job=\"parley\"}, instance)"}},
	    {"name": "old", "type": "query", "query": "label_values(instance)"},
	    {"name": "c", "type": "custom", "query": "a,b"}
	  ]}}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadDashboard(path)
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, q := range d.Queries {
		exprs = append(exprs, q.Expr)
	}
	want := `rate(a_total{i=~"$instance"}[$__rate_interval])|b|up{job="parley"}`
	if strings.Join(exprs, "|") != want || strings.Join(d.DatasourceUIDs, ",") != "p,q" {
		t.Errorf("queries %q datasources %q", exprs, d.DatasourceUIDs)
	}
	if got := Substitute(exprs[0]); got != `rate(a_total{i=~".*"}[5m])` {
		t.Errorf("Substitute = %s", got)
	}
}

func TestCheckWithPromtool(t *testing.T) {
	promtool := Promtool()
	if promtool == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed: .ci/run installs Debian's prometheus package for it")
		}
		t.Skip("promtool is not installed (apt-get install prometheus); CI fails here instead")
	}
	good := []Query{{"good", `sum by (le) (rate(a_bucket{x=~"$v"}[$__rate_interval]))`}, {"fine", "up == 0"}}
	if err := CheckWithPromtool(promtool, t.TempDir(), good); err != nil {
		t.Error(err)
	}
	err := CheckWithPromtool(promtool, t.TempDir(), append(good, Query{"the bad one", "sum(rate(a[5m])"}))
	if err == nil || !strings.Contains(err.Error(), "the bad one") || strings.Contains(err.Error(), "fine") {
		t.Errorf("a query that does not parse: %v", err)
	}
}
