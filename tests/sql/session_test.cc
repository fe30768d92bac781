// The Session API end to end over an in-memory engine: DDL, INSERT, SELECT, errors, transaction
// blocks, settings and the extended protocol.
#include <doctest/doctest.h>

#include <regex>

#include "common/coding.h"
#include "session_test_util.h"

namespace blockdb::sql::session_test {

TEST_CASE("session: SELECT without FROM") {
  SessionFixture f;
  CHECK(f.Query("SELECT 1") == Rows{"1"});
  CHECK(f.Query("SELECT 1 + 2 * 3, 'a' || 'b', NULL IS NULL") == Rows{"7|ab|t"});
  CHECK(f.Query("SELECT 7 / 2, 7 % 3, -7 / 2, 1.5 + 1") == Rows{"3|1|-3|2.5"});
  Outcome o = f.Run("SELECT 1 AS x, 'y'");
  REQUIRE(o.status.ok());
  REQUIRE(o.results.size() == 1);
  CHECK(o.results[0].columns[0].name == "x");
  CHECK(o.results[0].columns[1].name == "?column?");
  CHECK(o.results[0].columns[1].type.id() == TypeId::kText);
  CHECK(o.Tag() == "SELECT 1");
}

TEST_CASE("session: empty query and several statements") {
  SessionFixture f;
  Outcome o = f.Run("  -- ping");
  REQUIRE(o.status.ok());
  REQUIRE(o.results.size() == 1);
  CHECK(o.results[0].kind == ResultKind::kEmpty);
  o = f.Run("SELECT 1; SELECT 2; SELECT 3");
  REQUIRE(o.status.ok());
  CHECK(o.results.size() == 3);
  CHECK(o.Rows() == Rows{"3"});
}

TEST_CASE("session: create, insert and select") {
  SessionFixture f;
  f.Exec("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance NUMERIC(12,2))");
  Outcome o = f.Run("INSERT INTO accounts VALUES (1, 'ann', 10.5), (2, 'bob', NULL), (3, 'cy', 7)");
  REQUIRE(o.status.ok());
  CHECK(o.Tag() == "INSERT 0 3");
  CHECK(f.Query("SELECT * FROM accounts") == Rows{"1|ann|10.50", "2|bob|NULL", "3|cy|7.00"});
  CHECK(f.Query("SELECT owner FROM accounts WHERE id = 2") == Rows{"bob"});
  CHECK(f.Query("SELECT id FROM accounts WHERE id >= 2 ORDER BY id DESC") == Rows{"3", "2"});
  CHECK(f.Query("SELECT owner FROM accounts WHERE balance > 8") == Rows{"ann"});
  CHECK(f.Query("SELECT count(*), sum(balance), min(owner), max(id) FROM accounts") ==
        Rows{"3|17.50|ann|3"});
  CHECK(f.Query("SELECT id FROM accounts ORDER BY balance NULLS FIRST") == Rows{"2", "3", "1"});
  CHECK(f.Query("SELECT id FROM accounts ORDER BY id LIMIT 1 OFFSET 1") == Rows{"2"});
}

TEST_CASE("session: errors carry PostgreSQL's SQLSTATEs") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, name TEXT NOT NULL)");
  f.Fail("SELECT * FROM nope", "42P01");
  f.Fail("SELECT nope FROM t", "42703");
  f.Fail("CREATE TABLE t (x INT)", "42P07");
  f.Fail("SELECT 1/0", "22012");
  f.Fail("SELECT 'abc'::int", "22P02");
  f.Fail("SELECT 2147483647 + 1", "22003");
  f.Fail("INSERT INTO t VALUES (1, NULL)", "23502");
  f.Exec("INSERT INTO t VALUES (1, 'a')");
  Outcome o = f.Run("INSERT INTO t VALUES (1, 'b')");
  CHECK(o.status.sqlstate() == "23505");
  CHECK(o.error.detail == "Key (id)=(1) already exists.");
  f.Fail("INSERT INTO t VALUES ('x', 'b')", "22P02");
  f.Fail("SELECT * FROM t WHERE name", "42804");
  o = f.Run("SELECT * FROM t WHERE");
  CHECK(o.status.sqlstate() == "42601");
  CHECK(o.error.position == 22);
  o = f.Run("SELECT nope FROM t");
  CHECK(o.error.position == 8);
}

