// SegmentedLog under injected faults and simulated crashes (MemEnv): a write or sync error fails
// the log for good; after a crash exactly the synced records survive, never a partial one, and
// the log always reopens.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <random>

#include "common/mem_env.h"
#include "engine/log.h"
#include "engine/log_format.h"
#include "log_test_util.h"

namespace blockdb {
namespace {

using log_test::AppendRange;
using log_test::CheckHolds;
using log_test::OpenOrDie;
using log_test::TestRecord;
using log_test::TestRecords;

const char kDir[] = "/db/log";

LogOptions SmallSegments() {
  LogOptions options;
  options.segment_size = 300;
  return options;
}

uint64_t SeedFromEnv(uint64_t fallback) {
  const char* s = std::getenv("BLOCKDB_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : fallback;
}

// Every mutating call now returns `failed`; reads still work.
void CheckStaysFailed(SegmentedLog* log, const Status& failed, uint64_t first, uint64_t last) {
  REQUIRE(failed.IsIOError());
  CHECK(log->Append({TestRecord(last + 1)}).ToString() == failed.ToString());
  CHECK(log->Sync().ToString() == failed.ToString());
  CHECK(log->TruncateSuffix(last).ToString() == failed.ToString());
  CHECK(log->TruncatePrefix(last).ToString() == failed.ToString());
  CheckHolds(*log, first, last);
}

TEST_CASE("log fault: a write error fails the log permanently") {
  MemEnv env;
  auto log = OpenOrDie(&env, kDir, SmallSegments());
  AppendRange(log.get(), 1, 20, 2);
  REQUIRE(log->Sync().ok());

  SUBCASE("EIO") { env.SetWriteError(true); }
  SUBCASE("ENOSPC") { env.SetNoSpace(true); }
  Status s = log->Append({TestRecord(21)});
  REQUIRE(s.IsIOError());
  env.ClearFaults();
  CheckStaysFailed(log.get(), s, 1, 20);

  log.reset();
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, SmallSegments());
  CheckHolds(*log, 1, 20);
  AppendRange(log.get(), 21, 30);
  CheckHolds(*log, 1, 30);
}

TEST_CASE("log fault: a write error while starting a new segment fails the log") {
  MemEnv env;
  LogOptions options;
  options.segment_size = 1;  // every Append starts a new segment
  auto log = OpenOrDie(&env, kDir, options);
  AppendRange(log.get(), 1, 5);
  REQUIRE(log->Sync().ok());
  env.FailAfterWrites(0);
  Status s = log->Append({TestRecord(6)});
  REQUIRE(s.IsIOError());
  env.ClearFaults();
  CheckStaysFailed(log.get(), s, 1, 5);

  // The new segment file exists, empty: reopening removes it.
  log.reset();
  CHECK(env.FileExists(JoinPath(kDir, LogSegmentFileName(6))));
  log = OpenOrDie(&env, kDir, options);
  CheckHolds(*log, 1, 5);
  CHECK_FALSE(env.FileExists(JoinPath(kDir, LogSegmentFileName(6))));
  log.reset();
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, options);
  CheckHolds(*log, 1, 5);
}

TEST_CASE("log fault: a sync error fails the log permanently and is never retried") {
  MemEnv env;
  auto log = OpenOrDie(&env, kDir, SmallSegments());
  AppendRange(log.get(), 1, 10);
  REQUIRE(log->Sync().ok());
  AppendRange(log.get(), 11, 15);
  env.SetSyncError(true);
  Status s = log->Sync();
  REQUIRE(s.IsIOError());
  env.ClearFaults();
  CheckStaysFailed(log.get(), s, 1, 15);

  log.reset();
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, SmallSegments());
  CHECK(log->FirstIndex() == 1);
  CHECK(log->LastIndex() >= 10);
  CheckHolds(*log, 1, log->LastIndex());
}

TEST_CASE("log fault: a crash keeps exactly the synced records") {
  MemEnv env;
  auto log = OpenOrDie(&env, kDir, LogOptions());
  AppendRange(log.get(), 1, 50, 3);
  REQUIRE(log->Sync().ok());
  AppendRange(log.get(), 51, 80, 3);
  log.reset();  // no Sync, and no reopen before the crash
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, LogOptions());
  CheckHolds(*log, 1, 50);
}

TEST_CASE("log fault: a crash loses at most the unsynced records of the last segment") {
  MemEnv env;
  auto log = OpenOrDie(&env, kDir, SmallSegments());
  AppendRange(log.get(), 1, 50, 3);
  REQUIRE(log->Sync().ok());
  // Starting a segment syncs the one before it, so of these only the records in the last
  // segment may be lost.
  AppendRange(log.get(), 51, 80, 3);
  std::vector<std::string> files = log_test::SegmentFiles(&env, kDir);
  uint64_t last_first = 0;
  REQUIRE(ParseLogSegmentFileName(files.back(), &last_first));
  REQUIRE(last_first > 51);
  log.reset();
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, SmallSegments());
  CheckHolds(*log, 1, last_first - 1);
}

