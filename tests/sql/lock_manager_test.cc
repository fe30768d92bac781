// LockManager: the compatibility matrix, ranges, upgrades, first-come-first-served queueing,
// deadlock cycles of length 2 to 5, lock timeouts, cancellation, transaction deadlines and
// release at End. Waiting threads are observed through GetStats (polled with a deadline),
// never by sleeping.
#include "sql/txn/lock_manager.h"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <future>
#include <random>
#include <thread>

namespace blockdb::sql::txn {
namespace {

using namespace std::chrono_literals;

Clock::time_point Far() { return Clock::now() + 1h; }

LockWait NoWait() {
  LockWait w;
  w.no_wait = true;
  return w;
}

// Polls until `pred` holds; fails the test after 10 s.
template <typename Pred>
void WaitUntil(Pred pred) {
  auto deadline = Clock::now() + 10s;
  while (!pred()) {
    REQUIRE_MESSAGE(Clock::now() < deadline, "condition not reached within 10 s");
    std::this_thread::yield();
  }
}

// Waits until `n` requests have had to wait in total.
void WaitForWaiters(const LockManager& lm, uint64_t n) {
  WaitUntil([&] { return lm.GetStats().waited >= n; });
}

std::string Code(const Status& s) { return s.ok() ? "OK" : s.sqlstate(); }

TEST_CASE("lock manager: compatibility matrix on one key") {
  const std::array<LockMode, 3> modes = {LockMode::kShared, LockMode::kInsert,
                                         LockMode::kExclusive};
  for (LockMode held : modes) {
    for (LockMode asked : modes) {
      LockManager lm;
      TxnId a = lm.Begin(Far()), b = lm.Begin(Far());
      REQUIRE(lm.LockKey(a, "k", held).ok());
      Status s = lm.LockKey(b, "k", asked, NoWait());
      bool compatible = (held == asked && held != LockMode::kExclusive);
      INFO(LockModeName(held), " then ", LockModeName(asked));
      CHECK(LockModesConflict(held, asked) == !compatible);
      CHECK(Code(s) == (compatible ? "OK" : kSqlStateLockTimeout));
      // The same transaction never conflicts with itself.
      CHECK(lm.LockKey(a, "k", asked, NoWait()).ok());
    }
  }
}

TEST_CASE("lock manager: ranges conflict only where they overlap") {
  LockManager lm;
  TxnId reader = lm.Begin(Far()), writer = lm.Begin(Far());
  REQUIRE(lm.Lock(reader, "b", "d", LockMode::kShared).ok());
  CHECK(lm.LockKey(writer, "a", LockMode::kInsert, NoWait()).ok());
  CHECK(lm.LockKey(writer, "d", LockMode::kInsert, NoWait()).ok());  // end is exclusive
  CHECK(Code(lm.LockKey(writer, "b", LockMode::kInsert, NoWait())) == kSqlStateLockTimeout);
  CHECK(Code(lm.LockKey(writer, "c\x7f", LockMode::kExclusive, NoWait())) == kSqlStateLockTimeout);
  CHECK(Code(lm.Lock(writer, "a", "z", LockMode::kExclusive, NoWait())) == kSqlStateLockTimeout);
  CHECK(lm.Lock(writer, "a", "b", LockMode::kExclusive, NoWait()).ok());
  CHECK(!lm.Lock(reader, "x", "x", LockMode::kShared).ok());  // an empty range is a bug
}

TEST_CASE("lock manager: a covered request is granted without a new lock") {
  LockManager lm;
  TxnId t = lm.Begin(Far());
  REQUIRE(lm.Lock(t, "a", "z", LockMode::kExclusive).ok());
  uint64_t before = lm.GetStats().acquired;
  CHECK(lm.Lock(t, "b", "c", LockMode::kShared).ok());
  CHECK(lm.LockKey(t, "q", LockMode::kInsert).ok());
  CHECK(lm.GetStats().acquired == before);
  CHECK(lm.GetStats().held == 1);
  lm.End(t);
  CHECK(lm.GetStats().held == 0);
  CHECK(lm.GetStats().transactions == 0);
}

TEST_CASE("lock manager: an upgrade waits for the other holder and is then granted") {
  LockManager lm;
  TxnId a = lm.Begin(Far()), b = lm.Begin(Far());
  REQUIRE(lm.Lock(a, "a", "m", LockMode::kShared).ok());
  REQUIRE(lm.Lock(b, "a", "m", LockMode::kShared).ok());
  auto upgrade =
      std::async(std::launch::async, [&] { return lm.LockKey(a, "c", LockMode::kInsert); });
  WaitForWaiters(lm, 1);
  CHECK(upgrade.wait_for(0s) == std::future_status::timeout);
  lm.End(b);
  CHECK(upgrade.get().ok());
  lm.End(a);
}

TEST_CASE("lock manager: two upgrades of one shared range deadlock and one is the victim") {
  LockManager lm;
  TxnId a = lm.Begin(Far()), b = lm.Begin(Far());
  REQUIRE(lm.Lock(a, "acct7", "acct8", LockMode::kShared).ok());
  REQUIRE(lm.Lock(b, "acct7", "acct8", LockMode::kShared).ok());
  auto first =
      std::async(std::launch::async, [&] { return lm.LockKey(a, "acct7/1", LockMode::kInsert); });
  WaitForWaiters(lm, 1);
  Status second = lm.LockKey(b, "acct7/2", LockMode::kInsert);
  CHECK(Code(second) == kSqlStateDeadlock);
  CHECK(lm.GetStats().deadlocks == 1);
  CHECK(first.wait_for(0s) == std::future_status::timeout);  // b still holds its shared lock
  lm.End(b);                                                 // the victim rolls back
  CHECK(first.get().ok());
  lm.End(a);
}

TEST_CASE("lock manager: waiters are served first come, first served") {
  LockManager lm;
  TxnId r1 = lm.Begin(Far()), w = lm.Begin(Far()), r2 = lm.Begin(Far());
  REQUIRE(lm.LockKey(r1, "k", LockMode::kShared).ok());
  auto writer =
      std::async(std::launch::async, [&] { return lm.LockKey(w, "k", LockMode::kExclusive); });
  WaitForWaiters(lm, 1);
  // A new reader is compatible with r1 but must not overtake the waiting writer.
  CHECK(Code(lm.LockKey(r2, "k", LockMode::kShared, NoWait())) == kSqlStateLockTimeout);
  auto reader =
      std::async(std::launch::async, [&] { return lm.LockKey(r2, "k", LockMode::kShared); });
  WaitForWaiters(lm, 2);
  lm.End(r1);
  CHECK(writer.get().ok());
  CHECK(reader.wait_for(0s) == std::future_status::timeout);
  lm.End(w);
  CHECK(reader.get().ok());
  lm.End(r2);
}

TEST_CASE("lock manager: deadlock cycles of length 2 to 5 are detected") {
  for (int n = 2; n <= 5; ++n) {
    INFO("cycle length ", n);
    LockManager lm;
    std::vector<TxnId> t;
    for (int i = 0; i < n; ++i) {
      t.push_back(lm.Begin(Far()));
      REQUIRE(lm.LockKey(t[i], "key" + std::to_string(i), LockMode::kExclusive).ok());
    }
    // t[i] waits for key i+1 (held by t[i+1]) for i < n-1: a chain, not yet a cycle.
    std::vector<std::future<Status>> waits;
    for (int i = 0; i + 1 < n; ++i) {
      waits.push_back(std::async(std::launch::async, [&, i] {
        return lm.LockKey(t[i], "key" + std::to_string(i + 1), LockMode::kExclusive);
      }));
      WaitForWaiters(lm, static_cast<uint64_t>(i + 1));
    }
    // The last one closes the cycle and is the victim.
    Status last = lm.LockKey(t[n - 1], "key0", LockMode::kExclusive);
    CHECK(Code(last) == kSqlStateDeadlock);
    CHECK(lm.GetStats().deadlocks == 1);
    // Rolling the victim back lets the chain finish from its end.
    lm.End(t[n - 1]);
    for (int i = n - 2; i >= 0; --i) {
      CHECK(waits[static_cast<size_t>(i)].get().ok());
      lm.End(t[static_cast<size_t>(i)]);
    }
    CHECK(lm.GetStats().held == 0);
  }
}

TEST_CASE("lock manager: a lock wait times out with 55P03 and leaves the holder alone") {
  LockManager lm;
  TxnId a = lm.Begin(Far()), b = lm.Begin(Far());
  REQUIRE(lm.LockKey(a, "k", LockMode::kExclusive).ok());
  LockWait wait;
  wait.timeout = 30ms;
  auto start = Clock::now();
  Status s = lm.LockKey(b, "k", LockMode::kShared, wait);
  CHECK(Code(s) == kSqlStateLockTimeout);
  CHECK(Clock::now() - start >= 30ms);
  CHECK(lm.GetStats().timeouts == 1);
  CHECK(lm.GetStats().held == 1);  // the withdrawn request is gone, a's lock stays
  CHECK(lm.LockKey(a, "k", LockMode::kShared, NoWait()).ok());
}

TEST_CASE("lock manager: a cancel request ends the wait with the caller's status") {
  LockManager lm;
  TxnId a = lm.Begin(Far()), b = lm.Begin(Far());
  REQUIRE(lm.LockKey(a, "k", LockMode::kExclusive).ok());
  std::atomic<bool> cancel{false};
  LockWait wait;
  wait.check = [&] {
    return cancel ? Status::Aborted("canceling statement due to user request").WithSqlState("57014")
                  : Status::OK();
  };
  wait.poll = 1ms;
  auto waiter =
      std::async(std::launch::async, [&] { return lm.LockKey(b, "k", LockMode::kShared, wait); });
  WaitForWaiters(lm, 1);
  cancel = true;
  CHECK(Code(waiter.get()) == "57014");
}

TEST_CASE("lock manager: a transaction past its deadline is aborted by the one it blocks") {
  LockManager lm;
  TxnId old = lm.Begin(Clock::now() - 1s);  // already past its deadline
  TxnId young = lm.Begin(Far());
  REQUIRE(lm.LockKey(old, "k", LockMode::kExclusive).ok());
  CHECK(!lm.Aborted(old));
  CHECK(lm.LockKey(young, "k", LockMode::kExclusive).ok());
  CHECK(lm.Aborted(old));
  CHECK(lm.GetStats().expired == 1);
  CHECK(Code(lm.LockKey(old, "other", LockMode::kShared)) == kSqlStateTransactionTimeout);
  CHECK(!lm.StartCommit(old));  // an aborted transaction must not commit
  lm.End(old);
  lm.End(young);
  CHECK(lm.GetStats().transactions == 0);
  // Once committing, a transaction past its deadline is no longer aborted: it is almost done.
  TxnId committing = lm.Begin(Clock::now() - 1s);
  TxnId waiter = lm.Begin(Far());
  REQUIRE(lm.LockKey(committing, "k", LockMode::kExclusive).ok());
  REQUIRE(lm.StartCommit(committing));
  CHECK(Code(lm.LockKey(waiter, "k", LockMode::kShared, NoWait())) == kSqlStateLockTimeout);
  CHECK(!lm.Aborted(committing));
}

TEST_CASE("lock manager: End releases every lock and wakes the waiters") {
  LockManager lm;
  TxnId holder = lm.Begin(Far());
  REQUIRE(lm.Lock(holder, "a", "f", LockMode::kShared).ok());
  REQUIRE(lm.LockKey(holder, "x", LockMode::kExclusive).ok());
  std::vector<std::future<Status>> waiters;
  std::vector<TxnId> ids;
  for (const char* key : {"b", "x"}) {
    TxnId id = lm.Begin(Far());
    ids.push_back(id);
    waiters.push_back(std::async(
        std::launch::async, [&lm, id, key] { return lm.LockKey(id, key, LockMode::kExclusive); }));
  }
  WaitForWaiters(lm, 2);
  lm.End(holder);  // what a dropped connection does
  for (auto& w : waiters) CHECK(w.get().ok());
  for (TxnId id : ids) lm.End(id);
  CHECK(lm.GetStats().held == 0);
}

TEST_CASE("lock manager: concurrency: exclusive holders never overlap and deadlocks resolve") {
  LockManager lm;
  constexpr int kThreads = 8, kKeys = 6, kTxns = 300;
  std::array<std::atomic<int>, kKeys> inside{};
  std::atomic<int> violations{0}, committed{0}, victims{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      std::mt19937 rng(static_cast<uint32_t>(th) * 7919u + 1);
      for (int i = 0; i < kTxns; ++i) {
        TxnId t = lm.Begin(Far());
        std::vector<int> held;
        bool ok = true;
        for (int step = 0; step < 3 && ok; ++step) {
          int k = static_cast<int>(rng() % kKeys);
          if (std::find(held.begin(), held.end(), k) != held.end()) continue;
          Status s = lm.LockKey(t, "k" + std::to_string(k), LockMode::kExclusive);
          if (!s.ok()) {
            ok = false;
            if (s.sqlstate() == kSqlStateDeadlock) ++victims;
            break;
          }
          held.push_back(k);
          if (inside[static_cast<size_t>(k)].fetch_add(1) != 0) ++violations;
        }
        for (int k : held) inside[static_cast<size_t>(k)].fetch_sub(1);
        if (ok) ++committed;
        lm.End(t);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(violations == 0);
  CHECK(committed + victims == kThreads * kTxns);
  CHECK(lm.GetStats().held == 0);
  CHECK(lm.GetStats().transactions == 0);
}

}  // namespace
}  // namespace blockdb::sql::txn
