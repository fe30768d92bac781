// Real-process crash loop: run bin/blockdb_crash_writer, SIGKILL it at a random moment, reopen
// its data directory in this process and check that every batch it acknowledged (recorded in its
// separately fsynced "acked" file) is present in full, that no batch is partly visible, and that
// no rejected duplicate batch ever appears. Then the next cycle continues on the same directory.
// With the ledger on, also: VERIFY passes after every kill, the ledger holds exactly one entry
// per recovered row (each batch's entries contiguous, all or nothing), and its tree only grows
// (a consistency proof from the previous cycle's digest verifies).
//
// 20 cycles by default; BLOCKDB_CRASH_CYCLES sets more (`make soak`). BLOCKDB_SEED replays a run.

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "engine/db.h"
#include "engine/ledger/proof.h"
#include "engine/ledger_db.h"
#include "tools/crash_workload.h"
#include "util/process.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using std::chrono::milliseconds;
using BatchId = std::pair<uint64_t, uint64_t>;  // (cycle, batch)

using ::blockdb::testing::TempDir;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::strtoull(value, nullptr, 10) : fallback;
}

// Reads the acked file, dropping a torn last line (the writer was killed while appending it; the
// file is cut back so that the next cycle appends after a whole line).
std::set<BatchId> ReadAcked(const std::string& path) {
  std::set<BatchId> acked;
  if (!std::filesystem::exists(path)) {
    return acked;
  }
  Result<std::string> contents = ReadFileToString(Env::Default(), path);
  REQUIRE(contents.ok());
  size_t whole = contents->rfind('\n');
  whole = whole == std::string::npos ? 0 : whole + 1;
  if (whole != contents->size()) {
    std::filesystem::resize_file(path, whole);
  }
  size_t pos = 0;
  while (pos < whole) {
    size_t end = contents->find('\n', pos);
    unsigned long long cycle = 0;
    unsigned long long batch = 0;
    REQUIRE(std::sscanf(contents->substr(pos, end - pos).c_str(), "%llu %llu", &cycle, &batch) ==
            2);
    acked.emplace(cycle, batch);
    pos = end + 1;
  }
  return acked;
}

// Checks the rows of db against the acknowledged batches; returns the rows of each visible batch.
std::map<BatchId, int> CheckRows(DB* db, const std::set<BatchId>& acked) {
  std::map<BatchId, int> keys;
  std::unique_ptr<Iterator> it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid() && !IsInternalKey(it->key()); it->Next()) {
    std::string key(it->key());
    unsigned long long cycle = 0;
    unsigned long long batch = 0;
    int k = 0;
    REQUIRE(std::sscanf(key.c_str(), "c%llu-b%llu-k%d", &cycle, &batch, &k) == 3);
    REQUIRE_MESSAGE(it->value() == crash_workload::BatchValue(key), "wrong value for ", key);
    keys[{cycle, batch}]++;
  }
  REQUIRE_MESSAGE(it->status().ok(), it->status().ToString());
  for (const auto& [id, count] : keys) {
    INFO("cycle " << id.first << " batch " << id.second);
    REQUIRE_FALSE(crash_workload::IsDuplicateBatch(id.second));
    REQUIRE_MESSAGE(count == crash_workload::BatchSize(id.second), "batch partly visible");
  }
  for (const BatchId& id : acked) {
    REQUIRE_MESSAGE(keys.count(id) == 1, "acknowledged batch ", id.second, " of cycle ", id.first,
                    " is missing");
  }
  return keys;
}

// Opens the DB and checks it against the acknowledged batches; returns the applied index.
uint64_t CheckDb(const std::string& dir, const std::set<BatchId>& acked) {
  Result<std::unique_ptr<DB>> opened = DB::Open(crash_workload::CrashEngineOptions(dir));
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  std::unique_ptr<DB> db = std::move(opened).value();
  (void)CheckRows(db.get(), acked);
  uint64_t applied = db->AppliedIndex();
  REQUIRE(db->Close().ok());
  return applied;
}

