// The write path: LevelDB-style writer queue with group commit.
//
// Each Write enqueues a Writer and waits. The writer at the front of the queue becomes the leader:
// it makes room in the memtable, takes a group of queued writers, gives them consecutive log
// indexes, appends all their records with one SegmentedLog::Append and one Sync, then applies the
// records in order (db_apply.cc) and wakes each writer with its own result. Other writers queue
// up meanwhile and form the next group, which is what amortizes the fsync.

#include <chrono>
#include <unordered_set>

#include "common/check.h"
#include "common/logging.h"
#include "engine/internal/db_impl.h"
#include "engine/log_format.h"

namespace blockdb {
namespace {

// Large enough for any key a SQL row key or index entry needs; far below the log's record limit.
constexpr size_t kMaxKeySize = 1u << 20;
// Half the log's record limit, leaving room for the framing of every entry.
constexpr size_t kMaxBatchBytes = kLogMaxPayload / 2;

Status ValidateUserBatch(const WriteBatch& batch) {
  if (batch.Count() == 0) {
    return Status::InvalidArgument("empty write batch");
  }
  if (batch.ByteSize() > kMaxBatchBytes) {
    return Status::InvalidArgument("write batch of " + std::to_string(batch.ByteSize()) +
                                   " bytes exceeds the limit of " + std::to_string(kMaxBatchBytes));
  }
  RETURN_IF_ERROR(batch.CheckRowIdSlots());
  std::unordered_set<std::string_view> seen;
  for (const WriteBatch::Entry& e : batch.entries()) {
    if (IsInternalKey(e.key)) {
      return Status::InvalidArgument("key " + PrintableKey(e.key) +
                                     " starts with the reserved byte 0xff");
    }
    if (e.key.size() > kMaxKeySize) {
      return Status::InvalidArgument("key of " + std::to_string(e.key.size()) +
                                     " bytes exceeds the limit of " + std::to_string(kMaxKeySize));
    }
    // A key with a row-id placeholder is only final at apply, which checks it then.
    if (!e.has_row_id && !seen.insert(e.key).second) {
      return Status::DuplicateKey("key " + PrintableKey(e.key) + " repeats within the batch");
    }
  }
  return Status::OK();
}

int64_t WallClockMicros() {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  using std::chrono::system_clock;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct DBImpl::Writer {
  enum class Kind { kBatch, kSeal, kFlush };

  Writer(Mutex* mu, Kind k) : kind(k), cv(mu) {}

  const Kind kind;
  const WriteBatch* batch = nullptr;  // kBatch
  int64_t seal_timestamp = 0;         // kSeal
  Status status;
  uint64_t index = 0;
  bool done = false;
  CondVar cv;
};

Result<uint64_t> DBImpl::Write(const WriteBatch& batch) {
  RETURN_IF_ERROR(ValidateUserBatch(batch));
  Writer w(&mu_, Writer::Kind::kBatch);
  w.batch = &batch;
  return RunWriter(&w);
}

Result<uint64_t> DBImpl::Seal(int64_t timestamp_micros) {
  Writer w(&mu_, Writer::Kind::kSeal);
  w.seal_timestamp = timestamp_micros;
  return RunWriter(&w);
}

Status DBImpl::Flush() {
  Writer w(&mu_, Writer::Kind::kFlush);
  Result<uint64_t> r = RunWriter(&w);
  if (!r.ok()) {
    return r.status();
  }
  MutexLock lock(&mu_);
  return WaitForFlush();
}

Result<uint64_t> DBImpl::RunWriter(Writer* w) {
  MutexLock lock(&mu_);
  if (closing_) {
    return Status::Shutdown("the engine is closed");
  }
  if (!failed_.ok()) {
    return failed_;
  }
  writers_.push_back(w);
  while (!w->done && w != writers_.front()) {
    w->cv.Wait();
  }
  if (!w->done) {
    LeadGroup(w);
  }
  BLOCKDB_CHECK(w->done);
  if (!w->status.ok()) {
    return w->status;
  }
  return w->index;
}

void DBImpl::LeadGroup(Writer* leader) {
  if (leader->kind == Writer::Kind::kFlush) {
    leader->status = MakeRoomForWrite(/*force=*/true);
    FinishGroup({leader});
    return;
  }
  Status room = MakeRoomForWrite(/*force=*/false);
  if (!room.ok()) {
    leader->status = room;
    FinishGroup({leader});
    return;
  }
  std::vector<Writer*> group = BuildGroup();
  uint64_t first_index = last_logged_index_ + 1;
  last_logged_index_ += group.size();
  int64_t now = StampTime();
  std::shared_ptr<const ReadView> view = view_;

  mu_.Unlock();
  std::vector<LogRecord> records = EncodeGroup(group, first_index, now);
  uint64_t payload_bytes = 0;
  for (const LogRecord& r : records) {
    payload_bytes += r.payload.size();
  }
  Status s = LogGroup(records);
  if (s.ok()) {
    s = ApplyGroup(records, group, *view);
  }
  mu_.Lock();

  if (!s.ok()) {
    SetFailed(s);
    for (Writer* w : group) {
      if (w->index == 0) {
        w->status = s;
      }
    }
  }
  stats_.commit_groups++;
  stats_.group_records += group.size();
  stats_.max_group_size = std::max<uint64_t>(stats_.max_group_size, group.size());
  stats_.log_bytes_written += payload_bytes;
  FinishGroup(group);
}

std::vector<DBImpl::Writer*> DBImpl::BuildGroup() {
  std::vector<Writer*> group;
  size_t bytes = 0;
  for (Writer* w : writers_) {
    if (w->kind == Writer::Kind::kFlush) {
      break;  // a flush request is handled on its own, by itself as leader
    }
    size_t size = w->kind == Writer::Kind::kBatch ? w->batch->ByteSize() : 16;
    if (!group.empty() && bytes + size > options_.max_group_bytes) {
      break;
    }
    group.push_back(w);
    bytes += size;
  }
  return group;
}

int64_t DBImpl::StampTime() {
  // Never goes backwards, even if the wall clock does, so ledger timestamps are monotonic.
  last_timestamp_ = std::max(last_timestamp_, WallClockMicros());
  return last_timestamp_;
}

std::vector<LogRecord> DBImpl::EncodeGroup(const std::vector<Writer*>& group, uint64_t first_index,
                                           int64_t now_micros) {
  std::vector<LogRecord> records(group.size());
  for (size_t i = 0; i < group.size(); ++i) {
    const Writer& w = *group[i];
    LogRecord& r = records[i];
    r.index = first_index + i;
    if (w.kind == Writer::Kind::kSeal) {
      r.type = kLogRecordSeal;
      EncodeSeal(w.seal_timestamp != 0 ? w.seal_timestamp : now_micros, &r.payload);
    } else {
      r.type = kLogRecordWriteBatch;
      int64_t ts = w.batch->timestamp_micros();
      EncodeWriteBatch(*w.batch, ts != 0 ? ts : now_micros, &r.payload);
    }
  }
  return records;
}

Status DBImpl::LogGroup(const std::vector<LogRecord>& records) {
  RETURN_IF_ERROR(log_->Append(records));
  if (options_.sync_mode == EngineOptions::SyncMode::kAlways) {
    RETURN_IF_ERROR(log_->Sync());
    MutexLock lock(&mu_);
    stats_.fsyncs++;
  }
  return Status::OK();
}

Status DBImpl::ApplyGroup(const std::vector<LogRecord>& records, const std::vector<Writer*>& group,
                          const ReadView& view) {
  uint64_t accepted_bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Status verdict;
    RETURN_IF_ERROR(ApplyRecord(records[i], view, &verdict));
    group[i]->status = verdict;
    group[i]->index = records[i].index;
    if (verdict.ok() && group[i]->kind == Writer::Kind::kBatch) {
      accepted_bytes += group[i]->batch->ByteSize();
    }
    applied_index_.store(records[i].index, std::memory_order_release);
  }
  MutexLock lock(&mu_);
  stats_.user_bytes_written += accepted_bytes;
  return Status::OK();
}

void DBImpl::FinishGroup(const std::vector<Writer*>& group) {
  for (Writer* w : group) {
    BLOCKDB_CHECK(writers_.front() == w);
    writers_.pop_front();
    w->done = true;
    w->cv.Signal();
  }
  if (!writers_.empty()) {
    writers_.front()->cv.Signal();
  } else {
    bg_cv_.SignalAll();  // Close waits for the queue to drain
  }
}

Status DBImpl::MakeRoomForWrite(bool force) {
  bool stalled = false;
  while (true) {
    if (!failed_.ok()) {
      return failed_;
    }
    const ReadView& view = *view_;
    bool full = view.mem->ApproximateMemoryUsage() >= options_.memtable_size_limit / 2;
    if (!force && !full) {
      return Status::OK();
    }
    if (force && view.mem->NumEntries() == 0) {
      return Status::OK();  // nothing to switch; Flush() still waits for a pending imm
    }
    if (view.imm != nullptr) {
      // Active and immutable memtables together are at the limit: wait for the flush.
      if (!stalled) {
        stats_.write_stalls++;
        stalled = true;
      }
      bg_cv_.Wait();
      continue;
    }
    SwitchMemTable();
    return Status::OK();
  }
}

void DBImpl::SwitchMemTable() {
  // Only the group leader (or recovery) switches, between groups, so every record up to the
  // applied index is in the memtable becoming immutable, and none after it.
  imm_last_index_ = applied_index_.load(std::memory_order_acquire);
  // The records of the memtable becoming immutable end the current log segment, so that the
  // segment can be deleted once the flush has made them durable in an SSTable.
  log_->RotateBeforeNextAppend();
  InstallView(std::make_shared<MemTable>(), view_->mem, view_->version);
  flush_cv_.Signal();
}

void DBImpl::SyncThreadMain() {
  MutexLock lock(&mu_);
  auto interval = std::chrono::milliseconds(options_.sync_interval_ms);
  while (!stop_background_.load()) {
    sync_cv_.WaitFor(std::chrono::duration_cast<std::chrono::microseconds>(interval));
    if (stop_background_.load() || !failed_.ok()) {
      continue;
    }
    mu_.Unlock();
    Status s = log_->Sync();
    mu_.Lock();
    if (!s.ok()) {
      SetFailed(s);
    } else {
      stats_.fsyncs++;
    }
  }
}

}  // namespace blockdb
