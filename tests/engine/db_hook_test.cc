// The ApplyHook contract: called for accepted batches and seals in log order, live and on
// replay; internal writes land atomically with their batch; a hook failure fails the DB.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "db_test_util.h"
#include "engine/apply_hook.h"
#include "engine/db.h"

namespace blockdb {
namespace {

using db_test::OpenOrDie;
using db_test::SmallOptions;
using db_test::TempDir;

std::string InternalKey(char tag, uint64_t index) {
  std::string key(1, kInternalKeyPrefix);
  key.push_back(tag);
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    buf[i] = static_cast<char>(index >> (56 - 8 * i));
  }
  key.append(buf, 8);
  return key;
}

class RecordingHook : public ApplyHook {
 public:
  Status OnOpen(DB* db) override {
    opened_at = db->AppliedIndex();
    ++opens;
    return Status::OK();
  }
  Status OnApply(uint64_t index, const WriteBatch& batch,
                 std::vector<std::pair<std::string, std::string>>* internal_writes) override {
    std::string event = "apply " + std::to_string(index) + " txn " +
                        std::to_string(batch.txn_id()) + " ts " +
                        std::to_string(batch.timestamp_micros() > 0 ? 1 : 0);
    for (const WriteBatch::Entry& e : batch.entries()) {
      event += " " + e.key;
      if (e.key == fail_on) {
        return Status::IOError("hook refuses " + e.key);
      }
    }
    events.push_back(event);
    timestamps.push_back(batch.timestamp_micros());
    internal_writes->emplace_back(InternalKey('L', index), std::to_string(batch.Count()));
    if (!extra_key.empty()) {
      internal_writes->emplace_back(extra_key, "x");
    }
    return Status::OK();
  }
  Status OnSeal(uint64_t index, int64_t timestamp_micros,
                std::vector<std::pair<std::string, std::string>>* internal_writes) override {
    events.push_back("seal " + std::to_string(index));
    timestamps.push_back(timestamp_micros);
    internal_writes->emplace_back(InternalKey('S', index), std::to_string(timestamp_micros));
    return Status::OK();
  }

