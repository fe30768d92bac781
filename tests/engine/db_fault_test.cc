// Fault injection under the DB with MemEnv: crashes that lose unsynced data and unsynced
// directory entries, torn and garbled tails, bit flips in every kind of file, EIO and ENOSPC.
// The rules checked: every acknowledged batch (in SyncMode::kAlways) survives whole, no batch is
// ever partly visible, damage is reported as Corruption naming file and offset (or cut off as a
// torn log tail), and a read never returns wrong data.

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/mem_env.h"
#include "db_test_util.h"
#include "engine/db.h"

namespace blockdb {
namespace {

using db_test::SmallOptions;

constexpr char kDir[] = "/db";
constexpr int kKeysPerBatch = 4;

std::string BatchKey(uint64_t batch, int k) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "b%08llu-%d", static_cast<unsigned long long>(batch), k);
  return buf;
}

std::string BatchValue(uint64_t batch, int k) {
  return "value-" + BatchKey(batch, k) + std::string(20 + (batch * 7 + k) % 40, 'x');
}

WriteBatch MakeBatch(uint64_t batch) {
  WriteBatch b;
  for (int k = 0; k < kKeysPerBatch; ++k) {
    b.Insert(BatchKey(batch, k), BatchValue(batch, k));
  }
  return b;
}

EngineOptions FaultOptions(MemEnv* env) {
  EngineOptions options = SmallOptions(env, kDir);
  options.memtable_size_limit = 64 << 10;
  options.compaction_threshold = 2;
  return options;
}

// The batches visible in db, checking that each is whole and holds the right values. Returns
// the set of batch numbers, or fails the test.
std::set<uint64_t> VisibleBatches(DB* db) {
  std::map<uint64_t, int> keys;
  std::unique_ptr<Iterator> it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    unsigned long long batch = 0;
    int k = 0;
    std::string key(it->key());
    REQUIRE(std::sscanf(key.c_str(), "b%llu-%d", &batch, &k) == 2);
    REQUIRE_MESSAGE(it->value() == BatchValue(batch, k), "wrong value for ", key);
    keys[batch]++;
  }
  REQUIRE_MESSAGE(it->status().ok(), it->status().ToString());
  std::set<uint64_t> batches;
  for (const auto& [batch, count] : keys) {
    REQUIRE_MESSAGE(count == kKeysPerBatch, "batch ", batch, " is partly visible");
    batches.insert(batch);
  }
  return batches;
}

// Simulates the death of the process running db: the crash drops what was not durable; the
// zombie DB object is then torn down while every write and sync fails, and a second crash undoes
// anything it still managed to change (directory entries it could not sync).
void KillAndCrash(MemEnv* env, std::unique_ptr<DB>* db, const CrashOptions& crash) {
  env->SimulateCrash(crash);
  env->SetWriteError(true);
  env->SetSyncError(true);
  db->reset();
  env->SimulateCrash();
  env->ClearFaults();
}