// Opens the DB with its ledger and checks rows and ledger; returns the digest.
ledger::Digest CheckLedgerDb(const std::string& dir, const std::set<BatchId>& acked,
                             const ledger::Digest& previous) {
  Result<std::unique_ptr<LedgerDB>> opened =
      LedgerDB::Open(crash_workload::CrashLedgerOptions(dir));
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  std::unique_ptr<LedgerDB> ldb = std::move(opened).value();
  const std::map<BatchId, int> batches = CheckRows(ldb->db(), acked);

  Result<ledger::VerifyReport> report = ldb->Verify({});
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  REQUIRE_MESSAGE(report->ok(), report->ToString());
  const ledger::Digest digest = ldb->GetDigest();
  CHECK(report->digest == digest);
  uint64_t rows = 0;
  for (const auto& [id, count] : batches) {
    rows += count;
    // A batch's entries are consecutive leaves, in the batch's order.
    Result<uint64_t> first = ldb->FindLeafByKey(crash_workload::BatchKey(id.first, id.second, 0));
    REQUIRE_MESSAGE(first.ok(), first.status().ToString());
    for (int k = 1; k < count; ++k) {
      Result<uint64_t> leaf = ldb->FindLeafByKey(crash_workload::BatchKey(id.first, id.second, k));
      REQUIRE(leaf.ok());
      CHECK(*leaf == *first + k);
    }
  }
  // One entry per recovered row: acknowledged batches plus any logged before the kill.
  CHECK(digest.tree_size == rows);
  // The tree only grew since the previous cycle.
  REQUIRE(digest.tree_size >= previous.tree_size);
  Result<ledger::ConsistencyProof> proof =
      ldb->ProveConsistency(previous.tree_size, digest.tree_size);
  REQUIRE_MESSAGE(proof.ok(), proof.status().ToString());
  if (previous.tree_size > 0) {
    CHECK(proof->old_root == previous.root);
  }
  CHECK(ledger::VerifyProof(*proof).ok());
  REQUIRE(ldb->Close().ok());
  return digest;
}

// Runs `cycles` kill-and-check cycles of the crash writer, with or without the ledger.
void RunCrashLoop(bool with_ledger, uint64_t default_cycles) {
  uint64_t cycles = EnvNumber("BLOCKDB_CRASH_CYCLES", default_cycles);
  uint64_t seed = EnvNumber("BLOCKDB_SEED", std::random_device{}());
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  TempDir tmp;
  std::string db_dir = tmp.path() + "/db";
  std::string acked_path = tmp.path() + "/acked";
  std::string writer = std::string(BLOCKDB_BINARY_DIR) + "/bin/blockdb_crash_writer";
  REQUIRE_MESSAGE(std::filesystem::exists(writer), writer, " is not built");

  uint64_t last_applied = 0;
  ledger::Digest last_digest;
  for (uint64_t cycle = 0; cycle < cycles; ++cycle) {
    INFO("cycle " << cycle);
    std::vector<std::string> argv = {writer, db_dir, acked_path, std::to_string(cycle),
                                     std::to_string(1 + rng() % 4)};
    if (with_ledger) {
      argv.push_back("ledger");
    }
    auto spawned = testing::Subprocess::Spawn(argv);
    REQUIRE(spawned.ok());
    std::unique_ptr<testing::Subprocess> proc = std::move(spawned).value();
    // Kill after a random number of acknowledgements plus a random few milliseconds, so the
    // signal lands anywhere: inside a group commit, a flush, a compaction, a MANIFEST write.
    uint64_t target = 1 + rng() % 60;
    bool progressed =
        proc->WaitForOutput("acked " + std::to_string(target) + "\n", milliseconds(60000));
    REQUIRE_MESSAGE(progressed, "writer made no progress; output:\n", proc->output());
    (void)proc->WaitForOutput("no such output", milliseconds(rng() % 15));
    REQUIRE(proc->Signal(SIGKILL).ok());
    std::optional<int> code = proc->WaitForExit(milliseconds(10000));
    REQUIRE(code.has_value());
    CHECK_MESSAGE(*code == 128 + SIGKILL, "writer exited by itself; output:\n", proc->output());

    if (with_ledger) {
      last_digest = CheckLedgerDb(db_dir, ReadAcked(acked_path), last_digest);
      continue;
    }
    uint64_t applied = CheckDb(db_dir, ReadAcked(acked_path));
    CHECK(applied >= last_applied);
    last_applied = applied;
  }
}

TEST_CASE("crash loop: SIGKILL during group commits, flushes and compactions loses nothing") {
  RunCrashLoop(/*with_ledger=*/false, 20);
}

TEST_CASE("crash loop: with the ledger on, VERIFY passes after every SIGKILL") {
  RunCrashLoop(/*with_ledger=*/true, 12);
}

}  // namespace
}  // namespace blockdb
