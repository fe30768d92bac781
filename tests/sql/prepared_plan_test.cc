// A prepared query's plan kept between executions (Executor::Restart): each execution reads with
// its own parameters and snapshot, and a change the plan may depend on (catalog, settings, the
// transaction's own inserts, subqueries) makes the next execution plan again.
#include <doctest/doctest.h>

#include "session_test_util.h"

namespace blockdb::sql::session_test {
namespace {

// Binds `params` to statement `name` and runs the unnamed portal to the end; the rows as text.
Rows RunPrepared(Session& s, const std::string& name, std::vector<Value> params) {
  Status bound = s.Bind("", name, std::move(params));
  REQUIRE_MESSAGE(bound.ok(), bound.ToString());
  Result<ExecuteResult> r = s.Execute("", 0);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(!r->suspended);
  Rows out;
  for (const auto& row : r->rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "|";
      line += row[i].is_null() ? std::string("NULL") : FormatValue(row[i]);
    }
    out.push_back(line);
  }
  s.Sync();
  return out;
}

uint64_t Reused(SessionFixture& f) { return f.db().stats().plans_reused.load(); }

}  // namespace

TEST_CASE("prepared plan: runs again with new parameters and sees new rows") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT, n INT)");
  f.Exec("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
  Session& s = f.session();
  REQUIRE(s.Prepare("point", "SELECT v, n FROM t WHERE id = $1", {std::nullopt}).ok());
  REQUIRE(
      s.Prepare("range", "SELECT id FROM t WHERE id >= $1 ORDER BY id DESC LIMIT 2", {std::nullopt})
          .ok());
  CHECK(RunPrepared(s, "point", {Value::Int8(2)}) == Rows{"b|20"});
  uint64_t reused = Reused(f);
  CHECK(RunPrepared(s, "point", {Value::Int8(3)}) == Rows{"c|30"});
  CHECK(RunPrepared(s, "point", {Value::Int8(4)}) == Rows{});
  CHECK(RunPrepared(s, "point", {Value::Null(TypeId::kInt8)}) == Rows{});
  CHECK(Reused(f) == reused + 3);
  // Rows written after the plan was made: each execution reads at its own snapshot.
  f.Exec("INSERT INTO t VALUES (4, 'd', 40)");
  CHECK(RunPrepared(s, "point", {Value::Int8(4)}) == Rows{"d|40"});
  CHECK(RunPrepared(s, "range", {Value::Int8(1)}) == Rows{"4", "3"});
  f.Exec("INSERT INTO t VALUES (5, 'e', 50)");
  CHECK(RunPrepared(s, "range", {Value::Int8(2)}) == Rows{"5", "4"});
  CHECK(RunPrepared(s, "range", {Value::Int8(5)}) == Rows{"5"});
}

TEST_CASE("prepared plan: a portal stopped by a row limit and an error leave it usable") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, n INT)");
  f.Exec("INSERT INTO t VALUES (1, 10), (2, 0), (3, 30)");
  Session& s = f.session();
  REQUIRE(s.Prepare("q", "SELECT 100 / n FROM t WHERE id >= $1", {std::nullopt}).ok());
  CHECK(RunPrepared(s, "q", {Value::Int8(3)}) == Rows{"3"});
  // Two portals at once: the second plans its own.
  REQUIRE(s.Bind("p1", "q", {Value::Int8(3)}).ok());
  REQUIRE(s.Bind("p2", "q", {Value::Int8(3)}).ok());
  Result<ExecuteResult> r1 = s.Execute("p1", 1);
  Result<ExecuteResult> r2 = s.Execute("p2", 1);
  REQUIRE(r1.ok());
  REQUIRE(r2.ok());
  CHECK(r1->rows.size() == 1);
  CHECK(r2->rows.size() == 1);
  s.ClosePortal("p1");
  s.ClosePortal("p2");
  // Division by zero fails the execution; the next one runs.
  REQUIRE(s.Bind("", "q", {Value::Int8(1)}).ok());
  CHECK(s.Execute("", 0).status().sqlstate() == "22012");
  s.Sync();
  CHECK(RunPrepared(s, "q", {Value::Int8(3)}) == Rows{"3"});
  CHECK(RunPrepared(s, "q", {Value::Int8(3)}) == Rows{"3"});
}

