// Aggregates over a table scan split across threads (max_parallel_workers_per_gather,
// min_parallel_table_scan_size): each piece is aggregated on its own thread and the partial
// states combined. The results, text included, must be those of the same query on one thread.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "session_test_util.h"

namespace blockdb::sql {
namespace {

using session_test::Rows;
using session_test::SessionFixture;

// 6000 rows with NULLs, negative values, mixed numeric scales, text and timestamps, all in
// SSTables (what the engine weighs when it splits a scan).
void Load(SessionFixture& f) {
  f.Exec(
      "CREATE TABLE t (id INT PRIMARY KEY, k SMALLINT, big BIGINT, amount NUMERIC(12, 2), "
      "x NUMERIC, name TEXT, flag BOOLEAN, at TIMESTAMPTZ, f DOUBLE PRECISION)");
  for (int base = 0; base < 6000; base += 500) {
    std::string sql = "INSERT INTO t VALUES ";
    for (int i = base; i < base + 500; ++i) {
      if (i > base) sql += ", ";
      const bool null_row = i % 97 == 0;
      sql += "(" + std::to_string(i) + ", " + std::to_string(i % 7 - 3) + ", " +
             std::to_string((i % 2 == 0 ? 1 : -1) * (int64_t{1} << 40) * (i % 13)) + ", " +
             (null_row ? "NULL" : std::to_string(i % 1000 - 500) + "." + std::to_string(i % 100)) +
             ", " +
             (i % 4 == 0   ? "-0.1250"
              : i % 4 == 1 ? "2.25"
              : i % 4 == 2 ? "-0.125"
                           : "2.250") +
             ", 'n" + std::to_string(i * 7919 % 6000) + "', " + (i % 5 == 0 ? "false" : "true") +
             ", timestamptz '2024-01-01 00:00:00+00' + interval '1 second' * " +
             std::to_string(i * 31 % 6000) + ", " + std::to_string(i) + " * 0.5)";
    }
    f.Exec(sql);
  }
  REQUIRE(f.ledger().db()->CompactAll().ok());
}

TEST_CASE("parallel aggregate: the same results as on one thread, and it does run in parallel") {
  SessionFixture f;
  Load(f);
  const std::vector<std::string> queries = {
      "SELECT count(*), count(amount), sum(amount), avg(amount), min(amount), max(id) FROM t",
      "SELECT sum(k), avg(k), sum(big), avg(big), min(big), max(big) FROM t",
      "SELECT sum(x), avg(x), min(x), max(x), min(name), max(name), min(at), max(at) FROM t",
      "SELECT bool_and(flag), bool_or(flag), count(DISTINCT k) FROM t",
      "SELECT count(*), sum(amount) FROM t WHERE id % 3 = 1 AND amount > 0",
      "SELECT count(*), sum(amount) FROM t WHERE id BETWEEN 1000 AND 4999",
      "SELECT count(*), max(amount) FROM t WHERE name LIKE 'n1%'",
      "SELECT count(*) FROM t WHERE id > 100000",
      "SELECT sum(f), avg(f) FROM t",
      "SELECT sum(amount) FROM t GROUP BY k ORDER BY 1",
      // Without ORDER BY the groups come out in first-seen order, which the pieces keep.
      "SELECT k, count(*), sum(amount), avg(big), min(name), max(at) FROM t GROUP BY k",
      "SELECT id % 1000, count(*), max(amount) FROM t GROUP BY 1",
      "SELECT amount IS NULL, flag, count(*) FROM t GROUP BY 1, 2 HAVING count(*) > 1",
      "SELECT name, count(*) FROM t WHERE id % 2 = 0 GROUP BY name",
      "SELECT k, sum(f) FROM t GROUP BY k",
      "SELECT count(*) FILTER (WHERE k > 0), sum(amount) FILTER (WHERE flag), max(id) FROM t",
      "SELECT k, string_agg(name, ',' ORDER BY name DESC) FROM t WHERE id < 200 GROUP BY k",
  };
  std::vector<Rows> serial;
  f.Exec("SET max_parallel_workers_per_gather = 0");
  for (const std::string& q : queries) serial.push_back(f.Query(q));
  f.Exec("SET max_parallel_workers_per_gather = 2");
  f.Exec("SET min_parallel_table_scan_size = 0");
  const uint64_t before = f.db().stats().parallel_aggregates.load();
  for (size_t i = 0; i < queries.size(); ++i) {
    CAPTURE(queries[i]);
    CHECK(f.Query(queries[i]) == serial[i]);
  }
  // All but five split: count(DISTINCT), float sums (twice) and an aggregate with ORDER BY stay
  // on one thread, and the range of id > 100000 holds no data to divide.
  CHECK(f.db().stats().parallel_aggregates.load() - before == queries.size() - 5);
  CHECK(f.Query(queries[0]) ==
        Rows{"6000|5938|" + f.Query("SELECT sum(amount) FROM t WHERE id >= 0")[0] + "|" +
             f.Query("SELECT avg(amount) FROM t WHERE id >= 0")[0] + "|-500.00|5999"});
}

TEST_CASE("parallel aggregate: small scans, settings and transaction rows keep one thread") {
  SessionFixture f;
  Load(f);
  const uint64_t start = f.db().stats().parallel_aggregates.load();
  // The default min_parallel_table_scan_size (8MB) is far above this table.
  CHECK(f.Query("SHOW min_parallel_table_scan_size") == Rows{"8MB"});
  CHECK(f.Query("SHOW max_parallel_workers_per_gather") == Rows{"2"});
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"6000"});
  CHECK(f.db().stats().parallel_aggregates.load() == start);
  f.Exec("SET min_parallel_table_scan_size = '16kB'");
  CHECK(f.Query("SHOW min_parallel_table_scan_size") == Rows{"16kB"});
  f.Exec("SET min_parallel_table_scan_size = 1024");  // 8 kB blocks, as PostgreSQL counts them
  CHECK(f.Query("SHOW min_parallel_table_scan_size") == Rows{"8MB"});
  f.Fail("SET min_parallel_table_scan_size = 'lots'", "22023");
  f.Fail("SET max_parallel_workers_per_gather = -1", "22023");
  f.Exec("SET min_parallel_table_scan_size = 0");
  f.Exec("SET max_parallel_workers_per_gather = 1");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"6000"});
  CHECK(f.db().stats().parallel_aggregates.load() == start);
  f.Exec("RESET max_parallel_workers_per_gather");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"6000"});
  CHECK(f.db().stats().parallel_aggregates.load() == start + 1);
  // A transaction block's own rows are merged into the scan in key order: one thread.
  f.Exec("BEGIN");
  f.Exec("INSERT INTO t (id, amount) VALUES (10000, 1.00)");
  CHECK(f.Query("SELECT count(*), max(id) FROM t") == Rows{"6001|10000"});
  CHECK(f.db().stats().parallel_aggregates.load() == start + 1);
  f.Exec("COMMIT");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"6001"});
  CHECK(f.db().stats().parallel_aggregates.load() == start + 2);
  // AS OF BLOCK: the pieces read the older snapshot.
  const Rows old = f.Query("SELECT count(*), max(id) FROM t AS OF BLOCK 2");
  CHECK(f.db().stats().parallel_aggregates.load() == start + 3);
  f.Exec("SET max_parallel_workers_per_gather = 0");
  CHECK(f.Query("SELECT count(*), max(id) FROM t AS OF BLOCK 2") == old);
}

