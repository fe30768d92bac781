// The baseline: RocksDB from Debian, configured like BlockDB (64 MiB memtable, 64 MiB block
// cache, 10 bits/key bloom filters, LZ4, sync=true writes when durable).
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "bench_util.h"

namespace blockdb::bench {
namespace {

class RocksDbEngine : public BenchEngine {
 public:
  explicit RocksDbEngine(bool get_before_put) : get_before_put_(get_before_put) {}
  ~RocksDbEngine() override { Close(); }

  std::string Name() const override { return get_before_put_ ? "rocksdb-get+put" : "rocksdb"; }

  bool Open(const std::string& dir, bool durable) override {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.write_buffer_size = 64 << 20;
    options.compression = rocksdb::kLZ4Compression;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(64 << 20);
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    write_options_.sync = durable;
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
    db_.reset(db);
    return s.ok();
  }

  bool Insert(std::string_view key, std::string_view value) override {
    if (get_before_put_) {
      std::string existing;
      rocksdb::Status g = db_->Get(rocksdb::ReadOptions(), ToSlice(key), &existing);
      if (g.ok()) {
        return true;  // already present: insert-if-absent does nothing
      }
      if (!g.IsNotFound()) {
        return false;
      }
    }
    return db_->Put(write_options_, ToSlice(key), ToSlice(value)).ok();
  }

  bool InsertBatch(const std::vector<std::pair<std::string, std::string>>& kvs) override {
    rocksdb::WriteBatch batch;
    for (const auto& [k, v] : kvs) {
      if (get_before_put_) {
        std::string existing;
        if (db_->Get(rocksdb::ReadOptions(), k, &existing).ok()) {
          return true;
        }
      }
      batch.Put(k, v);
    }
    return db_->Write(write_options_, &batch).ok();
  }

  bool Get(std::string_view key, std::string* value) override {
    return db_->Get(rocksdb::ReadOptions(), ToSlice(key), value).ok();
  }

  int Scan(std::string_view start, int n) override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    int read = 0;
    for (it->Seek(ToSlice(start)); it->Valid() && read < n; it->Next()) {
      read++;
    }
    return read;
  }

  int64_t ScanAll() override {
    rocksdb::ReadOptions options;
    options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
    int64_t bytes = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += static_cast<int64_t>(it->key().size() + it->value().size());
    }
    return it->status().ok() ? bytes : -1;
  }

  void CompactAll() override {
    db_->Flush(rocksdb::FlushOptions());
    db_->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
  }

  void Close() override {
    if (db_) {
      db_->SyncWAL();
      db_->Close();
      db_.reset();
    }
  }

 private:
  static rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

  bool get_before_put_;
  rocksdb::WriteOptions write_options_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

std::unique_ptr<BenchEngine> NewRocksDbEngine(bool get_before_put) {
  return std::make_unique<RocksDbEngine>(get_before_put);
}

}  // namespace blockdb::bench
