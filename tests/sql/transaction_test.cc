// Transactions through Sessions on one Database: serializable locking (write skew, phantoms,
// duplicate inserts, deadlocks), isolation levels, lock_timeout, transaction_timeout, release
// on disconnect, and a bank invariant under concurrent transfers. A statement that must block is
// run on its own thread; the test observes that it waits through the lock manager's counters
// (polled with a deadline) and that it has not finished, never by sleeping.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <random>
#include <thread>

#include "session_test_util.h"
#include "sql/txn/lock_manager.h"

namespace blockdb::sql::session_test {
namespace {

using namespace std::chrono_literals;

// Runs `sql` on `session` on another thread.
std::future<Outcome> RunAsync(SessionFixture& f, Session* session, std::string sql) {
  return std::async(std::launch::async, [&f, session, sql] { return f.Run(sql, session); });
}

// Waits until `n` lock requests have had to wait since the Database opened.
void WaitForLockWaits(SessionFixture& f, uint64_t n) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (f.db().locks().GetStats().waited < n) {
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "no statement started waiting");
    std::this_thread::yield();
  }
}

bool Finished(std::future<Outcome>& f) { return f.wait_for(0s) == std::future_status::ready; }

void RequireOk(const Outcome& o) { REQUIRE_MESSAGE(o.status.ok(), o.status.ToString()); }

TEST_CASE("transactions: write skew through a predicate read ends in a deadlock victim") {
  SessionFixture f;
  f.Exec("CREATE TABLE oncall (id INT PRIMARY KEY, shift INT)");
  auto a = f.NewSession(), b = f.NewSession();
  // Each checks that nobody is on call for shift 1, then takes it: serially only one could.
  RequireOk(f.Run("BEGIN", a.get()));
  RequireOk(f.Run("BEGIN", b.get()));
  CHECK(f.Run("SELECT count(*) FROM oncall WHERE shift = 1", a.get()).Rows() == Rows{"0"});
  CHECK(f.Run("SELECT count(*) FROM oncall WHERE shift = 1", b.get()).Rows() == Rows{"0"});
  auto a_insert = RunAsync(f, a.get(), "INSERT INTO oncall VALUES (1, 1)");
  WaitForLockWaits(f, 1);
  CHECK(!Finished(a_insert));
  Outcome b_insert = f.Run("INSERT INTO oncall VALUES (2, 1)", b.get());
  CHECK(b_insert.status.sqlstate() == "40P01");
  CHECK(f.Run("SELECT 1", b.get()).status.sqlstate() == "25P02");
  RequireOk(f.Run("ROLLBACK", b.get()));
  RequireOk(a_insert.get());
  RequireOk(f.Run("COMMIT", a.get()));
  CHECK(f.Query("SELECT id FROM oncall WHERE shift = 1") == Rows{"1"});
}

TEST_CASE("transactions: two inserts of one key: the second waits, then gets 23505") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  auto a = f.NewSession(), b = f.NewSession();
  for (bool first_commits : {true, false}) {
    INFO("first transaction commits: ", first_commits);
    int id = first_commits ? 5 : 6;
    std::string insert = "INSERT INTO t VALUES (" + std::to_string(id) + ", '";
    RequireOk(f.Run("BEGIN", a.get()));
    RequireOk(f.Run(insert + "a')", a.get()));
    RequireOk(f.Run("BEGIN", b.get()));
    uint64_t waits = f.db().locks().GetStats().waited;
    auto b_insert = RunAsync(f, b.get(), insert + "b')");
    WaitForLockWaits(f, waits + 1);
    CHECK(!Finished(b_insert));
    RequireOk(f.Run(first_commits ? "COMMIT" : "ROLLBACK", a.get()));
    Outcome second = b_insert.get();
    if (first_commits) {
      CHECK(second.status.sqlstate() == "23505");
      CHECK(f.Run("COMMIT", b.get()).Tag() == "ROLLBACK");
    } else {
      RequireOk(second);
      RequireOk(f.Run("COMMIT", b.get()));
    }
    CHECK(f.Query("SELECT v FROM t WHERE id = " + std::to_string(id)) ==
          Rows{first_commits ? "a" : "b"});
  }
}

