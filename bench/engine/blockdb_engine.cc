// BlockDB's engine under the benchmark, with the same budgets as the RocksDB baseline (64 MiB
// memtable, 64 MiB block cache, 10 bits/key bloom filters, LZ4) and fsync before acknowledging.
#include <cstdio>

#include "bench_util.h"
#include "engine/db.h"

namespace blockdb::bench {
namespace {

class BlockDbEngine : public BenchEngine {
 public:
  ~BlockDbEngine() override { Close(); }

  std::string Name() const override { return "blockdb"; }

  bool Open(const std::string& dir, bool durable) override {
    EngineOptions options;
    options.dir = dir;
    options.sync_mode =
        durable ? EngineOptions::SyncMode::kAlways : EngineOptions::SyncMode::kInterval;
    auto db = DB::Open(options);
    if (!db.ok()) {
      std::fprintf(stderr, "blockdb open: %s\n", db.status().ToString().c_str());
      return false;
    }
    db_ = std::move(db).value();
    return true;
  }

  bool Insert(std::string_view key, std::string_view value) override {
    WriteBatch batch;
    batch.Insert(key, value);
    Result<uint64_t> r = db_->Write(batch);
    if (!r.ok() && !r.status().IsDuplicateKey()) {
      std::fprintf(stderr, "blockdb write: %s\n", r.status().ToString().c_str());
      return false;
    }
    return true;
  }

  bool InsertBatch(const std::vector<std::pair<std::string, std::string>>& kvs) override {
    WriteBatch batch;
    for (const auto& [k, v] : kvs) {
      batch.Insert(k, v);
    }
    Result<uint64_t> r = db_->Write(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "blockdb write: %s\n", r.status().ToString().c_str());
    }
    return r.ok();
  }

  bool Get(std::string_view key, std::string* value) override {
    return db_->Get(key, value).ok();
  }

  int Scan(std::string_view start, int n) override {
    std::unique_ptr<Iterator> it = db_->NewIterator();
    int read = 0;
    for (it->Seek(start); it->Valid() && read < n; it->Next()) {
      read++;
    }
    return read;
  }

  int64_t ScanAll() override {
    const std::optional<StoreScan> scan = ScanWholeStore(db_.get());
    return scan ? static_cast<int64_t>(scan->bytes) : -1;
  }

  void CompactAll() override {
    Status s = db_->CompactAll();
    if (!s.ok()) {
      std::fprintf(stderr, "blockdb compact: %s\n", s.ToString().c_str());
    }
  }

  void Close() override {
    if (db_) {
      Status s = db_->Close();
      (void)s;
      db_.reset();
    }
  }

 private:
  std::unique_ptr<DB> db_;
};

}  // namespace

std::unique_ptr<BenchEngine> NewBlockDbEngine() { return std::make_unique<BlockDbEngine>(); }

}  // namespace blockdb::bench