std::unique_ptr<DB> Reopen(const EngineOptions& options) {
  Result<std::unique_ptr<DB>> db = DB::Open(options);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

TEST_CASE("db fault: acknowledged batches survive crashes at random moments, whole") {
  uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  MemEnv env;
  EngineOptions options = FaultOptions(&env);
  auto db = Reopen(options);
  uint64_t next_batch = 0;
  std::set<uint64_t> acked;
  for (int round = 0; round < 12; ++round) {
    INFO("round " << round);
    uint64_t n = 20 + rng() % 300;
    for (uint64_t i = 0; i < n; ++i, ++next_batch) {
      Result<uint64_t> r = db->Write(MakeBatch(next_batch));
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      acked.insert(next_batch);
    }
    CrashOptions crash;
    crash.seed = rng();
    crash.torn_tail = round % 2 == 1;
    crash.garble_tail = round % 4 == 3;
    KillAndCrash(&env, &db, crash);
    db = Reopen(options);
    std::set<uint64_t> visible = VisibleBatches(db.get());
    CHECK(visible == acked);  // kAlways: everything acknowledged, and nothing else was written
  }
  uint64_t files = 0;
  for (uint64_t n : db->GetStats().files_per_level) {
    files += n;
  }
  CHECK(files > 0);  // the rounds wrote enough for flushes (and crashes during them)
}

TEST_CASE("db fault: in interval mode a crash loses only an unsynced suffix") {
  uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  MemEnv env;
  EngineOptions options = FaultOptions(&env);
  options.sync_mode = EngineOptions::SyncMode::kInterval;
  options.sync_interval_ms = 60 * 60 * 1000;  // never during the test: only flushes sync the log
  auto db = Reopen(options);
  uint64_t next_batch = 0;
  for (int round = 0; round < 8; ++round) {
    INFO("round " << round);
    uint64_t n = 50 + rng() % 400;
    for (uint64_t i = 0; i < n; ++i, ++next_batch) {
      REQUIRE(db->Write(MakeBatch(next_batch)).ok());
    }
    CrashOptions crash;
    crash.seed = rng();
    crash.torn_tail = round % 2 == 0;
    KillAndCrash(&env, &db, crash);
    db = Reopen(options);
    std::set<uint64_t> visible = VisibleBatches(db.get());
    // A prefix of the batches survives (log order is batch order); the rest is gone whole.
    uint64_t survived = visible.size();
    CHECK((visible.empty() || *visible.rbegin() == survived - 1));
    next_batch = survived;  // continue numbering after what survived
  }
}

TEST_CASE("db fault: unsynced new files vanish in a crash without harm") {
  MemEnv env;
  EngineOptions options = FaultOptions(&env);
  auto db = Reopen(options);
  for (uint64_t b = 0; b < 50; ++b) {
    REQUIRE(db->Write(MakeBatch(b)).ok());
  }
  REQUIRE(db->Flush().ok());
  // A table file written and synced but never made durable in its directory, and one never
  // synced at all: both vanish in the crash, and an orphan .sst that survives is removed at open.
  REQUIRE(WriteStringToFileSync(&env, "orphan", std::string(kDir) + "/000900.sst").ok());
  {
    auto file = env.NewWritableFile(std::string(kDir) + "/000901.sst");
    REQUIRE(file.ok());
    REQUIRE((*file)->Append("x").ok());
  }
  REQUIRE(WriteStringToFileSync(&env, "durable orphan", std::string(kDir) + "/000902.sst").ok());
  REQUIRE(env.SyncDir(kDir).ok());
  KillAndCrash(&env, &db, CrashOptions{});
  db = Reopen(options);
  CHECK(VisibleBatches(db.get()).size() == 50);
  CHECK_FALSE(env.FileExists(std::string(kDir) + "/000900.sst"));
  CHECK_FALSE(env.FileExists(std::string(kDir) + "/000901.sst"));
  CHECK_FALSE(env.FileExists(std::string(kDir) + "/000902.sst"));
}

// Writes `batches` batches into a fresh MemEnv, optionally flushing, and closes the DB.
void BuildDb(MemEnv* env, const EngineOptions& options, uint64_t batches, bool flush) {
  auto db = Reopen(options);
  for (uint64_t b = 0; b < batches; ++b) {
    REQUIRE(db->Write(MakeBatch(b)).ok());
  }
  if (flush) {
    REQUIRE(db->Flush().ok());
  }
  REQUIRE(db->Close().ok());
}

std::string OnlyFileWith(MemEnv* env, std::string_view suffix) {
  std::string found;
  for (const std::string& path : env->AllFiles()) {
    if (path.ends_with(suffix)) {
      REQUIRE(found.empty());
      found = path;
    }
  }
  REQUIRE(!found.empty());
  return found;
}

// True when s is Corruption whose message names `file` and an offset.
bool NamesFileAndOffset(const Status& s, const std::string& file) {
  return s.IsCorruption() && s.message().find(file) != std::string::npos &&
         s.message().find("offset") != std::string::npos;
}

TEST_CASE("db fault: a bit flip anywhere in the log is Corruption or a cut torn tail") {
  constexpr uint64_t kBatches = 6;
  MemEnv probe;
  BuildDb(&probe, FaultOptions(&probe), kBatches, false);
  std::string log_path = OnlyFileWith(&probe, ".log");
  uint64_t size = *probe.GetFileSize(log_path);
  int corruptions = 0;
  int truncations = 0;
  for (uint64_t offset = 0; offset < size; ++offset) {
    INFO("offset " << offset);
    MemEnv env;
    EngineOptions options = FaultOptions(&env);
    BuildDb(&env, options, kBatches, false);
    REQUIRE(env.CorruptByte(log_path, offset, 0x10).ok());
    Result<std::unique_ptr<DB>> db = DB::Open(options);
    if (!db.ok()) {
      CHECK_MESSAGE(NamesFileAndOffset(db.status(), BaseName(log_path)), db.status().ToString());
      ++corruptions;
      continue;
    }
    // Only a damaged last record may be cut as a torn tail: the survivors are a prefix.
    std::set<uint64_t> visible = VisibleBatches(db->get());
    CHECK(visible.size() >= kBatches - 1);
    CHECK((visible.empty() || *visible.rbegin() == visible.size() - 1));
    truncations += visible.size() < kBatches ? 1 : 0;
  }
  CHECK(corruptions > 0);
  CHECK(truncations > 0);
}

TEST_CASE("db fault: a bit flip in an SSTable is Corruption naming it, never wrong data") {
  constexpr uint64_t kBatches = 40;
  MemEnv probe;
  EngineOptions probe_options = FaultOptions(&probe);
  probe_options.table.compress = false;
  BuildDb(&probe, probe_options, kBatches, true);
  std::string sst_path = OnlyFileWith(&probe, ".sst");
  uint64_t size = *probe.GetFileSize(sst_path);
  int corruptions = 0;
  int tried = 0;
  // Bit 3 flipped at every offset of the table's tail (footer, index, properties, filter) and
  // at every fifth offset of its data blocks.
  for (uint64_t offset = 0; offset < size; offset += offset + 512 < size ? 5 : 1) {
    ++tried;
    INFO("offset " << offset);
    MemEnv env;
    EngineOptions options = FaultOptions(&env);
    options.table.compress = false;
    BuildDb(&env, options, kBatches, true);
    REQUIRE(env.CorruptByte(sst_path, offset, 0x08).ok());
    auto db = Reopen(options);  // tables are opened lazily: Open itself succeeds
    std::unique_ptr<Iterator> it = db->NewIterator();
    size_t rows = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++rows) {
      unsigned long long batch = 0;
      int k = 0;
      std::string key(it->key());
      REQUIRE(std::sscanf(key.c_str(), "b%llu-%d", &batch, &k) == 2);
      REQUIRE(it->value() == BatchValue(batch, k));
    }
    if (!it->status().ok()) {
      CHECK_MESSAGE(NamesFileAndOffset(it->status(), BaseName(sst_path)), it->status().ToString());
      ++corruptions;
    } else {
      CHECK(rows == kBatches * kKeysPerBatch);
    }
    for (uint64_t b = 0; b < kBatches; b += 7) {
      std::string value;
      Status s = db->Get(BatchKey(b, 1), &value);
      if (s.ok()) {
        CHECK(value == BatchValue(b, 1));
      } else {
        CHECK_MESSAGE(NamesFileAndOffset(s, BaseName(sst_path)), s.ToString());
      }
    }
  }
  CHECK(corruptions > tried / 2);
}

