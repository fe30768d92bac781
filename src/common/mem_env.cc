#include "common/mem_env.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace blockdb {

namespace {

// Collapses repeated slashes and drops a trailing one, so "a//b/" and "a/b" name one file.
std::string Normalize(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') {
      continue;
    }
    out += c;
  }
  if (out.size() > 1 && out.back() == '/') {
    out.pop_back();
  }
  return out.empty() ? "." : out;
}

bool IsRoot(const std::string& dir) { return dir == "/" || dir == "."; }

// Inverse of DirName/BaseName for normalized paths: a file of "." is stored without "./".
std::string ChildPath(const std::string& dir, const std::string& name) {
  return dir == "." ? name : JoinPath(dir, name);
}

Status NotFound(const std::string& path, std::string_view op) {
  return Status::NotFound(path + ": " + std::string(op) + ": No such file or directory");
}

Status Injected(const std::string& path, std::string_view op, std::string_view what) {
  return Status::IOError(path + ": " + std::string(op) + ": " + std::string(what) + " (injected)");
}

}  // namespace

struct MemEnv::Inode {
  std::string data;
  // data[0, synced) is durable, unless durable_override is set.
  uint64_t synced = 0;
  // Set when the file was cut below its durable length and not synced since: the durable
  // contents are then these bytes, not a prefix of data.
  std::optional<std::string> durable_override;

  void Truncate(uint64_t size) {
    if (!durable_override.has_value() && size < synced) {
      durable_override = data.substr(0, synced);
    }
    data.resize(size);
    synced = std::min(synced, size);
  }

  void Sync() {
    synced = data.size();
    durable_override.reset();
  }

  // Keeps what a crash leaves of this file.
  void Recover(const CrashOptions& options, std::mt19937_64* rng) {
    if (durable_override.has_value()) {
      data = std::move(*durable_override);
      durable_override.reset();
    } else if (data.size() > synced) {
      uint64_t unsynced = data.size() - synced;
      uint64_t keep = options.torn_tail ? (*rng)() % (unsynced + 1) : 0;
      data.resize(synced + keep);
      if (options.torn_tail && options.garble_tail && keep > 0 && (*rng)() % 2 == 0) {
        uint64_t n = std::min<uint64_t>(keep, 1 + (*rng)() % 16);
        for (uint64_t i = data.size() - n; i < data.size(); ++i) {
          data[i] = static_cast<char>(data[i] ^ (1 + (*rng)() % 255));
        }
      }
    }
    synced = data.size();
  }
};

// Every handle remembers the generation it was opened in; after a crash it is dead.
class MemEnv::SequentialFileImpl final : public SequentialFile {
 public:
  SequentialFileImpl(MemEnv* env, std::string path, std::shared_ptr<Inode> inode, uint64_t gen)
      : env_(env), path_(std::move(path)), inode_(std::move(inode)), gen_(gen) {}

  Status Read(size_t n, std::string* result) override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    result->clear();
    RETURN_IF_ERROR(env_->CheckHandleLocked(gen_, path_));
    if (pos_ < inode_->data.size()) {
      *result = inode_->data.substr(pos_, n);
      pos_ += result->size();
    }
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    RETURN_IF_ERROR(env_->CheckHandleLocked(gen_, path_));
    pos_ += n;
    return Status::OK();
  }

 private:
  MemEnv* const env_;
  const std::string path_;
  const std::shared_ptr<Inode> inode_;
  const uint64_t gen_;
  uint64_t pos_ = 0;
};

class MemEnv::RandomAccessFileImpl final : public RandomAccessFile {
 public:
  RandomAccessFileImpl(MemEnv* env, std::string path, std::shared_ptr<Inode> inode, uint64_t gen)
      : env_(env), path_(std::move(path)), inode_(std::move(inode)), gen_(gen) {}

  Status Read(uint64_t offset, size_t n, std::string* result) const override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    result->clear();
    RETURN_IF_ERROR(env_->CheckHandleLocked(gen_, path_));
    if (offset < inode_->data.size()) {
      *result = inode_->data.substr(offset, n);
    }
    return Status::OK();
  }

 private:
  MemEnv* const env_;
  const std::string path_;
  const std::shared_ptr<Inode> inode_;
  const uint64_t gen_;
};