TEST_CASE("log fault: reopening after a clean exit makes unsynced records durable") {
  MemEnv env;
  auto log = OpenOrDie(&env, kDir, SmallSegments());
  AppendRange(log.get(), 1, 40, 4);  // never synced
  log.reset();
  log = OpenOrDie(&env, kDir, SmallSegments());
  CheckHolds(*log, 1, 40);
  log.reset();
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, SmallSegments());
  CheckHolds(*log, 1, 40);
}

TEST_CASE("log fault: a failed truncation leaves a log that reopens whole after a crash") {
  MemEnv env;
  auto log = OpenOrDie(&env, kDir, SmallSegments());
  AppendRange(log.get(), 1, 90, 3);
  REQUIRE(log->Sync().ok());
  REQUIRE(log->NumSegments() > 4);

  SUBCASE("suffix") {
    env.SetSyncError(true);
    CHECK(log->TruncateSuffix(20).IsIOError());
  }
  SUBCASE("prefix") {
    env.SetSyncError(true);
    CHECK(log->TruncatePrefix(70).IsIOError());
  }
  env.ClearFaults();
  log.reset();
  env.SimulateCrash();
  log = OpenOrDie(&env, kDir, SmallSegments());
  CheckHolds(*log, 1, 90);
}

// The model of what the log held when a crash can happen: everything appended (`current`), and
// what a crash must keep (`durable`, as of the last Sync or truncation).
struct Model {
  std::map<uint64_t, LogRecord> current;
  std::map<uint64_t, LogRecord> durable;
  uint64_t prefix_point = 0;
};

// One random step of the writer; every step keeps `model` in step with the log.
void RandomStep(std::mt19937_64& rng, uint64_t generation, SegmentedLog* log, Model* model) {
  int op = static_cast<int>(rng() % 20);
  uint64_t last = log->LastIndex();
  if (op < 12) {
    uint64_t start = last == 0 ? model->prefix_point + 1 + rng() % 3 : last + 1;
    std::vector<LogRecord> batch = TestRecords(start, start + rng() % 6);
    for (LogRecord& r : batch) {
      r.term = generation;  // tells a record from an older one with the same index
      model->current[r.index] = r;
    }
    REQUIRE(log->Append(batch).ok());
  } else if (op < 17) {
    REQUIRE(log->Sync().ok());
    model->durable = model->current;
  } else if (op < 19 && last != 0) {
    uint64_t first = log->FirstIndex();
    uint64_t from = first + rng() % (last - first + 2);
    REQUIRE(log->TruncateSuffix(from).ok());
    model->current.erase(model->current.lower_bound(from), model->current.end());
    model->durable = model->current;
  } else if (last != 0) {
    uint64_t upto = log->FirstIndex() + rng() % 30;
    REQUIRE(log->TruncatePrefix(upto).ok());
    model->prefix_point = std::max(model->prefix_point, upto);
    model->current.erase(model->current.begin(), model->current.lower_bound(log->FirstIndex()));
    model->durable.erase(model->durable.begin(), model->durable.lower_bound(log->FirstIndex()));
  }
}

// After a crash the log must hold every durable record, then possibly some of the unsynced
// records that followed (whole and exact), and nothing else.
void CheckAfterCrash(const SegmentedLog& log, Model* model) {
  std::vector<LogRecord> got;
  if (log.LastIndex() != 0) {
    REQUIRE(log.Read(log.FirstIndex(), log.LastIndex(), &got).ok());
  }
  if (!model->durable.empty()) {
    REQUIRE(log.FirstIndex() == model->durable.begin()->first);
    REQUIRE(log.LastIndex() >= model->durable.rbegin()->first);
  }
  for (const LogRecord& r : got) {
    auto it = model->current.find(r.index);
    REQUIRE_MESSAGE(it != model->current.end(), "record " << r.index << " was never appended");
    REQUIRE(r == it->second);
  }
  model->current.clear();
  for (LogRecord& r : got) {
    model->current[r.index] = std::move(r);
  }
  model->durable = model->current;  // reopening made the survivors durable
}

TEST_CASE("log fault: random appends, syncs, truncations and crashes never lose a synced record") {
  const uint64_t seed = SeedFromEnv(std::random_device()());
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  MemEnv env;
  Model model;
  LogOptions options;
  options.segment_size = 200 + rng() % 400;
  for (uint64_t generation = 1; generation <= 60; generation++) {
    CAPTURE(generation);
    auto log = OpenOrDie(&env, kDir, options);
    int steps = static_cast<int>(rng() % 40);
    for (int i = 0; i < steps; i++) {
      RandomStep(rng, generation, log.get(), &model);
    }
    log.reset();
    CrashOptions crash;
    crash.seed = rng();
    crash.torn_tail = rng() % 2 == 0;
    crash.garble_tail = crash.torn_tail && rng() % 2 == 0;
    env.SimulateCrash(crash);
    log = OpenOrDie(&env, kDir, options);
    CheckAfterCrash(*log, &model);
  }
}

}  // namespace
}  // namespace blockdb
