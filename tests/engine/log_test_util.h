// Helpers shared by the SegmentedLog tests (log_test.cc, log_recovery_test.cc).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/mem_env.h"
#include "common/status.h"
#include "engine/log.h"
#include "util/temp_dir.h"

namespace blockdb::log_test {

using ::blockdb::testing::TempDir;

// A log directory, either in a fresh MemEnv (fast, and the place for fault injection) or in a
// fresh /tmp directory through the POSIX Env (the real file system). The directory exists.
class LogDir {
 public:
  enum class Kind { kMem, kPosix };

  explicit LogDir(Kind kind) {
    if (kind == Kind::kMem) {
      mem_ = std::make_unique<MemEnv>();
      env_ = mem_.get();
      path_ = "/db/log";
    } else {
      tmp_ = std::make_unique<TempDir>();
      env_ = Env::Default();
      path_ = tmp_->path() + "/log";
    }
    REQUIRE(env_->CreateDirs(path_).ok());
  }

  Env* env() const { return env_; }
  MemEnv* mem() const { return mem_.get(); }  // null for kPosix
  const std::string& path() const { return path_; }

 private:
  std::unique_ptr<MemEnv> mem_;
  std::unique_ptr<TempDir> tmp_;
  Env* env_ = nullptr;
  std::string path_;
};

// The record the tests write at `index`: its term, type and payload are functions of the index,
// so any read can be checked without remembering what was written. Payload sizes vary from 0 to
// 60 bytes.
inline LogRecord TestRecord(uint64_t index) {
  LogRecord r;
  r.index = index;
  r.term = index / 7 + 1;
  r.type = static_cast<uint8_t>(1 + index % 3);
  size_t len = (index * 37) % 61;
  r.payload.reserve(len);
  for (size_t i = 0; i < len; i++) {
    r.payload.push_back(static_cast<char>('a' + (index + i) % 26));
  }
  return r;
}

inline std::vector<LogRecord> TestRecords(uint64_t from, uint64_t to) {
  std::vector<LogRecord> out;
  for (uint64_t i = from; i <= to; i++) {
    out.push_back(TestRecord(i));
  }
  return out;
}

// Appends records [from, to] in calls of `batch` records.
inline void AppendRange(SegmentedLog* log, uint64_t from, uint64_t to, uint64_t batch = 1) {
  for (uint64_t i = from; i <= to; i += batch) {
    uint64_t end = std::min(to, i + batch - 1);
    REQUIRE(log->Append(TestRecords(i, end)).ok());
  }
}

// Checks that the log holds exactly the test records [first, last] (first = last + 1: empty).
inline void CheckHolds(const SegmentedLog& log, uint64_t first, uint64_t last) {
  if (last < first) {
    CHECK(log.FirstIndex() == 0);
    CHECK(log.LastIndex() == 0);
    return;
  }
  CHECK(log.FirstIndex() == first);
  CHECK(log.LastIndex() == last);
  std::vector<LogRecord> got;
  Status s = log.Read(first, last, &got);
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  REQUIRE(got.size() == last - first + 1);
  for (uint64_t i = first; i <= last; i++) {
    REQUIRE(got[i - first] == TestRecord(i));
  }
}

inline std::unique_ptr<SegmentedLog> OpenOrDie(Env* env, const std::string& dir,
                                               const LogOptions& options) {
  auto log = SegmentedLog::Open(env, dir, options);
  REQUIRE_MESSAGE(log.ok(), log.status().ToString());
  return std::move(log).value();
}

// Names of the segment files in dir, sorted.
inline std::vector<std::string> SegmentFiles(Env* env, const std::string& dir) {
  auto children = env->GetChildren(dir);
  REQUIRE(children.ok());
  std::vector<std::string> out;
  for (const std::string& name : *children) {
    if (name.size() > 4 && name.substr(name.size() - 4) == ".log") {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace blockdb::log_test
