#include "engine/internal/db_impl.h"

#include <algorithm>
#include <set>

#include "common/check.h"
#include "common/coding.h"
#include "common/logging.h"
#include "engine/engine_value.h"
#include "engine/internal/db_iterator.h"
#include "engine/internal/iterators.h"

namespace blockdb {

Status EngineOptions::Validate() const {
  auto bad = [](std::string_view field, const std::string& why) {
    return Status::InvalidArgument("engine option " + std::string(field) + ": " + why);
  };
  if (env == nullptr) {
    return bad("env", "is null");
  }
  if (dir.empty()) {
    return bad("dir", "is empty");
  }
  if (memtable_size_limit < (64u << 10)) {
    return bad("memtable_size_limit", std::to_string(memtable_size_limit) + " < 64 KiB");
  }
  if (sync_mode == SyncMode::kInterval && sync_interval_ms == 0) {
    return bad("sync_interval_ms", "must be > 0 in interval mode");
  }
  if (compaction_threshold < 2) {
    return bad("compaction_threshold", std::to_string(compaction_threshold) + " < 2");
  }
  if (target_file_size < (16u << 10) || level1_max_bytes < target_file_size) {
    return bad("target_file_size", "must be >= 16 KiB and <= level1_max_bytes");
  }
  if (log_segment_size < (4u << 10)) {
    return bad("log_segment_size", std::to_string(log_segment_size) + " < 4 KiB");
  }
  if (max_group_bytes == 0) {
    return bad("max_group_bytes", "is 0");
  }
  return table.Validate().Annotate("engine option table");
}

double EngineStats::WriteAmplification() const {
  if (user_bytes_written == 0) {
    return 0.0;
  }
  return static_cast<double>(log_bytes_written + flush_bytes + compaction_bytes_written) /
         static_cast<double>(user_bytes_written);
}

std::string PrintableKey(std::string_view key) {
  bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (printable) {
    return "'" + std::string(key) + "'";
  }
  return "0x" + ToHex(key);
}

Result<std::unique_ptr<DB>> DB::Open(const EngineOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  auto db = std::make_unique<DBImpl>(options);
  Status s = db->Recover();
  if (!s.ok()) {
    (void)db->Close();
    return s;
  }
  return std::unique_ptr<DB>(std::move(db));
}

DBImpl::DBImpl(const EngineOptions& options)
    : options_(options),
      env_(options.env),
      dir_(options.dir),
      block_cache_(std::make_unique<BlockCache>(options.block_cache_size)),
      table_cache_(std::make_unique<TableCache>(options.env, options.dir, options.table,
                                                block_cache_.get(), options.table_cache_size)) {}

DBImpl::~DBImpl() { (void)Close(); }

std::shared_ptr<const DBImpl::ReadView> DBImpl::CurrentView(uint64_t* applied_index) {
  MutexLock lock(&mu_);
  // Read under mu_: a memtable switch (also under mu_) cannot slip in between, so the view holds
  // every record with index <= *applied_index.
  *applied_index = applied_index_.load(std::memory_order_acquire);
  return view_;
}

void DBImpl::InstallView(std::shared_ptr<MemTable> mem, std::shared_ptr<MemTable> imm,
                         std::shared_ptr<const Version> version) {
  if (view_ != nullptr && view_->version != version) {
    old_versions_.push_back(view_->version);
  }
  auto view = std::make_shared<ReadView>();
  view->mem = std::move(mem);
  view->imm = std::move(imm);
  view->version = std::move(version);
  view_ = std::move(view);
}

Status DBImpl::GetFromView(const ReadView& view, std::string_view key, std::string* engine_value) {
  uint64_t index = 0;
  std::string user_value;
  for (const MemTable* mem : {view.mem.get(), view.imm.get()}) {
    if (mem != nullptr && mem->Get(key, &index, &user_value)) {
      engine_value->clear();
      AppendEngineValue(engine_value, index, user_value);
      return Status::OK();
    }
  }
  return view.version->Get(key, engine_value);
}

Status DBImpl::Get(std::string_view key, std::string* value, uint64_t snapshot) {
  uint64_t applied_index = 0;
  return GetWithIndex(key, value, &applied_index, snapshot);
}

Status DBImpl::GetWithIndex(std::string_view key, std::string* value, uint64_t* applied_index,
                            uint64_t snapshot) {
  uint64_t applied = 0;
  std::shared_ptr<const ReadView> view = CurrentView(&applied);
  snapshot = std::min(snapshot, applied);
  uint64_t index = 0;
  std::string engine_value;
  RETURN_IF_ERROR(GetFromView(*view, key, &engine_value));
  std::string_view user_value;
  if (!DecodeEngineValue(engine_value, &index, &user_value)) {
    return Status::Corruption("malformed engine value of key " + PrintableKey(key));
  }
  if (index > snapshot) {
    return Status::NotFound("");
  }
  value->assign(user_value);
  *applied_index = index;
  return Status::OK();
}

std::unique_ptr<Iterator> DBImpl::NewIterator(uint64_t snapshot) {
  return NewIterator(snapshot, IteratorOptions());
}

std::unique_ptr<Iterator> DBImpl::NewIterator(uint64_t snapshot, const IteratorOptions& options) {
  uint64_t applied = 0;
  std::shared_ptr<const ReadView> view = CurrentView(&applied);
  std::vector<std::unique_ptr<Iterator>> children;
  children.push_back(view->mem->NewIterator());
  if (view->imm != nullptr) {
    children.push_back(view->imm->NewIterator());
  }
  Version::AddIterators(view->version, options.fill_cache, &children);
  return NewSnapshotIterator(view, NewMergingIterator(std::move(children)),
                             std::min(snapshot, applied));
}

Result<std::vector<std::string>> DBImpl::ApproximateSplitKeys(std::string_view begin,
                                                              std::string_view end, int parts,
                                                              uint64_t min_bytes) {
  uint64_t applied = 0;
  std::shared_ptr<const ReadView> view = CurrentView(&applied);
  // (index key, block size) of every data block that may hold keys of the range, all levels.
  std::vector<std::pair<std::string, uint64_t>> blocks;
  for (int level = 0; level < kNumLevels; ++level) {
    for (const FileMetaData& f : view->version->files(level)) {
      if (f.largest < begin || f.smallest >= end) continue;
      ASSIGN_OR_RETURN(std::shared_ptr<Table> table, table_cache_->Find(f));
      RETURN_IF_ERROR(table->AppendBlockSizes(begin, end, &blocks));
    }
  }
  uint64_t total = 0;
  for (const auto& b : blocks) total += b.second;
  std::vector<std::string> keys;
  if (parts < 2 || total < min_bytes || total == 0) return keys;
  std::sort(blocks.begin(), blocks.end());
  // A cut after the block where the running size first reaches i/parts of the total; the
  // block's index key is at or above its last key, so the cut falls between blocks.
  uint64_t running = 0;
  int next = 1;
  for (const auto& [key, size] : blocks) {
    running += size;
    if (next >= parts) break;
    if (running * static_cast<uint64_t>(parts) < total * static_cast<uint64_t>(next)) continue;
    ++next;
    if (key <= begin || key >= end || (!keys.empty() && key <= keys.back())) continue;
    keys.push_back(key);
  }
  return keys;
}

void DBImpl::SetFailed(const Status& s) {
  BLOCKDB_CHECK(!s.ok());
  if (!failed_.ok()) {
    return;
  }
  failed_ = s;
  Logger("engine")->error("engine failed, refusing further writes: {}", s.ToString());
  bg_cv_.SignalAll();
  flush_cv_.SignalAll();
  compaction_cv_.SignalAll();
}

void DBImpl::DeleteObsoleteFiles() {
  std::vector<uint64_t> deletable;
  {
    MutexLock lock(&mu_);
    std::set<uint64_t> live;
    auto add_live = [&live](const Version& v) {
      for (const auto& files : v.state().levels) {
        for (const FileMetaData& f : files) {
          live.insert(f.number);
        }
      }
    };
    if (view_ != nullptr) {
      add_live(*view_->version);
    }
    std::erase_if(old_versions_, [](const auto& w) { return w.expired(); });
    for (const auto& weak : old_versions_) {
      if (std::shared_ptr<const Version> v = weak.lock()) {
        add_live(*v);
      }
    }
    std::erase_if(obsolete_files_, [&](uint64_t n) {
      if (live.count(n) != 0) {
        return false;
      }
      deletable.push_back(n);
      return true;
    });
  }
  for (uint64_t number : deletable) {
    table_cache_->Evict(number);
    Status s = env_->RemoveFile(JoinPath(dir_, TableFileName(number)));
    if (!s.ok()) {
      // A leftover file is harmless: it is an orphan that the next Open removes.
      Logger("engine")->warn("could not remove obsolete {}: {}", TableFileName(number),
                             s.ToString());
    }
  }
}

void DBImpl::StartBackgroundThreads() {
  flush_thread_ = std::thread([this] { FlushThreadMain(); });
  compaction_thread_ = std::thread([this] { CompactionThreadMain(); });
  if (options_.sync_mode == EngineOptions::SyncMode::kInterval) {
    sync_thread_ = std::thread([this] { SyncThreadMain(); });
  }
}

Status DBImpl::Close() {
  {
    MutexLock lock(&mu_);
    if (closed_) {
      return close_status_;
    }
    closing_ = true;
    while (!writers_.empty()) {
      bg_cv_.Wait();
    }
    stop_background_.store(true);
    flush_cv_.SignalAll();
    compaction_cv_.SignalAll();
    sync_cv_.SignalAll();
    bg_cv_.SignalAll();
  }
  for (std::thread* t : {&flush_thread_, &compaction_thread_, &sync_thread_}) {
    if (t->joinable()) {
      t->join();
    }
  }
  Status s;
  bool failed;
  {
    MutexLock lock(&mu_);
    failed = !failed_.ok();
  }
  if (log_ != nullptr && !failed) {
    s = log_->Sync();
  }
  DeleteObsoleteFiles();
  MutexLock lock(&mu_);
  closed_ = true;
  close_status_ = s;
  return s;
}

Status DBImpl::FailureStatus() const {
  MutexLock lock(&mu_);
  return failed_;
}

EngineStats DBImpl::GetStats() const {
  MutexLock lock(&mu_);
  EngineStats stats = stats_;
  stats.applied_index = AppliedIndex();
  stats.queued_writes = writers_.size();
  if (log_ != nullptr) {
    stats.log_bytes = log_->SizeBytes();
    stats.log_segments = log_->NumSegments();
  }
  if (view_ != nullptr) {
    stats.memtable_bytes = view_->mem->ApproximateMemoryUsage() +
                           (view_->imm != nullptr ? view_->imm->ApproximateMemoryUsage() : 0);
    for (int level = 0; level < kNumLevels; ++level) {
      stats.files_per_level[level] = view_->version->files(level).size();
      stats.bytes_per_level[level] = view_->version->LevelBytes(level);
    }
  }
  stats.block_cache_usage = block_cache_->usage();
  stats.table_cache_usage = table_cache_->Usage();
  return stats;
}

}  // namespace blockdb
