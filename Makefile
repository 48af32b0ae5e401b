# The Makefile is the contract with CI: make run, make test, make lint, make bench.
GO      ?= go
BIN     := bin/qiymet
PKGS    := ./...
FUZZTIME ?= 10s

.PHONY: build run test test-go test-fuzz lint bench faults clean

build:
	$(GO) build -o $(BIN) ./cmd/qiymet

# Builds, loads the demo on the first start of an empty database, serves on http://localhost:8080.
run: build
	./$(BIN) demo --if-empty
	./$(BIN) serve

# Everything, PostgreSQL included (set QIYMET_TEST_PG to use another server).
test: build
	bash .ci/deps
	$(GO) vet $(PKGS)
	$(MAKE) test-go
	$(MAKE) test-fuzz

test-go:
	$(GO) test -count=1 -timeout 30m $(PKGS)

# Each fuzz target briefly (longer by hand: make test-fuzz FUZZTIME=10m).
test-fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg >/dev/null || { $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; exit 1; }; \
	  done; \
	done

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

bench:
	@echo "benchmarks: see BENCHMARKS.md"

clean:
	rm -rf bin
