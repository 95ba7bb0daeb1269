# Thin wrapper over Meson. `make demo` and `make check` are the two set-up
# commands named in README.md; both install missing packages first.
BUILD ?= build
ASAN_BUILD ?= build-asan
MESON_FLAGS ?= -Dwerror=true

.PHONY: all deps build demo check test asan bench clean

all: build

deps:
	sh tools/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	sh tools/demo.sh $(BUILD)

test: build
	meson test -C $(BUILD) --print-errorlogs

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_FLAGS) -Db_sanitize=address,undefined -Dbuildtype=debug

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	meson test -C $(ASAN_BUILD) --print-errorlogs

check: test asan

bench: build
	sh bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