TEST_CASE("session: updates and deletes are rejected as append-only") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  for (const char* sql : {"UPDATE t SET id = 2", "DELETE FROM t", "TRUNCATE t", "DROP TABLE t",
                          "ALTER TABLE t ADD COLUMN x INT",
                          "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET id = 2"}) {
    std::string msg = f.Fail(sql, "0A000");
    CHECK_MESSAGE(msg.find("append-only") != std::string::npos, msg);
  }
}

TEST_CASE("session: transaction block buffers inserts until COMMIT") {
  SessionFixture f;
  auto other = f.NewSession();
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  f.Exec("BEGIN");
  CHECK(f.session().txn_status() == TxnStatus::kInBlock);
  f.Exec("INSERT INTO t VALUES (1), (2)");
  Outcome seen = f.Run("SELECT count(*) FROM t", other.get());
  CHECK(seen.Rows() == Rows{"0"});
  f.Exec("COMMIT");
  CHECK(f.session().txn_status() == TxnStatus::kIdle);
  seen = f.Run("SELECT count(*) FROM t", other.get());
  CHECK(seen.Rows() == Rows{"2"});
  f.Exec("BEGIN");
  f.Exec("INSERT INTO t VALUES (3)");
  f.Exec("ROLLBACK");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"2"});
}

TEST_CASE("session: a failed transaction ignores commands until ROLLBACK") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  f.Exec("BEGIN");
  f.Exec("INSERT INTO t VALUES (1)");
  f.Fail("SELECT 1/0", "22012");
  CHECK(f.session().txn_status() == TxnStatus::kFailed);
  f.Fail("SELECT 1", "25P02");
  Outcome o = f.Run("COMMIT");
  REQUIRE(o.status.ok());
  CHECK(o.Tag() == "ROLLBACK");
  CHECK(f.Query("SELECT count(*) FROM t") == Rows{"0"});
  o = f.Run("COMMIT");
  REQUIRE(o.status.ok());
  REQUIRE(o.results.back().notices.size() == 1);
  CHECK(o.results.back().notices[0].sqlstate == "25P01");
}

TEST_CASE("session: parameters of ^ and power() take PostgreSQL's types") {
  SessionFixture f;
  Session& s = f.session();
  const auto types = [&](const std::string& sql, size_t n) {
    REQUIRE(s.Prepare("q", sql, std::vector<std::optional<Type>>(n)).ok());
    Result<StatementDescription> d = s.DescribeStatement("q");
    REQUIRE(d.ok());
    std::string out;
    for (const Type& t : d->param_types) out += (out.empty() ? "" : ",") + t.Name();
    out += "->" + d->columns[0].type.Name();
    s.CloseStatement("q");
    return out;
  };
  CHECK(types("SELECT $1 ^ 2", 1) == "double precision->double precision");
  CHECK(types("SELECT $1 ^ 2.0", 1) == "numeric->numeric");
  CHECK(types("SELECT power($1, $2)", 2) == "double precision,double precision->double precision");
}

TEST_CASE("session: extended protocol with parameters and a row limit") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
  f.Exec("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  Session& s = f.session();
  REQUIRE(s.Prepare("q", "SELECT v FROM t WHERE id >= $1 ORDER BY id", {std::nullopt}).ok());
  Result<StatementDescription> d = s.DescribeStatement("q");
  REQUIRE(d.ok());
  REQUIRE(d->param_types.size() == 1);
  CHECK(d->param_types[0].id() == TypeId::kInt8);
  REQUIRE(d->columns.size() == 1);
  CHECK(d->columns[0].type.id() == TypeId::kText);
  REQUIRE(s.Bind("p", "q", {Value::Int8(2)}).ok());
  Result<ExecuteResult> r = s.Execute("p", 1);
  REQUIRE(r.ok());
  CHECK(r->suspended);
  REQUIRE(r->rows.size() == 1);
  CHECK(FormatValue(r->rows[0][0]) == "b");
  r = s.Execute("p", 1);
  REQUIRE(r.ok());
  REQUIRE(r->rows.size() == 1);
  CHECK(FormatValue(r->rows[0][0]) == "c");
  r = s.Execute("p", 1);
  REQUIRE(r.ok());
  CHECK(!r->suspended);
  CHECK(r->rows.empty());
  CHECK(r->tag == "SELECT 2");
  CHECK(s.Bind("x", "nope", {}).sqlstate() == "26000");
  CHECK(s.Bind("x", "q", {}).sqlstate() == "08P01");
}