// Appends go straight to the inode: the OS page cache is what MemEnv models, so there is no
// user-space buffer and Flush has nothing to do.
class MemEnv::WritableFileImpl final : public WritableFile {
 public:
  WritableFileImpl(MemEnv* env, std::string path, std::shared_ptr<Inode> inode, uint64_t gen)
      : env_(env), path_(std::move(path)), inode_(std::move(inode)), gen_(gen) {}

  Status Append(std::string_view data) override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    RETURN_IF_ERROR(CheckLocked());
    RETURN_IF_ERROR(env_->InjectedAppendFaultLocked(path_));
    inode_->data.append(data);
    return Status::OK();
  }

  Status Flush() override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    return CheckLocked();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    RETURN_IF_ERROR(CheckLocked());
    if (env_->sync_error_) {
      return Injected(path_, "fdatasync", "Input/output error");
    }
    inode_->Sync();
    return Status::OK();
  }

  Status Close() override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    RETURN_IF_ERROR(CheckLocked());
    closed_ = true;
    return Status::OK();
  }

  uint64_t Size() const override {
    std::lock_guard<std::mutex> guard(env_->mu_);
    return inode_->data.size();
  }

 private:
  Status CheckLocked() const {
    if (closed_) {
      return Status::IOError(path_ + ": file already closed");
    }
    return env_->CheckHandleLocked(gen_, path_);
  }

  MemEnv* const env_;
  const std::string path_;
  const std::shared_ptr<Inode> inode_;
  const uint64_t gen_;
  bool closed_ = false;
};

class MemEnv::FileLockImpl final : public FileLock {
 public:
  FileLockImpl(MemEnv* env, std::string path, uint64_t id)
      : env_(env), path_(std::move(path)), id_(id) {}
  ~FileLockImpl() override { env_->UnlockFile(path_, id_); }

 private:
  MemEnv* const env_;
  const std::string path_;
  const uint64_t id_;
};

MemEnv::MemEnv() = default;
MemEnv::~MemEnv() = default;

Status MemEnv::CheckHandleLocked(uint64_t generation, const std::string& path) const {
  if (generation != generation_) {
    return Status::IOError(path + ": file handle invalidated by a simulated crash");
  }
  return Status::OK();
}

bool MemEnv::DirExistsLocked(const std::string& dir) const {
  return IsRoot(dir) || dirs_.count(dir) > 0;
}

Status MemEnv::CheckParentLocked(const std::string& path) const {
  if (!DirExistsLocked(DirName(path))) {
    return NotFound(path, "parent directory");
  }
  return Status::OK();
}

Result<std::shared_ptr<MemEnv::Inode>> MemEnv::FindFileLocked(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    return NotFound(path, "open");
  }
  return it->second;
}

MemEnv::Entries MemEnv::CurrentEntriesLocked(const std::string& dir) const {
  Entries out;
  for (const auto& [path, inode] : files_) {
    if (DirName(path) == dir) {
      out.emplace(BaseName(path), inode);
    }
  }
  return out;
}

Status MemEnv::InjectedAppendFaultLocked(const std::string& path) {
  if (writes_before_failure_.has_value()) {
    if (*writes_before_failure_ == 0) {
      write_error_ = true;
      writes_before_failure_.reset();
    } else {
      --*writes_before_failure_;
    }
  }
  if (no_space_) {
    return Injected(path, "write", "No space left on device");
  }
  if (write_error_) {
    return Injected(path, "write", "Input/output error");
  }
  return Status::OK();
}

Result<std::unique_ptr<SequentialFile>> MemEnv::NewSequentialFile(const std::string& path) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  return std::unique_ptr<SequentialFile>(
      std::make_unique<SequentialFileImpl>(this, p, std::move(inode), generation_));
}

Result<std::unique_ptr<RandomAccessFile>> MemEnv::NewRandomAccessFile(const std::string& path) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<RandomAccessFileImpl>(this, p, std::move(inode), generation_));
}

