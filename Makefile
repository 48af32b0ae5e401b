# The Makefile is the contract with CI: make run, make test, make lint, make bench.
GO      ?= go
BIN     := bin/qiymet
PKGS    := ./...
FUZZTIME ?= 10s

.PHONY: build run test test-go test-fuzz lint bench bench-scale faults clean

build:
	$(GO) build -o $(BIN) ./cmd/qiymet

# Builds, loads the demo on the first start of an empty database (then prints its login), serves on
# http://localhost:8080 (QIYMET_ADDR=localhost:8081 make run to serve elsewhere; links follow the address).
run: build
	./$(BIN) demo --if-empty
	./$(BIN) serve

# Everything, PostgreSQL included (set QIYMET_TEST_PG to use another server).
test: build
	bash .ci/deps
	$(GO) vet $(PKGS)
	$(MAKE) test-go
	$(MAKE) test-fuzz

# go test starts packages in the order given, -p (the CPUs) at a time: the slowest go first, so that the run does
# not end waiting on web alone (./... order put it last: 8.5 min for the whole run on 2 cores, 7.3 with web and
# survey first). go test runs a package named twice once.
SLOWEST := $(if $(filter ./...,$(PKGS)),./web ./survey ./survey/figures ./cmd/qiymet)
test-go:
	$(GO) test -race -count=1 -timeout 30m $(SLOWEST) $(PKGS)

# Each fuzz target briefly (longer by hand: make test-fuzz FUZZTIME=10m); .ci/fuzz says how.
test-fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) PKGS="$(PKGS)" bash .ci/fuzz

STATICCHECK := 0.8.2

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) mod tidy -diff
	@# one `go install` per module, pinned; govulncheck v1.9.0 needs an x/telemetry version the proxy refuses (403)
	@bin/staticcheck -version 2>/dev/null | grep -q '$(STATICCHECK)' || GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@v$(STATICCHECK)
	@test -x bin/govulncheck || GOBIN=$(CURDIR)/bin $(GO) install golang.org/x/vuln/cmd/govulncheck@v1.8.0
	./bin/staticcheck $(PKGS)
	@# exit 3 = vulnerabilities found: fail; any other failure (no network to vuln.go.dev) only warns
	@./bin/govulncheck $(PKGS) || { rc=$$?; [ $$rc -ne 3 ] || exit 3; echo "lint: WARNING: govulncheck could not run (exit $$rc; offline?)" >&2; }

# Fault tests, long forms (the short ones run in `make test`): kill -9 mid-load, PostgreSQL stopped mid-load
# (QIYMET_FAULTS_PG=1), two instances on one database. BENCH=1 adds the ingest benchmark (pgbench).
faults:
	bash .ci/faults/run.sh

# Rankings over 10M responses on PostgreSQL and SQLite vs a GROUP BY over the raw rows; writes BENCHMARKS.md.
# The databases (PostgreSQL qiymet_bench, /tmp/qiymet-bench.db) are built on first use and then reused.
BENCHFLAGS ?=
bench:
	$(GO) test -count=1 -timeout 3h -v -run '^TestBenchReport$$' ./survey/figures/ -qiymet.bench -qiymet.bench.out=$(CURDIR)/BENCHMARKS.md $(BENCHFLAGS)
	$(GO) test -count=1 -timeout 1h -run '^$$' -bench '^BenchmarkRankings(Custom)?$$' -benchtime 200x ./survey/figures/ -qiymet.bench $(BENCHFLAGS) > /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -timeout 1h -run '^$$' -bench '^BenchmarkRankings1000Agencies$$' -benchtime 200x ./survey/figures/ -qiymet.bench $(BENCHFLAGS) >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -timeout 1h -run '^$$' -bench '^BenchmarkGroupByRankings$$' -benchtime 1x ./survey/figures/ -qiymet.bench $(BENCHFLAGS) >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -timeout 1h -run '^$$' -bench '^BenchmarkDashPages$$' -benchtime 200x ./web/ -qiymet.bench >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -timeout 10m -run '^$$' -bench '^BenchmarkPublicPeriodPage$$' -benchtime 1x ./web/ -qiymet.bench >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -run '^$$' -bench '^BenchmarkReport100Agencies$$' -benchmem ./scoring/report/ >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -timeout 1h -run '^$$' -bench '^BenchmarkCSV1M$$' -benchtime 1x ./survey/ >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	$(GO) test -count=1 -timeout 1h -run '^$$' -bench '^BenchmarkPartitions$$' -benchtime 1x ./survey/ >> /tmp/qiymet-bench-go.txt || { cat /tmp/qiymet-bench-go.txt; exit 1; }
	cat /tmp/qiymet-bench-go.txt
	{ echo; echo '```'; grep -E '^(Benchmark|goos|goarch|cpu|pkg)' /tmp/qiymet-bench-go.txt; echo '```'; } >> $(CURDIR)/BENCHMARKS.md
	bash .ci/bench-cli >> $(CURDIR)/BENCHMARKS.md
	bash .ci/bench-ingest >> $(CURDIR)/BENCHMARKS.md
	bash .ci/bench-import >> $(CURDIR)/BENCHMARKS.md

# Issue 20, item 5: rankings, a month's export and ingest at 10M and at 100M responses on PostgreSQL
# (.ci/bench-scale; about 35 minutes and ~55 GB of disk at the peak, so not part of bench).
bench-scale:
	bash .ci/bench-scale >> $(CURDIR)/BENCHMARKS.md

clean:
	rm -rf bin
