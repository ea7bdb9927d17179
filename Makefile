# Luoshi: `make demo` runs the main job on the sample ledger, `make test` runs every test.
# Both install what a fresh Debian machine with Swift lacks.

SWIFT ?= swift
DEMO_DIR := demo
BIN := .build/release/luoshi
# Release builds link the Swift runtime and Foundation statically: with 14 fewer libraries for the
# dynamic loader to bind, a command starts 4-11 ms sooner (32 ms against 36-42 ms to its first error).
RELEASE := -c release --static-swift-stdlib

FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 1
SOAK_SECONDS ?= 60

.PHONY: deps build release demo test bench clean fuzz fuzz-libfuzzer soak

# System packages: libgit2 (and pkg-config to find it), libdeflate, jemalloc, SQLite (the history index, through GRDB),
# libcurl (Foundation's URLSession, which `--remote` uses, links it; a static-stdlib release build needs its -dev),
# zlib (the server gzips large answers with it),
# openssl for the server's HTTPS test certificate, ssh-keygen for keys and signature checks,
# curl for the server's tests, nginx and fcgiwrap to test a ledger behind a stock git server, schemathesis to check the server against schemas/openapi.json,
# Python's jsonschema to check records against schemas/ with an independent validator, Chromium (and
# a Chinese font) to test the HTML report in a real browser, chromium-driver and Selenium to drive the web UI.
deps:
	@missing=""; \
	pkg-config --exists libgit2 2>/dev/null || missing="$$missing libgit2-dev pkg-config"; \
	pkg-config --exists libdeflate 2>/dev/null || missing="$$missing libdeflate-dev"; \
	pkg-config --exists jemalloc 2>/dev/null || missing="$$missing libjemalloc-dev"; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	pkg-config --exists zlib 2>/dev/null || missing="$$missing zlib1g-dev"; \
	pkg-config --exists libcurl 2>/dev/null || missing="$$missing libcurl4-openssl-dev"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v ssh-keygen >/dev/null || missing="$$missing openssh-client"; \
	command -v git >/dev/null || missing="$$missing git"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx-light"; \
	[ -x /usr/sbin/fcgiwrap ] || command -v fcgiwrap >/dev/null || missing="$$missing fcgiwrap"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi; \
	if ! python3 -c 'import jsonschema, referencing, rfc3339_validator, regex, selenium' 2>/dev/null || ! python3 -m schemathesis.cli --version >/dev/null 2>&1; then \
	  echo "installing: jsonschema rfc3339-validator regex schemathesis selenium (PyPI)"; \
	  python3 -m pip --version >/dev/null 2>&1 || { SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; $$SUDO apt-get install -y -qq python3-pip >/dev/null; }; \
	  python3 -m pip install -q --break-system-packages jsonschema rfc3339-validator regex schemathesis selenium 2>/dev/null || python3 -m pip install -q jsonschema rfc3339-validator regex schemathesis selenium; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE) --product luoshi

demo: release
	@scripts/demo.sh $(BIN) $(DEMO_DIR)

# The Swift tests, then the live server against its OpenAPI description (schemathesis, bounded),
# then the web UI in headless Chromium (Selenium; screenshots kept in .build/browser-artefacts).
test: deps
	$(SWIFT) test
	scripts/check-openapi.sh .build/debug/luoshi
	scripts/browser-test.py .build/debug/luoshi

bench: release
	@scripts/bench.sh $(BIN)
	@scripts/bench-verify.sh $(BIN)
	@scripts/bench-status.sh $(BIN)
	@scripts/bench-history.sh $(BIN)
	@scripts/bench-sync.sh $(BIN)
	@scripts/bench-serve.sh $(BIN)
	@scripts/bench-web.sh $(BIN)

# `make test` fuzzes for 45 s and soaks for 20 s; these run them longer (README: Fuzzing, Soak).
fuzz: deps
	$(SWIFT) build $(RELEASE) --product luoshi-fuzz
	.build/release/luoshi-fuzz --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) --sample .fuzz-artifacts/sample --validate scripts/validate.py

fuzz-libfuzzer: deps
	scripts/libfuzzer.sh $(FUZZ_SECONDS)

soak: release
	scripts/soak.sh $(BIN) $(SOAK_SECONDS)

clean:
	rm -rf .build $(DEMO_DIR) .fuzz-artifacts
