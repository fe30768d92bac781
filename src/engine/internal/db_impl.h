// DBImpl: the implementation of DB (engine/db.h), split by concern:
//   db_impl.cc        open/close, reads, stats, read views, obsolete-file deletion
//   db_write.cc       the writer queue, group commit, memtable switch, the periodic sync thread
//   db_apply.cc       the deterministic apply step shared by live writes and recovery
//   db_recovery.cc    MANIFEST load, orphan removal, log replay
//   db_flush.cc       memtable -> level-0 SSTable, MANIFEST install, log prefix truncation
//   db_compaction.cc  leveled compaction (picking, merging, installing)
// Design and invariants: docs/STORAGE.md.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/db.h"
#include "engine/internal/mutex.h"
#include "engine/internal/table_cache.h"
#include "engine/internal/version.h"
#include "engine/log.h"
#include "engine/memtable.h"
#include "engine/sstable/cache.h"

namespace blockdb {

class DBImpl : public DB {
 public:
  explicit DBImpl(const EngineOptions& options);
  ~DBImpl() override;

  // Loads or creates the on-disk state and replays the log; starts background threads.
  Status Recover() EXCLUDES(mu_, manifest_mu_);

  Result<uint64_t> Write(const WriteBatch& batch) override EXCLUDES(mu_);
  Result<uint64_t> Seal(int64_t timestamp_micros) override EXCLUDES(mu_);
  Status Get(std::string_view key, std::string* value, uint64_t snapshot) override EXCLUDES(mu_);
  Status GetWithIndex(std::string_view key, std::string* value, uint64_t* applied_index,
                      uint64_t snapshot) override EXCLUDES(mu_);
  std::unique_ptr<Iterator> NewIterator(uint64_t snapshot) override EXCLUDES(mu_);
  Result<std::vector<std::string>> ApproximateSplitKeys(std::string_view begin,
                                                        std::string_view end, int parts,
                                                        uint64_t min_bytes) override EXCLUDES(mu_);
  std::unique_ptr<Iterator> NewIterator(uint64_t snapshot, const IteratorOptions& options) override
      EXCLUDES(mu_);
  uint64_t AppliedIndex() const override { return applied_index_.load(std::memory_order_acquire); }
  Status Flush() override EXCLUDES(mu_);
  Status CompactAll() override EXCLUDES(mu_);
  Status Close() override EXCLUDES(mu_);
  EngineStats GetStats() const override EXCLUDES(mu_);
  Status FailureStatus() const override EXCLUDES(mu_);

 private:
  // What a reader needs, taken atomically under mu_: the memtables and the SSTable set.
  struct ReadView {
    std::shared_ptr<MemTable> mem;
    std::shared_ptr<MemTable> imm;  // null when no flush is pending
    std::shared_ptr<const Version> version;
  };
  struct Writer;
  struct CompactionJob;

  // ---- read views (db_impl.cc)
  std::shared_ptr<const ReadView> CurrentView(uint64_t* applied_index) EXCLUDES(mu_);
  void InstallView(std::shared_ptr<MemTable> mem, std::shared_ptr<MemTable> imm,
                   std::shared_ptr<const Version> version) REQUIRES(mu_);
  // Looks key up in a view without snapshot filtering: *engine_value and OK, or NotFound.
  static Status GetFromView(const ReadView& view, std::string_view key, std::string* engine_value);
  void SetFailed(const Status& s) REQUIRES(mu_);
  void DeleteObsoleteFiles() EXCLUDES(mu_);
  void StartBackgroundThreads();

  // ---- write path (db_write.cc)
  Result<uint64_t> RunWriter(Writer* w) EXCLUDES(mu_);
  void LeadGroup(Writer* leader) REQUIRES(mu_);
  Status MakeRoomForWrite(bool force) REQUIRES(mu_);
  void SwitchMemTable() REQUIRES(mu_);
  std::vector<Writer*> BuildGroup() REQUIRES(mu_);
  std::vector<LogRecord> EncodeGroup(const std::vector<Writer*>& group, uint64_t first_index,
                                     int64_t now_micros);
  Status LogGroup(const std::vector<LogRecord>& records) EXCLUDES(mu_);
  Status ApplyGroup(const std::vector<LogRecord>& records, const std::vector<Writer*>& group,
                    const ReadView& view) EXCLUDES(mu_);
  void FinishGroup(const std::vector<Writer*>& group) REQUIRES(mu_);
  int64_t StampTime() REQUIRES(mu_);
  void SyncThreadMain() EXCLUDES(mu_);

  // ---- apply (db_apply.cc): a deterministic function of (engine state, record).
  // Applies one log record against `view` (whose mem is the active memtable). Returns a non-OK
  // status only for a fatal error (a malformed record, an I/O error while checking keys, a hook
  // failure); the writer-visible verdict (OK, DuplicateKey, InvalidArgument) goes to *verdict.
  Status ApplyRecord(const LogRecord& record, const ReadView& view, Status* verdict);
  Status ApplyBatch(uint64_t index, std::string_view payload, const ReadView& view,
                    Status* verdict);
  Status ApplySeal(uint64_t index, std::string_view payload, const ReadView& view);
  Status CheckBatch(const WriteBatch& batch, const ReadView& view, Status* verdict);
  Status CheckInternalWrites(const std::vector<std::pair<std::string, std::string>>& writes,
                             const ReadView& view);
  static Status KeyExists(const ReadView& view, std::string_view key, bool* exists);

