// Arena: bump allocator backing one memtable, after LevelDB's util/arena.h.
//
// A memtable never frees single entries (keys are never deleted), so all of its memory is released
// at once when the memtable is dropped; an arena makes each allocation a pointer bump and lets the
// memtable report its footprint cheaply. Not thread-safe for allocation (the memtable has one
// writer at a time); MemoryUsage() may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace blockdb {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns bytes bytes of uninitialized memory owned by the arena. REQUIRES: bytes > 0.
  char* Allocate(size_t bytes);
  // Same, aligned to alignof(std::max_align_t) (for skiplist nodes holding atomics).
  char* AllocateAligned(size_t bytes);
  // Total bytes reserved from the system (blocks plus bookkeeping). Thread-safe.
  size_t MemoryUsage() const { return memory_usage_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kBlockSize = 4096;

  char* AllocateFallback(size_t bytes);
  char* AllocateNewBlock(size_t block_bytes);

  char* alloc_ptr_ = nullptr;
  size_t alloc_bytes_remaining_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::atomic<size_t> memory_usage_{0};
};

}  // namespace blockdb
