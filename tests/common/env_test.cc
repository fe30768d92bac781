// The Env contract, run against both implementations: the POSIX Env in a fresh temporary
// directory and MemEnv. Behaviour specific to one of them is tested in posix_env_test.cc and
// mem_env_test.cc.
#include "common/env.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "common/mem_env.h"

namespace blockdb {
namespace {

class PosixFixture {
 public:
  PosixFixture() {
    char tmpl[] = "/tmp/blockdb_env_test_XXXXXX";
    char* made = mkdtemp(tmpl);
    REQUIRE(made != nullptr);
    root_ = made;
  }
  ~PosixFixture() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  Env* env() { return Env::Default(); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

class MemFixture {
 public:
  MemFixture() { REQUIRE(env_.CreateDirs(root_).ok()); }
  Env* env() { return &env_; }
  const std::string& root() const { return root_; }

 private:
  MemEnv env_;
  std::string root_ = "/test/root";
};

#define ENV_CONTRACT_CASE(name) \
  TEST_CASE_TEMPLATE("Env contract: " name, F, PosixFixture, MemFixture)

void Write(Env* env, const std::string& path, std::string_view data) {
  REQUIRE(WriteStringToFileSync(env, data, path).ok());
}

std::string Read(Env* env, const std::string& path) {
  Result<std::string> r = ReadFileToString(env, path);
  REQUIRE(r.ok());
  return *r;
}

std::string Pattern(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 9)) & 0xff);
  }
  return out;
}

ENV_CONTRACT_CASE("written bytes read back sequentially and at random offsets") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "data");
  std::string expected;
  {
    auto file = env->NewWritableFile(path);
    REQUIRE(file.ok());
    // Small appends that cross the POSIX buffer boundary, then one larger than the buffer.
    for (int i = 0; i < 3000; ++i) {
      std::string chunk = Pattern(1 + i % 61, i);
      REQUIRE((*file)->Append(chunk).ok());
      expected += chunk;
    }
    std::string big = Pattern(200 * 1024, 99);
    REQUIRE((*file)->Append(big).ok());
    expected += big;
    CHECK((*file)->Size() == expected.size());
    REQUIRE((*file)->Sync().ok());
    REQUIRE((*file)->Close().ok());
    CHECK_FALSE((*file)->Append("x").ok());
  }
  CHECK(Read(env, path) == expected);
  Result<uint64_t> size = env->GetFileSize(path);
  REQUIRE(size.ok());
  CHECK(*size == expected.size());

  auto ra = env->NewRandomAccessFile(path);
  REQUIRE(ra.ok());
  std::string got;
  REQUIRE((*ra)->Read(70000, 1000, &got).ok());
  CHECK(got == expected.substr(70000, 1000));
  REQUIRE((*ra)->Read(expected.size() - 10, 100, &got).ok());
  CHECK(got == expected.substr(expected.size() - 10));  // short read at the end
  REQUIRE((*ra)->Read(expected.size() + 5, 10, &got).ok());
  CHECK(got.empty());

  auto seq = env->NewSequentialFile(path);
  REQUIRE(seq.ok());
  REQUIRE((*seq)->Read(10, &got).ok());
  CHECK(got == expected.substr(0, 10));
  REQUIRE((*seq)->Skip(1000).ok());
  REQUIRE((*seq)->Read(10, &got).ok());
  CHECK(got == expected.substr(1010, 10));
}

ENV_CONTRACT_CASE("flushed data is visible to readers before Sync") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "flushed");
  auto file = env->NewWritableFile(path);
  REQUIRE(file.ok());
  REQUIRE((*file)->Append("hello").ok());
  REQUIRE((*file)->Flush().ok());
  CHECK(Read(env, path) == "hello");
  REQUIRE((*file)->Close().ok());
}

ENV_CONTRACT_CASE("NewWritableFile truncates, NewAppendableFile appends") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "f");
  Write(env, path, "first contents");
  Write(env, path, "second");
  CHECK(Read(env, path) == "second");
  {
    auto file = env->NewAppendableFile(path);
    REQUIRE(file.ok());
    CHECK((*file)->Size() == 6);
    REQUIRE((*file)->Append("+more").ok());
    CHECK((*file)->Size() == 11);
    REQUIRE((*file)->Close().ok());
  }
  CHECK(Read(env, path) == "second+more");
  std::string fresh = JoinPath(f.root(), "fresh");
  {
    auto file = env->NewAppendableFile(fresh);
    REQUIRE(file.ok());
    CHECK((*file)->Size() == 0);
    REQUIRE((*file)->Close().ok());
  }
  CHECK(env->FileExists(fresh));
}

