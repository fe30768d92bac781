#include "engine/sstable/cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/check.h"
#include "engine/sstable/block_builder.h"

namespace blockdb {
namespace {

// A block whose single entry's value tells which (id, offset) it was made for.
// "id/offset", built by appends (GCC 12 warns falsely on chained string operator+).
std::string TagFor(uint64_t id, uint64_t offset) {
  std::string tag = std::to_string(id);
  tag += '/';
  tag += std::to_string(offset);
  return tag;
}

std::unique_ptr<Block> MakeBlock(uint64_t id, uint64_t offset) {
  BlockBuilder builder(16);
  builder.Add("k", TagFor(id, offset));
  auto block = Block::Create(std::string(builder.Finish()), "f.sst", offset);
  BLOCKDB_CHECK(block.ok());  // well-formed by construction
  return std::move(block).value();
}

// No doctest assertion inside: also called from the threads of the concurrency test.
std::string Tag(const BlockCache::Handle* h) {
  auto it = BlockCache::Value(h)->NewIterator("f.sst");
  it->SeekToFirst();
  return it->Valid() ? std::string(it->value()) : "<invalid>";
}

void InsertAndRelease(BlockCache* cache, uint64_t id, uint64_t offset, size_t charge) {
  cache->Release(cache->Insert(id, offset, MakeBlock(id, offset), charge));
}

bool Contains(BlockCache* cache, uint64_t id, uint64_t offset) {
  BlockCache::Handle* h = cache->Lookup(id, offset);
  if (h == nullptr) {
    return false;
  }
  cache->Release(h);
  return true;
}

TEST_CASE("sstable cache: lookup, insert and keys per table") {
  BlockCache cache(16 * 1000);  // 16 shards of 1000 bytes
  CHECK(cache.capacity() == 16000);
  CHECK(cache.usage() == 0);
  CHECK(cache.Lookup(1, 0) == nullptr);
  BlockCache::Handle* h = cache.Insert(1, 0, MakeBlock(1, 0), 100);
  CHECK(Tag(h) == "1/0");
  CHECK(cache.usage() == 100);
  CHECK(cache.pinned_usage() == 100);
  cache.Release(h);
  CHECK(cache.pinned_usage() == 0);
  InsertAndRelease(&cache, 2, 0, 100);  // same offset, other table
  BlockCache::Handle* a = cache.Lookup(1, 0);
  BlockCache::Handle* b = cache.Lookup(2, 0);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(Tag(a) == "1/0");
  CHECK(Tag(b) == "2/0");
  cache.Release(a);
  cache.Release(b);
  CHECK(cache.Lookup(1, 4096) == nullptr);
  CHECK(cache.usage() == 200);
}

TEST_CASE("sstable cache: evicts least recently used first") {
  BlockCache cache(300, /*shard_bits=*/0);
  InsertAndRelease(&cache, 1, 0, 100);
  InsertAndRelease(&cache, 1, 1, 100);
  InsertAndRelease(&cache, 1, 2, 100);
  CHECK(cache.usage() == 300);
  CHECK(Contains(&cache, 1, 0));  // now 1 is the least recently used
  InsertAndRelease(&cache, 1, 3, 100);
  CHECK(cache.usage() == 300);
  CHECK_FALSE(Contains(&cache, 1, 1));
  CHECK(Contains(&cache, 1, 0));
  CHECK(Contains(&cache, 1, 2));
  CHECK(Contains(&cache, 1, 3));
  // One large entry pushes out as many as needed.
  InsertAndRelease(&cache, 1, 4, 250);
  CHECK(cache.usage() == 250);
  CHECK(Contains(&cache, 1, 4));
  CHECK_FALSE(Contains(&cache, 1, 0));
  // An entry larger than the whole capacity does not stay once unpinned.
  InsertAndRelease(&cache, 1, 5, 1000);
  CHECK_FALSE(Contains(&cache, 1, 5));
  CHECK(cache.usage() <= cache.capacity());
}

TEST_CASE("sstable cache: pinned entries are never evicted") {
  BlockCache cache(200, /*shard_bits=*/0);
  BlockCache::Handle* p1 = cache.Insert(1, 0, MakeBlock(1, 0), 100);
  BlockCache::Handle* p2 = cache.Insert(1, 1, MakeBlock(1, 1), 100);
  BlockCache::Handle* p3 = cache.Insert(1, 2, MakeBlock(1, 2), 100);
  // Over capacity by exactly the pinned entries; nothing could be evicted.
  CHECK(cache.usage() == 300);
  CHECK(cache.pinned_usage() == 300);
  CHECK(cache.usage() <= cache.capacity() + cache.pinned_usage());
  CHECK(Tag(p1) == "1/0");
  cache.Release(p2);  // the only unpinned entry: evicted at once, usage back to the limit
  CHECK(cache.usage() == 200);
  CHECK_FALSE(Contains(&cache, 1, 1));
  cache.Release(p1);
  cache.Release(p3);
  CHECK(cache.usage() == 200);
  CHECK(cache.pinned_usage() == 0);
  CHECK(Contains(&cache, 1, 0));
  CHECK(Contains(&cache, 1, 2));
}

TEST_CASE("sstable cache: replacing a pinned entry keeps the old block alive") {
  BlockCache cache(1000, /*shard_bits=*/0);
  BlockCache::Handle* old_handle = cache.Insert(1, 0, MakeBlock(1, 0), 100);
  BlockCache::Handle* new_handle = cache.Insert(1, 0, MakeBlock(9, 9), 50);
  CHECK(cache.usage() == 50);  // the replaced entry no longer counts
  CHECK(Tag(old_handle) == "1/0");
  CHECK(Tag(new_handle) == "9/9");
  BlockCache::Handle* looked_up = cache.Lookup(1, 0);
  REQUIRE(looked_up != nullptr);
  CHECK(Tag(looked_up) == "9/9");
  cache.Release(old_handle);  // frees the old block
  cache.Release(new_handle);
  cache.Release(looked_up);
  CHECK(cache.usage() == 50);
  CHECK(cache.pinned_usage() == 0);
}

TEST_CASE("sstable cache: zero capacity caches nothing") {
  BlockCache cache(0);
  BlockCache::Handle* h = cache.Insert(1, 0, MakeBlock(1, 0), 100);
  CHECK(Tag(h) == "1/0");
  CHECK(cache.usage() == 0);
  CHECK(cache.Lookup(1, 0) == nullptr);
  cache.Release(h);
}

TEST_CASE("sstable cache: sharded usage stays within capacity") {
  BlockCache cache(16 * 1000);  // 16 shards of 1000 bytes
  for (uint64_t i = 0; i < 2000; ++i) {
    InsertAndRelease(&cache, i % 7, i * 4096, 100);
    REQUIRE(cache.usage() <= cache.capacity());
  }
  CHECK(cache.usage() > cache.capacity() / 2);  // shards fill up, roughly evenly
  CHECK(cache.pinned_usage() == 0);
}

TEST_CASE("sstable cache: concurrency of lookups, inserts and releases") {
  BlockCache cache(64 * 100, /*shard_bits=*/2);
  std::atomic<bool> wrong{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::vector<BlockCache::Handle*> held;
      for (int i = 0; i < 20000; ++i) {
        uint64_t id = rng() % 3;
        uint64_t offset = rng() % 200;
        BlockCache::Handle* h = cache.Lookup(id, offset);
        if (h == nullptr) {
          h = cache.Insert(id, offset, MakeBlock(id, offset), 100);
        }
        if (Tag(h) != TagFor(id, offset)) {
          wrong = true;
        }
        held.push_back(h);
        if (held.size() > 4 || rng() % 2 == 0) {
          cache.Release(held.front());
          held.erase(held.begin());
        }
      }
      for (BlockCache::Handle* h : held) {
        cache.Release(h);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK_FALSE(wrong.load());
  CHECK(cache.pinned_usage() == 0);
  CHECK(cache.usage() <= cache.capacity());
}

}  // namespace
}  // namespace blockdb
