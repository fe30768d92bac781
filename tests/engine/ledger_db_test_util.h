// Helpers shared by the LedgerDB tests (ledger_db_test.cc, ledger_tamper_test.cc): opening a
// LedgerDB, a deterministic workload of batches, and a row count to compare with the ledger.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "db_test_util.h"
#include "engine/apply_hook.h"
#include "engine/db.h"
#include "engine/ledger_db.h"
#include "engine/write_batch.h"

namespace blockdb::ledger_db_test {

inline LedgerDBOptions LedgerOptions(Env* env, const std::string& dir, uint64_t batch_size) {
  LedgerDBOptions options;
  options.engine = db_test::SmallOptions(env, dir);
  options.ledger.blockchain_batch_size = batch_size;
  return options;
}

inline std::unique_ptr<LedgerDB> OpenOrDie(const LedgerDBOptions& options) {
  Result<std::unique_ptr<LedgerDB>> ldb = LedgerDB::Open(options);
  REQUIRE_MESSAGE(ldb.ok(), ldb.status().ToString());
  return std::move(ldb).value();
}

inline std::string RowKey(uint64_t batch, int k) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "row/%08llu/%d", static_cast<unsigned long long>(batch), k);
  return buf;
}

inline std::string RowValue(const std::string& key) { return db_test::ValueFor(key, 100); }

// Batch `batch` of the workload: 1 + batch % 5 rows, txn id 1000 + batch, and (when fixed_time)
// a fixed timestamp, so two runs produce identical ledgers.
inline WriteBatch MakeRowBatch(uint64_t batch, bool fixed_time = true) {
  WriteBatch b;
  const int rows = 1 + static_cast<int>(batch % 5);
  for (int k = 0; k < rows; ++k) {
    const std::string key = RowKey(batch, k);
    b.Insert(key, RowValue(key));
  }
  b.set_txn_id(1000 + batch);
  if (fixed_time) {
    b.set_timestamp_micros(1'700'000'000'000'000 + static_cast<int64_t>(batch) * 1000);
  }
  return b;
}

inline uint64_t RowsInBatch(uint64_t batch) { return 1 + batch % 5; }

// Number of user rows (keys without the 0xFF prefix) visible at the latest snapshot.
inline uint64_t CountRows(DB* db) {
  std::unique_ptr<Iterator> it = db->NewIterator();
  uint64_t rows = 0;
  for (it->SeekToFirst(); it->Valid() && !IsInternalKey(it->key()); it->Next()) {
    ++rows;
  }
  REQUIRE_MESSAGE(it->status().ok(), it->status().ToString());
  return rows;
}

// Every key (rows and internal records) and value visible at the latest snapshot.
using Store = std::map<std::string, std::string>;

inline Store ReadStore(DB* db) { return db_test::ScanAll(db); }

// Stores a fixed set of internal records with the first batch it sees: lets a test play a root
// attacker who rebuilds the SSTables (valid checksums, any content) without going through the
// ledger.
class ForgeHook : public ApplyHook {
 public:
  explicit ForgeHook(std::vector<std::pair<std::string, std::string>> records)
      : records_(std::move(records)) {}

  Status OnApply(uint64_t, const WriteBatch&,
                 std::vector<std::pair<std::string, std::string>>* internal_writes) override {
    if (!done_) {
      *internal_writes = std::move(records_);
      done_ = true;
    }
    return Status::OK();
  }
  Status OnSeal(uint64_t, int64_t, std::vector<std::pair<std::string, std::string>>*) override {
    return Status::OK();
  }

 private:
  std::vector<std::pair<std::string, std::string>> records_;
  bool done_ = false;
};

// Writes `store` (rows and internal records alike) into a new engine in `dir`, flushed so that
// opening it replays nothing: the directory holds exactly these keys. REQUIRES: a row in store.
inline void WriteForgedStore(const Store& store, EngineOptions options, const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> internal;
  std::vector<WriteBatch> batches(1);
  for (const auto& [key, value] : store) {
    if (IsInternalKey(key)) {
      internal.emplace_back(key, value);
      continue;
    }
    if (batches.back().Count() == 500) {
      batches.emplace_back();
    }
    batches.back().Insert(key, value);
  }
  REQUIRE(batches.front().Count() > 0);
  ForgeHook hook(std::move(internal));
  options.dir = dir;
  options.apply_hook = &hook;
  std::unique_ptr<DB> db = db_test::OpenOrDie(options);
  for (const WriteBatch& batch : batches) {
    Result<uint64_t> r = db->Write(batch);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  REQUIRE(db->Flush().ok());
  REQUIRE(db->Close().ok());
}

}  // namespace blockdb::ledger_db_test
