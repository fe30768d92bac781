// Leveled compaction (why leveled: docs/STORAGE.md). Keys are unique and never deleted, so a
// compaction is a pure merge: no versions to drop, no tombstones to carry.
//
//   - Level 0 holds flushed memtables, which overlap. When it reaches compaction_threshold files,
//     all of them are merged with the overlapping level-1 files into new level-1 files.
//   - Level n >= 1 may hold level1_max_bytes * 10^(n-1) bytes. Over budget, one file (picked
//     round-robin by key) is merged with the overlapping files of level n+1. A file that overlaps
//     nothing below is moved down by a MANIFEST edit alone (a trivial move).
//   - CompactAll merges every file into one sorted run in the deepest level in use, or deeper
//     until the run fits that level's budget.
// Runs on its own thread. Readers are never blocked: they hold the Version they started with.

#include <algorithm>

#include "common/logging.h"
#include "engine/internal/db_impl.h"
#include "engine/internal/iterators.h"
#include "engine/sstable/table_builder.h"

namespace blockdb {

struct DBImpl::CompactionJob {
  int output_level = 1;
  std::vector<FileMetaData> inputs;
  std::shared_ptr<const Version> version;  // keeps the inputs readable while merging
  bool trivial_move = false;
  std::vector<FileMetaData> outputs;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
};

namespace {

bool Overlaps(const FileMetaData& f, std::string_view smallest, std::string_view largest) {
  return !(f.largest < smallest || f.smallest > largest);
}

// Adds the files of `files` overlapping [smallest, largest] to *inputs.
void AddOverlapping(const std::vector<FileMetaData>& files, std::string_view smallest,
                    std::string_view largest, std::vector<FileMetaData>* inputs) {
  for (const FileMetaData& f : files) {
    if (Overlaps(f, smallest, largest)) {
      inputs->push_back(f);
    }
  }
}

}  // namespace

void DBImpl::CompactionThreadMain() {
  MutexLock lock(&mu_);
  while (true) {
    while (!stop_background_.load() && manual_completed_ == manual_requested_ &&
           (!failed_.ok() || !NeedsCompaction())) {
      compaction_cv_.Wait();
    }
    if (stop_background_.load()) {
      break;
    }
    uint64_t manual_upto = manual_requested_;
    bool manual = manual_completed_ < manual_upto;
    if (!failed_.ok()) {
      FinishManualCompactions(manual_upto, failed_);
      continue;
    }
    std::optional<CompactionJob> job = manual ? PickFullCompaction() : PickCompaction();
    Status s;
    if (job.has_value()) {
      mu_.Unlock();
      s = RunCompaction(&*job);
      mu_.Lock();
    }
    if (!s.ok() && s.code() != StatusCode::kShutdown) {
      SetFailed(s);
    }
    if (manual) {
      FinishManualCompactions(manual_upto, s);
    }
    bg_cv_.SignalAll();
  }
  FinishManualCompactions(manual_requested_, Status::Shutdown("the engine is closing"));
}

void DBImpl::FinishManualCompactions(uint64_t upto, const Status& s) {
  if (manual_completed_ < upto) {
    manual_completed_ = upto;
    manual_status_ = s;
    bg_cv_.SignalAll();
  }
}

Status DBImpl::CompactAll() {
  RETURN_IF_ERROR(Flush());
  MutexLock lock(&mu_);
  if (closing_) {
    return Status::Shutdown("the engine is closed");
  }
  uint64_t ticket = ++manual_requested_;
  compaction_cv_.Signal();
  while (manual_completed_ < ticket) {
    bg_cv_.Wait();
  }
  return manual_status_;
}

uint64_t DBImpl::MaxBytesForLevel(int level) const {
  uint64_t bytes = options_.level1_max_bytes;
  for (int l = 1; l < level; ++l) {
    bytes *= 10;
  }
  return bytes;
}

bool DBImpl::NeedsCompaction() const {
  const Version& v = *view_->version;
  if (v.files(0).size() >= static_cast<size_t>(options_.compaction_threshold)) {
    return true;
  }
  for (int level = 1; level < kNumLevels - 1; ++level) {
    if (v.LevelBytes(level) > MaxBytesForLevel(level)) {
      return true;
    }
  }
  return false;
}

std::optional<DBImpl::CompactionJob> DBImpl::PickCompaction() {
  CompactionJob job;
  job.version = view_->version;
  const Version& v = *job.version;
  if (v.files(0).size() >= static_cast<size_t>(options_.compaction_threshold)) {
    job.inputs = v.files(0);
    std::string smallest = job.inputs[0].smallest;
    std::string largest = job.inputs[0].largest;
    for (const FileMetaData& f : job.inputs) {
      smallest = std::min(smallest, f.smallest);
      largest = std::max(largest, f.largest);
    }
    // The whole key span, not each file's range: outputs cover it, so no level-1 file inside
    // it may be left out or the level would overlap itself.
    AddOverlapping(v.files(1), smallest, largest, &job.inputs);
    job.output_level = 1;
    return job;
  }
  for (int level = 1; level < kNumLevels - 1; ++level) {
    if (v.LevelBytes(level) <= MaxBytesForLevel(level)) {
      continue;
    }
    const auto& files = v.files(level);
    const std::string& after = compact_pointer_[level];
    auto it = std::find_if(files.begin(), files.end(),
                           [&after](const FileMetaData& f) { return f.smallest > after; });
    const FileMetaData& pick = it != files.end() ? *it : files.front();
    compact_pointer_[level] = pick.largest;
    job.inputs.push_back(pick);
    AddOverlapping(v.files(level + 1), pick.smallest, pick.largest, &job.inputs);
    job.output_level = level + 1;
    job.trivial_move = job.inputs.size() == 1;
    return job;
  }
  return std::nullopt;
}

std::optional<DBImpl::CompactionJob> DBImpl::PickFullCompaction() {
  CompactionJob job;
  job.version = view_->version;
  const Version& v = *job.version;
  job.output_level = 1;
  for (int level = 0; level < kNumLevels; ++level) {
    if (!v.files(level).empty()) {
      job.output_level = std::max(job.output_level, level);
      job.inputs.insert(job.inputs.end(), v.files(level).begin(), v.files(level).end());
    }
  }
  bool single_run = job.inputs.size() == v.files(job.output_level).size();
  if (job.inputs.empty() || single_run) {
    return std::nullopt;  // already one sorted run
  }
  // Deep enough that the run fits its level's budget (with an eighth to spare), so that no
  // automatic compaction has to push it further down right after.
  uint64_t total = 0;
  for (const FileMetaData& f : job.inputs) {
    total += f.file_size;
  }
  while (job.output_level < kNumLevels - 1 &&
         total + total / 8 > MaxBytesForLevel(job.output_level)) {
    ++job.output_level;
  }
  return job;
}

Status DBImpl::RunCompaction(CompactionJob* job) {
  std::vector<uint64_t> remove;
  for (const FileMetaData& f : job->inputs) {
    remove.push_back(f.number);
    job->bytes_read += f.file_size;
  }
  std::vector<std::pair<int, FileMetaData>> add;
  if (job->trivial_move) {
    add.emplace_back(job->output_level, job->inputs.front());
  } else {
    RETURN_IF_ERROR(WriteCompactionOutputs(job));
    for (const FileMetaData& f : job->outputs) {
      add.emplace_back(job->output_level, f);
    }
  }
  Status s = InstallEdit(remove, add, std::nullopt, /*drop_imm=*/false);
  if (!s.ok()) {
    if (!job->trivial_move) {
      RemoveFiles(job->outputs);
    }
    return s;
  }
  if (job->trivial_move) {
    Logger("engine")->info("moved {} ({} bytes) to level {}",
                           TableFileName(job->inputs.front().number), job->bytes_read,
                           job->output_level);
  } else {
    Logger("engine")->info("compacted {} files ({} bytes) into {} files ({} bytes) at level {}",
                           job->inputs.size(), job->bytes_read, job->outputs.size(),
                           job->bytes_written, job->output_level);
  }
  {
    MutexLock lock(&mu_);
    stats_.compactions++;
    if (job->trivial_move) {
      stats_.trivial_moves++;
    } else {
      stats_.compaction_bytes_read += job->bytes_read;
      stats_.compaction_bytes_written += job->bytes_written;
    }
  }
  job->version.reset();  // no longer needed: lets the inputs be deleted now
  DeleteObsoleteFiles();
  return Status::OK();
}

Status DBImpl::WriteCompactionOutputs(CompactionJob* job) {
  std::vector<std::unique_ptr<Iterator>> children;
  uint64_t input_entries = 0;
  for (const FileMetaData& f : job->inputs) {
    children.push_back(job->version->NewTableIterator(f));
    input_entries += f.num_entries;
  }
  std::unique_ptr<Iterator> merged = NewMergingIterator(std::move(children));
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<TableBuilder> builder;
  FileMetaData meta;
  uint64_t output_entries = 0;
  Status s;
  for (merged->SeekToFirst(); merged->Valid() && s.ok(); merged->Next()) {
    if (stop_background_.load()) {
      s = Status::Shutdown("compaction abandoned: the engine is closing");
      break;
    }
    if (builder == nullptr) {
      meta = FileMetaData();
      meta.number = NewFileNumber();
      meta.smallest.assign(merged->key());
      Result<std::unique_ptr<WritableFile>> opened =
          env_->NewWritableFile(JoinPath(dir_, TableFileName(meta.number)));
      if (!opened.ok()) {
        s = opened.status();
        break;
      }
      file = std::move(opened).value();
      builder = std::make_unique<TableBuilder>(options_.table, file.get());
      job->outputs.push_back(meta);  // recorded now so that a failure removes the file
    }
    meta.largest.assign(merged->key());
    builder->Add(merged->key(), merged->value());
    ++output_entries;
    if (builder->FileSize() >= options_.target_file_size) {
      s = FinishOutputFile(file.get(), builder.get(), &meta, job);
      builder.reset();
      file.reset();
    }
  }
  if (s.ok()) {
    s = merged->status();
  }
  if (s.ok() && builder != nullptr) {
    s = FinishOutputFile(file.get(), builder.get(), &meta, job);
    builder.reset();  // finished (or failed while finishing): never abandoned afterwards
    file.reset();
  }
  if (s.ok()) {
    s = env_->SyncDir(dir_);
  }
  if (s.ok() && output_entries != input_entries) {
    s = Status::Corruption("compaction read " + std::to_string(output_entries) +
                           " entries from inputs holding " + std::to_string(input_entries));
  }
  if (!s.ok()) {
    if (builder != nullptr) {
      builder->Abandon();
    }
    builder.reset();
    file.reset();
    RemoveFiles(job->outputs);
    job->outputs.clear();
  }
  return s;
}

Status DBImpl::FinishOutputFile(WritableFile* file, TableBuilder* builder, FileMetaData* meta,
                                CompactionJob* job) {
  RETURN_IF_ERROR(builder->Finish());
  RETURN_IF_ERROR(file->Sync());
  RETURN_IF_ERROR(file->Close());
  meta->file_size = builder->FileSize();
  meta->num_entries = builder->NumEntries();
  job->outputs.back() = *meta;
  job->bytes_written += meta->file_size;
  return Status::OK();
}

void DBImpl::RemoveFiles(const std::vector<FileMetaData>& files) {
  for (const FileMetaData& f : files) {
    (void)env_->RemoveFile(JoinPath(dir_, TableFileName(f.number)));  // orphans otherwise
  }
}

}  // namespace blockdb