TEST_CASE("prepared plan: CREATE INDEX and CREATE TABLE after PREPARE plan again") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, k INT, v TEXT)");
  f.Exec("INSERT INTO t VALUES (1, 7, 'a'), (2, 8, 'b'), (3, 7, 'c')");
  Session& s = f.session();
  REQUIRE(s.Prepare("byk", "SELECT v FROM t WHERE k = $1 ORDER BY v", {std::nullopt}).ok());
  CHECK(RunPrepared(s, "byk", {Value::Int4(7)}) == Rows{"a", "c"});
  CHECK(RunPrepared(s, "byk", {Value::Int4(8)}) == Rows{"b"});
  f.Exec("CREATE INDEX t_k ON t (k)");
  uint64_t reused = Reused(f);
  CHECK(RunPrepared(s, "byk", {Value::Int4(7)}) == Rows{"a", "c"});
  CHECK(Reused(f) == reused);  // planned again, now with the index
  f.Exec("INSERT INTO t VALUES (4, 7, 'd')");
  CHECK(RunPrepared(s, "byk", {Value::Int4(7)}) == Rows{"a", "c", "d"});
  CHECK(Reused(f) == reused + 1);
  f.Exec("CREATE TABLE u (id INT PRIMARY KEY)");
  CHECK(RunPrepared(s, "byk", {Value::Int4(8)}) == Rows{"b"});
  CHECK(Reused(f) == reused + 1);
  // A statement prepared before its table existed fails until the table is created.
  CHECK(s.Prepare("w", "SELECT id FROM w WHERE id = $1", {std::nullopt}).sqlstate() == "42P01");
  f.Exec("CREATE TABLE w (id INT PRIMARY KEY)");
  f.Exec("INSERT INTO w VALUES (5)");
  REQUIRE(s.Prepare("w", "SELECT id FROM w WHERE id = $1", {std::nullopt}).ok());
  CHECK(RunPrepared(s, "w", {Value::Int4(5)}) == Rows{"5"});
  CHECK(RunPrepared(s, "w", {Value::Int4(5)}) == Rows{"5"});
}

TEST_CASE("prepared plan: a transaction block's own inserts and snapshot") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
  f.Exec("INSERT INTO t VALUES (1, 'a')");
  Session& s = f.session();
  REQUIRE(s.Prepare("q", "SELECT v FROM t WHERE id = $1", {std::nullopt}).ok());
  CHECK(RunPrepared(s, "q", {Value::Int8(1)}) == Rows{"a"});
  f.Exec("BEGIN");
  f.Exec("INSERT INTO t VALUES (2, 'b')");
  CHECK(RunPrepared(s, "q", {Value::Int8(2)}) == Rows{"b"});
  f.Exec("ROLLBACK");
  CHECK(RunPrepared(s, "q", {Value::Int8(2)}) == Rows{});
  // REPEATABLE READ: every execution in the block reads at the block's snapshot.
  auto writer = f.NewSession();
  f.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
  CHECK(RunPrepared(s, "q", {Value::Int8(1)}) == Rows{"a"});
  REQUIRE(f.Run("INSERT INTO t VALUES (3, 'c')", writer.get()).status.ok());
  CHECK(RunPrepared(s, "q", {Value::Int8(3)}) == Rows{});
  f.Exec("COMMIT");
  CHECK(RunPrepared(s, "q", {Value::Int8(3)}) == Rows{"c"});
  // SERIALIZABLE read-write blocks lock what they read: planned with the locks each time.
  f.Exec("BEGIN");
  CHECK(RunPrepared(s, "q", {Value::Int8(3)}) == Rows{"c"});
  CHECK(RunPrepared(s, "q", {Value::Int8(1)}) == Rows{"a"});
  f.Exec("COMMIT");
}

