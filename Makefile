# Entry points for people and CI. `make test` is the project's whole test suite: unit tests
# and the system tests that boot real systemd in the nspawn test bed (scripts/README.md).
SWIFT ?= swift

.PHONY: build release build-static testbed test system-test fuzz bench clean clean-testbeds

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

# libFuzzer on the loader and the unit-file parser, FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

clean:
	rm -rf .build .build-fuzz

# Powers off every bed still up (after a crash of something other than a test process).
clean-testbeds:
	scripts/testbed list | awk '{ print $$1 }' | xargs -r -n1 scripts/testbed poweroff
