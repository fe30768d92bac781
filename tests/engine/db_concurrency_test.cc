// Several writers, readers, flushes and compactions at once (run under TSan by `make tsan`).
//
// Writer t writes batches "w<t>-<i>" of kKeysPerBatch keys, one after another, and sometimes
// races the other writers for a shared key that only one may win. Readers check, at snapshots
// taken while all this runs: batches are atomic (all keys of a batch or none), each writer's
// batches appear as a prefix (batch i visible implies every earlier one of that writer is),
// two iterators at one snapshot agree, and acknowledged keys are readable.

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "db_test_util.h"
#include "engine/db.h"

namespace blockdb {
namespace {

using db_test::OpenOrDie;
using db_test::SmallOptions;
using db_test::TempDir;

constexpr int kWriters = 4;
constexpr int kBatchesPerWriter = 1000;
constexpr int kKeysPerBatch = 3;
constexpr int kSharedKeys = 50;

std::string BatchKey(int writer, int batch, int k) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "w%d-%06d-%d", writer, batch, k);
  return buf;
}

std::string SharedKey(int i) { return "shared-" + std::to_string(i); }

// Checks one snapshot's contents; returns an empty string or a description of the violation.
std::string CheckSnapshot(const std::map<std::string, std::string>& rows) {
  std::map<std::pair<int, int>, int> keys_per_batch;
  for (const auto& [key, value] : rows) {
    int writer = 0;
    int batch = 0;
    int k = 0;
    if (std::sscanf(key.c_str(), "w%d-%d-%d", &writer, &batch, &k) == 3) {
      keys_per_batch[{writer, batch}]++;
      if (value != key + "-value") {
        return "wrong value for " + key;
      }
    }
  }
  std::map<int, int> batches_per_writer;
  for (const auto& [id, count] : keys_per_batch) {
    if (count != kKeysPerBatch) {
      return "batch " + std::to_string(id.second) + " of writer " + std::to_string(id.first) +
             " is partly visible";
    }
    batches_per_writer[id.first]++;
  }
  for (const auto& [writer, count] : batches_per_writer) {
    // Batches of one writer are numbered 0.. and acknowledged in order, so the visible ones must
    // be exactly 0..count-1.
    if (keys_per_batch.count({writer, count - 1}) == 0) {
      return "writer " + std::to_string(writer) + " has a gap in its visible batches";
    }
  }
  return "";
}

TEST_CASE("db concurrency: writers, readers, flushes and compactions at once") {
  TempDir dir;
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.memtable_size_limit = 64 << 10;
  options.compaction_threshold = 2;
  options.sync_mode = EngineOptions::SyncMode::kInterval;  // keep the test fast
  options.sync_interval_ms = 5;
  auto db = OpenOrDie(options);

  std::atomic<int> writers_done{0};
  std::atomic<int> acked[kWriters] = {};
  std::vector<std::map<std::string, int>> shared_wins(kWriters);
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex failure_mu;
  auto fail = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(failure_mu);
    if (!failed.exchange(true)) {
      failure = what;
    }
  };

  auto writer = [&](int t) {
    for (int b = 0; b < kBatchesPerWriter && !failed; ++b) {
      WriteBatch batch;
      for (int k = 0; k < kKeysPerBatch; ++k) {
        batch.Insert(BatchKey(t, b, k), BatchKey(t, b, k) + "-value");
      }
      Result<uint64_t> r = db->Write(batch);
      if (!r.ok()) {
        fail("write: " + r.status().ToString());
        return;
      }
      acked[t].store(b + 1, std::memory_order_release);
      if (b % 8 == 0) {
        WriteBatch race;
        std::string key = SharedKey((b / 8) % kSharedKeys);
        race.Insert(key, "writer-" + std::to_string(t));
        Result<uint64_t> won = db->Write(race);
        if (won.ok()) {
          shared_wins[t][key]++;
        } else if (!won.status().IsDuplicateKey()) {
          fail("race: " + won.status().ToString());
        }
      }
    }
    writers_done++;
  };

  auto reader = [&]() {
    std::string value;
    while (writers_done.load() < kWriters && !failed) {
      // Acknowledged keys are readable.
      for (int t = 0; t < kWriters; ++t) {
        int n = acked[t].load(std::memory_order_acquire);
        if (n > 0) {
          std::string key = BatchKey(t, n - 1, n % kKeysPerBatch);
          Status s = db->Get(key, &value);
          if (!s.ok() || value != key + "-value") {
            fail("acknowledged " + key + " not readable: " + s.ToString());
          }
        }
      }
      uint64_t snapshot = db->AppliedIndex();
      auto first = db_test::ScanAll(db.get(), snapshot);
      std::string problem = CheckSnapshot(first);
      if (!problem.empty()) {
        fail(problem);
      }
      auto second = db_test::ScanAll(db.get(), snapshot);
      if (first != second) {
        fail("two scans at snapshot " + std::to_string(snapshot) + " differ");
      }
    }
  };

  auto maintenance = [&]() {
    do {  // at least once, however fast the writers are
      Status s = db->Flush();
      if (s.ok()) {
        s = db->CompactAll();
      }
      if (!s.ok()) {
        fail("maintenance: " + s.ToString());
      }
    } while (writers_done.load() < kWriters && !failed);
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back(writer, t);
  }
  threads.emplace_back(reader);
  threads.emplace_back(reader);
  threads.emplace_back(maintenance);
  for (auto& t : threads) {
    t.join();
  }
  REQUIRE_MESSAGE(!failed.load(), failure);

  auto check_final = [&](DB* d) {
    auto rows = db_test::ScanAll(d);
    CHECK(CheckSnapshot(rows).empty());
    for (int t = 0; t < kWriters; ++t) {
      CHECK(rows.count(BatchKey(t, kBatchesPerWriter - 1, 0)) == 1);
    }
    // Every shared key has exactly one winner, and it holds the winner's value.
    std::map<std::string, int> winners;
    for (int t = 0; t < kWriters; ++t) {
      for (const auto& [key, wins] : shared_wins[t]) {
        CHECK(wins == 1);
        winners[key]++;
        CHECK(rows[key] == "writer-" + std::to_string(t));
      }
    }
    for (const auto& [key, count] : winners) {
      CHECK(count == 1);
    }
    CHECK(rows.size() ==
          static_cast<size_t>(kWriters * kBatchesPerWriter * kKeysPerBatch) + winners.size());
  };
  check_final(db.get());
  EngineStats stats = db->GetStats();
  CHECK(stats.flushes > 0);
  CHECK(stats.compactions > 0);
  CHECK(stats.group_records >= stats.commit_groups);
  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  check_final(db.get());
}

}  // namespace
}  // namespace blockdb
