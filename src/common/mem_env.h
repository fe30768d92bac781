// MemEnv: an in-memory Env for tests, with a crash model and fault injection.
//
// Files live in memory as "inodes" reached through directory entries, as on a POSIX file system:
// a handle keeps writing to its inode after the name is removed or renamed, and a rename moves
// the inode to another name. Durability is tracked the way fsync(2) defines it:
//
//   * File contents: the bytes appended up to the last WritableFile::Sync() (or TruncateFile) are
//     durable; later bytes are not. Truncating a file (NewWritableFile over an existing one) is
//     itself not durable until the next Sync.
//   * Directory entries: creations, renames and removals in a directory become durable when
//     SyncDir() of that directory returns. Until then a crash undoes them: a new file vanishes,
//     a renamed file goes back to its old name (and whatever the new name pointed to before comes
//     back), a removed file reappears with its durable contents.
//   * Directories themselves are durable as soon as CreateDir returns (a simplification: BlockDB
//     creates its directories once, before writing anything that must survive).
//
// SimulateCrash() applies that model: what was not durable is lost, open handles become invalid
// (every call returns IOError), locks are released. Fault injection makes Append fail with EIO
// or ENOSPC and Sync/SyncDir fail with EIO; a failed operation changes nothing.
//
// Paths: '/'-separated; repeated and trailing slashes are ignored. "/" and "." always exist. The
// parent directory of a file must exist (CreateDir/CreateDirs) before the file is created.
//
// Thread safety: every method, and every method of the files it hands out, may be called from
// any thread; one mutex serialises them. RandomAccessFile reads see the current contents.
// Files and locks handed out must be destroyed before the MemEnv.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/env.h"

namespace blockdb {

// How SimulateCrash treats the unsynced tail of each file.
struct CrashOptions {
  // Seeds every random choice below; the same seed on the same history gives the same result.
  uint64_t seed = 0;
  // false: every file is cut back to exactly its durable length. true: a random prefix (possibly
  // empty, possibly all) of each file's unsynced tail survives, as after a torn write.
  bool torn_tail = false;
  // With torn_tail: for about half the files that keep some unsynced bytes, the last 1..16 of the
  // kept bytes are overwritten with garbage (sectors written only partly).
  bool garble_tail = false;
};

class MemEnv final : public Env {
 public:
  MemEnv();
  ~MemEnv() override;
  MemEnv(const MemEnv&) = delete;
  MemEnv& operator=(const MemEnv&) = delete;

  // Env. Missing files and directories are reported as NotFound, injected faults as IOError.
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  Status CreateDir(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  Result<uint64_t> GetFileSize(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status TruncateFile(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  // The real monotonic clock.
  uint64_t NowMicros() override;

  // Crash: drops everything not durable (see the file comment), invalidates every open handle
  // and releases every lock. The Env stays usable, as after a restart.
  void SimulateCrash();
  // Same, with torn tails and garbling chosen at random from `seed`.
  void SimulateCrash(uint64_t seed);
  void SimulateCrash(const CrashOptions& options);

  // Fault injection. Each setting holds until changed.
  // Append fails with EIO (nothing is written).
  void SetWriteError(bool on);
  // Sync and SyncDir fail with EIO (nothing becomes durable).
  void SetSyncError(bool on);
  // Append fails with ENOSPC (nothing is written).
  void SetNoSpace(bool on);
  // The next n Appends (over all files) succeed; after that SetWriteError(true) takes effect.
  void FailAfterWrites(uint64_t n);
  // Turns every injected fault off.
  void ClearFaults();

  // Inspection and damage, bypassing the crash model: the change is applied to the current and
  // the durable contents alike, as a disk would.
  // XORs the byte at offset with xor_mask. OutOfRange if offset is past the end.
  Status CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask);
  // Cuts the file to size bytes (InvalidArgument if larger than the file).
  Status TruncateForTest(const std::string& path, uint64_t size);
  // Current contents of the file (including unsynced bytes).
  Result<std::string> ReadWholeFile(const std::string& path);
  // Paths of every file, sorted.
  std::vector<std::string> AllFiles();

 private:
  struct Inode;
  class SequentialFileImpl;
  class RandomAccessFileImpl;
  class WritableFileImpl;
  class FileLockImpl;
  using Entries = std::map<std::string, std::shared_ptr<Inode>>;  // name -> inode

  Result<std::shared_ptr<Inode>> FindFileLocked(const std::string& path);
  Status CheckParentLocked(const std::string& path) const;
  bool DirExistsLocked(const std::string& dir) const;
  Entries CurrentEntriesLocked(const std::string& dir) const;
  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path, bool truncate);
  Status InjectedAppendFaultLocked(const std::string& path);
  Status CheckHandleLocked(uint64_t generation, const std::string& path) const;
  void UnlockFile(const std::string& path, uint64_t lock_id);

  // One mutex for the whole file system; handles take it too.
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Inode>> files_;  // guarded by mu_; path -> inode
  std::set<std::string> dirs_;                           // guarded by mu_
  // Guarded by mu_. Directory path -> its entries as of its last SyncDir (absent: never synced).
  std::map<std::string, Entries> durable_entries_;
  // Guarded by mu_. Incremented by each crash; handles of an older generation are dead.
  uint64_t generation_ = 0;
  std::map<std::string, uint64_t> locks_;          // guarded by mu_; path -> lock id
  uint64_t next_lock_id_ = 1;                      // guarded by mu_
  bool write_error_ = false;                       // guarded by mu_
  bool sync_error_ = false;                        // guarded by mu_
  bool no_space_ = false;                          // guarded by mu_
  std::optional<uint64_t> writes_before_failure_;  // guarded by mu_
};

}  // namespace blockdb