TEST_CASE("transactions: inserts in opposite orders deadlock and the victim gets 40P01") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  auto a = f.NewSession(), b = f.NewSession();
  RequireOk(f.Run("BEGIN; INSERT INTO t VALUES (1)", a.get()));
  RequireOk(f.Run("BEGIN; INSERT INTO t VALUES (2)", b.get()));
  auto a_second = RunAsync(f, a.get(), "INSERT INTO t VALUES (2)");
  WaitForLockWaits(f, 1);
  CHECK(f.Run("INSERT INTO t VALUES (1)", b.get()).status.sqlstate() == "40P01");
  // The victim's locks and rows went with its error: the other goes on at once.
  RequireOk(a_second.get());
  RequireOk(f.Run("ROLLBACK", b.get()));
  RequireOk(f.Run("COMMIT", a.get()));
  CHECK(f.Query("SELECT id FROM t ORDER BY id") == Rows{"1", "2"});
}

TEST_CASE("transactions: a locked read waits for an uncommitted insert, then sees it") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  auto writer = f.NewSession(), reader = f.NewSession();
  RequireOk(f.Run("BEGIN; INSERT INTO t VALUES (10, 7)", writer.get()));
  // A statement outside a block reads a snapshot without locks: it neither waits nor sees it.
  CHECK(f.Run("SELECT count(*) FROM t", reader.get()).Rows() == Rows{"0"});
  // So does a read-only transaction.
  CHECK(f.Run("BEGIN READ ONLY; SELECT count(*) FROM t", reader.get()).Rows() == Rows{"0"});
  RequireOk(f.Run("COMMIT", reader.get()));
  RequireOk(f.Run("BEGIN", reader.get()));
  auto read = RunAsync(f, reader.get(), "SELECT v FROM t WHERE id = 10");
  WaitForLockWaits(f, 1);
  CHECK(!Finished(read));
  RequireOk(f.Run("COMMIT", writer.get()));
  CHECK(read.get().Rows() == Rows{"7"});
  RequireOk(f.Run("COMMIT", reader.get()));
}

TEST_CASE("transactions: a range read repeats exactly while another client inserts into it") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  f.Exec("INSERT INTO t VALUES (1), (150), (300)");
  auto reader = f.NewSession(), writer = f.NewSession();
  const std::string range = "SELECT id FROM t WHERE id BETWEEN 100 AND 200";
  RequireOk(f.Run("BEGIN", reader.get()));
  CHECK(f.Run(range, reader.get()).Rows() == Rows{"150"});
  // Outside the range: no wait.
  RequireOk(f.Run("INSERT INTO t VALUES (400)", writer.get()));
  auto phantom = RunAsync(f, writer.get(), "INSERT INTO t VALUES (160)");
  WaitForLockWaits(f, 1);
  CHECK(f.Run(range, reader.get()).Rows() == Rows{"150"});
  CHECK(!Finished(phantom));
  RequireOk(f.Run("COMMIT", reader.get()));
  RequireOk(phantom.get());
  CHECK(f.Query(range) == Rows{"150", "160"});
}

TEST_CASE("transactions: a dropped session releases its locks") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  auto holder = f.NewSession(), writer = f.NewSession();
  RequireOk(f.Run("BEGIN; SELECT * FROM t", holder.get()));
  auto insert = RunAsync(f, writer.get(), "INSERT INTO t VALUES (1)");
  WaitForLockWaits(f, 1);
  CHECK(!Finished(insert));
  holder.reset();  // the connection is gone
  RequireOk(insert.get());
  CHECK(f.db().locks().GetStats().transactions == 0);
}

TEST_CASE("transactions: lock_timeout ends a wait with 55P03 and fails the block") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  auto a = f.NewSession(), b = f.NewSession();
  RequireOk(f.Run("BEGIN; INSERT INTO t VALUES (20)", a.get()));
  RequireOk(f.Run("SET lock_timeout = '20ms'; BEGIN", b.get()));
  Outcome waited = f.Run("INSERT INTO t VALUES (20)", b.get());
  CHECK(waited.status.sqlstate() == "55P03");
  CHECK(f.Run("SELECT 1", b.get()).status.sqlstate() == "25P02");
  CHECK(f.Run("COMMIT", b.get()).Tag() == "ROLLBACK");
  RequireOk(f.Run("COMMIT", a.get()));
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"1"});
}

