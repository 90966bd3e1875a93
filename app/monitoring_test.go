package app

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parley-chat/parley/assistant/assistanttest"
	"github.com/parley-chat/parley/monitoring/monitoringtest"
)

// designFamilies are the metrics docs/operations.md promises, with their types.
var designFamilies = map[string]string{
	"parley_connections":                   "gauge",
	"parley_rooms_active":                  "gauge",
	"parley_messages_received_total":       "counter",
	"parley_messages_delivered_total":      "counter",
	"parley_message_ack_seconds":           "histogram",
	"parley_message_fanout_seconds":        "histogram",
	"parley_store_op_seconds":              "histogram",
	"parley_assistant_reply_seconds":       "histogram",
	"parley_assistant_first_token_seconds": "histogram",
	"parley_llm_requests_total":            "counter",
	"parley_errors_total":                  "counter",
	"parley_rate_limited_total":            "counter",
	"parley_build_info":                    "gauge",
}

// prometheusSeries are made by Prometheus itself, not scraped from Parley:
// up for every target, ALERTS for every pending or firing alert.
var prometheusSeries = map[string]bool{"up": true, "ALERTS": true}

// repoRoot is where the monitoring configuration lives, seen from this
// package's directory (where go test runs).
const repoRoot = ".."

// TestMonitoringAgainstARunningNode drives a little real traffic through a
// node (register, REST, a Socket.IO connection, a sent message, a rate
// limited one, an error, a disconnect), scrapes it, and checks the scrape
// against docs/operations.md, and every dashboard and rule query against the scrape.
func TestMonitoringAgainstARunningNode(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.SendRate, cfg.SendBurst = 0.001, 1 // the second message is refused
	model := assistanttest.NewModel("All ", "good.")
	t.Cleanup(model.Close)
	cfg.LLMBaseURL = model.URL + "/v1"
	cfg.Build = Build{Version: "v1.2.3-probe", Commit: "0123abc-dirty", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.99.9"}
	n := boot(t, cfg)
	secretText := "monitoring-probe-" + time.Now().Format("150405.000000")
	fams, text, secrets := driveTraffic(t, n, secretText)

	t.Run("DesignFamiliesObserved", func(t *testing.T) {
		for name, typ := range designFamilies {
			f, exposed := fams[name]
			switch {
			case !exposed:
				t.Errorf("%s is not exposed", name)
			case f.Type != typ:
				t.Errorf("%s is a %s, docs/operations.md says %s", name, f.Type, typ)
			case !f.Observed():
				t.Errorf("%s recorded nothing after real traffic: %v", name, f.Samples)
			}
		}
		for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "process_resident_memory_bytes", "parley_ready"} {
			if _, ok := fams[name]; !ok {
				t.Errorf("%s is not exposed", name)
			}
		}
	})

	t.Run("LabelsAreBounded", func(t *testing.T) {
		// No user id, room id, username or message text in any label; REST
		// routes by template.
		for what, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the exposition contains %s %q", what, s)
			}
		}
		for _, want := range []string{
			`route="/api/rooms/:id/messages"`, `route="unmatched"`,
			`parley_socket_disconnects_total{reason="client_disconnect"} 1`,
			`parley_socket_connects_total{outcome="accepted"} 1`,
			`parley_store_op_seconds_count{op="messages.append"}`,
			`route="/api/rooms/:id/files"`,
			`parley_uploads_total{outcome="stored"} 1`,
			"\nparley_build_info{commit=\"0123abc-dirty\",goversion=\"go1.99.9\",version=\"v1.2.3-probe\"} 1\n",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the exposition lacks %s", want)
			}
		}
	})

	rules, err := monitoringtest.ReadRules(filepath.Join(repoRoot, "monitoring/prometheus/rules/*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	dashboards, err := filepath.Glob(filepath.Join(repoRoot, "monitoring/grafana/dashboards/*.json"))
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("no dashboards (%v)", err)
	}
	datasources := provisionedDatasources(t)
	for _, path := range dashboards {
		d, err := monitoringtest.ReadDashboard(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("Dashboard/"+filepath.Base(path), func(t *testing.T) {
			if len(d.Queries) == 0 {
				t.Fatal("no queries")
			}
			// Every panel, query and variable names its datasource through a
			// datasource variable, so the dashboard works with whatever
			// Prometheus datasource a Grafana has; this one's provisioned
			// datasource must be of the variable's type.
			if len(d.DatasourceUIDs) == 0 {
				t.Error("no panel names a datasource")
			}
			for _, uid := range d.DatasourceUIDs {
				name := monitoringtest.VariableRef(uid)
				typ, isVar := d.DatasourceVariables[name]
				switch {
				case name == "":
					t.Errorf("datasource uid %q is hard-coded: use the ${datasource} variable", uid)
				case !isVar:
					t.Errorf("datasource %q names no datasource variable (%v)", uid, d.DatasourceVariables)
				case !datasources[typ]:
					t.Errorf("datasource variable %q offers %q datasources, none is provisioned (%v)", name, typ, datasources)
				}
			}
			checkQueries(t, d.Queries, fams, rules.Records)
		})
	}
	t.Run("Rules", func(t *testing.T) {
		// promtool check rules (make test-rules) parses them; here their
		// names are checked against the scrape.
		checkNames(t, rules.Queries, fams, rules.Records)
	})
}

// checkQueries has promtool parse each query and checks its names.
func checkQueries(t *testing.T, queries []monitoringtest.Query, fams monitoringtest.Families, records map[string]bool) {
	t.Helper()
	if promtool := monitoringtest.Promtool(); promtool != "" {
		if err := monitoringtest.CheckWithPromtool(promtool, t.TempDir(), queries); err != nil {
			t.Error(err)
		}
	} else if os.Getenv("CI") != "" {
		t.Error("promtool is not installed (.ci/run installs Debian's prometheus package)")
	} else {
		t.Log("promtool is not installed: the queries' syntax is not checked (apt-get install prometheus)")
	}
	checkNames(t, queries, fams, records)
}

// checkNames requires every metric name a query selects to be one the node
// exposes, a recording rule or a Prometheus series.
func checkNames(t *testing.T, queries []monitoringtest.Query, fams monitoringtest.Families, records map[string]bool) {
	t.Helper()
	for _, q := range queries {
		names, err := monitoringtest.MetricNames(monitoringtest.Substitute(q.Expr))
		if err != nil {
			t.Errorf("%s: %v", q.Where, err)
			continue
		}
		if len(names) == 0 {
			t.Errorf("%s selects no metric: %s", q.Where, q.Expr)
		}
		for _, name := range names {
			if _, ok := fams.Resolve(name); ok || records[name] || prometheusSeries[name] {
				continue
			}
			t.Errorf("%s uses %s, which a running Parley does not expose: %s", q.Where, name, q.Expr)
		}
	}
}

// provisionedDatasources are the types of the datasources Grafana's
// provisioning defines.
func provisionedDatasources(t *testing.T) map[string]bool {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(repoRoot, "monitoring/grafana/provisioning/datasources/*.yml"))
	types := map[string]bool{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Datasources []struct {
				UID  string `yaml:"uid"`
				Type string `yaml:"type"`
				URL  string `yaml:"url"`
			} `yaml:"datasources"`
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, d := range f.Datasources {
			types[d.Type] = true
		}
	}
	if len(types) == 0 {
		t.Fatal("no provisioned datasources")
	}
	return types
}

// driveTraffic exercises the node and returns its scrape, and the values
// that must never appear in a label.
func driveTraffic(t *testing.T, n *node, text string) (monitoringtest.Families, string, map[string]string) {
	t.Helper()
	tok := n.register("alice")
	n.register("bob")
	status, body := n.do("GET", "/api/me", tok, "")
	var me struct{ User struct{ ID string } }
	if err := json.Unmarshal([]byte(body), &me); status != http.StatusOK || err != nil || me.User.ID == "" {
		t.Fatalf("/api/me: %d %s", status, body)
	}
	status, body = n.do("POST", "/api/rooms", tok, `{"name":"ops-probe"}`)
	var created struct{ Room struct{ ID string } }
	if err := json.Unmarshal([]byte(body), &created); status != http.StatusCreated || err != nil || created.Room.ID == "" {
		t.Fatalf("create room: %d %s", status, body)
	}
	if status, body := n.do("GET", "/api/rooms/"+created.Room.ID+"/messages", tok, ""); status != http.StatusOK {
		t.Fatalf("room messages: %d %s", status, body)
	}
	upload(t, n, tok, created.Room.ID, "monitoring-probe.txt", []byte(text))
	n.do("GET", "/api/me", "", "")                        // UNAUTHORIZED
	n.do("GET", "/no/such/"+created.Room.ID+"/x", "", "") // unmatched route

	sid := n.socketIOConnect(tok)
	n.waitForMetric(`parley_connections 1`)
	q := "/socket.io/?EIO=4&transport=polling&sid=" + sid
	n.emit(q, `421["message:send",{"room":"general","text":"@assistant `+text+`","clientMsgId":"m1"}]`)
	n.pollFor(q, `431[{"message"`)
	n.waitForMetric(`parley_assistant_reply_seconds_count 1`)
	n.emit(q, `422["message:send",{"room":"general","text":"again","clientMsgId":"m2"}]`)
	n.pollFor(q, `RATE_LIMITED`)
	n.emit(q, `41`)
	n.waitForMetric(`parley_socket_disconnects_total{reason="client_disconnect"} 1`)

	_, scrape := n.do("GET", "/metrics", "", "")
	fams, err := monitoringtest.ParseExposition(scrape)
	if err != nil {
		t.Fatal(err)
	}
	return fams, scrape, map[string]string{
		"user id": me.User.ID, "room id": created.Room.ID, "message text": text, "username": "alice", "room name": "ops-probe",
	}
}

// upload posts a file to a room as multipart, and wants 201.
func upload(t *testing.T, n *node, token, roomID, name string, data []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	req, err := http.NewRequest("POST", n.base+"/api/rooms/"+roomID+"/files", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := n.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d", res.StatusCode)
	}
}

// emit posts one Socket.IO packet over long-polling.
func (n *node) emit(path, packet string) {
	n.t.Helper()
	if status, body := n.do("POST", path, "", packet); status != http.StatusOK {
		n.t.Fatalf("post %q: %d %s", packet, status, body)
	}
}

// pollFor long-polls until a payload contains want.
func (n *node) pollFor(path, want string) {
	n.t.Helper()
	var seen []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		status, body := n.do("GET", path, "", "")
		if status != http.StatusOK {
			n.t.Fatalf("poll: %d %s", status, body)
		}
		if strings.Contains(body, want) {
			return
		}
		seen = append(seen, body)
	}
	n.t.Fatalf("no %q in the polls: %q", want, seen)
}

// waitForMetric scrapes until the exposition has line.
func (n *node) waitForMetric(line string) {
	n.t.Helper()
	var metrics string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, metrics = n.do("GET", "/metrics", "", ""); strings.Contains(metrics, "\n"+line+"\n") {
			return
		}
	}
	n.t.Fatalf("/metrics never had %q", line)
}