TEST_CASE("db fault: a bit flip in the MANIFEST stops Open with Corruption and offset") {
  MemEnv probe;
  BuildDb(&probe, FaultOptions(&probe), 30, true);
  std::string manifest = std::string(kDir) + "/MANIFEST";
  uint64_t size = *probe.GetFileSize(manifest);
  for (uint64_t offset = 0; offset < size; ++offset) {
    INFO("offset " << offset);
    MemEnv env;
    EngineOptions options = FaultOptions(&env);
    BuildDb(&env, options, 30, true);
    REQUIRE(env.CorruptByte(manifest, offset, 0x01).ok());
    Result<std::unique_ptr<DB>> db = DB::Open(options);
    REQUIRE_FALSE(db.ok());
    CHECK_MESSAGE(NamesFileAndOffset(db.status(), "MANIFEST"), db.status().ToString());
  }
}

TEST_CASE("db fault: a missing MANIFEST beside data files stops Open instead of starting afresh") {
  MemEnv env;
  EngineOptions options = FaultOptions(&env);
  BuildDb(&env, options, 30, true);
  BuildDb(&env, options, 0, false);
  REQUIRE(env.RemoveFile(std::string(kDir) + "/MANIFEST").ok());
  Result<std::unique_ptr<DB>> db = DB::Open(options);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().IsCorruption());
  CHECK(db.status().message().find("MANIFEST is missing") != std::string::npos);
  std::vector<std::string> files = env.AllFiles();
  CHECK(std::any_of(files.begin(), files.end(),
                    [](const std::string& f) { return f.ends_with(".sst"); }));
}

