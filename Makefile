# Entry points for people and CI. `make test` is the project's whole test suite: unit tests
# and the system tests that boot real systemd in the nspawn test bed (scripts/README.md).
SWIFT ?= swift

.PHONY: lint format build release build-static testbed test system-test fuzz bench bench-offline bench-live clean \
  clean-testbeds

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# The binary the system tests copy into the bed: Swift runtime static, C libraries from
# the bed's Debian packages.
build-static:
	$(SWIFT) build --product reconcile -c release --static-swift-stdlib

# Builds (or reuses) the cached Debian 12 root the beds boot from.
testbed:
	scripts/testbed build

test: build build-static testbed
	$(SWIFT) test

# The system tests alone.
system-test: build-static testbed
	$(SWIFT) test --filter SystemTests

# The committed .swift-format style; CI fails on any difference.
lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

format:
	$(SWIFT) format -i -r Sources Tests Package.swift

# libFuzzer on the loader and the unit-file parser, FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

# The benchmark (docs/bench/README.md): offline on synthetic repositories of 10 to 5,000
# users, then live in the test bed (`swift build -c release --static-swift-stdlib`). Results in bench-results/ (ignored by git); the latest
# are copied to docs/bench/ to be committed. BENCH_SIZES, BENCH_RUNS narrow it.
BENCH_SIZES ?= 10,100,1000,5000
BENCH_RUNS ?= 7
# Both parts time the binary `build-static` makes, the one hosts (and the bed) run.
bench: bench-offline bench-live

bench-offline: build-static
	scripts/bench/run --sizes $(BENCH_SIZES) --runs $(BENCH_RUNS)
	mkdir -p docs/bench && cp bench-results/latest.json docs/bench/latest.json

bench-live: build-static testbed
	scripts/bench/live
	mkdir -p docs/bench && cp bench-results/live-latest.json docs/bench/live-latest.json

clean:
	rm -rf .build .build-fuzz

# Powers off every bed still up (after a crash of something other than a test process).
clean-testbeds:
	scripts/testbed list | awk '{ print $$1 }' | xargs -r -n1 scripts/testbed poweroff
