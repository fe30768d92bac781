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
  double bulk_mb_per_s = 0;         // one core, 1 MiB messages, OpenSSL
  double entry_mb_per_s = 0;        // one core, messages the size of an entry, OpenSSL
  double entry_lanes_mb_per_s = 0;  // the same through Sha256Many (batches of 48 messages)
  double node_lanes_mb_per_s = 0;   // 65-byte messages (tree nodes) through Sha256Many
};

// Raw single-core SHA-256 throughput, each figure for ~`seconds`: OpenSSL one message at a time
// (the raw speed the VERIFY target refers to) and BlockDB's Sha256Many, which VERIFY uses.
ShaFigures MeasureSha256(size_t entry_bytes, double seconds);

// One forward scan of every key of the store (rows and ledger records) at the latest snapshot,
// without filling the block cache, as VERIFY reads: the CPU seconds it took and the keys seen.
// The least any VERIFY must read; negative seconds when the scan fails.
struct ScanFigures {
  double cpu_seconds = -1;
  uint64_t keys = 0;
};
ScanFigures ScanStore(DB* db, double (*process_cpu_seconds)());

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
