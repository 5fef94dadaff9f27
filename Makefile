# reconcile: build, test, benchmark. `make test` is what CI runs (.ci/run).
SWIFT ?= swift

.PHONY: build release test clean

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

test: build
	$(SWIFT) test

clean:
	rm -rf .build
