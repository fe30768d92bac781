// DB: BlockDB's append-only LSM storage engine (design: docs/STORAGE.md).
//
// Keys are inserted, never overwritten or deleted. Every write is a WriteBatch applied
// insert-if-absent and atomically: it is appended to the segmented log (the log of record),
// fsynced together with concurrent writes (group commit), then applied in log order by a
// deterministic apply step (duplicate check, ApplyHook, memtable insert). Memtables are flushed to
// level-0 SSTables in the background and compacted leveled. Reads see a snapshot: the keys
// applied at a log index <= the snapshot.
//
// Thread safety: every method may be called from any thread concurrently. Iterators are used by
// one thread each and must be destroyed before the DB.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/status.h"
#include "engine/apply_hook.h"
#include "engine/iterator.h"
#include "engine/manifest.h"
#include "engine/sstable/table_builder.h"
#include "engine/write_batch.h"

namespace blockdb {

// Reads at the latest applied index.
inline constexpr uint64_t kLatestSnapshot = std::numeric_limits<uint64_t>::max();

struct EngineOptions {
  enum class SyncMode {
    kAlways,    // fsync the log before acknowledging a write (one fsync per commit group)
    kInterval,  // fsync every sync_interval_ms: a crash may lose that window of acknowledged writes
  };

  Env* env = Env::Default();  // not owned
  std::string dir;            // data directory, created if absent
  // Active plus immutable memtable bytes stay within this; each memtable is switched at half.
  size_t memtable_size_limit = 64ull << 20;
  size_t block_cache_size = 64ull << 20;
  // Open SSTables (index and filter blocks) kept in memory, by their MemoryUsage().
  size_t table_cache_size = 16ull << 20;
  SyncMode sync_mode = SyncMode::kAlways;
  uint32_t sync_interval_ms = 100;
  uint64_t log_segment_size = 64ull << 20;
  int compaction_threshold = 4;             // level-0 files that trigger a compaction into level 1
  uint64_t target_file_size = 4ull << 20;   // compaction output files are cut at about this size
  uint64_t level1_max_bytes = 40ull << 20;  // level n >= 1 may hold level1_max_bytes * 10^(n-1)
  size_t max_group_bytes = 1ull << 20;      // payload bytes one commit group takes at most
  TableOptions table;
  ApplyHook* apply_hook = nullptr;  // not owned; may be null; must outlive the DB

  // InvalidArgument naming the field for an unusable value.
  Status Validate() const;
};

// How an iterator reads (DB::NewIterator).
struct IteratorOptions {
  // Add the SSTable data blocks the iterator reads to the block cache. A scan that reads much of
  // the store once (VERIFY) sets it false: its blocks would evict the ones other reads reuse, and
  // the inserts cost it time. Blocks already in the cache are used either way.
  bool fill_cache = true;
};

struct EngineStats {
  uint64_t applied_index = 0;
  uint64_t log_bytes = 0;  // current size of the log segments
  size_t log_segments = 0;
  uint64_t log_bytes_written = 0;   // payload bytes appended to the log since open
  uint64_t user_bytes_written = 0;  // key + value bytes of accepted batches since open
  uint64_t memtable_bytes = 0;      // active + immutable
  uint64_t flushes = 0;
  uint64_t flush_bytes = 0;  // SSTable bytes written by flushes
  uint64_t compactions = 0;
  uint64_t trivial_moves = 0;  // files moved down a level without rewriting
  uint64_t compaction_bytes_read = 0;
  uint64_t compaction_bytes_written = 0;
  std::array<uint64_t, kNumLevels> files_per_level{};
  std::array<uint64_t, kNumLevels> bytes_per_level{};
  uint64_t commit_groups = 0;   // log appends (one per group of concurrent writes)
  uint64_t group_records = 0;   // records in those groups
  uint64_t max_group_size = 0;  // largest number of records in one group
  uint64_t fsyncs = 0;          // log syncs
  uint64_t queued_writes = 0;   // writes waiting in (or leading) the commit queue right now
  uint64_t write_stalls = 0;    // times a writer waited for a flush to free memtable space
  uint64_t block_cache_usage = 0;
  uint64_t table_cache_usage = 0;  // open tables' index, filter and properties blocks

