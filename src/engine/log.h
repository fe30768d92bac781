// SegmentedLog: BlockDB's log of record. Every write batch (and, once Raft exists, every replicated
// command) is appended here before it is applied; recovery replays it from the last index covered
// by SSTables. The byte format of the segment files is in docs/format/log.md (constants and codecs
// in engine/log_format.h).
//
// Layout: one directory holding segment files named by the index of their first record, zero
// padded to 20 digits so that they sort (`00000000000000000001.log`). Records are consecutive
// indexes across segments; a record never spans two segments. Only the last segment (the active
// one) is ever written to.
//
// Durability: Append hands the bytes to the OS; Sync makes them durable. When a new segment is
// started, the segment it replaces is synced first (and the directory, if that segment was itself
// new), so that a crash can only ever damage the last segment: recovery truncates a torn tail
// there and reports any other damage as Corruption.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "engine/internal/mutex.h"

namespace blockdb {

namespace log_internal {
struct Segment;
}  // namespace log_internal

struct LogRecord {
  uint64_t index = 0;  // position in the log, consecutive, starting at 1
  uint64_t term = 0;   // Raft term (0 until Raft exists)
  uint8_t type = 0;    // opaque to the log: 1 = engine write batch; Raft adds more kinds later
  std::string payload;

  bool operator==(const LogRecord&) const = default;
};

struct LogOptions {
  // A new segment is started by the first Append that finds the active segment at least this
  // large. One Append call always goes into one segment, so a segment can exceed this size by
  // the bytes of one call.
  uint64_t segment_size = 64ull << 20;
};

// A segmented, CRC32C-framed, index-addressed log in its own directory.
//
// Thread safety: every method may be called from any thread. Append/Sync/Truncate* are normally
// called by one writer thread and are serialized among themselves; Read/Scan/FirstIndex/... may
// run concurrently with them and see either the state before or after a mutation, never a partly
// written record. Internally there are two mutexes (rather than one) so that readers never wait
// behind an fsync: `write_mu_` serializes the mutators, `mu_` guards the in-memory index.
class SegmentedLog {
 public:
  // Opens or creates the log in `dir` (creating the directory and any missing parents).
  //
  // Recovery validates every segment. A torn tail of the LAST segment (a partial or
  // checksum-failing record after which no valid record follows, or a segment shorter than its
  // header) is cut off with Env::TruncateFile, or the segment removed when nothing valid is left,
  // with one warning log line each. Any other damage (a bad record in a non-last segment, a valid
  // record after a bad one, index gaps, wrong index order, a header naming another index than the
  // file name) is Status::Corruption naming the segment file and the byte offset. A segment
  // written by a newer format version is NotSupported.
  static Result<std::unique_ptr<SegmentedLog>> Open(Env* env, const std::string& dir,
                                                    const LogOptions& options);

  SegmentedLog(const SegmentedLog&) = delete;
  SegmentedLog& operator=(const SegmentedLog&) = delete;
  // Closes the files without syncing: whatever was not synced may be lost in a crash.
  ~SegmentedLog();

  uint64_t FirstIndex() const EXCLUDES(mu_);  // index of the first record held, 0 when empty
  uint64_t LastIndex() const EXCLUDES(mu_);   // index of the last record held, 0 when empty

  // Appends records (written to the OS, NOT durable until Sync()). records[i].index must be
  // LastIndex()+1+i, or, when the log is empty, start at any index >= 1 that is greater than the
  // highest `upto` passed to TruncatePrefix by this object. All records of one call are written
  // with a single write to the active segment (after starting a new segment if the active one has
  // reached LogOptions::segment_size).
  //
  // Returns InvalidArgument, and writes nothing, for an index out of sequence or a payload larger
  // than kLogMaxPayload (log_format.h). After any write or sync error the log is failed: this
  // and every later Append/Sync/Truncate* call returns the same IOError (an fsync error is never
  // retried; the caller treats it as fatal). Reads keep working on the records appended before.
  Status Append(const std::vector<LogRecord>& records) EXCLUDES(write_mu_, mu_);

  // fdatasync of the active segment (and of the directory when a segment was created since the
  // last Sync; segments replaced by a newer one were synced when it was started). On return every
  // record appended so far is durable. Holds no lock readers need while the fsync runs.
  Status Sync() EXCLUDES(write_mu_, mu_);

  // Appends to *out the records with from <= index <= to, in order. Returns OK without reading
  // when from > to; OutOfRange when part of [from, to] is not held (below FirstIndex(), removed
  // by TruncatePrefix, or above LastIndex()); Corruption naming file and offset when a record
  // no longer matches its checksum. On error *out may hold some of the records.
  Status Read(uint64_t from, uint64_t to, std::vector<LogRecord>* out) const EXCLUDES(mu_);