TEST_CASE("transactions: transaction_timeout aborts a block that blocks others too long") {
  DatabaseOptions options;
  options.transaction_timeout_ms = 300;
  SessionFixture f(1000, options);
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, who TEXT)");
  auto slow = f.NewSession(), other = f.NewSession();
  RequireOk(f.Run("BEGIN; INSERT INTO t VALUES (31, 'slow')", slow.get()));
  // The other insert waits until the slow block is past its deadline, aborts it, and commits.
  RequireOk(f.Run("INSERT INTO t VALUES (31, 'other')", other.get()));
  CHECK(f.db().locks().GetStats().expired == 1);
  Outcome next = f.Run("SELECT 1", slow.get());
  CHECK(next.status.sqlstate() == "25P04");
  CHECK(f.Run("COMMIT", slow.get()).Tag() == "ROLLBACK");
  CHECK(f.Query("SELECT who FROM t") == Rows{"other"});
}

TEST_CASE("transactions: SET TRANSACTION ISOLATION LEVEL only before the first query") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  f.Exec("BEGIN; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION READ ONLY");
  f.Exec("SELECT count(*) FROM t");
  f.Fail("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "25001");
  f.Exec("ROLLBACK");
  f.Exec("BEGIN READ ONLY");
  f.Exec("SELECT 1");
  f.Fail("SET TRANSACTION READ WRITE", "25001");
  f.Exec("ROLLBACK");
  // READ WRITE to READ ONLY may come late: later inserts are refused, earlier ones commit.
  f.Exec("BEGIN; INSERT INTO t VALUES (1); SET TRANSACTION READ ONLY");
  f.Fail("INSERT INTO t VALUES (2)", "25006");
  f.Exec("ROLLBACK");
  f.Exec("BEGIN; INSERT INTO t VALUES (3); SET TRANSACTION READ ONLY; COMMIT");
  CHECK(f.Query("SELECT id FROM t") == Rows{"3"});
}

TEST_CASE("transactions: a connection that closes mid-block releases its locks at once") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  auto closing = f.NewSession(), writer = f.NewSession();
  RequireOk(f.Run("BEGIN; SELECT count(*) FROM t", closing.get()));
  auto insert = RunAsync(f, writer.get(), "INSERT INTO t VALUES (1)");
  WaitForLockWaits(f, 1);
  CHECK(!Finished(insert));
  closing->Reset();  // what the wire server does when the client goes away
  RequireOk(insert.get());
  CHECK(closing->txn_status() == TxnStatus::kIdle);
}

TEST_CASE("transactions: with enable_transactions off, BEGIN is 0A000") {
  DatabaseOptions options;
  options.enable_transactions = false;
  SessionFixture f(1000, options);
  f.Fail("BEGIN", "0A000");
  CHECK(f.session().txn_status() == TxnStatus::kIdle);
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  f.Exec("INSERT INTO t VALUES (1)");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"1"});
}

