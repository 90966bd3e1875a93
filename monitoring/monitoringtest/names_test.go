package monitoringtest

import (
	"reflect"
	"testing"
)

func TestMetricNames(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want []string
	}{
		{`up`, []string{"up"}},
		{`sum(up{job="parley"} * on (instance, job) parley_ready{job="parley"}) or vector(0)`, []string{"parley_ready", "up"}},
		{`histogram_quantile(0.99, sum by (op, le) (rate(parley_store_op_seconds_bucket{job="parley", instance=~"a|b"}[5m])))`,
			[]string{"parley_store_op_seconds_bucket"}},
		{`sum without(instance)(rate(a_total[1m] offset 5m)) / ignoring (code) group_left () b:c:d`, []string{"a_total", "b:c:d"}},
		{`x > bool 1e-3 and y unless z or w atan2 v`, []string{"v", "w", "x", "y", "z"}},
		{`label_replace(m{a="{not, a name}"}, "dst", "$1", "src", "(.*)")`, []string{"m"}},
		{`{__name__="named", job="x"} + max_over_time(s[5m:1m]) + Inf + NaN`, []string{"named", "s"}},
		{"topk(5, sum by(route)(h_count)) # comment naming fake_metric\n", []string{"h_count"}},
		{`-sum by (reason) (rate(d_total{job="parley", instance=~".*"}[5m])) > 0`, []string{"d_total"}},
		{`count(a) by (le)`, []string{"a"}},
	} {
		got, err := MetricNames(tt.expr)
		if err != nil {
			t.Errorf("MetricNames(%q): %v", tt.expr, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("MetricNames(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
	for _, bad := range []string{`{__name__=~"parley_.*"}`, `a{b="c`, `a[5m`} {
		if _, err := MetricNames(bad); err == nil {
			t.Errorf("MetricNames(%q) accepted it", bad)
		}
	}
}