TEST_CASE("session: SET, SHOW and ParameterStatus changes") {
  SessionFixture f;
  CHECK(f.Query("SHOW server_version") == Rows{"15.0"});
  f.Exec("SET application_name = 'billing'");
  auto changes = f.session().TakeParameterChanges();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].first == "application_name");
  CHECK(changes[0].second == "billing");
  f.Exec("SET extra_float_digits = 3");
  CHECK(f.session().extra_float_digits() == 3);
  f.Fail("SET nope = 1", "42704");
  f.Fail("SET DateStyle = 'German'", "22023");
  CHECK(f.Query("SELECT current_setting('application_name')") == Rows{"billing"});
}

TEST_CASE("session: ledger statements") {
  SessionFixture f(2);
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  f.Exec("INSERT INTO t VALUES (1, 'a')");
  f.Exec("INSERT INTO t VALUES (2, 'b')");
  f.Exec("INSERT INTO t VALUES (3, 'c')");
  Rows verify = f.Query("VERIFY CHAIN");
  REQUIRE(verify.size() == 1);
  CHECK(verify[0].rfind("ok|", 0) == 0);
  Rows digest = f.Query("SELECT tree_size, block_index FROM blockdb_digest()");
  REQUIRE(digest.size() == 1);
  Rows proof = f.Query("SELECT leaf_index, tree_size FROM blockdb_inclusion_proof('t', 2)");
  REQUIRE(proof.size() == 1);
  Rows blocks = f.Query("SELECT index, first_leaf FROM blockdb_blocks ORDER BY index");
  CHECK(blocks.size() >= 2);
  CHECK(f.Query("SELECT count(*) FROM t AS OF BLOCK 0") == Rows{"0"});
}

TEST_CASE("session: VERIFY CHAIN FROM BLOCK past the newest block names the block given") {
  SessionFixture f(2);
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  for (int i = 1; i <= 8; ++i) f.Exec("INSERT INTO t VALUES (" + std::to_string(i) + ", 'x')");
  Rows newest = f.Query("SELECT block_index FROM blockdb_digest()");
  REQUIRE(newest.size() == 1);
  const uint64_t last = std::stoull(newest[0]);
  REQUIRE(last >= 2);
  const std::string given = std::to_string(last + 95);
  std::string message = f.Fail("VERIFY CHAIN FROM BLOCK " + given, "22023");
  CHECK(message ==
        "verify: block " + given + " is beyond the newest block " + std::to_string(last));
  // The newest block itself, and the one after it (nothing sealed yet), still verify.
  CHECK(f.Query("VERIFY CHAIN FROM BLOCK " + std::to_string(last))[0].rfind("ok|", 0) == 0);
  CHECK(f.Query("VERIFY CHAIN FROM BLOCK " + std::to_string(last + 1))[0].rfind("ok|", 0) == 0);
  message = f.Fail("VERIFY CHAIN FROM BLOCK " + std::to_string(last + 2), "22023");
  CHECK(message.find("block " + std::to_string(last + 2) + " is beyond") != std::string::npos);
}

