// TableCache: the open SSTables (their index and filter blocks), bounded by memory.
//
// Tables are opened on demand and kept in an LRU list charged by Table::MemoryUsage(). A caller
// gets a std::shared_ptr<Table> that keeps the table usable even if the cache evicts it
// meanwhile (so an iterator never loses its table); eviction only drops the cache's reference.
// This bounds the memory of idle tables whatever the number of files. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/env.h"
#include "common/status.h"
#include "engine/internal/mutex.h"
#include "engine/manifest.h"
#include "engine/sstable/cache.h"
#include "engine/sstable/table.h"
#include "engine/sstable/table_builder.h"

namespace blockdb {

class TableCache {
 public:
  // env, block_cache: not owned, must outlive the cache; block_cache may be null.
  TableCache(Env* env, std::string dir, const TableOptions& options, BlockCache* block_cache,
             size_t capacity_bytes);
  TableCache(const TableCache&) = delete;
  TableCache& operator=(const TableCache&) = delete;

  // The open table for file, opening it if needed. Corruption / IOError naming the file.
  Result<std::shared_ptr<Table>> Find(const FileMetaData& file) EXCLUDES(mu_);
  // Drops the cached table of a deleted file.
  void Evict(uint64_t number) EXCLUDES(mu_);
  size_t Usage() const EXCLUDES(mu_);

 private:
  struct Entry {
    uint64_t number;
    std::shared_ptr<Table> table;
    size_t charge;
  };
  using Lru = std::list<Entry>;  // most recently used first

  Result<std::shared_ptr<Table>> Open(const FileMetaData& file);
  void EvictOverCapacity() REQUIRES(mu_);

  Env* const env_;
  const std::string dir_;
  const TableOptions options_;
  BlockCache* const block_cache_;
  const size_t capacity_;

  mutable Mutex mu_;
  Lru lru_ GUARDED_BY(mu_);
  std::unordered_map<uint64_t, Lru::iterator> index_ GUARDED_BY(mu_);
  size_t usage_ GUARDED_BY(mu_) = 0;
};

}  // namespace blockdb
