# Thin wrapper over Meson. `make demo` and `make check` are the two set-up
# commands named in README.md; both install missing packages first.
BUILD ?= build
ASAN_BUILD ?= build-asan
MESON_FLAGS ?= -Dwerror=true

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 10

.PHONY: all deps build demo check test asan fuzz bench clean

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

# libFuzzer targets (clang), each run briefly from the seeds in fuzz/corpus;
# new inputs go to a scratch copy, not into the repository.
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) $(MESON_FLAGS) -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) fuzz/fuzz_filter fuzz/fuzz_srcmap fuzz/fuzz_toml fuzz/fuzz_netlink
	for t in filter srcmap toml netlink; do \
		rm -rf $(FUZZ_BUILD)/corpus-$$t && cp -r fuzz/corpus/$$t $(FUZZ_BUILD)/corpus-$$t && \
		$(FUZZ_BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/ \
			$(FUZZ_BUILD)/corpus-$$t >$(FUZZ_BUILD)/fuzz-$$t.log 2>&1; st=$$?; \
		echo "fuzz_$$t: $$(tail -1 $(FUZZ_BUILD)/fuzz-$$t.log)"; \
		[ $$st -eq 0 ] || { tail -40 $(FUZZ_BUILD)/fuzz-$$t.log; exit 1; }; \
	done

check: fuzz test asan
	@python3 tools/test_summary.py $(BUILD) $(ASAN_BUILD)

bench: build
	sh tools/deps.sh bench
	sh bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
