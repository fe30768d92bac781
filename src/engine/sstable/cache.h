// BlockCache: decoded blocks shared by every table of a DB, bounded by their total size in bytes.
//
// The cache is split into shards (16 by default), each an LRU list under its own mutex, chosen by
// a hash of the key, so that concurrent readers rarely contend. A key is (cache_id, block offset):
// cache_id must be unique per table within one cache (the file number), so a block is never
// served for the wrong table.
//
// Entries handed out by Lookup/Insert are pinned until Release: a pinned entry is never evicted
// nor freed, even if it is replaced or the cache is over capacity. Unpinned entries are evicted
// least-recently-used first as soon as a shard's usage exceeds its share of the capacity, so
// usage() never exceeds capacity() by more than the charge of the pinned entries.
//
// Thread-safe. The cache must outlive every Table using it, and every handle must be released
// before it is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/sstable/block.h"

namespace blockdb {

class BlockCache {
 public:
  // A pinned entry; opaque. Valid until passed to Release().
  struct Handle;

  // shard_bits: the cache has 2^shard_bits shards (0..8), each getting an equal share of the
  // capacity. Tests use 0 for an exact, single LRU order.
  explicit BlockCache(size_t capacity_bytes, int shard_bits = 4);
  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  size_t capacity() const { return capacity_; }
  // Total charge of the entries held (pinned or not).
  size_t usage() const;
  // Total charge of the held entries that are currently pinned.
  size_t pinned_usage() const;

  // The entry for the key, pinned, or nullptr when absent. Marks it most recently used.
  Handle* Lookup(uint64_t cache_id, uint64_t offset);
  // Stores block under the key (replacing any previous entry, which is freed once unpinned) and
  // returns it pinned. charge is its cost in bytes against the capacity. With a zero capacity the
  // block is not kept: the handle alone owns it.
  Handle* Insert(uint64_t cache_id, uint64_t offset, std::unique_ptr<Block> block, size_t charge);
  // Unpins. REQUIRES: handle came from this cache and was not yet released.
  void Release(Handle* handle);
  // The block of a pinned entry; valid until the handle is released.
  static const Block* Value(const Handle* handle);

 private:
  class Shard;

  Shard& ShardFor(uint64_t cache_id, uint64_t offset);

  const size_t capacity_;
  const int shard_bits_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace blockdb
