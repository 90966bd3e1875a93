package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/parley-chat/parley/app"
)

// loadProject reads docker-compose.yml as `docker compose config` does
// (compose-go: the schema, interpolation, anchors and merges), with env as
// the .env file would set it.
func loadProject(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	var list []string
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root), cli.WithEnv(list), cli.WithName("parley"), cli.WithInterpolation(true))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

var secrets = map[string]string{
	"PARLEY_JWT_SECRET":      "a-test-key-of-more-than-thirty-two-bytes-0123456789",
	"GRAFANA_ADMIN_PASSWORD": "grafana-test-password",
}

// TestComposeConfigLoads: the file is a valid compose project with the
// secrets set, and compose refuses it without them.
func TestComposeConfigLoads(t *testing.T) {
	p := loadProject(t, secrets)
	if got := p.Services["parley1"].Environment["PARLEY_JWT_SECRET"]; got == nil || *got != secrets["PARLEY_JWT_SECRET"] {
		t.Errorf("parley1 PARLEY_JWT_SECRET = %v, want the value from .env", got)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root), cli.WithEnv([]string{"GRAFANA_ADMIN_PASSWORD=x"}), cli.WithName("parley"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := opts.LoadProject(context.Background()); err == nil || !strings.Contains(err.Error(), "PARLEY_JWT_SECRET") {
		t.Errorf("without PARLEY_JWT_SECRET: err %v, want compose to refuse and name it", err)
	}
}

// TestComposeBuildsOneImage: parley1 builds the image once; parley2 and
// alert-log run that image and never build or pull their own.
func TestComposeBuildsOneImage(t *testing.T) {
	p := loadProject(t, secrets)
	p1 := p.Services["parley1"]
	if p1.Build == nil || p1.Image == "" {
		t.Fatalf("parley1: build %v, image %q; it should build the image and name it", p1.Build, p1.Image)
	}
	for _, arg := range []string{"VERSION", "COMMIT", "BUILD_DATE"} {
		if _, ok := p1.Build.Args[arg]; !ok {
			t.Errorf("parley1 build passes no %s build argument (parley version would say devel)", arg)
		}
	}
	var builders []string
	for name, s := range p.Services {
		if s.Build != nil {
			builders = append(builders, name)
		}
	}
	if !slices.Equal(builders, []string{"parley1"}) {
		t.Errorf("services that build an image: %v, want [parley1] only", builders)
	}
	for _, name := range []string{"parley2", "alert-log"} {
		s := p.Services[name]
		if s.Image != p1.Image || s.PullPolicy != types.PullPolicyNever {
			t.Errorf("%s: image %q pull_policy %q, want parley1's image %q, never pulled", name, s.Image, s.PullPolicy, p1.Image)
		}
	}
	if got := loadProject(t, map[string]string{"PARLEY_JWT_SECRET": secrets["PARLEY_JWT_SECRET"], "GRAFANA_ADMIN_PASSWORD": "x",
		"PARLEY_IMAGE": "registry.example.com/parley:1.2.3"}).Services["parley2"].Image; got != "registry.example.com/parley:1.2.3" {
		t.Errorf("PARLEY_IMAGE in .env: parley2 runs %q", got)
	}
}

// TestComposeNginxWaitsForHealthyNodes: nginx starts once both nodes answer
// /readyz, so the first visitors get the app rather than 502.
func TestComposeNginxWaitsForHealthyNodes(t *testing.T) {
	p := loadProject(t, secrets)
	deps := p.Services["nginx"].DependsOn
	for _, n := range []string{"parley1", "parley2"} {
		if d, ok := deps[n]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("nginx depends on %s with %+v, want condition service_healthy", n, d)
		}
	}
	if d := p.Services["alertmanager"].DependsOn["alert-log"]; d.Condition != types.ServiceConditionHealthy {
		t.Errorf("alertmanager depends on alert-log with %+v, want service_healthy", d)
	}
}

// TestComposeEverySettingFromDotEnv: each variable Parley reads can be set
// in .env and reaches both nodes unchanged.
func TestComposeEverySettingFromDotEnv(t *testing.T) {
	vars := map[string]bool{}
	if _, err := app.LoadConfig(func(k string) string { vars[k] = true; return "" }, nil); err != nil {
		t.Fatal(err)
	}
	if len(vars) < 40 || !vars["PARLEY_REDIS_URL"] {
		t.Fatalf("read %d variables from app.LoadConfig; expected every PARLEY_ setting", len(vars))
	}
	env := map[string]string{}
	for k := range secrets {
		env[k] = secrets[k]
	}
	for k := range vars {
		if _, set := env[k]; !set {
			env[k] = "from-dotenv-" + strings.ToLower(k)
		}
	}
	p := loadProject(t, env)
	for _, node := range []string{"parley1", "parley2"} {
		got := p.Services[node].Environment
		for k := range vars {
			if v := got[k]; v == nil || *v != env[k] {
				t.Errorf("%s: %s = %v, want %q from .env", node, k, v, env[k])
			}
		}
		for k := range got {
			if strings.HasPrefix(k, "PARLEY_") && !vars[k] {
				t.Errorf("%s sets %s, which Parley does not read", node, k)
			}
		}
	}
	// The defaults that make the compose deployment work without any of it.
	p = loadProject(t, secrets)
	for k, want := range map[string]string{
		"PARLEY_REDIS_URL":   "redis://redis:6379/0",
		"PARLEY_MONGODB_URI": "mongodb://mongo:27017/?replicaSet=rs0",
		"PARLEY_ADDR":        ":8080",
		"PARLEY_DATA_DIR":    "/data",
		"PARLEY_LOG_FORMAT":  "json",
	} {
		if v := p.Services["parley1"].Environment[k]; v == nil || *v != want {
			t.Errorf("default %s = %v, want %q", k, v, want)
		}
	}
}

// TestDockerfilePinsSupportedImages: every base image is a pinned release
// line (no floating or end-of-life tag), the build stamps the version and
// the image carries OCI labels.
func TestDockerfilePinsSupportedImages(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	args := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^ARG (\w+)=(\S+)$`).FindAllStringSubmatch(df, -1) {
		args[m[1]] = m[2]
	}
	for _, in := range dockerfile(t) {
		if in[0] != "FROM" {
			continue
		}
		image, _, _ := strings.Cut(in[1], " ")
		image = regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(image, func(v string) string { return args[v[2:len(v)-1]] })
		_, tag, ok := strings.Cut(image, ":")
		if !ok || tag == "" || tag == "latest" || !regexp.MustCompile(`\d`).MatchString(tag) {
			t.Errorf("FROM %s: not pinned to a version", image)
		}
		// Lines whose support ended before this file was last reviewed.
		for _, eol := range []string{"node:18", "node:20", "golang:1.24", "golang:1.23", "alpine:3.19", "alpine:3.20", "alpine:3.21",
			"-alpine3.19", "-alpine3.20", "-alpine3.21"} {
			if strings.HasPrefix(image, eol) || strings.HasSuffix(image, eol) {
				t.Errorf("FROM %s: %s is past its end of life", image, strings.TrimPrefix(eol, "-"))
			}
		}
	}
	for _, want := range []string{"-X main.version=${VERSION}", "-X main.commit=${COMMIT}", "-X main.date=${BUILD_DATE}",
		"org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.source", "org.opencontainers.image.licenses"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