  // ---- recovery (db_recovery.cc)
  Status LoadManifest(ManifestState* state) EXCLUDES(mu_);
  Status CheckNoDataWithoutManifest();
  Status RemoveOrphans(const ManifestState& state);
  Status ReplayLog(uint64_t manifest_applied_index) EXCLUDES(mu_);
  Status ReplayRecord(const LogRecord& record, uint64_t* rejected) EXCLUDES(mu_);

  // ---- flush (db_flush.cc)
  void FlushThreadMain() EXCLUDES(mu_);
  // Turns view_->imm into a level-0 SSTable and installs it. Called with mu_ held; releases it
  // while doing I/O.
  Status FlushImmutable() REQUIRES(mu_);
  Status WriteLevel0Table(const MemTable& mem, FileMetaData* meta) EXCLUDES(mu_);
  Status WaitForFlush() REQUIRES(mu_);

  // ---- compaction (db_compaction.cc)
  void CompactionThreadMain() EXCLUDES(mu_);
  bool NeedsCompaction() const REQUIRES(mu_);
  uint64_t MaxBytesForLevel(int level) const;
  std::optional<CompactionJob> PickCompaction() REQUIRES(mu_);
  std::optional<CompactionJob> PickFullCompaction() REQUIRES(mu_);
  void FinishManualCompactions(uint64_t upto, const Status& s) REQUIRES(mu_);
  Status RunCompaction(CompactionJob* job) EXCLUDES(mu_);
  Status WriteCompactionOutputs(CompactionJob* job) EXCLUDES(mu_);
  Status FinishOutputFile(WritableFile* file, TableBuilder* builder, FileMetaData* meta,
                          CompactionJob* job) EXCLUDES(mu_);
  void RemoveFiles(const std::vector<FileMetaData>& files);
  // Writes a MANIFEST for `edit` applied to the current version and installs it. Serialized by
  // manifest_mu_. remove: file numbers leaving the tree; add: (level, file) entering it.
  Status InstallEdit(const std::vector<uint64_t>& remove,
                     const std::vector<std::pair<int, FileMetaData>>& add,
                     std::optional<uint64_t> applied_index, bool drop_imm)
      EXCLUDES(mu_, manifest_mu_);
  uint64_t NewFileNumber() EXCLUDES(mu_);

  const EngineOptions options_;
  Env* const env_;
  const std::string dir_;
  std::unique_ptr<BlockCache> block_cache_;
  std::unique_ptr<TableCache> table_cache_;
  std::unique_ptr<SegmentedLog> log_;  // set by Recover, then never replaced

  // Index of the last applied record. Written only by the applying thread (group leader, or
  // recovery), with release order after the record's keys are in the memtable.
  std::atomic<uint64_t> applied_index_{0};
  // Set by Close to stop background work at the next opportunity.
  std::atomic<bool> stop_background_{false};

  // Serializes MANIFEST writes. Lock order: manifest_mu_, then mu_.
  Mutex manifest_mu_;

  mutable Mutex mu_;
  CondVar flush_cv_{&mu_};       // wakes the flush thread
  CondVar compaction_cv_{&mu_};  // wakes the compaction thread
  CondVar sync_cv_{&mu_};        // wakes the sync thread
  CondVar bg_cv_{&mu_};          // a flush/compaction finished, the writer queue drained, ...
  std::shared_ptr<const ReadView> view_ GUARDED_BY(mu_);
  uint64_t imm_last_index_ GUARDED_BY(mu_) = 0;  // applied index covered by view_->imm
  bool flush_running_ GUARDED_BY(mu_) = false;  // FlushImmutable is between its first and last step
  uint64_t last_logged_index_ GUARDED_BY(mu_) = 0;
  uint64_t next_file_number_ GUARDED_BY(mu_) = 1;
  int64_t last_timestamp_ GUARDED_BY(mu_) = 0;
  std::deque<Writer*> writers_ GUARDED_BY(mu_);
  Status failed_ GUARDED_BY(mu_);  // non-OK once the DB has failed (permanent)
  bool closing_ GUARDED_BY(mu_) = false;
  bool closed_ GUARDED_BY(mu_) = false;
  Status close_status_ GUARDED_BY(mu_);
  // CompactAll requests: each caller takes a ticket (requested) and waits until the compaction
  // thread has completed a full compaction started after it (completed >= ticket).
  uint64_t manual_requested_ GUARDED_BY(mu_) = 0;
  uint64_t manual_completed_ GUARDED_BY(mu_) = 0;
  Status manual_status_ GUARDED_BY(mu_);
  std::array<std::string, kNumLevels> compact_pointer_ GUARDED_BY(mu_);
  // Files no longer in the current version, deleted once no live version names them.
  std::vector<uint64_t> obsolete_files_ GUARDED_BY(mu_);
  std::vector<std::weak_ptr<const Version>> old_versions_ GUARDED_BY(mu_);
  EngineStats stats_ GUARDED_BY(mu_);

  std::thread flush_thread_;
  std::thread compaction_thread_;
  std::thread sync_thread_;
};

// The key as text for error messages: quoted when printable ASCII, else 0x-prefixed hex.
std::string PrintableKey(std::string_view key);

}  // namespace blockdb
