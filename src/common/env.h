// Env: every file-system operation BlockDB performs goes through this interface, so tests can run
// the engine against an in-memory file system that loses unsynced data, tears writes, flips bits
// and returns EIO (see mem_env.h). Modelled on LevelDB's include/leveldb/env.h.
//
// Paths are plain strings; directories are separated by '/'. All methods are thread-safe on the
// Env; a file object may be used by one thread at a time unless stated otherwise.
//
// Errors: a missing file or directory is NotFound, any other failure IOError; both messages name
// the path, the operation and the system's reason ("db/LOG: open: No such file or directory").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb {

// A file read from the start to the end (log replay, manifest load).
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes into *result (replacing its contents). Fewer bytes than n, or none, means
  // the end of the file was reached.
  virtual Status Read(size_t n, std::string* result) = 0;
  virtual Status Skip(uint64_t n) = 0;
};

// A file read at arbitrary offsets (SSTables). Safe for concurrent use by several threads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset into *result (replacing its contents). A short read means the
  // end of the file.
  virtual Status Read(uint64_t offset, size_t n, std::string* result) const = 0;
};

// A file written by appending. Data is durable only after Sync() returns OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Pushes buffered data to the OS (no durability promise).
  virtual Status Flush() = 0;
  // fdatasync: data appended so far survives a crash. A failed Sync must be treated as fatal by
  // the caller (BLOCKDB_FATAL); it is never retried.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes appended so far (including any written before opening, for appendable files).
  virtual uint64_t Size() const = 0;
};

// An advisory lock on a file, held until released or the process exits.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;
  // Creates or truncates.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens for appending, creating the file if absent.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of dir, without "." and "..".
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Creates dir; OK if it already exists. Parents must exist.
  virtual Status CreateDir(const std::string& dir) = 0;
  // Creates dir and any missing parents.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Atomically replaces `to` with `from`. Durable only after SyncDir of the parent.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Cuts the file to `size` bytes and syncs it.
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // fsyncs the directory, making file creations, renames and removals in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Takes an exclusive advisory lock on path (creating it), failing with IOError if another
  // process holds it. The lock is released when the returned object is destroyed.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // Microseconds from an arbitrary, monotonic origin.
  virtual uint64_t NowMicros() = 0;
};

// Helpers over any Env.
Status WriteStringToFileSync(Env* env, std::string_view data, const std::string& path);
Result<std::string> ReadFileToString(Env* env, const std::string& path);

// "dir/name", without doubling a '/'.
std::string JoinPath(std::string_view dir, std::string_view name);
// The directory part of a path ("." when there is none).
std::string DirName(std::string_view path);
// The last component of a path.
std::string BaseName(std::string_view path);

}  // namespace blockdb
