#include "engine/sstable/cache.h"

#include <unordered_map>

#include "common/check.h"
#include "engine/internal/mutex.h"

namespace blockdb {
namespace {

struct CacheKey {
  uint64_t cache_id;
  uint64_t offset;
  bool operator==(const CacheKey&) const = default;
};

// A 64-bit finaliser (MurmurHash3's fmix64) over both halves of the key: the shard is taken from
// the top bits, the bucket from the low ones, so both must be well mixed.
uint64_t MixKey(const CacheKey& k) {
  uint64_t h = k.cache_id * 0x9e3779b97f4a7c15ull ^ k.offset;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

struct CacheKeyHash {
  size_t operator()(const CacheKey& k) const { return static_cast<size_t>(MixKey(k)); }
};

}  // namespace

// An entry. refs counts the handles plus one while the entry is in the cache's table. An entry in
// the table with refs == 1 is unpinned and sits in the shard's LRU list.
struct BlockCache::Handle {
  CacheKey key;
  std::unique_ptr<Block> block;
  size_t charge = 0;
  uint32_t refs = 0;
  bool in_cache = false;
  Shard* shard = nullptr;
  Handle* prev = nullptr;  // LRU list links, valid while unpinned and in the cache
  Handle* next = nullptr;
};

class BlockCache::Shard {
 public:
  explicit Shard(size_t capacity) : capacity_(capacity) { lru_.prev = lru_.next = &lru_; }

  ~Shard() {
    for (auto& [key, e] : table_) {
      BLOCKDB_CHECK_MSG(e->refs == 1, "BlockCache destroyed while a block is pinned");
      delete e;
    }
  }

  Handle* Lookup(const CacheKey& key) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    auto it = table_.find(key);
    if (it == table_.end()) {
      return nullptr;
    }
    Ref(it->second);
    return it->second;
  }

  Handle* Insert(const CacheKey& key, std::unique_ptr<Block> block, size_t charge) EXCLUDES(mu_) {
    Handle* e = new Handle;
    e->key = key;
    e->block = std::move(block);
    e->charge = charge;
    e->refs = 1;  // the caller's handle
    e->shard = this;
    MutexLock lock(&mu_);
    if (capacity_ == 0) {
      return e;  // not cached: the handle is the only owner
    }
    e->refs++;
    e->in_cache = true;
    usage_ += charge;
    pinned_usage_ += charge;
    auto [it, inserted] = table_.try_emplace(key, e);
    if (!inserted) {
      Handle* old = it->second;
      it->second = e;
      FinishErase(old);
    }
    EvictOverCapacity();
    return e;
  }

  void Release(Handle* e) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    Unref(e);
  }

  size_t usage() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return usage_;
  }

  size_t pinned_usage() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return pinned_usage_;
  }

 private:
  void ListRemove(Handle* e) REQUIRES(mu_) {
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->prev = e->next = nullptr;
  }

  // Appends at the most recently used end.
  void ListAppend(Handle* e) REQUIRES(mu_) {
    e->next = &lru_;
    e->prev = lru_.prev;
    e->prev->next = e;
    e->next->prev = e;
  }

  void Ref(Handle* e) REQUIRES(mu_) {
    if (e->in_cache && e->refs == 1) {
      ListRemove(e);
      pinned_usage_ += e->charge;
    }
    e->refs++;
  }

  void Unref(Handle* e) REQUIRES(mu_) {
    BLOCKDB_CHECK(e->refs > 0);
    e->refs--;
    if (e->refs == 0) {
      delete e;
    } else if (e->in_cache && e->refs == 1) {
      pinned_usage_ -= e->charge;
      ListAppend(e);
      EvictOverCapacity();
    }
  }

  // Drops the cache's reference to an entry already removed from table_.
  void FinishErase(Handle* e) REQUIRES(mu_) {
    usage_ -= e->charge;
    if (e->refs == 1) {
      ListRemove(e);
    } else {
      pinned_usage_ -= e->charge;
    }
    e->in_cache = false;
    Unref(e);
  }

  void EvictOverCapacity() REQUIRES(mu_) {
    while (usage_ > capacity_ && lru_.next != &lru_) {
      Handle* victim = lru_.next;
      table_.erase(victim->key);
      FinishErase(victim);
    }
  }

  const size_t capacity_;
  mutable Mutex mu_;
  size_t usage_ GUARDED_BY(mu_) = 0;
  size_t pinned_usage_ GUARDED_BY(mu_) = 0;
  // Dummy head of the LRU list of unpinned entries: lru_.next is the least recently used.
  Handle lru_ GUARDED_BY(mu_);
  std::unordered_map<CacheKey, Handle*, CacheKeyHash> table_ GUARDED_BY(mu_);
};

BlockCache::BlockCache(size_t capacity_bytes, int shard_bits)
    : capacity_(capacity_bytes), shard_bits_(shard_bits) {
  BLOCKDB_CHECK(shard_bits >= 0 && shard_bits <= 8);
  size_t n = size_t{1} << shard_bits;
  // Shares differ by at most one byte and add up to exactly the capacity.
  for (size_t i = 0; i < n; ++i) {
    size_t share = capacity_bytes / n + (i < capacity_bytes % n ? 1 : 0);
    shards_.push_back(std::make_unique<Shard>(share));
  }
}

BlockCache::~BlockCache() = default;

BlockCache::Shard& BlockCache::ShardFor(uint64_t cache_id, uint64_t offset) {
  if (shard_bits_ == 0) {
    return *shards_[0];
  }
  return *shards_[MixKey(CacheKey{cache_id, offset}) >> (64 - shard_bits_)];
}

size_t BlockCache::usage() const {
  size_t total = 0;
  for (const auto& s : shards_) {
    total += s->usage();
  }
  return total;
}

size_t BlockCache::pinned_usage() const {
  size_t total = 0;
  for (const auto& s : shards_) {
    total += s->pinned_usage();
  }
  return total;
}

BlockCache::Handle* BlockCache::Lookup(uint64_t cache_id, uint64_t offset) {
  return ShardFor(cache_id, offset).Lookup(CacheKey{cache_id, offset});
}

BlockCache::Handle* BlockCache::Insert(uint64_t cache_id, uint64_t offset,
                                       std::unique_ptr<Block> block, size_t charge) {
  return ShardFor(cache_id, offset).Insert(CacheKey{cache_id, offset}, std::move(block), charge);
}

void BlockCache::Release(Handle* handle) { handle->shard->Release(handle); }

const Block* BlockCache::Value(const Handle* handle) { return handle->block.get(); }

}  // namespace blockdb
