# BlockDB developer entry points. See DEVELOPERS.md.
#
#   make run        install missing packages, build Release, start a single-node server
#   make test       install, build, run the default test suite (CTest)
#   make sanitize   the test suite under ASan + UBSan (build-asan/)
#   make tsan       the concurrency tests under ThreadSanitizer (build-tsan/)
#   make soak       long crash loops (CRASH_CYCLES, default 300), then the transaction tests with
#                   TXN_SCALE (default 20) times their iterations
#   make bench      benchmarks against RocksDB (and later PostgreSQL) in the same run, then the
#                   ledger's (on/off, VERIFY against raw SHA-256, proofs; LEDGER_BENCH_ARGS), then
#                   the SQL layer's against PostgreSQL 15 (SQL_BENCH_ARGS), then pgbench over the
#                   wire against PostgreSQL 15 (PGBENCH_BENCH_ARGS, e.g. "-T 30"), then BI queries
#                   (joins, date_trunc, window functions) against PostgreSQL 15 (BI_BENCH_ARGS,
#                   e.g. "-r 100000" for a quick run)
#   make fuzz       the libFuzzer targets (SQL parser, wire-protocol decoder), built with clang in
#                   build-fuzz/, each run for FUZZ_SECONDS (default 120) from the seed corpus in
#                   tests/fuzz/corpus/ (new inputs go to build-fuzz/corpus/, crashes to build-fuzz/)
#   make format     clang-format every source file

BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
CTEST_FLAGS ?= --output-on-failure -j$(JOBS) --timeout 600
export CCACHE_DIR ?= $(HOME)/.cache/blockdb-ccache

LAUNCHER := $(shell command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)

.PHONY: deps build run test sanitize tsan soak fuzz bench format clean

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) $(CMAKE_FLAGS)

build: deps
	@$(MAKE) --no-print-directory $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/blockdb-server

test: build
	ctest --test-dir $(BUILD_DIR) $(CTEST_FLAGS)

sanitize: deps
	$(MAKE) --no-print-directory build test BUILD_DIR=build-asan CMAKE_FLAGS="-DBLOCKDB_SANITIZE=address"

tsan: deps
	$(MAKE) --no-print-directory build BUILD_DIR=build-tsan CMAKE_FLAGS="-DBLOCKDB_SANITIZE=thread"
	ctest --test-dir build-tsan $(CTEST_FLAGS) -R concurrency

soak: build
	BLOCKDB_CRASH_CYCLES=$${CRASH_CYCLES:-300} ctest --test-dir $(BUILD_DIR) --output-on-failure -R crash --timeout 3600
	BLOCKDB_TXN_SCALE=$${TXN_SCALE:-20} ctest --test-dir $(BUILD_DIR) --output-on-failure -R 'txn: (anomaly|elle|bank|locks)' --timeout 3600

FUZZ_SECONDS ?= 120
FUZZ_TARGETS := sql_parser pgwire_decoder

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DBUILD_TESTING=OFF -DBLOCKDB_FUZZ=ON $(LAUNCHER)
	cmake --build build-fuzz -j $(JOBS) --target $(addsuffix _fuzz,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t && \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s" && \
	  build-fuzz/bin/$${t}_fuzz -max_len=2048 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=build-fuzz/$$t- build-fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

bench: build
	$(BUILD_DIR)/bin/blockdb-bench-engine $(BENCH_ARGS)
	$(BUILD_DIR)/bin/blockdb-bench-ledger $(LEDGER_BENCH_ARGS)
	$(BUILD_DIR)/bin/blockdb-bench-sql $(SQL_BENCH_ARGS)
	PGBENCH_BENCH_SERVER=$(BUILD_DIR)/bin/blockdb-server bench/pgbench/run_pgbench_bench.sh $(PGBENCH_BENCH_ARGS)
	BI_BENCH_SERVER=$(BUILD_DIR)/bin/blockdb-server bench/bi/run_bi_bench.sh $(BI_BENCH_ARGS)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-tsan
