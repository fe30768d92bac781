// MemTable: the in-memory, ordered part of the LSM engine (a skiplist over an arena).
//
// Each entry maps a user key to an engine value (engine_value.h: the applied log index followed
// by the user value). Keys are unique: the DB checks insert-if-absent before calling Add.
//
// Thread safety: Add requires external synchronization (the DB's single applying thread). Get,
// Contains, iterators and the counters may be used by any number of threads concurrently with
// the writer, without locks. A MemTable is shared (std::shared_ptr) between the DB and the
// readers and iterators that still use it after it was flushed.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/arena.h"
#include "engine/iterator.h"
#include "engine/skiplist.h"

namespace blockdb {

class MemTable {
 public:
  MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Inserts key with the given applied index and user value.
  // REQUIRES: key is not in the memtable; external synchronization among writers.
  void Add(std::string_view key, uint64_t applied_index, std::string_view user_value);

  // When key is present: sets *applied_index and *user_value and returns true.
  bool Get(std::string_view key, uint64_t* applied_index, std::string* user_value) const;
  bool Contains(std::string_view key) const;

  // Ordered iterator: key() is the user key, value() the engine value (engine_value.h). Must not
  // outlive the MemTable. Entries added while it is in use may or may not be seen.
  std::unique_ptr<Iterator> NewIterator() const;

  // Bytes held (arena blocks), the figure compared with the memtable size limit.
  size_t ApproximateMemoryUsage() const { return arena_.MemoryUsage(); }
  uint64_t NumEntries() const { return num_entries_.load(std::memory_order_acquire); }

 private:
  // Entries are arena-allocated: varint32 key_len | key | varint32 value_len | engine value.
  struct KeyComparator {
    int operator()(const char* a, const char* b) const;
  };
  using Table = SkipList<const char*, KeyComparator>;
  class MemTableIterator;

  Arena arena_;
  Table table_;
  std::atomic<uint64_t> num_entries_{0};
  std::string scratch_;  // writer-only buffer for encoding an entry
};

// Splits an encoded memtable entry (exposed for the iterator and tests).
std::string_view MemTableEntryKey(const char* entry);
std::string_view MemTableEntryValue(const char* entry);

}  // namespace blockdb
