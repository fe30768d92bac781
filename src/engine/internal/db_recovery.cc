// Recovery: load the MANIFEST (or create the first one), remove orphan SSTables, open the log and
// replay every record after the MANIFEST's applied index through the same apply step as live
// writes. Memory stays bounded during replay: a full memtable is flushed on the spot.

#include <set>

#include "common/logging.h"
#include "engine/internal/db_impl.h"

namespace blockdb {
namespace {
constexpr char kLogDirName[] = "log";
}  // namespace

Status DBImpl::Recover() {
  RETURN_IF_ERROR(env_->CreateDirs(dir_));
  ManifestState state;
  RETURN_IF_ERROR(LoadManifest(&state));
  RETURN_IF_ERROR(RemoveOrphans(state));
  uint64_t manifest_applied = state.applied_index;
  {
    MutexLock lock(&mu_);
    next_file_number_ = state.next_file_number;
    applied_index_.store(state.applied_index, std::memory_order_release);
    last_logged_index_ = state.applied_index;
    InstallView(std::make_shared<MemTable>(), nullptr,
                std::make_shared<const Version>(std::move(state), table_cache_.get()));
  }
  LogOptions log_options;
  log_options.segment_size = options_.log_segment_size;
  ASSIGN_OR_RETURN(log_, SegmentedLog::Open(env_, JoinPath(dir_, kLogDirName), log_options));
  if (options_.apply_hook != nullptr) {
    RETURN_IF_ERROR(options_.apply_hook->OnOpen(this).Annotate("apply hook OnOpen"));
  }
  RETURN_IF_ERROR(ReplayLog(manifest_applied));
  StartBackgroundThreads();
  return Status::OK();
}

Status DBImpl::LoadManifest(ManifestState* state) {
  std::string tmp = JoinPath(dir_, kManifestTempFileName);
  if (env_->FileExists(tmp)) {
    RETURN_IF_ERROR(env_->RemoveFile(tmp));  // a MANIFEST write that never reached its rename
  }
  Status s = ReadManifest(env_, dir_, state);
  if (s.IsNotFound()) {
    RETURN_IF_ERROR(CheckNoDataWithoutManifest());
    *state = ManifestState();
    Logger("engine")->info("creating a new database in {}", dir_);
    return WriteManifest(env_, dir_, *state);
  }
  return s;
}

Status DBImpl::CheckNoDataWithoutManifest() {
  // The MANIFEST is written before anything else exists, so tables or log segments without one
  // mean it was lost: starting afresh would delete the tables as orphans and lose the data.
  ASSIGN_OR_RETURN(std::vector<std::string> children, env_->GetChildren(dir_));
  for (const std::string& name : children) {
    uint64_t number = 0;
    bool data = ParseTableFileName(name, &number);
    if (name == kLogDirName) {
      ASSIGN_OR_RETURN(std::vector<std::string> segments,
                       env_->GetChildren(JoinPath(dir_, kLogDirName)));
      data = !segments.empty();
    }
    if (data) {
      return Status::Corruption(JoinPath(dir_, kManifestFileName) + " is missing but " +
                                JoinPath(dir_, name) + " exists");
    }
  }
  return Status::OK();
}

Status DBImpl::RemoveOrphans(const ManifestState& state) {
  std::set<uint64_t> live;
  for (const auto& files : state.levels) {
    for (const FileMetaData& f : files) {
      live.insert(f.number);
    }
  }
  ASSIGN_OR_RETURN(std::vector<std::string> children, env_->GetChildren(dir_));
  for (const std::string& name : children) {
    uint64_t number = 0;
    if (ParseTableFileName(name, &number) && live.count(number) == 0) {
      // Written by a flush or compaction whose MANIFEST never landed, or an obsolete input whose
      // deletion was interrupted. Never referenced, so never needed.
      Logger("engine")->warn("removing orphan table file {}", name);
      RETURN_IF_ERROR(env_->RemoveFile(JoinPath(dir_, name)));
    }
  }
  return Status::OK();
}

Status DBImpl::ReplayLog(uint64_t manifest_applied_index) {
  uint64_t first = log_->FirstIndex();
  uint64_t last = log_->LastIndex();
  std::string log_dir = JoinPath(dir_, kLogDirName);
  if (last != 0 && first > manifest_applied_index + 1) {
    return Status::Corruption(log_dir + ": log starts at index " + std::to_string(first) +
                              " but the MANIFEST covers only up to index " +
                              std::to_string(manifest_applied_index) + ": records are missing");
  }
  if (last != 0 && last < manifest_applied_index) {
    return Status::Corruption(log_dir + ": log ends at index " + std::to_string(last) +
                              " before the MANIFEST's applied index " +
                              std::to_string(manifest_applied_index));
  }
  uint64_t replayed = 0;
  uint64_t rejected = 0;
  RETURN_IF_ERROR(log_->Scan(manifest_applied_index + 1, [&](const LogRecord& record) {
    ++replayed;
    return ReplayRecord(record, &rejected);
  }));
  MutexLock lock(&mu_);
  last_logged_index_ = std::max(manifest_applied_index, last);
  Logger("engine")->info(
      "opened {}: MANIFEST applied index {}, replayed {} log records ({} rejected), applied "
      "index {}",
      dir_, manifest_applied_index, replayed, rejected, AppliedIndex());
  return Status::OK();
}

Status DBImpl::ReplayRecord(const LogRecord& record, uint64_t* rejected) {
  std::shared_ptr<const ReadView> view;
  {
    MutexLock lock(&mu_);
    if (view_->mem->ApproximateMemoryUsage() >= options_.memtable_size_limit / 2) {
      SwitchMemTable();
      RETURN_IF_ERROR(FlushImmutable());
    }
    view = view_;
  }
  Status verdict;
  RETURN_IF_ERROR(ApplyRecord(record, *view, &verdict));
  if (!verdict.ok()) {
    ++*rejected;
  }
  applied_index_.store(record.index, std::memory_order_release);
  return Status::OK();
}

}  // namespace blockdb
