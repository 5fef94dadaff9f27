# reconcile: build, test, benchmark. `make test` is what CI runs (.ci/run).
SWIFT ?= swift

.PHONY: build release test fuzz clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

test: build
	$(SWIFT) test

# libFuzzer on the loader and the unit-file parser, FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf .build
