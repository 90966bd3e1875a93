package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// required matches a compose value that makes `docker compose` refuse to
// start while the variable is unset or empty: ${NAME:?message}.
var required = regexp.MustCompile(`^\$\{([A-Z_]+):\?[^}]+\}$`)

// TestComposeRequiresSecrets: no signing key or Grafana password ships in
// the compose file; both must come from .env.
func TestComposeRequiresSecrets(t *testing.T) {
	c := loadCompose(t)
	for _, tc := range []struct{ service, key, variable string }{
		{"parley1", "PARLEY_JWT_SECRET", "PARLEY_JWT_SECRET"},
		{"parley2", "PARLEY_JWT_SECRET", "PARLEY_JWT_SECRET"},
		{"grafana", "GF_SECURITY_ADMIN_PASSWORD", "GRAFANA_ADMIN_PASSWORD"},
	} {
		v := c.Services[tc.service].Environment[tc.key]
		m := required.FindStringSubmatch(v)
		if m == nil || m[1] != tc.variable {
			t.Errorf("%s %s = %q, want ${%s:?...} (required, no default)", tc.service, tc.key, v, tc.variable)
		}
	}
}

// portRe splits a short-syntax port, [IP:]HOST:CONTAINER, into its address
// (group 1; group 2 is the default of a ${NAME:-default}) and its ports.
var portRe = regexp.MustCompile(`^(?:(\$\{[A-Z_]+:-([^}]*)\}|[0-9.]+):)?(\d+):(\d+)$`)

// TestComposeInternalPortsOnLocalhost: only the chat (nginx) is published
// on every interface by default; Prometheus and Grafana listen on 127.0.0.1
// unless the operator opts in, and the Parley nodes (whose listen address
// also serves /metrics) publish nothing.
func TestComposeInternalPortsOnLocalhost(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if name == "nginx" {
				continue
			}
			m := portRe.FindStringSubmatch(p)
			if m == nil {
				t.Errorf("%s: port %q is not [IP:]HOST:CONTAINER", name, p)
				continue
			}
			ip := m[1]
			if m[2] != "" {
				ip = m[2]
			}
			if ip != "127.0.0.1" {
				t.Errorf("%s publishes %q on %q by default, want 127.0.0.1", name, p, ip)
			}
		}
	}
	for name, want := range map[string]string{
		"prometheus": "${PROMETHEUS_BIND:-127.0.0.1}:9090:9090",
		"grafana":    "${GRAFANA_BIND:-127.0.0.1}:3000:3000",
	} {
		if !slices.Equal(c.Services[name].Ports, []string{want}) {
			t.Errorf("%s publishes %v, want [%s]", name, c.Services[name].Ports, want)
		}
	}
	for _, name := range []string{"parley1", "parley2", "mongo", "redis"} {
		if ports := c.Services[name].Ports; len(ports) != 0 {
			t.Errorf("%s publishes %v, want nothing", name, ports)
		}
	}
	b, err := os.ReadFile(filepath.Join(root, "deploy/nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`location = /metrics \{\s*return 404;`).Match(b) {
		t.Error("deploy/nginx.conf passes /metrics through to the public port")
	}
}

// TestEnvExample: .env.example names every variable compose requires,
// with an empty value (it ships no secret), says how to make a key, and
// .env itself stays out of git and of the image.
func TestEnvExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	assigned := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(line, "#") {
			assigned[k] = v
		}
	}
	compose, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+):\?`).FindAllStringSubmatch(string(compose), -1) {
		names[m[1]] = true
	}
	if len(names) == 0 {
		t.Fatal("docker-compose.yml requires no variable")
	}
	for name := range names {
		v, ok := assigned[name]
		if !ok {
			t.Errorf(".env.example does not list %s, which compose requires", name)
		} else if v != "" {
			t.Errorf(".env.example sets %s=%q, want it empty (no shipped secret)", name, v)
		}
	}
	if !strings.Contains(string(b), "openssl rand -base64 48") {
		t.Error(".env.example does not say how to generate PARLEY_JWT_SECRET (openssl rand -base64 48)")
	}
	for _, f := range []string{".gitignore", ".dockerignore"} {
		ig, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(strings.Split(string(ig), "\n"), ".env") {
			t.Errorf("%s does not ignore .env", f)
		}
	}
}