// The transaction id of the ledger entry of t's row `id` (bytes 9..16 of the entry, little-endian;
// docs/format/ledger.md).
uint64_t EntryTxnId(SessionFixture& f, int id) {
  Rows entry =
      f.Query("SELECT entry FROM blockdb_inclusion_proof('t', " + std::to_string(id) + ")");
  REQUIRE(entry.size() == 1);
  std::string_view hex = entry[0];
  if (hex.starts_with("\\x")) hex.remove_prefix(2);
  std::optional<std::string> bytes = FromHex(hex);
  REQUIRE_MESSAGE(bytes.has_value(), entry[0]);
  REQUIRE(bytes->size() >= 17);
  return DecodeFixed64(bytes->data() + 9);
}

TEST_CASE("session: ledger entries carry the SQL transaction id, one per transaction block") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  f.Exec("BEGIN");
  f.Exec("INSERT INTO t VALUES (1, 'a')");
  f.Exec("INSERT INTO t VALUES (2, 'b')");
  f.Exec("COMMIT");
  f.Exec("INSERT INTO t VALUES (3, 'c')");
  f.Exec("INSERT INTO t VALUES (4, 'd'), (5, 'e')");
  std::unique_ptr<Session> other = f.NewSession();
  Outcome o = f.Run("BEGIN; INSERT INTO t VALUES (6, 'f'); INSERT INTO t VALUES (7, 'g'); COMMIT",
                    other.get());
  REQUIRE_MESSAGE(o.status.ok(), o.status.ToString());

  const uint64_t block = EntryTxnId(f, 1);
  CHECK(block != 0);
  CHECK(EntryTxnId(f, 2) == block);  // one block, one id
  const uint64_t single = EntryTxnId(f, 3);
  CHECK(single != 0);
  CHECK(single != block);
  const uint64_t multi = EntryTxnId(f, 4);
  CHECK(EntryTxnId(f, 5) == multi);  // one statement, one id
  CHECK(multi != single);
  CHECK(multi != block);
  const uint64_t other_block = EntryTxnId(f, 6);
  CHECK(EntryTxnId(f, 7) == other_block);
  CHECK(other_block != 0);
  CHECK(other_block != block);
  CHECK(other_block != single);
  CHECK(other_block != multi);
  CHECK(f.Query("VERIFY CHAIN")[0].rfind("ok|", 0) == 0);
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: numeric sums are exact across scales, signs and magnitudes") {
  SessionFixture f;
  f.Exec("CREATE TABLE n (id INT PRIMARY KEY, x NUMERIC)");
  f.Exec("INSERT INTO n VALUES (1, 1.5), (2, -0.25), (3, 10), (4, 0.00001), (5, -3.333)");
  CHECK(f.Query("SELECT sum(x), avg(x) FROM n") == Rows{"7.91701|1.5834020000000000"});
  // Past what 128-bit scaled sums hold: the sum continues exactly as a numeric.
  f.Exec("INSERT INTO n VALUES (6, 123456789012345678901234567890.5), (7, 1e-20)");
  CHECK(f.Query("SELECT sum(x) FROM n") ==
        Rows{"123456789012345678901234567898.41701000000000000001"});
  f.Exec("CREATE TABLE m (id INT PRIMARY KEY, x NUMERIC(12,2))");
  f.Exec("INSERT INTO m VALUES (1, 0.10), (2, 0.20), (3, -0.05)");
  CHECK(f.Query("SELECT sum(x), count(x) FROM m") == Rows{"0.25|3"});
  CHECK(f.Query("SELECT sum(x) FROM m WHERE id > 10") == Rows{"NULL"});
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: integer arithmetic and comparisons with NULLs and limits") {
  SessionFixture f;
  f.Exec("CREATE TABLE i (id INT PRIMARY KEY, a INT, b BIGINT, c SMALLINT)");
  f.Exec("INSERT INTO i VALUES (1, NULL, 5, 2), (2, 7, NULL, 3), (3, 2147483647, 1, 32767)");
  CHECK(f.Query("SELECT a + 1, b * 2, a % c, a < b FROM i WHERE id < 3 ORDER BY id") ==
        Rows{"NULL|10|NULL|NULL", "8|NULL|1|NULL"});
  f.Fail("SELECT a + 1 FROM i WHERE id = 3", "22003");
  f.Fail("SELECT c * c FROM i WHERE id = 3", "22003");
  f.Fail("SELECT a / (c - 3) FROM i WHERE id = 2", "22012");
  CHECK(f.Query("SELECT a::bigint + 1, -7 / 2, -7 % 3, b / -1 FROM i WHERE id = 3") ==
        Rows{"2147483648|-3|-1|-1"});
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: ROLLBACK through the extended protocol ends a failed transaction") {
  SessionFixture f;
  Session& s = f.session();
  f.Exec("BEGIN");
  f.Fail("SELECT 1/0", "22012");
  REQUIRE(s.txn_status() == TxnStatus::kFailed);
  // Another statement is refused at Bind, ROLLBACK is not.
  REQUIRE(s.Prepare("", "SELECT 1", {}).sqlstate() == "25P02");
  REQUIRE(s.Prepare("", "ROLLBACK", {}).ok());
  REQUIRE(s.Bind("", "", {}).ok());
  Result<ExecuteResult> r = s.Execute("", 0);
  REQUIRE(r.ok());
  CHECK(r->tag == "ROLLBACK");
  CHECK(s.txn_status() == TxnStatus::kIdle);
}

