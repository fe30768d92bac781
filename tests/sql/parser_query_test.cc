// Queries: SELECT clauses, FROM items and joins, set operations, WITH, VALUES, LIMIT/OFFSET/FETCH,
// locking clauses, BlockDB's AS OF BLOCK.
#include <doctest/doctest.h>

#include "parse_helpers.h"

namespace blockdb::sql {
namespace {

using testing::Failure;
using testing::Sexp;

TEST_CASE("parser query: target lists, aliases and DISTINCT") {
  CHECK(Sexp("SELECT a + 1 AS x, b y, * , t.* FROM t") ==
        "(select (targets (as (+ a 1) x) (as b y) * t.*) (from (table t)))");
  CHECK(Sexp("SELECT DISTINCT a FROM t") == "(select DISTINCT (targets a) (from (table t)))");
  CHECK(Sexp("SELECT DISTINCT ON (a, b) a, b, c FROM t") ==
        "(select (distinct-on a b) (targets a b c) (from (table t)))");
  CHECK(Sexp("SELECT ALL a FROM t") == "(select (targets a) (from (table t)))");
  CHECK(Sexp("SELECT") == "(select (targets))");
  CHECK(Sexp("SELECT FROM t") == "(select (targets) (from (table t)))");
  CHECK(Sexp("SELECT 1 AS \"Count\"") == "(select (targets (as 1 \"Count\")))");
  CHECK(Failure("SELECT DISTINCT FROM t").message == "syntax error at or near \"FROM\"");
}

TEST_CASE("parser query: WHERE, GROUP BY, HAVING, WINDOW") {
  CHECK(Sexp("SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a HAVING count(*) > 2") ==
        "(select (targets a (call count *)) (from (table t)) (where (> b 1)) (group-by a) "
        "(having (> (call count *) 2)))");
  CHECK(Sexp("SELECT 1 FROM t GROUP BY DISTINCT a, (b + 1), ()") ==
        "(select (targets 1) (from (table t)) (group-by-distinct a (+ b 1) (ROW)))");
  CHECK(Sexp("SELECT sum(x) OVER w FROM t WINDOW w AS (PARTITION BY y ORDER BY z)") ==
        "(select (targets (call sum x (over w))) (from (table t)) (window w (partition-by y) "
        "(order-by z)))");
}

TEST_CASE("parser query: ORDER BY, LIMIT, OFFSET, FETCH in any order") {
  CHECK(Sexp("SELECT a FROM t ORDER BY a DESC NULLS FIRST, 2 USING <, b ASC LIMIT 10 OFFSET 5") ==
        "(query (select (targets a) (from (table t))) (order-by (a DESC NULLS FIRST) (2 USING <) "
        "(b ASC)) (limit 10) (offset 5))");
  CHECK(Sexp("SELECT a FROM t OFFSET 5 ROWS LIMIT $1") ==
        "(query (select (targets a) (from (table t))) (limit $1) (offset 5))");
  CHECK(Sexp("SELECT a FROM t LIMIT ALL") == "(select (targets a) (from (table t)))");
  CHECK(Sexp("SELECT a FROM t FETCH FIRST 5 ROWS ONLY") ==
        "(query (select (targets a) (from (table t))) (limit 5))");
  CHECK(Sexp("SELECT a FROM t FETCH NEXT ROW ONLY") ==
        "(query (select (targets a) (from (table t))) (limit 1))");
  CHECK(Sexp("SELECT a FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES") ==
        "(query (select (targets a) (from (table t))) (order-by a) (limit-with-ties 3))");
  CHECK(Failure("SELECT 1 LIMIT 1 LIMIT 2").message == "multiple LIMIT clauses not allowed");
  CHECK(Failure("SELECT 1 OFFSET 1 OFFSET 2").message == "multiple OFFSET clauses not allowed");
  CHECK(Failure("SELECT 1 FETCH FIRST 1 ROW WITH TIES").message ==
        "WITH TIES cannot be specified without ORDER BY clause");
}

TEST_CASE("parser query: locking clauses are parsed") {
  CHECK(Sexp("SELECT * FROM t FOR UPDATE") ==
        "(query (select (targets *) (from (table t))) (for update))");
  CHECK(Sexp("SELECT * FROM t, u FOR NO KEY UPDATE OF t SKIP LOCKED FOR KEY SHARE OF u NOWAIT") ==
        "(query (select (targets *) (from (table t) (table u))) (for no-key-update t "
        "SKIP-LOCKED) (for key-share u NOWAIT))");
  CHECK(Sexp("SELECT * FROM t FOR SHARE") ==
        "(query (select (targets *) (from (table t))) (for share))");
  CHECK(Sexp("SELECT * FROM t FOR READ ONLY") == "(select (targets *) (from (table t)))");
}

TEST_CASE("parser query: FROM items: schema-qualified and quoted names, aliases") {
  CHECK(Sexp("SELECT * FROM pg_catalog.pg_class c") ==
        "(select (targets *) (from (table pg_catalog.pg_class (alias c))))");
  CHECK(Sexp("SELECT * FROM information_schema.tables AS t (a, b)") ==
        "(select (targets *) (from (table information_schema.tables (alias t a b))))");
  CHECK(Sexp("SELECT * FROM \"Schema\".\"Table\"") ==
        "(select (targets *) (from (table \"Schema\".\"Table\")))");
  CHECK(Sexp("SELECT * FROM db.s.t") == "(select (targets *) (from (table db.s.t)))");
  CHECK(Sexp("SELECT * FROM ONLY t") == "(select (targets *) (from (table t ONLY)))");
  CHECK(Sexp("SELECT * FROM t *") == "(select (targets *) (from (table t)))");
  CHECK(Failure("SELECT * FROM a.b.c.d").message ==
        "improper qualified name (too many dotted names): a.b.c.d");
}

TEST_CASE("parser query: AS OF BLOCK time travel") {
  CHECK(Sexp("SELECT * FROM ledger AS OF BLOCK 42") ==
        "(select (targets *) (from (table ledger (as-of-block 42))))");
  CHECK(Sexp("SELECT * FROM ledger AS OF BLOCK $1 AS l JOIN t ON t.id = l.id") ==
        "(select (targets *) (from (join inner (table ledger (as-of-block $1) (alias l)) (table "
        "t) (on (= t.id l.id)))))");
  CHECK(Sexp("SELECT * FROM s.ledger AS OF BLOCK 7 x") ==
        "(select (targets *) (from (table s.ledger (as-of-block 7) (alias x))))");
  // "of" on its own is still an ordinary alias, as in PostgreSQL.
  CHECK(Sexp("SELECT * FROM t AS of") == "(select (targets *) (from (table t (alias of))))");
}

TEST_CASE("parser query: subqueries, functions and VALUES in FROM") {
  CHECK(Sexp("SELECT * FROM (SELECT 1 AS a) AS s") ==
        "(select (targets *) (from (subquery (select (targets (as 1 a))) (alias s))))");
  CHECK(Sexp("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (id, name)") ==
        "(select (targets *) (from (subquery (values (1 'a') (2 'b')) (alias v id name))))");
  CHECK(Sexp("SELECT * FROM generate_series(1, 10) WITH ORDINALITY AS g(i, n)") ==
        "(select (targets *) (from (function (call generate_series 1 10) WITH-ORDINALITY (alias g "
        "i n))))");
  CHECK(Sexp("SELECT * FROM CURRENT_DATE AS d, coalesce(1, 2) c") ==
        "(select (targets *) (from (function CURRENT_DATE (alias d)) (function (call coalesce 1 "
        "2) (alias c))))");
  CHECK(Sexp("SELECT * FROM blockdb_digest()") ==
        "(select (targets *) (from (function (call blockdb_digest))))");
  CHECK(Sexp("SELECT * FROM unnest(ARRAY[1,2]) u") ==
        "(select (targets *) (from (function (call unnest (ARRAY 1 2)) (alias u))))");
  CHECK(Sexp("SELECT * FROM pg_catalog.generate_series(0, 3) s") ==
        "(select (targets *) (from (function (call pg_catalog.generate_series 0 3) (alias s))))");
  CHECK(Sexp("SELECT * FROM t, LATERAL (SELECT t.a) s, LATERAL f(t.b)") ==
        "(select (targets *) (from (table t) (lateral-subquery (select (targets t.a)) (alias s)) "
        "(lateral-function (call f t.b))))");
  CHECK(Sexp("SELECT * FROM ((SELECT 1) UNION ALL (SELECT 2)) AS u") ==
        "(select (targets *) (from (subquery (union all (select (targets 1)) (select (targets "
        "2))) (alias u))))");
}

TEST_CASE("parser query: joins of every kind") {
  CHECK(Sexp("SELECT * FROM a JOIN b ON a.id = b.id") ==
        "(select (targets *) (from (join inner (table a) (table b) (on (= a.id b.id)))))");
  CHECK(Sexp("SELECT * FROM a INNER JOIN b USING (id, k) AS j") ==
        "(select (targets *) (from (join inner (table a) (table b) (using id k) (using-alias "
        "j))))");
  CHECK(Sexp("SELECT * FROM a LEFT JOIN b ON true RIGHT OUTER JOIN c ON true FULL JOIN d ON "
             "true") ==
        "(select (targets *) (from (join full (join right (join left (table a) (table b) (on "
        "TRUE)) (table c) (on TRUE)) (table d) (on TRUE))))");
  CHECK(Sexp("SELECT * FROM a CROSS JOIN b NATURAL JOIN c NATURAL LEFT JOIN d") ==
        "(select (targets *) (from (join left natural (join inner natural (join cross (table a) "
        "(table b)) (table c)) (table d))))");
  CHECK(Sexp("SELECT * FROM a, b, c") ==
        "(select (targets *) (from (table a) (table b) (table c)))");
  CHECK(Sexp("SELECT * FROM a JOIN (b JOIN c ON true) ON true") ==
        "(select (targets *) (from (join inner (table a) (join inner (table b) (table c) (on "
        "TRUE)) (on TRUE))))");
  CHECK(Sexp("SELECT * FROM (a JOIN b ON true) AS j") ==
        "(select (targets *) (from (nested (join inner (table a) (table b) (on TRUE)) (alias "
        "j))))");
  CHECK(Sexp("SELECT * FROM a LEFT JOIN LATERAL (SELECT 1) s ON true") ==
        "(select (targets *) (from (join left (table a) (lateral-subquery (select (targets 1)) "
        "(alias s)) (on TRUE))))");
  CHECK(Failure("SELECT * FROM a JOIN b").message == "syntax error at end of input");
}

TEST_CASE("parser query: set operations: INTERSECT binds tighter, all left-associative") {
  CHECK(Sexp("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3") ==
        "(union (select (targets 1)) (intersect (select (targets 2)) (select (targets 3))))");
  CHECK(Sexp("SELECT 1 INTERSECT SELECT 2 UNION SELECT 3") ==
        "(union (intersect (select (targets 1)) (select (targets 2))) (select (targets 3)))");
  CHECK(Sexp("SELECT 1 EXCEPT ALL SELECT 2 UNION DISTINCT SELECT 3") ==
        "(union (except all (select (targets 1)) (select (targets 2))) (select (targets 3)))");
  CHECK(Sexp("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 2") ==
        "(query (union all (select (targets a) (from (table t))) (select (targets b) (from "
        "(table u)))) (order-by 1) (limit 2))");
  CHECK(Sexp("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u)") ==
        "(union all (query (select (targets a) (from (table t))) (order-by a) (limit 1)) (select "
        "(targets b) (from (table u))))");
  CHECK(Sexp("((SELECT 1))") == "(select (targets 1))");
  CHECK(Sexp("SELECT 1 UNION (SELECT 2 UNION SELECT 3)") ==
        "(union (select (targets 1)) (union (select (targets 2)) (select (targets 3))))");
  CHECK(Sexp("TABLE t") == "(select (targets *) (from (table t)))");
  CHECK(Sexp("VALUES (1, 2), (3, 4) ORDER BY 1") == "(query (values (1 2) (3 4)) (order-by 1))");
}

TEST_CASE("parser query: WITH, RECURSIVE, MATERIALIZED") {
  CHECK(Sexp("WITH x AS (SELECT 1), y (a) AS MATERIALIZED (SELECT 2) SELECT * FROM x, y") ==
        "(query (with (cte x (select (targets 1))) (cte y (columns a) MATERIALIZED (select "
        "(targets 2)))) (select (targets *) (from (table x) (table y))))");
  CHECK(Sexp("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) "
             "SELECT n FROM r") ==
        "(query (with RECURSIVE (cte r (columns n) (union all (select (targets 1)) (select "
        "(targets (+ n 1)) (from (table r)) (where (< n 5)))))) (select (targets n) (from (table "
        "r))))");
  CHECK(Sexp("WITH x AS NOT MATERIALIZED (VALUES (1)) TABLE x") ==
        "(query (with (cte x NOT-MATERIALIZED (values (1)))) (select (targets *) (from (table "
        "x))))");
}

TEST_CASE("parser query: the AST exposes structure, not just text") {
  Result<std::vector<StatementPtr>> parsed =
      Parse("SELECT a AS x FROM s.t AS u WHERE b = $1 ORDER BY x LIMIT 3");
  REQUIRE(parsed.ok());
  const Query& q = *parsed->front()->As<SelectStmt>().query;
  const auto& body = q.body->As<SelectBody>();
  REQUIRE(body.targets.size() == 1);
  CHECK(body.targets[0].alias == "x");
  CHECK(body.targets[0].expr->As<ColumnRefExpr>().names == std::vector<std::string>{"a"});
  const auto& table = body.from.at(0)->As<TableRef>();
  CHECK(table.name.schema == "s");
  CHECK(table.name.name == "t");
  CHECK(table.alias.name == "u");
  CHECK(table.position == 20);
  const auto& where = body.where->As<BinaryExpr>();
  CHECK(where.op.name == "=");
  CHECK(where.position == 37);
  CHECK(where.right->As<ParamExpr>().number == 1);
  CHECK(q.order_by.size() == 1);
  CHECK(q.limit->As<LiteralExpr>().value == "3");
  CHECK(q.limit->As<LiteralExpr>().literal_kind == LiteralKind::kInteger);
}

}  // namespace
}  // namespace blockdb::sql