  // Calls fn for each record held with index >= from, in order, stopping at (and returning) the
  // first non-OK status. Records below FirstIndex() are not visited: a caller that needs every
  // index from `from` on compares `from` with FirstIndex() first. fn runs without any lock of
  // the log held (it may call the log). Records appended while the scan runs may or may not be
  // visited; if TruncatePrefix removes the next record before the scan reaches it, the scan
  // returns OutOfRange.
  Status Scan(uint64_t from, const std::function<Status(const LogRecord&)>& fn) const EXCLUDES(mu_);

  // Removes every record with index >= from (Raft conflict resolution); from == 0 removes all,
  // from > LastIndex() none. Durable on return, including the records kept (like Sync): later
  // segments are removed one at a time
  // (each removal followed by a directory sync, newest first) and then the segment holding
  // `from` is cut with Env::TruncateFile, so a crash at any point leaves a valid log.
  Status TruncateSuffix(uint64_t from) EXCLUDES(write_mu_, mu_);

  // Deletes whole non-active segments whose records all have index <= upto (after the engine
  // flushed them into SSTables, or Raft took a snapshot), oldest first, each removal followed by
  // a directory sync. Durable on return. The active (last) segment is deleted only when a
  // rotation is pending (RotateBeforeNextAppend) and all its records are <= upto, which may leave
  // the log empty; otherwise the log keeps at least the records of that segment and FirstIndex()
  // may stay <= upto.
  Status TruncatePrefix(uint64_t upto) EXCLUDES(write_mu_, mu_);

  // Makes the next Append start a new segment if the active one holds any record. The engine
  // calls it when it switches memtables, so that the segment holding the records of the memtable
  // being flushed ends where that memtable ends and TruncatePrefix can delete it after the flush
  // (otherwise up to segment_size bytes of already-flushed records stay on disk).
  void RotateBeforeNextAppend() EXCLUDES(mu_);

  uint64_t SizeBytes() const EXCLUDES(mu_);  // bytes of all segments, headers included
  size_t NumSegments() const EXCLUDES(mu_);

 private:
  SegmentedLog(Env* env, std::string dir, const LogOptions& options,
               std::vector<log_internal::Segment> segments);

  // The mutator side: each requires write_mu_ held, and takes mu_ itself where it must.
  // Makes the recovered last segment and the directory durable (called once by Open).
  Status SyncRecovered() EXCLUDES(write_mu_, mu_);
  // Records the first failure in failed_ (as an IOError) and returns it.
  Status Fail(const Status& s) REQUIRES(write_mu_);
  Status ValidateAppend(const std::vector<LogRecord>& records) const REQUIRES(write_mu_)
      EXCLUDES(mu_);
  Status StartSegment(uint64_t first_index, log_internal::Segment* segment) REQUIRES(write_mu_)
      EXCLUDES(mu_);
  Status CloseActive(bool sync) REQUIRES(write_mu_) EXCLUDES(mu_);
  Status EnsureWriterOpen() REQUIRES(write_mu_) EXCLUDES(mu_);
  Status SyncUnlocked() REQUIRES(write_mu_) EXCLUDES(mu_);
  Status RemoveLastSegment() REQUIRES(write_mu_) EXCLUDES(mu_);
  Status CutLastSegment(uint64_t from) REQUIRES(write_mu_) EXCLUDES(mu_);

  // The reader side.
  // Reads records [from, to] of `segment` (all held there) into *out, stopping early once about
  // max_bytes are read (but always reading at least one record).
  Status ReadFromSegment(const log_internal::Segment& segment, uint64_t from, uint64_t to,
                         size_t max_bytes, std::vector<LogRecord>* out) const REQUIRES(mu_);
  // Closes the readers of the oldest segments (but not of `keep`) while more than a few are
  // open, so a long log does not hold a descriptor per segment.
  void CloseSurplusReaders(const log_internal::Segment* keep) const REQUIRES(mu_);
  // nullptr when `index` is not held.
  const log_internal::Segment* FindSegment(uint64_t index) const REQUIRES(mu_);

  Env* const env_;
  const std::string dir_;
  const LogOptions options_;

  // Lock order: write_mu_ before mu_.
  Mutex write_mu_;
  std::unique_ptr<WritableFile> writer_ GUARDED_BY(write_mu_);  // the last segment, or null
  bool active_unsynced_ GUARDED_BY(write_mu_) = false;  // writer_ holds bytes not yet synced
  bool dir_unsynced_ GUARDED_BY(write_mu_) = false;     // a segment was created since SyncDir
  bool rotate_requested_ GUARDED_BY(mu_) = false;       // RotateBeforeNextAppend was called
  uint64_t prefix_point_ GUARDED_BY(write_mu_) = 0;     // highest TruncatePrefix `upto` seen
  Status failed_ GUARDED_BY(write_mu_);                 // non-OK once the log has failed

  mutable Mutex mu_;
  // Oldest first; modified only with write_mu_ held too. Never holds a segment without records.
  // A vector of a type completed in log.cc; there are few segments, so removing from the front
  // is cheap.
  std::vector<log_internal::Segment> segments_ GUARDED_BY(mu_);
};

}  // namespace blockdb