TEST_CASE("prepared plan: settings, subqueries and LIMIT $n are not frozen in it") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, ts TIMESTAMPTZ)");
  f.Exec("INSERT INTO t VALUES (1, '2024-01-01 00:00:00+00'), (2, '2024-01-01 06:00:00+00')");
  Session& s = f.session();
  // The literal is read in the session's time zone.
  REQUIRE(
      s.Prepare("tz", "SELECT id FROM t WHERE id >= $1 AND ts < '2024-01-01 04:00'", {std::nullopt})
          .ok());
  CHECK(RunPrepared(s, "tz", {Value::Int8(0)}) == Rows{"1"});
  f.Exec("SET TimeZone = 'Asia/Tokyo'");  // 04:00 in Tokyo is 19:00 UTC the day before
  CHECK(RunPrepared(s, "tz", {Value::Int8(0)}) == Rows{});
  f.Exec("SET TimeZone = 'America/New_York'");  // 04:00 in New York is 09:00 UTC
  CHECK(RunPrepared(s, "tz", {Value::Int8(0)}) == Rows{"1", "2"});
  // A subquery is evaluated again for each execution.
  REQUIRE(s.Prepare("max", "SELECT id FROM t WHERE id = (SELECT max(id) FROM t) AND id > $1",
                    {std::nullopt})
              .ok());
  CHECK(RunPrepared(s, "max", {Value::Int8(0)}) == Rows{"2"});
  f.Exec("INSERT INTO t VALUES (3, now())");
  CHECK(RunPrepared(s, "max", {Value::Int8(0)}) == Rows{"3"});
  // LIMIT and OFFSET from parameters.
  REQUIRE(s.Prepare("lim", "SELECT id FROM t ORDER BY id LIMIT $1 OFFSET $2",
                    {std::nullopt, std::nullopt})
              .ok());
  CHECK(RunPrepared(s, "lim", {Value::Int8(1), Value::Int8(0)}) == Rows{"1"});
  CHECK(RunPrepared(s, "lim", {Value::Int8(2), Value::Int8(1)}) == Rows{"2", "3"});
  CHECK(RunPrepared(s, "lim", {Value::Int8(5), Value::Int8(2)}) == Rows{"3"});
  // A constant LIMIT and a statement_timeout set after PREPARE.
  REQUIRE(
      s.Prepare("two", "SELECT id FROM t WHERE id > $1 ORDER BY id LIMIT 2", {std::nullopt}).ok());
  CHECK(RunPrepared(s, "two", {Value::Int8(0)}) == Rows{"1", "2"});
  f.Exec("SET statement_timeout = '5s'");
  CHECK(RunPrepared(s, "two", {Value::Int8(1)}) == Rows{"2", "3"});
  CHECK(RunPrepared(s, "two", {Value::Int8(2)}) == Rows{"3"});
}

TEST_CASE("prepared plan: WITH, catalog and ledger relations are planned each time") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  f.Exec("INSERT INTO t VALUES (1)");
  Session& s = f.session();
  REQUIRE(s.Prepare("with", "WITH c AS (SELECT count(*) AS n FROM t) SELECT n + $1 FROM c",
                    {std::nullopt})
              .ok());
  REQUIRE(
      s.Prepare("cat", "SELECT count(*) FROM pg_class WHERE relname = $1", {std::nullopt}).ok());
  CHECK(RunPrepared(s, "with", {Value::Int8(0)}) == Rows{"1"});
  CHECK(RunPrepared(s, "cat", {Value::Text("u")}) == Rows{"0"});
  f.Exec("INSERT INTO t VALUES (2)");
  f.Exec("CREATE TABLE u (id INT PRIMARY KEY)");
  CHECK(RunPrepared(s, "with", {Value::Int8(0)}) == Rows{"2"});
  CHECK(RunPrepared(s, "cat", {Value::Text("u")}) == Rows{"1"});
  f.Exec("INSERT INTO t VALUES (3)");
  CHECK(RunPrepared(s, "with", {Value::Int8(10)}) == Rows{"13"});
}

}  // namespace blockdb::sql::session_test
