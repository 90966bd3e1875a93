package monitoringtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Promtool returns the path of promtool (Debian's prometheus package), or
// "" when it is not installed.
func Promtool() string {
	p, err := exec.LookPath("promtool")
	if err != nil {
		return ""
	}
	return p
}

// CheckWithPromtool has promtool parse every query, as the recording rules
// of a rule file written to dir: `promtool check rules` is Prometheus's own
// parser, so a query that passes is one Prometheus accepts. Grafana
// variables are substituted first. On failure the error names the queries
// that do not parse.
func CheckWithPromtool(promtool, dir string, queries []Query) error {
	if err := check(promtool, dir, queries); err == nil {
		return nil
	}
	// Once more, one at a time, to say which.
	var bad []string
	for _, q := range queries {
		if err := check(promtool, dir, []Query{q}); err != nil {
			bad = append(bad, fmt.Sprintf("%s: %s\n%v", q.Where, q.Expr, err))
		}
	}
	if len(bad) == 0 {
		return fmt.Errorf("promtool rejects the queries together but accepts each alone")
	}
	return fmt.Errorf("promtool cannot parse:\n%s", strings.Join(bad, "\n"))
}

func check(promtool, dir string, queries []Query) error {
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	type group struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	}
	g := group{Name: "queries"}
	for i, q := range queries {
		g.Rules = append(g.Rules, rule{Record: fmt.Sprintf("query:check:%d", i), Expr: Substitute(q.Expr)})
	}
	b, err := yaml.Marshal(map[string][]group{"groups": {g}})
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "queries.rules.yml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return err
	}
	out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}