TEST_CASE("db fault: an fsync error while a compaction finishes its output fails the DB") {
  MemEnv env;
  EngineOptions options = FaultOptions(&env);
  options.compaction_threshold = 100;  // level 0 accumulates until CompactAll
  auto db = Reopen(options);
  for (uint64_t b = 0; b < 300; ++b) {
    REQUIRE(db->Write(MakeBatch(b)).ok());
  }
  REQUIRE(db->Flush().ok());
  REQUIRE(db->GetStats().files_per_level[0] >= 2);
  env.SetSyncError(true);
  Status s = db->CompactAll();
  CHECK(s.IsIOError());
  CHECK(db->Write(MakeBatch(1000)).status().IsIOError());
  env.ClearFaults();
  (void)db->Close();
  db.reset();
  env.SimulateCrash();
  db = Reopen(options);
  CHECK(VisibleBatches(db.get()).size() == 300);
}

// Applies a fault after `good` acknowledged batches, checks the DB fails permanently, then
// reopens without the fault and checks nothing acknowledged was lost.
void CheckPermanentFailure(const std::function<void(MemEnv*)>& inject, bool expect_io_error) {
  MemEnv env;
  EngineOptions options = FaultOptions(&env);
  auto db = Reopen(options);
  constexpr uint64_t kGood = 120;
  for (uint64_t b = 0; b < kGood; ++b) {
    REQUIRE(db->Write(MakeBatch(b)).ok());
  }
  CHECK(db->FailureStatus().ok());
  inject(&env);
  Status first;
  uint64_t b = kGood;
  for (; b < kGood + 400 && first.ok(); ++b) {
    Result<uint64_t> r = db->Write(MakeBatch(b));
    first = r.status();
  }
  REQUIRE_FALSE(first.ok());
  if (expect_io_error) {
    CHECK(first.IsIOError());
  }
  // The DB's failure is the first error it met, which may be a background flush's rather than
  // the one this writer saw (a fault hits the log and a running flush alike).
  Status failure = db->FailureStatus();
  REQUIRE_FALSE(failure.ok());
  if (expect_io_error) {
    CHECK(failure.IsIOError());
  }
  env.ClearFaults();
  // Permanent: no retry, even though the device works again.
  Result<uint64_t> again = db->Write(MakeBatch(b));
  CHECK(again.status().message() == failure.message());
  CHECK_FALSE(db->Flush().ok());
  // Reads keep serving what was acknowledged.
  std::string value;
  REQUIRE(db->Get(BatchKey(kGood - 1, 0), &value).ok());
  (void)db->Close();
  db.reset();
  env.SimulateCrash();
  db = Reopen(options);
  std::set<uint64_t> visible = VisibleBatches(db.get());
  for (uint64_t i = 0; i < kGood; ++i) {
    REQUIRE_MESSAGE(visible.count(i) == 1, "acknowledged batch ", i, " lost");
  }
  REQUIRE(db->Write(MakeBatch(b + 1)).ok());
}

TEST_CASE("db fault: EIO on a log write fails the DB permanently, losing nothing acknowledged") {
  CheckPermanentFailure([](MemEnv* env) { env->SetWriteError(true); }, true);
}

TEST_CASE("db fault: EIO on fsync fails the DB permanently, losing nothing acknowledged") {
  CheckPermanentFailure([](MemEnv* env) { env->SetSyncError(true); }, true);
}

TEST_CASE("db fault: ENOSPC fails the DB permanently, losing nothing acknowledged") {
  CheckPermanentFailure([](MemEnv* env) { env->SetNoSpace(true); }, true);
}

TEST_CASE("db fault: a write error inside a background flush fails the DB") {
  // The writes after the fault point include the flush's table file: whichever write hits the
  // fault first (log or table), the DB ends up failed and acknowledged data survives.
  CheckPermanentFailure([](MemEnv* env) { env->FailAfterWrites(3); }, false);
}

}  // namespace
}  // namespace blockdb
