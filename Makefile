# Parley: `make run` starts a node on :8080 with the embedded store;
# `make test` runs every test a fresh machine can run.
GO       ?= go
BIN      := bin/parley
GOFILES  := $(shell find . -name '*.go' -not -path './e2e/*' -not -path './node_modules/*') go.mod go.sum
E2E_DEPS := e2e/node_modules/.package-lock.json

.PHONY: run build test test-go test-e2e vet bench clean

build: $(BIN)

$(BIN): $(GOFILES) rooms/sensitive_words.txt
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/parley

run: $(BIN)
	./$(BIN)

vet:
	$(GO) vet ./...

test: vet test-go test-e2e

test-go:
	$(GO) test -race -count=1 ./...

$(E2E_DEPS): e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund

test-e2e: $(BIN) $(E2E_DEPS)
	cd e2e && PARLEY_BIN=$(CURDIR)/$(BIN) npm test

# Benchmarks report figures; they are not pass/fail gates.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./store/sqlite/

clean:
	rm -rf bin
