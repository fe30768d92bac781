// Env::Default(): the POSIX file system.
//
// Every descriptor is opened with O_CLOEXEC so that a subprocess (tests spawn servers) never
// inherits data files or the LOCK. Every system call that can be interrupted is retried on EINTR.
// Errors name the path, the operation and strerror(errno); a missing file is NotFound, anything
// else IOError.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <set>

#include "common/env.h"

namespace blockdb {

namespace {

constexpr size_t kWritableBufferSize = 64 * 1024;

Status ErrnoStatus(const std::string& path, std::string_view op, int err) {
  std::string msg = path + ": " + std::string(op) + ": " + std::strerror(err);
  if (err == ENOENT) {
    return Status::NotFound(std::move(msg));
  }
  return Status::IOError(std::move(msg));
}

Result<int> OpenFd(const std::string& path, int flags, mode_t mode = 0644) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return ErrnoStatus(path, "open", errno);
  }
  return fd;
}

// close() is not retried on EINTR: on Linux the descriptor is released even then, and a retry
// could close a descriptor another thread has just been given.
Status CloseFd(const std::string& path, int fd) {
  if (::close(fd) != 0 && errno != EINTR) {
    return ErrnoStatus(path, "close", errno);
  }
  return Status::OK();
}

Status FsyncFd(const std::string& path, int fd, bool data_only) {
  int r;
  do {
    r = data_only ? ::fdatasync(fd) : ::fsync(fd);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    return ErrnoStatus(path, data_only ? "fdatasync" : "fsync", errno);
  }
  return Status::OK();
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { (void)CloseFd(path_, fd_); }

  Status Read(size_t n, std::string* result) override {
    result->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::read(fd_, result->data() + got, n - got);
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r < 0) {
        result->clear();
        return ErrnoStatus(path_, "read", errno);
      }
      if (r == 0) {
        break;
      }
      got += static_cast<size_t>(r);
    }
    result->resize(got);
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) {
      return ErrnoStatus(path_, "lseek", errno);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

// pread does not move a shared file offset, so concurrent readers need no lock.
class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { (void)CloseFd(path_, fd_); }

  Status Read(uint64_t offset, size_t n, std::string* result) const override {
    result->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, result->data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r < 0) {
        result->clear();
        return ErrnoStatus(path_, "pread", errno);
      }
      if (r == 0) {
        break;
      }
      got += static_cast<size_t>(r);
    }
    result->resize(got);
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

// Appends collect in a user-space buffer so that small records (log entries of a few dozen
// bytes) cost a memcpy rather than a system call each.
class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t initial_size)
      : path_(std::move(path)), fd_(fd), size_(initial_size) {
    buffer_.reserve(kWritableBufferSize);
  }

  // Best effort: a caller that cares about errors calls Close() itself.
  ~PosixWritableFile() override {
    if (fd_ >= 0) {
      (void)Close();
    }
  }

  Status Append(std::string_view data) override {
    RETURN_IF_ERROR(CheckOpen());
    size_ += data.size();
    size_t room = kWritableBufferSize - buffer_.size();
    if (data.size() <= room) {
      buffer_.append(data);
      return Status::OK();
    }
    buffer_.append(data.substr(0, room));
    data.remove_prefix(room);
    RETURN_IF_ERROR(FlushBuffer());
    if (data.size() < kWritableBufferSize) {
      buffer_.append(data);
      return Status::OK();
    }
    return WriteAll(data);  // large appends skip the copy
  }

  Status Flush() override {
    RETURN_IF_ERROR(CheckOpen());
    return FlushBuffer();
  }

  Status Sync() override {
    RETURN_IF_ERROR(CheckOpen());
    RETURN_IF_ERROR(FlushBuffer());
    return FsyncFd(path_, fd_, /*data_only=*/true);
  }

  Status Close() override {
    RETURN_IF_ERROR(CheckOpen());
    Status s = FlushBuffer();
    Status c = CloseFd(path_, fd_);
    fd_ = -1;
    return s.ok() ? c : s;
  }

  uint64_t Size() const override { return size_; }

 private:
  Status CheckOpen() const {
    if (fd_ < 0) {
      return Status::IOError(path_ + ": file already closed");
    }
    return Status::OK();
  }

  Status FlushBuffer() {
    Status s = WriteAll(buffer_);
    buffer_.clear();
    return s;
  }

  Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t r = ::write(fd_, data.data(), data.size());
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r < 0) {
        return ErrnoStatus(path_, "write", errno);
      }
      data.remove_prefix(static_cast<size_t>(r));
    }
    return Status::OK();
  }

  const std::string path_;
  int fd_;
  uint64_t size_;
  std::string buffer_;
};