TEST_CASE("session: a scan decodes only the columns the query reads, with the same results") {
  SessionFixture f;
  f.Exec("CREATE TABLE w (id INT PRIMARY KEY, a TEXT, b NUMERIC(8,2), c INT, d TEXT)");
  f.Exec("INSERT INTO w VALUES (1, 'x', 1.50, 10, 'p'), (2, 'y', NULL, 20, 'q'), (3, 'z', 2.25, 30, NULL)");
  CHECK(f.Query("SELECT c FROM w WHERE a <> 'y' ORDER BY d DESC") == Rows{"30", "10"});
  CHECK(f.Query("SELECT sum(b), max(c) FROM w") == Rows{"3.75|30"});
  CHECK(f.Query("SELECT c % 20, count(*) FROM w GROUP BY c % 20 ORDER BY 1") ==
        Rows{"0|1", "10|2"});
  CHECK(f.Query("SELECT id FROM w WHERE EXISTS (SELECT 1 FROM w AS v WHERE v.id = w.c / 10 "
                "AND v.d IS NOT NULL) ORDER BY id") == Rows{"1", "2"});
  CHECK(f.Query("SELECT a FROM w GROUP BY id HAVING max(c) > 10 ORDER BY d") == Rows{"y", "z"});
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: SAVEPOINT, RELEASE and ROLLBACK TO undo part of a transaction block") {
  SessionFixture f;
  f.Exec("CREATE TABLE sp (id INT PRIMARY KEY)");
  f.Fail("SAVEPOINT a", "25P01");
  f.Exec("BEGIN");
  f.Exec("SAVEPOINT before_any");
  f.Exec("INSERT INTO sp VALUES (1)");
  f.Exec("SAVEPOINT a");
  f.Exec("INSERT INTO sp VALUES (2)");
  f.Fail("INSERT INTO sp VALUES (2)", "23505");
  CHECK(f.session().txn_status() == TxnStatus::kFailed);
  f.Exec("ROLLBACK TO SAVEPOINT a");
  CHECK(f.session().txn_status() == TxnStatus::kInBlock);
  CHECK(f.Query("SELECT id FROM sp ORDER BY id") == Rows{"1"});
  f.Exec("INSERT INTO sp VALUES (3)");
  f.Exec("RELEASE SAVEPOINT a");
  f.Fail("ROLLBACK TO a", "3B001");
  f.Exec("ROLLBACK TO before_any");
  f.Exec("INSERT INTO sp VALUES (4)");
  f.Exec("COMMIT");
  CHECK(f.Query("SELECT id FROM sp ORDER BY id") == Rows{"4"});
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: WITH queries are computed once and read by name") {
  SessionFixture f;
  f.Exec("CREATE TABLE e (id INT PRIMARY KEY, dept TEXT, pay INT)");
  f.Exec("INSERT INTO e VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 5)");
  CHECK(f.Query("WITH t AS (SELECT dept, sum(pay) AS total FROM e GROUP BY dept) "
                "SELECT dept, total FROM t WHERE total > 6 ORDER BY dept") == Rows{"a|30"});
  CHECK(f.Query("WITH x(n) AS (SELECT 1), y AS (SELECT n + 1 AS m FROM x) "
                "SELECT n, m FROM x, y") == Rows{"1|2"});
  CHECK(f.Query("WITH e AS (SELECT 42 AS id) SELECT id FROM e") == Rows{"42"});
  CHECK(f.Query("SELECT (WITH c AS (SELECT count(*) AS k FROM e) SELECT k FROM c)") ==
        Rows{"3"});
  // WITH RECURSIVE without a recursive term is an ordinary WITH (with_recursive.test has the
  // recursive ones).
  CHECK(f.Query("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r") == Rows{"1"});
  f.Fail("WITH x(a, b) AS (SELECT 1) SELECT * FROM x", "42P10");
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: constraint errors name their table, column and constraint") {
  SessionFixture f;
  f.Exec("CREATE TABLE acct (id INT PRIMARY KEY, owner TEXT NOT NULL, email TEXT UNIQUE)");
  f.Exec("INSERT INTO acct VALUES (1, 'ann', 'a@x')");
  Outcome o = f.Run("INSERT INTO acct VALUES (2, NULL, 'b@x')");
  CHECK(o.status.sqlstate() == "23502");
  CHECK(o.error.table_name == "acct");
  CHECK(o.error.column_name == "owner");
  o = f.Run("INSERT INTO acct VALUES (1, 'bob', 'c@x')");
  CHECK(o.status.sqlstate() == "23505");
  CHECK(o.error.constraint_name == "acct_pkey");
  CHECK(o.error.table_name == "acct");
  f.Exec("BEGIN");
  o = f.Run("INSERT INTO acct VALUES (3, 'cy', 'a@x')");
  CHECK(o.status.sqlstate() == "23505");
  CHECK(o.error.constraint_name == "acct_email_key");
  CHECK(o.error.detail == "Key (email)=(a@x) already exists.");
  f.Exec("ROLLBACK");
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: cursors (DECLARE, FETCH, MOVE, CLOSE) read a query forward in pieces") {
  SessionFixture f;
  f.Exec("CREATE TABLE c (id INT PRIMARY KEY)");
  f.Exec("INSERT INTO c VALUES (1), (2), (3), (4), (5)");
  f.Fail("DECLARE k CURSOR FOR SELECT id FROM c", "25P01");
  f.Exec("BEGIN");
  f.Exec("DECLARE k CURSOR FOR SELECT id FROM c ORDER BY id");
  Outcome o = f.Run("FETCH 2 FROM k");
  REQUIRE(o.status.ok());
  CHECK(o.Rows() == Rows{"1", "2"});
  CHECK(o.Tag() == "FETCH 2");
  o = f.Run("MOVE 1 FROM k");
  CHECK(o.Tag() == "MOVE 1");
  CHECK(f.Query("FETCH ALL FROM k") == Rows{"4", "5"});
  CHECK(f.Query("FETCH NEXT FROM k").empty());
  f.Fail("FETCH PRIOR FROM k", "55000");
  f.Exec("ROLLBACK");
  f.Exec("BEGIN");
  f.Fail("FETCH 1 FROM k", "34000");  // gone with its transaction
  f.Exec("ROLLBACK");
  f.Exec("DECLARE h CURSOR WITH HOLD FOR SELECT count(*) FROM c");
  f.Fail("DECLARE h CURSOR WITH HOLD FOR SELECT 1", "42P03");
  CHECK(f.Query("FETCH 1 FROM h") == Rows{"5"});
  f.Exec("CLOSE h");
  f.Fail("CLOSE h", "34000");
}

}  // namespace blockdb::sql::session_test

