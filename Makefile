# Parley: `make run` starts a node on :8080 with the embedded store;
# `make test` runs every test a fresh machine can run.
GO       ?= go
BIN      := bin/parley
GOFILES  := $(shell find . -name '*.go' -not -path './e2e/*' -not -path './node_modules/*') go.mod go.sum
E2E_DEPS := e2e/node_modules/.package-lock.json examples/weather-service/node_modules/.package-lock.json

.PHONY: run build test test-go test-e2e test-rules vet bench clean

build: $(BIN)

$(BIN): $(GOFILES) rooms/sensitive_words.txt
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/parley

run: $(BIN)
	./$(BIN)

vet:
	$(GO) vet ./...

test: vet test-go test-rules test-e2e

test-go:
	$(GO) test -race -count=1 ./...

e2e/node_modules/.package-lock.json: e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund

# The e2e tests run the example service client against the server.
examples/weather-service/node_modules/.package-lock.json: examples/weather-service/package.json examples/weather-service/package-lock.json
	cd examples/weather-service && npm ci --no-audit --no-fund

test-e2e: $(BIN) $(E2E_DEPS)
	cd e2e && PARLEY_BIN=$(CURDIR)/$(BIN) npm test

# Prometheus config, rules and rule unit tests (promtool: Debian's
# `prometheus` package; .ci/run installs it).
PROMTOOL ?= promtool
PROM_DIR := monitoring/prometheus

test-rules:
	$(PROMTOOL) check config $(PROM_DIR)/prometheus.yml
	$(PROMTOOL) check rules $(PROM_DIR)/rules/*.yml
	$(PROMTOOL) test rules $(PROM_DIR)/tests/*.yml

# Benchmarks report figures; they are not pass/fail gates.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./store/sqlite/
	$(GO) test -run '^$$' -bench MentionToFirstDelta -benchtime 200x ./assistant/

clean:
	rm -rf bin
