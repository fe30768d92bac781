// Flush: the immutable memtable becomes a level-0 SSTable.
//
// Order of durable steps (each crash point leaves a consistent state, see docs/STORAGE.md):
//   1. write NNNNNN.sst, fsync it, fsync the directory;
//   2. in interval sync mode, fsync the log, so that the MANIFEST never claims records the log
//      could still lose (recovery needs the log to reach at least the applied index);
//   3. write the MANIFEST naming the file, with applied_index = the last index the memtable holds;
//   4. delete log segments wholly covered by that index.

#include <algorithm>
#include <set>

#include "common/check.h"
#include "common/logging.h"
#include "engine/internal/db_impl.h"
#include "engine/sstable/table_builder.h"

namespace blockdb {

void DBImpl::FlushThreadMain() {
  MutexLock lock(&mu_);
  while (true) {
    while (!stop_background_.load() && (view_->imm == nullptr || !failed_.ok())) {
      flush_cv_.Wait();
    }
    if (stop_background_.load()) {
      return;  // a pending memtable is still in the log; the next Open replays it
    }
    Status s = FlushImmutable();
    if (!s.ok()) {
      SetFailed(s);
    }
    bg_cv_.SignalAll();
  }
}

Status DBImpl::FlushImmutable() {
  std::shared_ptr<MemTable> imm = view_->imm;
  BLOCKDB_CHECK(imm != nullptr);
  uint64_t last_index = imm_last_index_;
  flush_running_ = true;
  mu_.Unlock();

  FileMetaData meta;
  bool has_file = imm->NumEntries() > 0;
  Status s = has_file ? WriteLevel0Table(*imm, &meta) : Status::OK();
  if (s.ok() && options_.sync_mode == EngineOptions::SyncMode::kInterval) {
    s = log_->Sync();
  }
  if (s.ok()) {
    std::vector<std::pair<int, FileMetaData>> add;
    if (has_file) {
      add.emplace_back(0, meta);
    }
    s = InstallEdit({}, add, last_index, /*drop_imm=*/true);
  }
  if (s.ok()) {
    s = log_->TruncatePrefix(last_index);
  }
  if (s.ok() && has_file) {
    Logger("engine")->info("flushed memtable ({} entries, up to log index {}) to {} ({} bytes)",
                           meta.num_entries, last_index, TableFileName(meta.number),
                           meta.file_size);
  }

  mu_.Lock();
  flush_running_ = false;
  if (s.ok()) {
    compaction_cv_.Signal();
  }
  bg_cv_.SignalAll();
  return s;
}

Status DBImpl::WriteLevel0Table(const MemTable& mem, FileMetaData* meta) {
  meta->number = NewFileNumber();
  std::string path = JoinPath(dir_, TableFileName(meta->number));
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env_->NewWritableFile(path));
  TableBuilder builder(options_.table, file.get());
  std::unique_ptr<Iterator> it = mem.NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (builder.NumEntries() == 0) {
      meta->smallest.assign(it->key());
    }
    meta->largest.assign(it->key());
    builder.Add(it->key(), it->value());
  }
  Status s = builder.Finish();
  if (s.ok()) {
    s = file->Sync();
  }
  if (s.ok()) {
    s = file->Close();
  }
  if (s.ok()) {
    s = env_->SyncDir(dir_);
  }
  if (!s.ok()) {
    file.reset();
    (void)env_->RemoveFile(path);  // best effort: an unreferenced file is an orphan anyway
    return s.Annotate("writing " + TableFileName(meta->number));
  }
  meta->file_size = builder.FileSize();
  meta->num_entries = builder.NumEntries();
  return Status::OK();
}

Status DBImpl::WaitForFlush() {
  // Until the log prefix is truncated too, so that a caller sees the whole flush done.
  while ((view_->imm != nullptr || flush_running_) && failed_.ok() && !stop_background_.load()) {
    bg_cv_.Wait();
  }
  if (!failed_.ok()) {
    return failed_;
  }
  if (view_->imm != nullptr) {
    return Status::Shutdown("the engine closed before the flush finished");
  }
  return Status::OK();
}

uint64_t DBImpl::NewFileNumber() {
  MutexLock lock(&mu_);
  return next_file_number_++;
}

Status DBImpl::InstallEdit(const std::vector<uint64_t>& remove,
                           const std::vector<std::pair<int, FileMetaData>>& add,
                           std::optional<uint64_t> applied_index, bool drop_imm) {
  MutexLock manifest_lock(&manifest_mu_);
  ManifestState state;
  {
    MutexLock lock(&mu_);
    state = view_->version->state();
    state.next_file_number = next_file_number_;
  }
  std::set<uint64_t> removed(remove.begin(), remove.end());
  for (auto& files : state.levels) {
    std::erase_if(files, [&](const FileMetaData& f) { return removed.count(f.number) != 0; });
  }
  for (const auto& [level, file] : add) {
    removed.erase(file.number);  // a trivial move removes and adds the same file
    state.levels[level].push_back(file);
  }
  for (int level = 1; level < kNumLevels; ++level) {
    std::sort(state.levels[level].begin(), state.levels[level].end(),
              [](const FileMetaData& a, const FileMetaData& b) { return a.smallest < b.smallest; });
  }
  if (applied_index.has_value()) {
    state.applied_index = *applied_index;
  }
  RETURN_IF_ERROR(WriteManifest(env_, dir_, state));

  MutexLock lock(&mu_);
  auto version = std::make_shared<const Version>(std::move(state), table_cache_.get());
  InstallView(view_->mem, drop_imm ? nullptr : view_->imm, std::move(version));
  obsolete_files_.insert(obsolete_files_.end(), removed.begin(), removed.end());
  if (drop_imm) {
    // Counted here, at install, so that Flush() returning implies the stats include it.
    stats_.flushes++;
    for (const auto& [level, file] : add) {
      stats_.flush_bytes += file.file_size;
    }
  }
  bg_cv_.SignalAll();
  return Status::OK();
}

}  // namespace blockdb
