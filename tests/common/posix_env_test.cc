// Behaviour of the POSIX Env that the shared contract (env_test.cc) cannot express: descriptors
// closed on exec, error messages, and a lock held by another process.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "common/env.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using ::blockdb::testing::TempDir;

// Descriptors of this process whose target is `path`.
std::vector<int> FdsOf(const std::string& path) {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(entry.path(), ec);
    if (!ec && target == path) {
      fds.push_back(std::stoi(entry.path().filename().string()));
    }
  }
  return fds;
}

TEST_CASE("PosixEnv opens every descriptor with close-on-exec") {
  TempDir dir;
  Env* env = Env::Default();
  std::string path = JoinPath(dir.path(), "f");
  auto writer = env->NewWritableFile(path);
  REQUIRE(writer.ok());
  auto appender = env->NewAppendableFile(path);
  REQUIRE(appender.ok());
  auto seq = env->NewSequentialFile(path);
  REQUIRE(seq.ok());
  auto ra = env->NewRandomAccessFile(path);
  REQUIRE(ra.ok());
  auto lock = env->LockFile(JoinPath(dir.path(), "LOCK"));
  REQUIRE(lock.ok());

  std::vector<int> fds = FdsOf(path);
  CHECK(fds.size() == 4);
  std::vector<int> lock_fds = FdsOf(JoinPath(dir.path(), "LOCK"));
  CHECK(lock_fds.size() == 1);
  fds.insert(fds.end(), lock_fds.begin(), lock_fds.end());
  for (int fd : fds) {
    CAPTURE(fd);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  }
  REQUIRE((*writer)->Close().ok());
  writer->reset();
  appender->reset();
  seq->reset();
  ra->reset();
  CHECK(FdsOf(path).empty());  // every handle closes its descriptor
}

TEST_CASE("PosixEnv errors name the path and the system error") {
  TempDir dir;
  Env* env = Env::Default();
  std::string file = JoinPath(dir.path(), "plain");
  REQUIRE(WriteStringToFileSync(env, "x", file).ok());
  std::string under_file = JoinPath(file, "child");
  auto r = env->NewWritableFile(under_file);
  CHECK(r.status().IsIOError());
  CHECK(r.status().message().find(under_file) != std::string::npos);
  CHECK(r.status().message().find("Not a directory") != std::string::npos);

  Status s = env->CreateDir(under_file);
  CHECK(s.IsIOError());
  CHECK(s.message().find(under_file) != std::string::npos);

  auto missing = env->NewSequentialFile(JoinPath(dir.path(), "missing"));
  CHECK(missing.status().message().find("No such file or directory") != std::string::npos);
}

TEST_CASE("PosixEnv Sync makes data reach the file, and Close flushes the buffer") {
  TempDir dir;
  Env* env = Env::Default();
  std::string path = JoinPath(dir.path(), "f");
  auto file = env->NewWritableFile(path);
  REQUIRE(file.ok());
  REQUIRE((*file)->Append("buffered").ok());
  CHECK(std::filesystem::file_size(path) == 0);  // still in the user-space buffer
  REQUIRE((*file)->Sync().ok());
  CHECK(std::filesystem::file_size(path) == 8);
  REQUIRE((*file)->Append("!").ok());
  REQUIRE((*file)->Close().ok());
  CHECK(std::filesystem::file_size(path) == 9);
  CHECK((*file)->Sync().IsIOError());
}

TEST_CASE("PosixEnv LockFile fails while another process holds the lock") {
  TempDir dir;
  Env* env = Env::Default();
  std::string path = JoinPath(dir.path(), "LOCK");
  int locked_pipe[2];
  int release_pipe[2];
  REQUIRE(pipe(locked_pipe) == 0);
  REQUIRE(pipe(release_pipe) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: take the lock, report, hold it until the parent closes the release pipe.
    close(locked_pipe[0]);
    close(release_pipe[1]);
    auto lock = Env::Default()->LockFile(path);
    char status = lock.ok() ? 'L' : 'E';
    if (write(locked_pipe[1], &status, 1) != 1) {
      _exit(2);
    }
    char buf;
    while (read(release_pipe[0], &buf, 1) > 0) {
    }
    _exit(0);
  }
  close(locked_pipe[1]);
  close(release_pipe[0]);
  char status = 0;
  REQUIRE(read(locked_pipe[0], &status, 1) == 1);
  REQUIRE(status == 'L');

  auto held = env->LockFile(path);
  CHECK(held.status().IsIOError());
  CHECK(held.status().message().find("lock held by another process") != std::string::npos);
  CHECK(held.status().message().find(path) != std::string::npos);

  close(release_pipe[1]);  // the child exits, and its lock goes with it
  int wstatus = 0;
  REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  CHECK(WIFEXITED(wstatus));
  close(locked_pipe[0]);
  auto mine = env->LockFile(path);
  CHECK(mine.ok());
}

TEST_CASE("PosixEnv CreateDirs makes every missing parent, and SyncDir works on them") {
  TempDir dir;
  Env* env = Env::Default();
  std::string deep = JoinPath(dir.path(), "a/b/c");
  REQUIRE(env->CreateDirs(deep).ok());
  CHECK(std::filesystem::is_directory(deep));
  CHECK(env->SyncDir(deep).ok());
  CHECK(env->SyncDir(dir.path()).ok());
}

}  // namespace
}  // namespace blockdb