  // Bytes written to storage per byte of user data (log + flushes + compactions).
  double WriteAmplification() const;
};

class DB {
 public:
  // Opens the engine in options.dir, creating it, or recovering it: loads the MANIFEST, removes
  // orphan SSTables, opens the log and replays every record after the MANIFEST's applied index
  // through the same apply step as live writes (calling options.apply_hook). Returns the error
  // of a corrupt MANIFEST, SSTable or log (naming file and offset), or of the hook.
  static Result<std::unique_ptr<DB>> Open(const EngineOptions& options);

  virtual ~DB() = default;

  // Inserts every key of batch if none exists yet, atomically. Returns the log index at which the
  // batch was applied. Errors: InvalidArgument (empty batch, a key starting with 0xFF, a key or
  // batch over the size limits) before logging; DuplicateKey naming the key when a key repeats
  // within the batch or already exists when the batch is applied (nothing of the batch becomes
  // visible; a batch rejected at apply time still consumed its log index); the DB's failure
  // status once it has failed; Shutdown after Close. In SyncMode::kAlways, OK means durable.
  // An IOError (the write or fsync of the log failed) leaves the outcome unknown: the batch may
  // still be found in the log, and applied, when the DB is reopened.
  virtual Result<uint64_t> Write(const WriteBatch& batch) = 0;

  // Logs a seal command (the ledger closes a block when it is applied); returns its log index.
  // timestamp_micros == 0 means "stamp the wall clock".
  virtual Result<uint64_t> Seal(int64_t timestamp_micros) = 0;

  // Reads key as of snapshot (an applied index; snapshots above AppliedIndex() read the latest).
  // NotFound when absent or applied after the snapshot; Corruption naming file and offset.
  virtual Status Get(std::string_view key, std::string* value,
                     uint64_t snapshot = kLatestSnapshot) = 0;
  // As Get, and sets *applied_index to the log index of the batch that inserted the key (every
  // key keeps it: engine_value.h). The ledger finds a row's entry through it.
  virtual Status GetWithIndex(std::string_view key, std::string* value, uint64_t* applied_index,
                              uint64_t snapshot = kLatestSnapshot) = 0;

  // Iterator over user keys and values visible at snapshot (fixed when the iterator is created:
  // later writes are not seen). Merges the memtables and every SSTable.
  virtual std::unique_ptr<Iterator> NewIterator(uint64_t snapshot = kLatestSnapshot) = 0;
  virtual std::unique_ptr<Iterator> NewIterator(uint64_t snapshot,
                                                const IteratorOptions& options) = 0;

  // Up to parts - 1 keys, ascending and strictly inside (begin, end), that cut [begin, end) into
  // pieces of about equal size in the SSTables. Estimated from the tables' index blocks (no data
  // block is read); data still in the memtables is not weighed. Empty when the SSTables hold
  // less than min_bytes of the range. Lets a long scan be divided among threads.
  virtual Result<std::vector<std::string>> ApproximateSplitKeys(std::string_view begin,
                                                                std::string_view end, int parts,
                                                                uint64_t min_bytes) = 0;

  // Index of the last applied log record; the snapshot that sees every acknowledged write.
  virtual uint64_t AppliedIndex() const = 0;

  // Switches the memtable and waits until it is an SSTable (no-op when it is empty).
  virtual Status Flush() = 0;
  // Flushes, then merges every SSTable into one sorted run in the deepest level in use (or
  // deeper, until the run fits that level's size budget); waits. Writes made meanwhile may stay
  // in the memtable or level 0.
  virtual Status CompactAll() = 0;

  // Finishes queued writes, syncs the log, stops background work. Idempotent; the destructor
  // calls it. Later writes return Shutdown.
  virtual Status Close() = 0;

  virtual EngineStats GetStats() const = 0;

  // OK while the engine accepts writes; once a log write, an fsync, a flush or the apply hook has
  // failed, the permanent error that every later write returns (reads keep working). Lets a
  // readiness probe report a failed engine.
  virtual Status FailureStatus() const = 0;
};

}  // namespace blockdb