TEST_CASE("transactions: isolation levels read what they promise") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  auto reader = f.NewSession(), writer = f.NewSession();
  const std::string count = "SELECT count(*) FROM t";
  // REPEATABLE READ keeps the snapshot of its start and takes no locks.
  RequireOk(f.Run("BEGIN ISOLATION LEVEL REPEATABLE READ", reader.get()));
  CHECK(f.Run(count, reader.get()).Rows() == Rows{"0"});
  RequireOk(f.Run("INSERT INTO t VALUES (1)", writer.get()));
  CHECK(f.Run(count, reader.get()).Rows() == Rows{"0"});
  RequireOk(f.Run("COMMIT", reader.get()));
  // READ COMMITTED sees each statement's latest commits.
  RequireOk(f.Run("BEGIN ISOLATION LEVEL READ COMMITTED", reader.get()));
  CHECK(f.Run(count, reader.get()).Rows() == Rows{"1"});
  RequireOk(f.Run("INSERT INTO t VALUES (2)", writer.get()));
  CHECK(f.Run(count, reader.get()).Rows() == Rows{"2"});
  RequireOk(f.Run("COMMIT", reader.get()));
  CHECK(f.db().locks().GetStats().waited == 0);
  // SET TRANSACTION and the session default.
  RequireOk(f.Run("BEGIN; SET TRANSACTION ISOLATION LEVEL READ COMMITTED", reader.get()));
  CHECK(f.Run("SHOW transaction_isolation", reader.get()).Rows() == Rows{"read committed"});
  RequireOk(f.Run("COMMIT", reader.get()));
  RequireOk(f.Run("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                  reader.get()));
  CHECK(f.Run("SHOW default_transaction_isolation", reader.get()).Rows() ==
        Rows{"repeatable read"});
  CHECK(f.Run("BEGIN; SHOW transaction_isolation", reader.get()).Rows() == Rows{"repeatable read"});
  RequireOk(f.Run("COMMIT", reader.get()));
  // Read-only blocks reject inserts.
  RequireOk(f.Run("BEGIN READ ONLY", writer.get()));
  CHECK(f.Run("INSERT INTO t VALUES (3)", writer.get()).status.sqlstate() == "25006");
  RequireOk(f.Run("ROLLBACK", writer.get()));
}

TEST_CASE("transactions: concurrency: bank transfers conserve money and never overdraw") {
  SessionFixture f;
  f.Exec("CREATE TABLE entries (id BIGINT PRIMARY KEY, account INT NOT NULL, amount BIGINT)");
  f.Exec("CREATE INDEX entries_account ON entries (account)");
  constexpr int kAccounts = 4, kWriters = 4, kTransfers = 40;
  constexpr int64_t kOpening = 100;
  for (int a = 0; a < kAccounts; ++a) {
    f.Exec("INSERT INTO entries VALUES (" + std::to_string(a) + ", " + std::to_string(a) + ", " +
           std::to_string(kOpening) + ")");
  }
  const std::string total = std::to_string(kOpening * kAccounts);
  std::atomic<bool> writers_done{false};
  std::atomic<int> committed{0}, retried{0}, bad_sums{0}, reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto s = f.NewSession();
      std::mt19937 rng(static_cast<uint32_t>(w) + 11);
      int64_t next_id = (int64_t{w} + 1) * 1'000'000;
      for (int i = 0; i < kTransfers;) {
        int from = static_cast<int>(rng() % kAccounts), to = (from + 1) % kAccounts;
        int64_t amount = 1 + static_cast<int64_t>(rng() % 60);
        std::string from_s = std::to_string(from);
        Outcome o =
            f.Run("BEGIN; SELECT coalesce(sum(amount), 0) FROM entries WHERE account = " + from_s,
                  s.get());
        bool ok = o.status.ok();
        if (ok && std::stoll(o.Rows().at(0)) >= amount) {
          std::string a = std::to_string(amount), id1 = std::to_string(next_id++),
                      id2 = std::to_string(next_id++);
          ok = f.Run("INSERT INTO entries VALUES (" + id1 + ", " + from_s + ", -" + a + "), (" +
                         id2 + ", " + std::to_string(to) + ", " + a + ")",
                     s.get())
                   .status.ok();
        }
        ok = ok && f.Run("COMMIT", s.get()).status.ok();
        if (ok) {
          ++committed;
          ++i;
        } else {
          ++retried;  // 40P01: roll back and try again, as a client should
          f.Run("ROLLBACK", s.get());
        }
      }
    });
  }
  std::thread reader([&] {
    auto s = f.NewSession();
    while (!writers_done) {
      Outcome o = f.Run("SELECT sum(amount) FROM entries", s.get());
      if (!o.status.ok() || o.Rows() != Rows{total}) ++bad_sums;
      ++reads;
    }
  });
  for (auto& t : threads) t.join();
  writers_done = true;
  reader.join();
  CHECK(committed == kWriters * kTransfers);
  CHECK(bad_sums == 0);
  CHECK(reads > 0);
  MESSAGE("transfers committed: ", committed.load(), ", retried: ", retried.load(),
          ", sums read: ", reads.load());
  CHECK(f.Query("SELECT sum(amount) FROM entries") == Rows{total});
  // Serializable balance checks: no account ever ends below zero.
  CHECK(f.Query("SELECT count(*) FROM (SELECT account, sum(amount) AS b FROM entries "
                "GROUP BY account) AS s WHERE b < 0") == Rows{"0"});
  CHECK(f.db().locks().GetStats().transactions == 0);
}

}  // namespace
}  // namespace blockdb::sql::session_test