Result<std::unique_ptr<WritableFile>> MemEnv::OpenWritable(const std::string& path, bool truncate) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  if (dirs_.count(p) > 0 || IsRoot(p)) {
    return Status::IOError(p + ": open: Is a directory");
  }
  std::shared_ptr<Inode>& slot = files_[p];
  if (slot == nullptr) {
    Status s = CheckParentLocked(p);
    if (!s.ok()) {
      files_.erase(p);
      return s;
    }
    slot = std::make_shared<Inode>();
  } else if (truncate) {
    slot->Truncate(0);
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<WritableFileImpl>(this, p, slot, generation_));
}

Result<std::unique_ptr<WritableFile>> MemEnv::NewWritableFile(const std::string& path) {
  return OpenWritable(path, /*truncate=*/true);
}

Result<std::unique_ptr<WritableFile>> MemEnv::NewAppendableFile(const std::string& path) {
  return OpenWritable(path, /*truncate=*/false);
}

bool MemEnv::FileExists(const std::string& path) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  return files_.count(p) > 0 || DirExistsLocked(p);
}

Result<std::vector<std::string>> MemEnv::GetChildren(const std::string& dir) {
  std::string d = Normalize(dir);
  std::lock_guard<std::mutex> guard(mu_);
  if (!DirExistsLocked(d)) {
    return NotFound(d, "opendir");
  }
  std::vector<std::string> names;
  for (const auto& [name, inode] : CurrentEntriesLocked(d)) {
    names.push_back(name);
  }
  for (const std::string& sub : dirs_) {
    if (DirName(sub) == d && sub != d) {
      names.push_back(BaseName(sub));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status MemEnv::RemoveFile(const std::string& path) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  if (files_.erase(p) == 0) {
    return NotFound(p, "unlink");
  }
  return Status::OK();
}

Status MemEnv::CreateDir(const std::string& dir) {
  std::string d = Normalize(dir);
  std::lock_guard<std::mutex> guard(mu_);
  if (DirExistsLocked(d)) {
    return Status::OK();
  }
  if (files_.count(d) > 0) {
    return Status::IOError(d + ": mkdir: File exists");
  }
  if (!DirExistsLocked(DirName(d))) {
    return NotFound(d, "mkdir");
  }
  dirs_.insert(d);
  return Status::OK();
}

Status MemEnv::CreateDirs(const std::string& dir) {
  std::string d = Normalize(dir);
  for (size_t pos = d.find('/', 1); pos != std::string::npos; pos = d.find('/', pos + 1)) {
    RETURN_IF_ERROR(CreateDir(d.substr(0, pos)));
  }
  return CreateDir(d);
}

Result<uint64_t> MemEnv::GetFileSize(const std::string& path) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  return static_cast<uint64_t>(inode->data.size());
}

Status MemEnv::RenameFile(const std::string& from, const std::string& to) {
  std::string f = Normalize(from);
  std::string t = Normalize(to);
  std::lock_guard<std::mutex> guard(mu_);
  auto it = files_.find(f);
  if (it == files_.end()) {
    return NotFound(f, "rename");
  }
  if (DirExistsLocked(t)) {
    return Status::IOError(t + ": rename: Is a directory");
  }
  RETURN_IF_ERROR(CheckParentLocked(t));
  std::shared_ptr<Inode> inode = it->second;
  files_.erase(it);
  files_[t] = std::move(inode);
  return Status::OK();
}

Status MemEnv::TruncateFile(const std::string& path, uint64_t size) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  if (sync_error_) {
    return Injected(p, "fsync", "Input/output error");
  }
  inode->data.resize(size);
  inode->Sync();
  return Status::OK();
}

Status MemEnv::SyncDir(const std::string& dir) {
  std::string d = Normalize(dir);
  std::lock_guard<std::mutex> guard(mu_);
  if (!DirExistsLocked(d)) {
    return NotFound(d, "open");
  }
  if (sync_error_) {
    return Injected(d, "fsync", "Input/output error");
  }
  durable_entries_[d] = CurrentEntriesLocked(d);
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> MemEnv::LockFile(const std::string& path) {
  std::string p = Normalize(path);
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (locks_.count(p) > 0) {
      return Status::IOError(p + ": lock held by another process");
    }
    if (files_.count(p) == 0) {
      RETURN_IF_ERROR(CheckParentLocked(p));
      files_[p] = std::make_shared<Inode>();
    }
    id = next_lock_id_++;
    locks_[p] = id;
  }
  return std::unique_ptr<FileLock>(std::make_unique<FileLockImpl>(this, p, id));
}