class PosixEnv;

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(PosixEnv* env, std::string path, int fd)
      : env_(env), path_(std::move(path)), fd_(fd) {}
  ~PosixFileLock() override;

 private:
  PosixEnv* const env_;
  const std::string path_;
  const int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    ASSIGN_OR_RETURN(int fd, OpenFd(path, O_RDONLY));
    return std::unique_ptr<SequentialFile>(std::make_unique<PosixSequentialFile>(path, fd));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    ASSIGN_OR_RETURN(int fd, OpenFd(path, O_RDONLY));
    return std::unique_ptr<RandomAccessFile>(std::make_unique<PosixRandomAccessFile>(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(int fd, OpenFd(path, O_WRONLY | O_CREAT | O_TRUNC));
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(int fd, OpenFd(path, O_WRONLY | O_CREAT | O_APPEND));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = ErrnoStatus(path, "fstat", errno);
      (void)CloseFd(path, fd);
      return s;
    }
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());  // glibc opens the directory with O_CLOEXEC
    if (d == nullptr) {
      return ErrnoStatus(dir, "opendir", errno);
    }
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name != "." && name != "..") {
        names.emplace_back(name);
      }
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) {
      return ErrnoStatus(dir, "readdir", err);
    }
    return names;
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) {
      return ErrnoStatus(path, "unlink", errno);
    }
    return Status::OK();
  }

  Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0) {
      return Status::OK();
    }
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::OK();
    }
    return ErrnoStatus(dir, "mkdir", err);
  }

  Status CreateDirs(const std::string& dir) override {
    for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
      RETURN_IF_ERROR(CreateDir(dir.substr(0, pos)));
    }
    return CreateDir(dir);
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return ErrnoStatus(path, "stat", errno);
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(from, "rename to " + to, errno);
    }
    return Status::OK();
  }

  Status TruncateFile(const std::string& path, uint64_t size) override {
    ASSIGN_OR_RETURN(int fd, OpenFd(path, O_WRONLY));
    Status s;
    int r;
    do {
      r = ::ftruncate(fd, static_cast<off_t>(size));
    } while (r != 0 && errno == EINTR);
    if (r != 0) {
      s = ErrnoStatus(path, "ftruncate", errno);
    } else {
      s = FsyncFd(path, fd, /*data_only=*/false);  // the size is metadata: fsync, not fdatasync
    }
    Status c = CloseFd(path, fd);
    return s.ok() ? c : s;
  }

  Status SyncDir(const std::string& dir) override {
    ASSIGN_OR_RETURN(int fd, OpenFd(dir, O_RDONLY | O_DIRECTORY));
    Status s = FsyncFd(dir, fd, /*data_only=*/false);
    Status c = CloseFd(dir, fd);
    return s.ok() ? c : s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  uint64_t NowMicros() override {
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  }

  void Unlock(const std::string& path) {
    std::lock_guard<std::mutex> guard(mu_);
    locked_.erase(path);
  }

 private:
  // fcntl locks belong to the process, so a second LockFile from this process would succeed
  // silently (and closing either descriptor would drop both). Paths locked here are therefore
  // also remembered in-process, which turns a double open of one database into an error.
  std::mutex mu_;
  std::set<std::string> locked_;  // GUARDED_BY(mu_)
};

Result<std::unique_ptr<FileLock>> PosixEnv::LockFile(const std::string& path) {
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (!locked_.insert(path).second) {
      return Status::IOError(path + ": lock already held by this process");
    }
  }
  Result<int> fd = OpenFd(path, O_RDWR | O_CREAT);
  if (!fd.ok()) {
    Unlock(path);
    return fd.TakeStatus();
  }
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (::fcntl(*fd, F_SETLK, &fl) != 0) {
    int err = errno;
    (void)CloseFd(path, *fd);
    Unlock(path);
    if (err == EACCES || err == EAGAIN) {
      return Status::IOError(path + ": lock held by another process");
    }
    return ErrnoStatus(path, "fcntl(F_SETLK)", err);
  }
  return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(this, path, *fd));
}

// Closing the descriptor releases the fcntl lock.
PosixFileLock::~PosixFileLock() {
  (void)CloseFd(path_, fd_);
  env_->Unlock(path_);
}

}  // namespace

Env* Env::Default() {
  static Env* const env = new PosixEnv();
  return env;
}

}  // namespace blockdb
