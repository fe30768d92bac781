// The workloads of blockdb-bench-ledger: what the ledger costs on the write path, how fast VERIFY
// runs against raw SHA-256, how fast proofs are produced, and how many bytes the ledger adds.
#pragma once

#include <cstdint>
#include <string>

#include "engine/db.h"
#include "engine/ledger_db.h"

namespace blockdb::bench {

// Engine options of every run: the engine benchmark's budgets (64 MiB memtable, 64 MiB block
// cache, LZ4), fsync before acknowledging.
EngineOptions BenchEngineOptions(const std::string& dir);

struct InsertFigures {
  uint64_t rows = 0;
  double rows_per_s = 0;
  double batch_p50_us = 0;
  double batch_p99_us = 0;
  // CPU time of the whole process (writers, apply, flushes, compactions) per row written, from
  // opening the store to closing it; set by the caller.
  double cpu_us_per_row = 0;
  bool failed = false;
};

// `writers` threads write durable batches of `rows_per_batch` new rows for `seconds`.
InsertFigures DurableInserts(DB* db, int writers, int rows_per_batch, double seconds);

// Writes rows 0..rows-1 (MakeKey/MakeValue) in durable batches of 1000 from 2 threads; returns
// the elapsed seconds, or a negative value on an error.
double Load(DB* db, uint64_t rows);

struct ShaFigures {
  double bulk_mb_per_s = 0;   // one core, 1 MiB messages
  double entry_mb_per_s = 0;  // one core, messages the size of an entry
};

// Raw single-core SHA-256 throughput (the same library the ledger uses), each for ~`seconds`.
ShaFigures MeasureSha256(size_t entry_bytes, double seconds);

struct ProofFigures {
  double inclusion_p50_us = 0;
  double inclusion_p99_us = 0;
  double consistency_p50_us = 0;
  double consistency_p99_us = 0;
  double inclusion_bytes = 0;  // binary: indexes, leaf hash, root, path (average)
  double inclusion_json_bytes = 0;
  double consistency_bytes = 0;
  double consistency_json_bytes = 0;
  bool failed = false;
};

// `count` random inclusion proofs (of any leaf at the current size) and consistency proofs (from
// a random older size to the current one), after `count` / 10 of each to warm the caches.
ProofFigures MeasureProofs(const LedgerDB& ldb, uint64_t count);

}  // namespace blockdb::bench
