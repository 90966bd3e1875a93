// Package deploy_test checks the deployment files statically: there is no
// Docker engine where the tests run, so docker-compose.yml, the Dockerfile
// and deploy/nginx.conf are parsed and checked against the repository.
package deploy_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// root is the repository root, seen from this package's directory.
const root = ".."

// requireExists fails unless the repository path exists.
func requireExists(t *testing.T, what, rel string) {
	t.Helper()
	rel = filepath.Clean(strings.TrimPrefix(rel, "./"))
	if _, err := os.Stat(filepath.Join(root, rel)); err != nil {
		t.Errorf("%s: %s does not exist", what, rel)
	}
}

type compose struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

type service struct {
	Image       string            `yaml:"image"`
	PullPolicy  string            `yaml:"pull_policy"`
	Build       any               `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	DependsOn   any               `yaml:"depends_on"`
	Healthcheck *struct {
		Test    []string `yaml:"test"`
		Disable bool     `yaml:"disable"`
	} `yaml:"healthcheck"`
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	var names []string
	for name := range c.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"alert-log", "alertmanager", "grafana", "mongo", "nginx", "parley1", "parley2", "prometheus", "redis"}
	if !slices.Equal(names, want) {
		t.Errorf("services %v, want %v", names, want)
	}
	for _, name := range names {
		s := c.Services[name]
		if s.Healthcheck == nil || s.Healthcheck.Disable || len(s.Healthcheck.Test) < 2 {
			t.Errorf("service %s has no health check", name)
		}
		if s.Image == "" && s.Build == nil {
			t.Errorf("service %s has neither image nor build", name)
		}
	}
}

func TestComposeParleyNodes(t *testing.T) {
	c := loadCompose(t)
	p1, p2 := c.Services["parley1"], c.Services["parley2"]
	for _, v := range []string{"PARLEY_JWT_SECRET", "PARLEY_MONGODB_URI", "PARLEY_REDIS_URL"} {
		if p1.Environment[v] == "" || p1.Environment[v] != p2.Environment[v] {
			t.Errorf("%s: parley1 %q, parley2 %q; both nodes need the same, non-empty value", v, p1.Environment[v], p2.Environment[v])
		}
	}
	if uri := p1.Environment["PARLEY_MONGODB_URI"]; !strings.Contains(uri, "replicaSet=") {
		t.Errorf("PARLEY_MONGODB_URI %q names no replica set; Parley needs transactions", uri)
	}
	for _, n := range []string{"parley1", "parley2"} {
		hc := strings.Join(c.Services[n].Healthcheck.Test, " ")
		if !strings.Contains(hc, "/readyz") {
			t.Errorf("%s health check %q does not ask /readyz", n, hc)
		}
	}
	if cmd := strings.Join(c.Services["mongo"].Command, " "); !strings.Contains(cmd, "--replSet") {
		t.Errorf("mongo runs %q: not a replica set", cmd)
	}
	if hc := strings.Join(c.Services["mongo"].Healthcheck.Test, " "); !strings.Contains(hc, "rs.initiate") {
		t.Errorf("mongo's health check does not initiate the replica set: %q", hc)
	}
}

// TestComposeMounts: every bind mount's source exists, every named volume
// is declared, and the monitoring files sit where the services look.
func TestComposeMounts(t *testing.T) {
	c := loadCompose(t)
	mounts := map[string]string{} // container path -> source, per service checked below
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Errorf("%s: volume %q has no target", name, v)
				continue
			}
			src := parts[0]
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				requireExists(t, name+" mount", src)
			} else if _, ok := c.Volumes[src]; !ok {
				t.Errorf("%s: named volume %q is not declared", name, src)
			}
			mounts[name+" "+parts[1]] = src
		}
	}
	for key, want := range map[string]string{
		"prometheus /etc/prometheus":          "./monitoring/prometheus",
		"grafana /etc/grafana/provisioning":   "./monitoring/grafana/provisioning",
		"grafana /var/lib/grafana/dashboards": "./monitoring/grafana/dashboards",
		"nginx /etc/nginx/nginx.conf":         "./deploy/nginx.conf",
		"alertmanager /etc/alertmanager":      "./monitoring/alertmanager",
	} {
		if mounts[key] != want {
			t.Errorf("%s is mounted from %q, want %q", key, mounts[key], want)
		}
	}
	if cmd := strings.Join(c.Services["prometheus"].Command, " "); !strings.Contains(cmd, "--config.file=/etc/prometheus/prometheus.yml") {
		t.Errorf("prometheus command %q does not read /etc/prometheus/prometheus.yml", cmd)
	}
	requireExists(t, "prometheus config", "monitoring/prometheus/prometheus.yml")
	requireExists(t, "prometheus rules", "monitoring/prometheus/rules")
	if b, err := os.ReadFile(filepath.Join(root, "monitoring/prometheus/prometheus.yml")); err == nil {
		for _, target := range []string{"parley1:8080", "parley2:8080"} {
			if !strings.Contains(string(b), target) {
				t.Errorf("monitoring/prometheus/prometheus.yml does not scrape %s", target)
			}
		}
	}
	if !slices.Contains(c.Services["nginx"].Ports, "8080:80") {
		t.Errorf("nginx publishes %v, want 8080:80 (the README's address)", c.Services["nginx"].Ports)
	}
}

func TestNginxConf(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "deploy/nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	if strings.Count(conf, "{") != strings.Count(conf, "}") {
		t.Error("deploy/nginx.conf: unbalanced braces")
	}
	for _, want := range []string{
		"ip_hash;",                // long-polling sessions stay on their node
		"server parley1:8080",     // both nodes
		"server parley2:8080",     //
		"proxy_http_version 1.1;", // needed for the upgrade
		"Upgrade $http_upgrade",   // WebSocket upgrade headers
		"Connection $connection_upgrade",
		"proxy_set_header Host $http_host",          // the origin check compares host:port
		"location = /nginx-health",                  // the health check's target
		"proxy_set_header X-Request-Id $request_id", // one id from nginx's log into Parley's
		"access_log /dev/stdout parley_json;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("deploy/nginx.conf lacks %q", want)
		}
	}
}

// dockerfile is the instructions of a Dockerfile, continuation lines
// joined.
func dockerfile(t *testing.T) [][2]string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		op, args, _ := strings.Cut(cur, " ")
		out = append(out, [2]string{strings.ToUpper(op), strings.TrimSpace(args)})
		cur = ""
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var fromRe = regexp.MustCompile(`(?i)^(\S+)(?:\s+AS\s+(\S+))?$`)

func TestDockerfile(t *testing.T) {
	stages := map[string]bool{}
	var last struct {
		name, image, user string
		entrypoint        bool
	}
	sawCGOOff := false
	for _, in := range dockerfile(t) {
		op, args := in[0], in[1]
		switch op {
		case "FROM":
			m := fromRe.FindStringSubmatch(args)
			if m == nil {
				t.Fatalf("FROM %q", args)
			}
			if last.name != "" {
				stages[strings.ToLower(last.name)] = true
			}
			last.name, last.image, last.user, last.entrypoint = m[2], m[1], "", false
			if last.name == "" {
				last.name = "(final)"
			}
		case "COPY", "ADD":
			fields := strings.Fields(args)
			from := ""
			var paths []string
			for _, f := range fields {
				if v, ok := strings.CutPrefix(f, "--from="); ok {
					from = v
				} else if !strings.HasPrefix(f, "--") {
					paths = append(paths, f)
				}
			}
			if len(paths) < 2 {
				t.Errorf("%s %s: no source or destination", op, args)
				continue
			}
			if from != "" {
				if !stages[strings.ToLower(from)] {
					t.Errorf("%s --from=%s: no earlier stage of that name", op, from)
				}
				continue
			}
			for _, src := range paths[:len(paths)-1] {
				requireExists(t, "Dockerfile "+op, src)
			}
		case "RUN":
			if strings.Contains(args, "go build") {
				sawCGOOff = strings.Contains(args, "CGO_ENABLED=0")
				for _, f := range strings.Fields(args) {
					if strings.HasPrefix(f, "./") {
						requireExists(t, "go build package", f)
					}
				}
			}
		case "USER":
			last.user = args
		case "ENTRYPOINT", "CMD":
			last.entrypoint = true
		}
	}
	if !stages["web"] || !stages["build"] {
		t.Errorf("stages %v, want web (node) and build (Go) before the runtime", stages)
	}
	if !sawCGOOff {
		t.Error("the Go build does not set CGO_ENABLED=0")
	}
	user, _, _ := strings.Cut(last.user, ":")
	if user == "" || user == "root" || user == "0" {
		t.Errorf("the runtime stage runs as %q, want a non-root user", last.user)
	}
	if !last.entrypoint {
		t.Error("the runtime stage has no ENTRYPOINT or CMD")
	}
}
