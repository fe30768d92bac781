// Real-process crash loop: run bin/blockdb_crash_writer, SIGKILL it at a random moment, reopen
// its data directory in this process and check that every batch it acknowledged (recorded in its
// separately fsynced "acked" file) is present in full, that no batch is partly visible, and that
// no rejected duplicate batch ever appears. Then the next cycle continues on the same directory.
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

#include "common/env.h"
#include "engine/db.h"
#include "tools/crash_workload.h"
#include "util/process.h"

namespace blockdb {
namespace {

using std::chrono::milliseconds;
using BatchId = std::pair<uint64_t, uint64_t>;  // (cycle, batch)

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/blockdb_crash_test_XXXXXX";
    char* made = mkdtemp(tmpl);
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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

// Opens the DB and checks it against the acknowledged batches; returns the applied index.
uint64_t CheckDb(const std::string& dir, const std::set<BatchId>& acked) {
  Result<std::unique_ptr<DB>> opened = DB::Open(crash_workload::CrashEngineOptions(dir));
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  std::unique_ptr<DB> db = std::move(opened).value();
  std::map<BatchId, int> keys;
  std::unique_ptr<Iterator> it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
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
  uint64_t applied = db->AppliedIndex();
  REQUIRE(db->Close().ok());
  return applied;
}

TEST_CASE("crash loop: SIGKILL during group commits, flushes and compactions loses nothing") {
  uint64_t cycles = EnvNumber("BLOCKDB_CRASH_CYCLES", 20);
  uint64_t seed = EnvNumber("BLOCKDB_SEED", std::random_device{}());
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  TempDir tmp;
  std::string db_dir = tmp.path() + "/db";
  std::string acked_path = tmp.path() + "/acked";
  std::string writer = std::string(BLOCKDB_BINARY_DIR) + "/bin/blockdb_crash_writer";
  REQUIRE_MESSAGE(std::filesystem::exists(writer), writer, " is not built");

  uint64_t last_applied = 0;
  for (uint64_t cycle = 0; cycle < cycles; ++cycle) {
    INFO("cycle " << cycle);
    auto spawned = testing::Subprocess::Spawn(
        {writer, db_dir, acked_path, std::to_string(cycle), std::to_string(1 + rng() % 4)});
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

    uint64_t applied = CheckDb(db_dir, ReadAcked(acked_path));
    CHECK(applied >= last_applied);
    last_applied = applied;
  }
}

}  // namespace
}  // namespace blockdb
