// The workload shared by blockdb_crash_writer (which writes it) and tests/crash (which checks
// what survived a SIGKILL). Header-only so the tool and the test agree byte for byte.
//
// Cycle c writes batches numbered 0, 1, 2...; batch b of cycle c holds BatchSize(b) keys
// "c<cycle>-b<batch>-k<j>" with values from BatchValue. Every batch b with IsDuplicateBatch(b)
// also inserts the first key of batch 0 of its cycle, which was acknowledged before any of them
// was submitted, so the engine must reject it whole, at write time and at every replay.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "engine/db.h"
#include "engine/ledger_db.h"

namespace blockdb::crash_workload {

inline int BatchSize(uint64_t batch) { return 3 + static_cast<int>(batch % 4); }

inline bool IsDuplicateBatch(uint64_t batch) { return batch % 10 == 9; }

// With the ledger on, the writer logs a seal command after these batches.
inline bool IsSealBatch(uint64_t batch) { return batch % 7 == 3; }

inline std::string BatchKey(uint64_t cycle, uint64_t batch, int k) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "c%04llu-b%08llu-k%d", static_cast<unsigned long long>(cycle),
                static_cast<unsigned long long>(batch), k);
  return buf;
}

// 100..400 bytes, a function of the key, so a checker can verify every value it reads.
inline std::string BatchValue(const std::string& key) {
  size_t size = 100 + (key.size() * 131 + static_cast<unsigned char>(key.back()) * 7) % 300;
  std::string value = key + ":";
  while (value.size() < size) {
    value.push_back(static_cast<char>('a' + value.size() % 26));
  }
  return value;
}

inline WriteBatch MakeBatch(uint64_t cycle, uint64_t batch) {
  WriteBatch b;
  b.set_txn_id(cycle << 32 | batch);
  for (int k = 0; k < BatchSize(batch); ++k) {
    std::string key = BatchKey(cycle, batch, k);
    b.Insert(key, BatchValue(key));
  }
  if (IsDuplicateBatch(batch)) {
    std::string key = BatchKey(cycle, 0, 0);
    b.Insert(key, BatchValue(key));
  }
  return b;
}

// Engine options of the writer: tiny memtables and files, so that flushes, compactions and log
// segment rotations happen all the time and a kill lands in the middle of them.
inline EngineOptions CrashEngineOptions(const std::string& dir) {
  EngineOptions options;
  options.dir = dir;
  options.memtable_size_limit = 64 << 10;
  options.block_cache_size = 1 << 20;
  options.table_cache_size = 256 << 10;
  options.log_segment_size = 16 << 10;
  options.compaction_threshold = 2;
  options.target_file_size = 16 << 10;
  options.level1_max_bytes = 64 << 10;
  options.table.block_size = 1024;
  return options;
}

// Ledger entries per block with the ledger on: small, so that kills land in block closes.
inline constexpr uint64_t kLedgerBatchSize = 11;

inline LedgerDBOptions CrashLedgerOptions(const std::string& dir) {
  LedgerDBOptions options;
  options.engine = CrashEngineOptions(dir);
  options.ledger.blockchain_batch_size = kLedgerBatchSize;
  return options;
}

}  // namespace blockdb::crash_workload