ENV_CONTRACT_CASE("missing files are NotFound") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "missing");
  CHECK_FALSE(env->FileExists(path));
  auto seq = env->NewSequentialFile(path);
  CHECK(seq.status().IsNotFound());
  CHECK(seq.status().message().find(path) != std::string::npos);
  CHECK(env->NewRandomAccessFile(path).status().IsNotFound());
  CHECK(env->GetFileSize(path).status().IsNotFound());
  CHECK(env->RemoveFile(path).IsNotFound());
  CHECK(env->RenameFile(path, path + "2").IsNotFound());
  CHECK(env->GetChildren(path).status().IsNotFound());
  CHECK_FALSE(env->NewWritableFile(JoinPath(path, "child")).ok());
}

ENV_CONTRACT_CASE("directories: create, list, nest") {
  F f;
  Env* env = f.env();
  std::string a = JoinPath(f.root(), "a");
  REQUIRE(env->CreateDir(a).ok());
  CHECK(env->CreateDir(a).ok());  // already exists
  CHECK(env->FileExists(a));
  CHECK_FALSE(env->CreateDir(JoinPath(f.root(), "x/y")).ok());  // parent missing
  REQUIRE(env->CreateDirs(JoinPath(f.root(), "b/c/d")).ok());
  CHECK(env->FileExists(JoinPath(f.root(), "b/c/d")));
  CHECK(env->CreateDirs(JoinPath(f.root(), "b/c/d")).ok());
  Write(env, JoinPath(f.root(), "file1"), "1");
  Write(env, JoinPath(a, "inner"), "2");
  auto children = env->GetChildren(f.root());
  REQUIRE(children.ok());
  std::vector<std::string> names = *children;
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"a", "b", "file1"});
  auto inner = env->GetChildren(a);
  REQUIRE(inner.ok());
  CHECK(*inner == std::vector<std::string>{"inner"});
  CHECK(env->SyncDir(a).ok());
  CHECK_FALSE(env->SyncDir(JoinPath(f.root(), "nope")).ok());
}

ENV_CONTRACT_CASE("rename replaces the target, remove deletes") {
  F f;
  Env* env = f.env();
  std::string from = JoinPath(f.root(), "from");
  std::string to = JoinPath(f.root(), "to");
  Write(env, from, "new");
  Write(env, to, "old");
  REQUIRE(env->RenameFile(from, to).ok());
  CHECK_FALSE(env->FileExists(from));
  CHECK(Read(env, to) == "new");
  REQUIRE(env->RemoveFile(to).ok());
  CHECK_FALSE(env->FileExists(to));
  REQUIRE(env->SyncDir(f.root()).ok());
}

ENV_CONTRACT_CASE("TruncateFile cuts the file") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "t");
  Write(env, path, "0123456789");
  REQUIRE(env->TruncateFile(path, 4).ok());
  CHECK(Read(env, path) == "0123");
  CHECK(*env->GetFileSize(path) == 4);
  CHECK(env->TruncateFile(JoinPath(f.root(), "missing"), 0).IsNotFound());
}

ENV_CONTRACT_CASE("LockFile is exclusive until released") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "LOCK");
  auto first = env->LockFile(path);
  REQUIRE(first.ok());
  CHECK(env->FileExists(path));
  auto second = env->LockFile(path);
  CHECK(second.status().IsIOError());
  first->reset();
  auto third = env->LockFile(path);
  CHECK(third.ok());
}

ENV_CONTRACT_CASE("random-access reads from several threads at once (concurrency)") {
  F f;
  Env* env = f.env();
  std::string path = JoinPath(f.root(), "shared");
  std::string data = Pattern(256 * 1024, 5);
  Write(env, path, data);
  auto file = env->NewRandomAccessFile(path);
  REQUIRE(file.ok());
  const RandomAccessFile* ra = file->get();
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string got;
      for (int i = 0; i < 500; ++i) {
        uint64_t offset = (static_cast<uint64_t>(i) * 7919 + t * 104729) % (data.size() - 512);
        if (!ra->Read(offset, 512, &got).ok() || got != data.substr(offset, 512)) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(mismatches.load() == 0);
}

ENV_CONTRACT_CASE("NowMicros never goes backwards") {
  F f;
  uint64_t prev = f.env()->NowMicros();
  for (int i = 0; i < 1000; ++i) {
    uint64_t now = f.env()->NowMicros();
    CHECK(now >= prev);
    prev = now;
  }
}

}  // namespace
}  // namespace blockdb