void MemEnv::UnlockFile(const std::string& path, uint64_t lock_id) {
  std::lock_guard<std::mutex> guard(mu_);
  auto it = locks_.find(path);
  if (it != locks_.end() && it->second == lock_id) {
    locks_.erase(it);
  }
}

uint64_t MemEnv::NowMicros() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

void MemEnv::SimulateCrash() { SimulateCrash(CrashOptions{}); }

void MemEnv::SimulateCrash(uint64_t seed) {
  SimulateCrash(CrashOptions{.seed = seed, .torn_tail = true, .garble_tail = true});
}

void MemEnv::SimulateCrash(const CrashOptions& options) {
  std::lock_guard<std::mutex> guard(mu_);
  // The names that survive are exactly the durable directory entries; a file whose name is not
  // durable anywhere is gone (its inode dies with the last handle).
  std::map<std::string, std::shared_ptr<Inode>> survivors;
  for (const auto& [dir, entries] : durable_entries_) {
    for (const auto& [name, inode] : entries) {
      survivors[ChildPath(dir, name)] = inode;
    }
  }
  std::mt19937_64 rng(options.seed);
  std::set<Inode*> recovered;  // one inode may be durable under two names (cross-dir rename)
  for (const auto& [path, inode] : survivors) {
    if (recovered.insert(inode.get()).second) {
      inode->Recover(options, &rng);
    }
  }
  files_ = std::move(survivors);
  ++generation_;
  locks_.clear();
}

void MemEnv::SetWriteError(bool on) {
  std::lock_guard<std::mutex> guard(mu_);
  write_error_ = on;
}

void MemEnv::SetSyncError(bool on) {
  std::lock_guard<std::mutex> guard(mu_);
  sync_error_ = on;
}

void MemEnv::SetNoSpace(bool on) {
  std::lock_guard<std::mutex> guard(mu_);
  no_space_ = on;
}

void MemEnv::FailAfterWrites(uint64_t n) {
  std::lock_guard<std::mutex> guard(mu_);
  writes_before_failure_ = n;
}

void MemEnv::ClearFaults() {
  std::lock_guard<std::mutex> guard(mu_);
  write_error_ = false;
  sync_error_ = false;
  no_space_ = false;
  writes_before_failure_.reset();
}

Status MemEnv::CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  if (offset >= inode->data.size()) {
    return Status::OutOfRange(p + ": offset " + std::to_string(offset) + " past the end (" +
                              std::to_string(inode->data.size()) + " bytes)");
  }
  inode->data[offset] = static_cast<char>(inode->data[offset] ^ xor_mask);
  if (inode->durable_override.has_value() && offset < inode->durable_override->size()) {
    char& b = (*inode->durable_override)[offset];
    b = static_cast<char>(b ^ xor_mask);
  }
  return Status::OK();
}

Status MemEnv::TruncateForTest(const std::string& path, uint64_t size) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  if (size > inode->data.size()) {
    return Status::InvalidArgument(p + ": cannot grow a file from " +
                                   std::to_string(inode->data.size()) + " to " +
                                   std::to_string(size) + " bytes");
  }
  inode->data.resize(size);
  inode->synced = std::min<uint64_t>(inode->synced, size);
  if (inode->durable_override.has_value() && inode->durable_override->size() > size) {
    inode->durable_override->resize(size);
  }
  return Status::OK();
}

Result<std::string> MemEnv::ReadWholeFile(const std::string& path) {
  std::string p = Normalize(path);
  std::lock_guard<std::mutex> guard(mu_);
  ASSIGN_OR_RETURN(auto inode, FindFileLocked(p));
  return inode->data;
}

std::vector<std::string> MemEnv::AllFiles() {
  std::lock_guard<std::mutex> guard(mu_);
  std::vector<std::string> out;
  out.reserve(files_.size());
  for (const auto& [path, inode] : files_) {
    out.push_back(path);
  }
  return out;
}

}  // namespace blockdb