namespace blockdb::sql::session_test {

TEST_CASE("session: window functions with PostgreSQL's default frames") {
  SessionFixture f;
  f.Exec("CREATE TABLE s (id INT PRIMARY KEY, g TEXT, v INT)");
  f.Exec("INSERT INTO s VALUES (1, 'a', 10), (2, 'a', 20), (3, 'a', 20), (4, 'b', 5), (5, 'b', NULL)");
  CHECK(f.Query("SELECT id, row_number() OVER (PARTITION BY g ORDER BY v DESC, id), "
                "rank() OVER (PARTITION BY g ORDER BY v), dense_rank() OVER (ORDER BY v) "
                "FROM s ORDER BY id") ==
        Rows{"1|3|1|2", "2|1|2|3", "3|2|2|3", "4|2|1|1", "5|1|2|4"});
  // Running sum over peers; the whole partition without ORDER BY.
  CHECK(f.Query("SELECT id, sum(v) OVER (PARTITION BY g ORDER BY v), count(*) OVER (PARTITION BY g), "
                "avg(v) OVER () FROM s ORDER BY id") ==
        Rows{"1|10|3|13.7500000000000000", "2|50|3|13.7500000000000000",
             "3|50|3|13.7500000000000000", "4|5|2|13.7500000000000000",
             "5|5|2|13.7500000000000000"});
  CHECK(f.Query("SELECT id, lag(v) OVER (ORDER BY id), lead(v, 2) OVER (ORDER BY id) FROM s "
                "ORDER BY id") == Rows{"1|NULL|20", "2|10|5", "3|20|NULL", "4|20|NULL", "5|5|NULL"});
  f.Fail("SELECT id FROM s WHERE row_number() OVER () > 1", "42P20");
  f.Fail("SELECT g, sum(v) OVER () FROM s GROUP BY g", "0A000");
}

TEST_CASE("session: EXPLAIN ANALYZE runs a SELECT and reports its rows and times") {
  SessionFixture f;
  f.Exec("CREATE TABLE ea (id INT PRIMARY KEY, g INT)");
  f.Exec("INSERT INTO ea SELECT i, i % 3 FROM generate_series(1, 50) AS i");
  const Rows plan = f.Query("EXPLAIN ANALYZE SELECT g, count(*) FROM ea WHERE id > 10 GROUP BY g");
  REQUIRE(plan.size() >= 4);
  CHECK(plan[0] == "HashAggregate  (actual rows=3 loops=1)");
  const std::regex time(R"((Planning|Execution) Time: [0-9]+\.[0-9]{3} ms)");
  CHECK(std::regex_match(plan[plan.size() - 2], time));
  CHECK(plan[plan.size() - 2].starts_with("Planning"));
  CHECK(std::regex_match(plan.back(), time));
  CHECK(plan.back().starts_with("Execution"));
  // Without ANALYZE, or with ANALYZE off: the plan alone, nothing run.
  const Rows plain = f.Query("EXPLAIN (ANALYZE false) SELECT * FROM ea");
  CHECK(plain == f.Query("EXPLAIN SELECT * FROM ea"));
  CHECK(plain.back().find("Time") == std::string::npos);
  // Errors of the query are the statement's; writes are not run.
  f.Fail("EXPLAIN ANALYZE SELECT 1 / (id - 20) FROM ea", "22012");
  f.Fail("EXPLAIN ANALYZE INSERT INTO ea VALUES (100, 1)", "0A000");
  CHECK(f.Query("SELECT count(*) FROM ea") == Rows{"50"});
  // WITH queries run as in the query itself.
  CHECK(f.Query("EXPLAIN ANALYZE WITH w AS (SELECT * FROM ea WHERE g = 0) SELECT * FROM w")[0]
            .ends_with("(actual rows=16 loops=1)"));
  // Through the extended protocol: Parse plans only; Execute runs with the parameter's value.
  Session& s = f.session();
  REQUIRE(s.Prepare("e", "EXPLAIN ANALYZE SELECT * FROM ea WHERE id > $1", {std::nullopt}).ok());
  REQUIRE(s.Bind("", "e", {Value::Int4(45)}).ok());
  Result<ExecuteResult> r = s.Execute("", 0);
  REQUIRE(r.ok());
  REQUIRE(!r->rows.empty());
  CHECK(FormatValue(r->rows[0][0]).ends_with("(actual rows=5 loops=1)"));
}

}  // namespace blockdb::sql::session_test
