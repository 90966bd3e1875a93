# Parley: `make run` starts a node on :8080 with the embedded store;
# `make test` gets a fresh Debian machine ready (scripts/test-env.sh) and
# runs every test.
GO       ?= go
BIN      := bin/parley
# What `parley version` and parley_build_info report.
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BUILD_DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS  := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(BUILD_DATE)
GOFILES  := $(shell find . -name '*.go' -not -path './e2e/*' -not -path './node_modules/*' -not -path './webapp/node_modules/*') go.mod go.sum
E2E_DEPS := e2e/node_modules/.package-lock.json examples/weather-service/node_modules/.package-lock.json
# Web UI: webapp/dist is built by Vite and embedded into the binary.
WEB_DEPS := webapp/node_modules/.package-lock.json
WEB_DIST := webapp/dist/index.html
WEB_SRC  := $(shell find webapp/src webapp/public -type f 2>/dev/null) webapp/index.html webapp/package.json webapp/package-lock.json webapp/vite.config.ts webapp/tsconfig.json

.PHONY: run build image test check test-go fuzz test-e2e test-rules test-web test-browser web screenshots vet bench clean

build: $(BIN)

$(BIN): $(GOFILES) rooms/sensitive_words.txt $(WEB_DIST)
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/parley

# The container image docker-compose.yml runs, stamped with this checkout's
# version.
image:
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg BUILD_DATE=$(BUILD_DATE) -t parley:local .

run: $(BIN)
	./$(BIN)

vet:
	$(GO) vet ./...

# test installs what is missing (Chromium, promtool, amtool, redis-server,
# Go modules), starts a throw-away Redis when none answers on 6379, and
# runs check; check alone runs the tests on a machine that has it all.
test:
	@bash scripts/test-env.sh $(MAKE) --no-print-directory check

check: vet test-go fuzz test-rules test-e2e test-web test-browser

test-go:
	$(GO) test -race -count=1 ./...

# Native Go fuzzing, FUZZTIME per target (go runs one -fuzz target per
# invocation). Plain `go test` already replays each target's seeds and
# testdata/fuzz corpus; this searches for new inputs. A crasher is written
# to the package's testdata/fuzz/<Target>/: keep it there with the fix.
FUZZTIME ?= 3s
FUZZ_TARGETS := FuzzDecodePayload:./server FuzzMentionCandidates:./rooms FuzzFilterMask:./rooms FuzzDialogue:./assistant

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t%%:*} ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}\$$" -fuzztime $(FUZZTIME) $${t#*:}; \
	done

e2e/node_modules/.package-lock.json: e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund

# The e2e tests run the example service client against the server.
examples/weather-service/node_modules/.package-lock.json: examples/weather-service/package.json examples/weather-service/package-lock.json
	cd examples/weather-service && npm ci --no-audit --no-fund

test-e2e: $(BIN) $(E2E_DEPS)
	cd e2e && PARLEY_BIN=$(CURDIR)/$(BIN) npm test

$(WEB_DEPS): webapp/package.json webapp/package-lock.json
	cd webapp && npm ci --no-audit --no-fund

$(WEB_DIST): $(WEB_SRC) $(WEB_DEPS)
	cd webapp && npm run build

web: $(WEB_DIST)

# Vitest unit tests of the client's logic (merge, mentions, markdown).
test-web: $(WEB_DEPS)
	cd webapp && npm test

# Browser tests: playwright-core drives /usr/bin/chromium against the binary.
test-browser: $(BIN) $(WEB_DEPS) $(E2E_DEPS)
	cd webapp && PARLEY_BIN=$(CURDIR)/$(BIN) npm run test:browser

# Regenerates docs/screenshots/*.png (desktop 1280x800, phone 390x844).
screenshots: $(BIN) $(WEB_DEPS) $(E2E_DEPS)
	cd webapp && PARLEY_BIN=$(CURDIR)/$(BIN) npm run screenshots

# Prometheus config, rules and rule unit tests (promtool: Debian's
# `prometheus` package), and the Alertmanager config, with a check that both
# severities reach the expected receiver: change it with the route (amtool:
# Debian's `prometheus-alertmanager`). scripts/test-env.sh installs both.
PROMTOOL ?= promtool
AMTOOL ?= amtool
PROM_DIR := monitoring/prometheus

test-rules:
	$(PROMTOOL) check config $(PROM_DIR)/prometheus.yml
	$(PROMTOOL) check rules $(PROM_DIR)/rules/*.yml
	$(PROMTOOL) test rules $(PROM_DIR)/tests/*.yml
	$(AMTOOL) check-config monitoring/alertmanager/alertmanager.yml
	$(AMTOOL) config routes test --config.file=monitoring/alertmanager/alertmanager.yml --verify.receivers=alert-log alertname=ParleyNoReadyNodes severity=critical
	$(AMTOOL) config routes test --config.file=monitoring/alertmanager/alertmanager.yml --verify.receivers=alert-log alertname=ParleyNodeNotReady severity=warning

# Benchmarks report figures; they are not pass/fail gates. The side-by-side
# (bench/sidebyside, docs/benchmarks.md) takes ~8 minutes; BENCH_FLAGS
# narrows it, e.g. BENCH_FLAGS='-mode fanout -pin pinned' or BENCH_FLAGS=-short.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./store/sqlite/
	$(GO) test -run '^$$' -bench MentionToFirstDelta -benchtime 200x ./assistant/
	$(GO) test -run '^$$' -bench Fanout -benchtime 2s ./server/
	$(GO) run ./bench/sidebyside $(BENCH_FLAGS)

clean:
	rm -rf bin
