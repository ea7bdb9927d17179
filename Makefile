# Luoshi: `make demo` runs the main job on the sample ledger, `make test` runs every test.
# Both install what a fresh Debian machine with Swift lacks.

SWIFT ?= swift
DEMO_DIR := demo
BIN := .build/release/luoshi

.PHONY: deps build release demo test bench clean

# System packages: libgit2 (and pkg-config to find it), ssh-keygen for keys and signature checks,
# Python's jsonschema to check records against schemas/ with an independent validator.
deps:
	@missing=""; \
	pkg-config --exists libgit2 2>/dev/null || missing="$$missing libgit2-dev pkg-config"; \
	command -v ssh-keygen >/dev/null || missing="$$missing openssh-client"; \
	command -v git >/dev/null || missing="$$missing git"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi; \
	if ! python3 -c 'import jsonschema, referencing, rfc3339_validator' 2>/dev/null; then \
	  echo "installing: jsonschema rfc3339-validator (PyPI)"; \
	  python3 -m pip --version >/dev/null 2>&1 || { SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; $$SUDO apt-get install -y -qq python3-pip >/dev/null; }; \
	  python3 -m pip install -q --break-system-packages jsonschema rfc3339-validator 2>/dev/null || python3 -m pip install -q jsonschema rfc3339-validator; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product luoshi

demo: release
	@scripts/demo.sh $(BIN) $(DEMO_DIR)

test: deps
	$(SWIFT) test

bench: release
	@scripts/bench.sh $(BIN)

clean:
	rm -rf .build $(DEMO_DIR)
