package monitoringtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Query is one PromQL expression and where it was found.
type Query struct {
	Where string
	Expr  string
}

// Dashboard is what the checks read of a Grafana dashboard.
type Dashboard struct {
	Title   string
	Queries []Query
	// DatasourceUIDs are the uids of the datasources its panels, queries and
	// variables name: "${datasource}" when they name a datasource variable.
	DatasourceUIDs []string
	// DatasourceVariables are its variables of type datasource, by name,
	// with the datasource type each offers ("prometheus").
	DatasourceVariables map[string]string
}

var variableRefRe = regexp.MustCompile(`^(?:\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|\$([a-zA-Z_][a-zA-Z0-9_]*))$`)

// VariableRef is the name of the variable a datasource uid refers to
// ("${datasource}" or "$datasource"), or "" for a plain uid.
func VariableRef(uid string) string {
	m := variableRefRe.FindStringSubmatch(uid)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

type grafanaPanel struct {
	Title      string             `json:"title"`
	Datasource *grafanaDatasource `json:"datasource"`
	Targets    []struct {
		RefID      string             `json:"refId"`
		Expr       string             `json:"expr"`
		Datasource *grafanaDatasource `json:"datasource"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // a row's, when collapsed
}

type grafanaDatasource struct {
	UID string `json:"uid"`
}

// ReadDashboard reads a dashboard JSON file: every panel's (and collapsed
// row's panels') target expressions, and the expressions of its query
// variables (label_values(expr, label) and query_result(expr) give expr).
func ReadDashboard(path string) (*Dashboard, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Title      string         `json:"title"`
		Panels     []grafanaPanel `json:"panels"`
		Templating struct {
			List []struct {
				Name       string             `json:"name"`
				Type       string             `json:"type"`
				Datasource *grafanaDatasource `json:"datasource"`
				Query      json.RawMessage    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d := &Dashboard{Title: raw.Title, DatasourceVariables: map[string]string{}}
	uids := map[string]bool{}
	addDS := func(ds *grafanaDatasource) {
		if ds != nil && ds.UID != "" {
			uids[ds.UID] = true
		}
	}
	file := filepath.Base(path)
	var walk func([]grafanaPanel)
	walk = func(panels []grafanaPanel) {
		for _, p := range panels {
			addDS(p.Datasource)
			for _, t := range p.Targets {
				addDS(t.Datasource)
				if t.Expr != "" {
					d.Queries = append(d.Queries, Query{Where: fmt.Sprintf("%s panel %q query %s", file, p.Title, t.RefID), Expr: t.Expr})
				}
			}
			walk(p.Panels)
		}
	}
	walk(raw.Panels)
	for _, v := range raw.Templating.List {
		if v.Type == "datasource" {
			d.DatasourceVariables[v.Name] = variableQuery(v.Query)
			continue
		}
		if v.Type != "query" {
			continue
		}
		addDS(v.Datasource)
		q := variableQuery(v.Query)
		if expr := variableExpr(q); expr != "" {
			d.Queries = append(d.Queries, Query{Where: fmt.Sprintf("%s variable %q", file, v.Name), Expr: expr})
		}
	}
	for uid := range uids {
		d.DatasourceUIDs = append(d.DatasourceUIDs, uid)
	}
	sort.Strings(d.DatasourceUIDs)
	return d, nil
}

// variableQuery accepts both shapes Grafana saves: a string, or an object
// with a "query" string.
func variableQuery(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Query string `json:"query"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.Query
}

var (
	labelValuesRe = regexp.MustCompile(`^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$`)
	queryResultRe = regexp.MustCompile(`^\s*query_result\((.*)\)\s*$`)
)

func variableExpr(q string) string {
	if m := labelValuesRe.FindStringSubmatch(q); m != nil {
		return m[1]
	}
	if m := queryResultRe.FindStringSubmatch(q); m != nil {
		return m[1]
	}
	if strings.HasPrefix(strings.TrimSpace(q), "label_values(") || strings.HasPrefix(strings.TrimSpace(q), "metrics(") {
		return "" // label_values(label) and metrics(re) select no series by name
	}
	return q
}

var (
	grafanaIntervalRe = regexp.MustCompile(`\$\{?__(rate_interval|interval|range)\}?`)
	grafanaVariableRe = regexp.MustCompile(`\$\{[a-zA-Z_][a-zA-Z0-9_]*(:[a-z]+)?\}|\$[a-zA-Z_][a-zA-Z0-9_]*|\[\[[a-zA-Z_][a-zA-Z0-9_]*\]\]`)
)

// Substitute replaces Grafana's variables as Grafana would before sending
// the query: interval variables by a duration, dashboard variables by a
// regex matching anything (they are used in =~ matchers). A variable used
// anywhere else then fails to parse, as it should.
func Substitute(expr string) string {
	expr = grafanaIntervalRe.ReplaceAllString(expr, "5m")
	return grafanaVariableRe.ReplaceAllString(expr, ".*")
}

// Rules is what the checks read of Prometheus rule files.
type Rules struct {
	// Records are the recording rules' names: series Prometheus makes.
	Records map[string]bool
	Queries []Query
	// Alerts are the alerting rules, in file order.
	Alerts []Alert
}

// Alert is an alerting rule's name and annotations.
type Alert struct {
	Name        string
	Where       string
	Annotations map[string]string
}

// ReadRules reads every rule file matching glob.
func ReadRules(glob string) (*Rules, error) {
	paths, err := filepath.Glob(glob)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no rule files match %s", glob)
	}
	r := &Rules{Records: map[string]bool{}}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var f struct {
			Groups []struct {
				Name  string `yaml:"name"`
				Rules []struct {
					Record      string            `yaml:"record"`
					Alert       string            `yaml:"alert"`
					Expr        string            `yaml:"expr"`
					Annotations map[string]string `yaml:"annotations"`
				} `yaml:"rules"`
			} `yaml:"groups"`
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, g := range f.Groups {
			for _, rule := range g.Rules {
				name := rule.Record
				if name == "" {
					name = rule.Alert
					r.Alerts = append(r.Alerts, Alert{Name: name, Where: fmt.Sprintf("%s alert %s", filepath.Base(path), name), Annotations: rule.Annotations})
				} else {
					r.Records[name] = true
				}
				r.Queries = append(r.Queries, Query{Where: fmt.Sprintf("%s rule %s", filepath.Base(path), name), Expr: rule.Expr})
			}
		}
	}
	return r, nil
}