TEST_CASE("parallel aggregate: an error in one piece is the statement's error") {
  SessionFixture f;
  Load(f);
  f.Exec("SET min_parallel_table_scan_size = 0");
  const uint64_t start = f.db().stats().parallel_aggregates.load();
  // Division by zero only for rows late in the key range (in the last piece).
  f.Fail("SELECT sum(amount / (id - 5500)) FROM t", "22012");
  f.Fail("SELECT count(*) FROM t WHERE 1 / (id - 5500) > 0", "22012");
  f.Fail("SELECT id % 100, sum(amount / (id - 5500)) FROM t GROUP BY 1", "22012");
  // Groups past work_mem in a piece, and in the combined groups of pieces that each fit.
  f.Exec("SET work_mem = '64kB'");
  f.Fail("SELECT name, count(*) FROM t GROUP BY name", "53200");
  // 3000 groups need about 900kB, each piece's 1500 about half of it (the margins either side
  // leave room for the size of a group's state to change).
  f.Exec("SET work_mem = 700");
  f.Fail("SELECT id / 2, count(*) FROM t GROUP BY 1", "53200");
  CHECK(f.db().stats().parallel_aggregates.load() == start + 5);
  f.Exec("RESET work_mem");
  CHECK(f.Query("SELECT count(*) FROM (SELECT id / 2, count(*) FROM t GROUP BY 1) g") ==
        Rows{"3000"});
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"6000"});
}

}  // namespace
}  // namespace blockdb::sql