  std::vector<std::string> events;
  std::vector<int64_t> timestamps;
  std::string fail_on;
  std::string extra_key;  // added to every batch's internal writes when set
  uint64_t opened_at = 0;
  int opens = 0;
};

Result<uint64_t> Put(DB* db, std::vector<std::string> keys, uint64_t txn = 0, int64_t ts = 0) {
  WriteBatch batch;
  batch.set_txn_id(txn);
  batch.set_timestamp_micros(ts);
  for (const std::string& k : keys) {
    batch.Insert(k, "v-" + k);
  }
  return db->Write(batch);
}

TEST_CASE("db hook: called in log order for accepted batches and seals, replayed identically") {
  TempDir dir;
  RecordingHook hook;
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.apply_hook = &hook;
  auto db = OpenOrDie(options);
  CHECK(hook.opens == 1);

  REQUIRE(Put(db.get(), {"a", "b"}, 7).ok());                  // index 1, stamped by the leader
  REQUIRE(Put(db.get(), {"c"}, 8, 123).ok());                  // index 2, the writer's timestamp
  CHECK(Put(db.get(), {"d", "a"}).status().IsDuplicateKey());  // index 3, rejected: no hook call
  Result<uint64_t> seal = db->Seal(777);
  REQUIRE(seal.ok());
  CHECK(*seal == 4);
  REQUIRE(db->Seal(0).ok());  // index 5, stamped
  std::vector<std::string> expected = {"apply 1 txn 7 ts 1 a b", "apply 2 txn 8 ts 1 c", "seal 4",
                                       "seal 5"};
  CHECK(hook.events == expected);
  REQUIRE(hook.timestamps.size() == 4);
  CHECK(hook.timestamps[0] > 1600000000000000);  // wall clock microseconds
  CHECK(hook.timestamps[1] == 123);
  CHECK(hook.timestamps[2] == 777);
  CHECK(hook.timestamps[3] >= hook.timestamps[0]);

  // Internal writes are visible at their batch's index, not before.
  std::string value;
  REQUIRE(db->Get(InternalKey('L', 1), &value).ok());
  CHECK(value == "2");
  CHECK(db->Get(InternalKey('L', 1), &value, 0).IsNotFound());
  REQUIRE(db->Get(InternalKey('S', 4), &value, 4).ok());
  CHECK(value == "777");
  CHECK(db->Get(InternalKey('S', 4), &value, 3).IsNotFound());
  CHECK(db->Get(InternalKey('L', 3), &value).IsNotFound());

  // Reopen: the log is replayed through the hook, which sees the same sequence and timestamps.
  std::vector<std::string> events = hook.events;
  std::vector<int64_t> timestamps = hook.timestamps;
  REQUIRE(db->Close().ok());
  RecordingHook replay;
  options.apply_hook = &replay;
  db = OpenOrDie(options);
  CHECK(replay.opens == 1);
  CHECK(replay.opened_at == 0);
  CHECK(replay.events == events);
  CHECK(replay.timestamps == timestamps);
  CHECK(db->AppliedIndex() == 5);

  // After a flush the MANIFEST covers everything: nothing is replayed.
  REQUIRE(db->Flush().ok());
  REQUIRE(db->Close().ok());
  RecordingHook after_flush;
  options.apply_hook = &after_flush;
  db = OpenOrDie(options);
  CHECK(after_flush.opened_at == 5);
  CHECK(after_flush.events.empty());
  REQUIRE(db->Get(InternalKey('L', 2), &value).ok());
}

TEST_CASE("db hook: a hook error fails the DB permanently and Open replays into it again") {
  TempDir dir;
  RecordingHook hook;
  hook.fail_on = "boom";
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.apply_hook = &hook;
  auto db = OpenOrDie(options);
  REQUIRE(Put(db.get(), {"ok"}).ok());
  Result<uint64_t> r = Put(db.get(), {"boom"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("hook refuses boom") != std::string::npos);
  CHECK(Put(db.get(), {"later"}).status().message() == r.status().message());
  CHECK(db->Flush().message() == r.status().message());
  std::string value;
  CHECK(db->Get("ok", &value).ok());  // reads keep working
  CHECK(db->Get("boom", &value).IsNotFound());
  (void)db->Close();
  db.reset();

  Result<std::unique_ptr<DB>> reopened = DB::Open(options);
  CHECK_FALSE(reopened.ok());
  hook.fail_on.clear();
  db = OpenOrDie(options);
  CHECK(db->Get("boom", &value).ok());  // the logged batch is applied once the hook accepts it
}

TEST_CASE("db hook: internal writes must be new 0xff keys") {
  TempDir dir;
  RecordingHook hook;
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.apply_hook = &hook;

  SUBCASE("an existing internal key") {
    hook.extra_key = std::string(
        "\xff"
        "fixed",
        6);
    auto db = OpenOrDie(options);
    REQUIRE(Put(db.get(), {"one"}).ok());
    Result<uint64_t> r = Put(db.get(), {"two"});
    CHECK(r.status().IsInvalidArgument());
    CHECK(Put(db.get(), {"three"}).status().IsInvalidArgument());
    std::string value;
    CHECK(db->Get("two", &value).IsNotFound());
  }
  SUBCASE("a key without the prefix") {
    hook.extra_key = "plain";
    auto db = OpenOrDie(options);
    CHECK(Put(db.get(), {"one"}).status().IsInvalidArgument());
    std::string value;
    CHECK(db->Get("one", &value).IsNotFound());
    CHECK(db->Get("plain", &value).IsNotFound());
  }
}

// Holds the first applied batch inside the hook until released, so that writes queue up behind
// the leader and must form one group.
class GateHook : public ApplyHook {
 public:
  Status OnApply(uint64_t index, const WriteBatch&,
                 std::vector<std::pair<std::string, std::string>>*) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (index == 1) {
      cv_.wait(lock, [this] { return open_; });
    }
    return Status::OK();
  }
  Status OnSeal(uint64_t, int64_t, std::vector<std::pair<std::string, std::string>>*) override {
    return Status::OK();
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST_CASE("db hook: writes queued behind a leader share one log append and one fsync") {
  TempDir dir;
  GateHook gate;
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.apply_hook = &gate;
  auto db = OpenOrDie(options);
  constexpr int kWriters = 8;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kWriters; ++t) {
    std::string key = "writer-" + std::to_string(t);
    threads.emplace_back([&, key] { ok += Put(db.get(), {key}).ok() ? 1 : 0; });
  }
  // The first leader is held in apply; wait (polling, with a deadline) until all the others queue.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (db->GetStats().queued_writes < kWriters && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  CHECK(db->GetStats().queued_writes == kWriters);
  gate.Open();
  for (auto& t : threads) {
    t.join();
  }
  CHECK(ok.load() == kWriters);
  EngineStats stats = db->GetStats();
  CHECK(stats.commit_groups == 2);  // the held leader alone, then everyone who queued behind it
  CHECK(stats.max_group_size == kWriters - 1);
  CHECK(stats.group_records == kWriters);
  CHECK(stats.fsyncs == 2);
  CHECK(stats.queued_writes == 0);
}

TEST_CASE("db hook: seal without a hook consumes an index") {
  TempDir dir;
  auto db = OpenOrDie(SmallOptions(Env::Default(), dir.path()));
  REQUIRE(Put(db.get(), {"a"}).ok());
  Result<uint64_t> seal = db->Seal(0);
  REQUIRE(seal.ok());
  CHECK(*seal == 2);
  CHECK(db->AppliedIndex() == 2);
}

}  // namespace
}  // namespace blockdb
