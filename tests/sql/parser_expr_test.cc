// Expressions: PostgreSQL's operator precedence and every expression form the grammar accepts.
#include <doctest/doctest.h>

#include "parse_helpers.h"

namespace blockdb::sql {
namespace {

using testing::Expr;
using testing::Failure;

TEST_CASE("parser expr: boolean precedence OR < AND < NOT < IS < comparison") {
  CHECK(Expr("a OR b AND NOT c = d") == "(OR a (AND b (NOT (= c d))))");
  CHECK(Expr("NOT a AND b") == "(AND (NOT a) b)");
  CHECK(Expr("NOT a = b") == "(NOT (= a b))");
  CHECK(Expr("a AND b AND c") == "(AND a b c)");
  CHECK(Expr("a OR b OR c AND d") == "(OR a b (AND c d))");
  CHECK(Expr("(a OR b) AND c") == "(AND (OR a b) c)");
  CHECK(Expr("x IS NULL = false") == "(= (IS NULL x) FALSE)");
  CHECK(Expr("a = b IS TRUE") == "(IS TRUE (= a b))");
  CHECK(Expr("NOT x IS NULL") == "(NOT (IS NULL x))");
  CHECK(Expr("x IS NOT NULL IS TRUE") == "(IS TRUE (IS NOT NULL x))");
  CHECK(Expr("a IS DISTINCT FROM b = c") == "(IS DISTINCT FROM a (= b c))");
  CHECK(Expr("a IS NULL IS DISTINCT FROM b") == "(IS DISTINCT FROM (IS NULL a) b)");
  CHECK(Failure("SELECT a IS DISTINCT FROM b IS NULL").position == 29);
  CHECK(Failure("SELECT a IS DISTINCT FROM b IS DISTINCT FROM c").position == 29);
  CHECK(Failure("SELECT a IS DISTINCT FROM b ISNULL").message ==
        "syntax error at or near \"ISNULL\"");
  CHECK(Expr("a ISNULL") == "(IS NULL a)");
  CHECK(Expr("a NOTNULL = true") == "(= (IS NOT NULL a) TRUE)");
}

TEST_CASE("parser expr: arithmetic precedence, unary minus and exponent") {
  CHECK(Expr("-2 ^ 2") == "(^ -2 2)");  // PostgreSQL: (-2)^2 = 4
  CHECK(Expr("- x ^ 2") == "(^ (- x) 2)");
  CHECK(Expr("2 ^ 3 ^ 2") == "(^ (^ 2 3) 2)");
  CHECK(Expr("2 ^ 3 * 2") == "(* (^ 2 3) 2)");
  CHECK(Expr("1 + 2 * 3 - 4 / 5 % 6") == "(- (+ 1 (* 2 3)) (% (/ 4 5) 6))");
  CHECK(Expr("a::int + 1") == "(+ (:: a int4) 1)");
  CHECK(Expr("-x::int") == "(- (:: x int4))");
  CHECK(Expr("-1::int") == "(- (:: 1 int4))");
  CHECK(Expr("a || b || c") == "(|| (|| a b) c)");
  CHECK(Expr("a + b || c") == "(|| (+ a b) c)");
  CHECK(Expr("a || b = c") == "(= (|| a b) c)");
  CHECK(Expr("a || b LIKE c") == "(LIKE (|| a b) c)");
  CHECK(Expr("2 * 3 != -1") == "(<> (* 2 3) -1)");
  CHECK(Expr("2 * 3 =-1") == "(= (* 2 3) -1)");
  // As in PostgreSQL, "!=-" and "^-" are single (nonexistent) operators: a trailing - or + stays
  // in a run holding ! or ^.
  CHECK(Expr("2 * 3 !=-1") == "(!=- (* 2 3) 1)");
  CHECK(Expr("2.0^-2") == "(^- 2.0 2)");
  CHECK(Expr("a->>'k' = 'v'") == "(= (->> a 'k') 'v')");
  CHECK(Expr("j #> '{a,b}' @> '1'") == "(@> (#> j '{a,b}') '1')");
  CHECK(Expr("~ 5 + 1") == "(~ (+ 5 1))");
}

TEST_CASE("parser expr: comparisons are non-associative, as in PostgreSQL") {
  CHECK(Failure("SELECT 1 = 1 = true").message == "syntax error at or near \"=\"");
  CHECK(Failure("SELECT 1 = 1 = true").position == 14);
  CHECK(Failure("SELECT 1 < 2 = true").position == 14);
  CHECK(Failure("SELECT 'a' like 'b' like 'c'").message == "syntax error at or near \"like\"");
  CHECK(Failure("SELECT 1 between 0 and 2 between 0 and 1").position == 26);
  CHECK(Expr("1 IN (1) IN (true)") == "(IN (IN 1 (1)) (TRUE))");
  CHECK(Expr("(1 = 1) = true") == "(= (= 1 1) TRUE)");
  CHECK(Expr("a LIKE b = c") == "(= (LIKE a b) c)");
}

TEST_CASE("parser expr: comparison operators") {
  CHECK(Expr("a = b") == "(= a b)");
  CHECK(Expr("a <> b") == "(<> a b)");
  CHECK(Expr("a != b") == "(<> a b)");
  CHECK(Expr("a < b") == "(< a b)");
  CHECK(Expr("a <= b") == "(<= a b)");
  CHECK(Expr("a > b") == "(> a b)");
  CHECK(Expr("a >= b") == "(>= a b)");
  CHECK(Expr("a<>-1") == "(<> a -1)");
  CHECK(Expr("x IS DISTINCT FROM y") == "(IS DISTINCT FROM x y)");
  CHECK(Expr("x IS NOT DISTINCT FROM y + 1") == "(IS NOT DISTINCT FROM x (+ y 1))");
  CHECK(Expr("x IS NOT TRUE") == "(IS NOT TRUE x)");
  CHECK(Expr("x IS FALSE") == "(IS FALSE x)");
  CHECK(Expr("x IS UNKNOWN") == "(IS UNKNOWN x)");
}

TEST_CASE("parser expr: BETWEEN, IN, LIKE, ILIKE, SIMILAR TO, regex operators") {
  CHECK(Expr("a BETWEEN 1 AND 2 AND b") == "(AND (BETWEEN a 1 2) b)");
  CHECK(Expr("a NOT BETWEEN SYMMETRIC x + 1 AND y * 2") ==
        "(NOT BETWEEN SYMMETRIC a (+ x 1) (* y 2))");
  CHECK(Expr("a BETWEEN ASYMMETRIC 1 AND 2") == "(BETWEEN a 1 2)");
  CHECK(Expr("a IN (1, 2, 3)") == "(IN a (1 2 3))");
  CHECK(Expr("a NOT IN ('x')") == "(NOT IN a ('x'))");
  CHECK(Expr("a IN (SELECT b FROM t)") == "(IN a (select (targets b) (from (table t))))");
  CHECK(Expr("a NOT IN (SELECT 1 UNION SELECT 2)") ==
        "(NOT IN a (union (select (targets 1)) (select (targets 2))))");
  CHECK(Expr("a IN ((SELECT 1) UNION (SELECT 2))") ==
        "(IN a (union (select (targets 1)) (select (targets 2))))");
  CHECK(Expr("a LIKE 'x%'") == "(LIKE a 'x%')");
  CHECK(Expr("a NOT ILIKE 'x!%' ESCAPE '!'") == "(NOT ILIKE a 'x!%' (ESCAPE '!'))");
  CHECK(Expr("a SIMILAR TO '(b|c)%'") == "(SIMILAR TO a '(b|c)%')");
  CHECK(Expr("a NOT SIMILAR TO 'x' ESCAPE '#'") == "(NOT SIMILAR TO a 'x' (ESCAPE '#'))");
  CHECK(Expr("a ~ '^x'") == "(~ a '^x')");
  CHECK(Expr("a ~* '^x'") == "(~* a '^x')");
  CHECK(Expr("a !~ '^x'") == "(!~ a '^x')");
  CHECK(Expr("a !~* '^x'") == "(!~* a '^x')");
  CHECK(Expr("a OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default") ==
        "(OPERATOR(pg_catalog.~) a (COLLATE '^(t)$' pg_catalog.default))");
  CHECK(Expr("a OPERATOR(+) 1") == "(+ a 1)");
  CHECK(Expr("OPERATOR(pg_catalog.-) 1") == "(OPERATOR(pg_catalog.-) 1)");
}

TEST_CASE("parser expr: ANY, SOME, ALL over arrays and subqueries") {
  CHECK(Expr("x = ANY(ARRAY[1, 2])") == "(= ANY x (ARRAY 1 2))");
  CHECK(Expr("x = SOME(arr)") == "(= ANY x arr)");
  CHECK(Expr("x <> ALL (SELECT y FROM t)") == "(<> ALL x (select (targets y) (from (table t))))");
  CHECK(Expr("x LIKE ANY(patterns)") == "(~~ ANY x patterns)");
  CHECK(Expr("x NOT ILIKE ALL(patterns)") == "(!~~* ALL x patterns)");
  CHECK(Expr("oid = any (pol.polroles)") == "(= ANY oid pol.polroles)");
  CHECK(Expr("'d' = any(stxkind)") == "(= ANY 'd' stxkind)");
  CHECK(Expr("a OPERATOR(pg_catalog.=) ANY(b)") == "(OPERATOR(pg_catalog.=) ANY a b)");
}

TEST_CASE("parser expr: casts, typed literals and type names") {
  CHECK(Expr("x::regclass") == "(:: x regclass)");
  CHECK(Expr("x::pg_catalog.regtype::pg_catalog.text") ==
        "(:: (:: x pg_catalog.regtype) pg_catalog.text)");
  CHECK(Expr("x::text[]") == "(:: x text[])");
  CHECK(Expr("x::int[][]") == "(:: x int4[][])");
  CHECK(Expr("x::int ARRAY") == "(:: x int4[])");
  CHECK(Expr("x::\"char\"") == "(:: x char)");
  CHECK(Expr("x::char") == "(:: x bpchar(1))");
  CHECK(Expr("x::character varying(20)") == "(:: x varchar(20))");
  CHECK(Expr("x::varchar") == "(:: x varchar)");
  CHECK(Expr("x::double precision") == "(:: x float8)");
  CHECK(Expr("x::float") == "(:: x float8)");
  CHECK(Expr("x::float(10)") == "(:: x float4)");
  CHECK(Expr("x::real") == "(:: x float4)");
  CHECK(Expr("x::smallint + x::bigint") == "(+ (:: x int2) (:: x int8))");
  CHECK(Expr("x::decimal(10, 2)") == "(:: x numeric(10,2))");
  CHECK(Expr("x::numeric") == "(:: x numeric)");
  CHECK(Expr("x::boolean") == "(:: x bool)");
  CHECK(Expr("x::bit varying(8)") == "(:: x varbit(8))");
  CHECK(Expr("x::timestamp(3) without time zone") == "(:: x timestamp(3))");
  CHECK(Expr("x::timestamp with time zone") == "(:: x timestamptz)");
  CHECK(Expr("x::time with time zone") == "(:: x timetz)");
  CHECK(Expr("x::interval day to second(3)") == "(:: x interval day to second(3))");
  CHECK(Expr("CAST(x AS varchar(10))") == "(:: x varchar(10))");
  CHECK(Expr("CAST(x AS int)::text") == "(:: (:: x int4) text)");
  CHECK(Expr("DATE '2024-01-01'") == "(:: '2024-01-01' date)");
  CHECK(Expr("TIMESTAMP '2024-01-01 10:00'") == "(:: '2024-01-01 10:00' timestamp)");
  CHECK(Expr("timestamptz '2024-01-01'") == "(:: '2024-01-01' timestamptz)");
  CHECK(Expr("TIMESTAMP WITH TIME ZONE 'x'") == "(:: 'x' timestamptz)");
  CHECK(Expr("INTERVAL '1 day'") == "(:: '1 day' interval)");
  CHECK(Expr("INTERVAL '1' DAY") == "(:: '1' interval day)");
  CHECK(Expr("INTERVAL '1-2' YEAR TO MONTH") == "(:: '1-2' interval year to month)");
  CHECK(Expr("INTERVAL(2) '1.234 s'") == "(:: '1.234 s' interval(2))");
  CHECK(Expr("int4 '1'") == "(:: '1' int4)");
  CHECK(Expr("CHAR 'abc'") == "(:: 'abc' bpchar)");  // no length: not CHAR(1) before a literal
  CHECK(Expr("BIT '101'") == "(:: '101' bit)");
  CHECK(Expr("N'it''s'") == "(:: 'it''s' bpchar)");
  CHECK(Expr("pg_catalog.text 'x'") == "(:: 'x' pg_catalog.text)");
  CHECK(Expr("uuid 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'") ==
        "(:: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' uuid)");
  CHECK(Expr("'{1,2}'::int[] @> ARRAY[1]") == "(@> (:: '{1,2}' int4[]) (ARRAY 1))");
}

TEST_CASE("parser expr: COLLATE and AT TIME ZONE") {
  CHECK(Expr("name COLLATE \"C\"") == "(COLLATE name \"C\")");
  CHECK(Expr("a || b COLLATE \"C\"") == "(|| a (COLLATE b \"C\"))");
  CHECK(Expr("ts AT TIME ZONE 'UTC'") == "(AT-TIME-ZONE ts 'UTC')");
  CHECK(Expr("ts AT TIME ZONE 'UTC' + INTERVAL '1 h'") ==
        "(+ (AT-TIME-ZONE ts 'UTC') (:: '1 h' interval))");
  CHECK(Expr("now() AT TIME ZONE tz::text") == "(AT-TIME-ZONE (call now) (:: tz text))");
}

TEST_CASE("parser expr: function calls, aggregates and windows") {
  CHECK(Expr("count(*)") == "(call count *)");
  CHECK(Expr("pg_catalog.count(*)") == "(call pg_catalog.count *)");
  CHECK(Expr("count(DISTINCT x)") == "(call count DISTINCT x)");
  CHECK(Expr("count(ALL x)") == "(call count x)");
  CHECK(Expr("now()") == "(call now)");
  CHECK(Expr("pg_catalog.format_type(a.atttypid, a.atttypmod)") ==
        "(call pg_catalog.format_type a.atttypid a.atttypmod)");
  CHECK(Expr("string_agg(x, ',' ORDER BY y DESC NULLS LAST)") ==
        "(call string_agg x ',' (order-by (y DESC NULLS LAST)))");
  CHECK(Expr("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)") ==
        "(call percentile_cont 0.5 (within-group (order-by x)))");
  CHECK(Expr("sum(x) FILTER (WHERE x > 0)") == "(call sum x (filter (> x 0)))");
  CHECK(Expr("row_number() OVER ()") == "(call row_number (over))");
  CHECK(Expr("rank() OVER w") == "(call rank (over w))");
  CHECK(Expr("sum(x) OVER (PARTITION BY a, b ORDER BY c ROWS BETWEEN 2 PRECEDING AND CURRENT "
             "ROW EXCLUDE TIES)") ==
        "(call sum x (over (partition-by a b) (order-by c) (ROWS (PRECEDING 2) CURRENT-ROW "
        "EXCLUDE-TIES)))");
  CHECK(Expr("avg(x) OVER (w RANGE UNBOUNDED PRECEDING)") ==
        "(call avg x (over w (RANGE UNBOUNDED-PRECEDING CURRENT-ROW)))");
  CHECK(Expr("sum(x) OVER (GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)") ==
        "(call sum x (over (GROUPS CURRENT-ROW UNBOUNDED-FOLLOWING)))");
  CHECK(Expr("count(*) FILTER (WHERE ok) OVER (PARTITION BY g)") ==
        "(call count * (filter ok) (over (partition-by g)))");
  CHECK(Expr("make_interval(days => 1, hours := 2)") ==
        "(call make_interval (=> days 1) (=> hours 2))");
  CHECK(Expr("concat_ws(',', VARIADIC arr)") == "(call concat_ws ',' (VARIADIC arr))");
  CHECK(Expr("\"MyFunc\"(1)") == "(call \"MyFunc\" 1)");
  CHECK(Failure("SELECT f(a => 1, 2)").message ==
        "positional argument cannot follow named argument");
  CHECK(Failure("SELECT f(VARIADIC a, b)").message == "syntax error at or near \"b\"");
  CHECK(Failure("SELECT count(*) OVER (ROWS UNBOUNDED FOLLOWING)").sqlstate == "42P20");
}

TEST_CASE("parser expr: SQL-syntax functions map to PostgreSQL's calls") {
  CHECK(Expr("EXTRACT(YEAR FROM ts)") == "(call extract 'year' ts)");
  CHECK(Expr("extract(epoch from now())") == "(call extract 'epoch' (call now))");
  CHECK(Expr("extract('dow' from d)") == "(call extract 'dow' d)");
  CHECK(Expr("SUBSTRING(s FROM 2 FOR 3)") == "(call substring s 2 3)");
  CHECK(Expr("substring(s FOR 3)") == "(call substring s 1 3)");
  CHECK(Expr("substring(s FROM 'a.c')") == "(call substring s 'a.c')");
  CHECK(Expr("substring(s, 2, 3)") == "(call substring s 2 3)");
  CHECK(Expr("POSITION('b' IN s)") == "(call position s 'b')");
  CHECK(Expr("TRIM(s)") == "(call btrim s)");
  CHECK(Expr("TRIM(BOTH 'x' FROM s)") == "(call btrim s 'x')");
  CHECK(Expr("trim(leading from s)") == "(call ltrim s)");
  CHECK(Expr("trim(trailing 'x' from s)") == "(call rtrim s 'x')");
  CHECK(Expr("OVERLAY(s PLACING 'ab' FROM 2 FOR 3)") == "(call overlay s 'ab' 2 3)");
  CHECK(Expr("COALESCE(a, b, 0)") == "(call coalesce a b 0)");
  CHECK(Expr("NULLIF(a, '')") == "(call nullif a '')");
  CHECK(Expr("GREATEST(a, b)") == "(call greatest a b)");
  CHECK(Expr("LEAST(a, b, c)") == "(call least a b c)");
  CHECK(Failure("SELECT nullif(1)").message == "syntax error at or near \")\"");
}

TEST_CASE("parser expr: special values") {
  CHECK(Expr("CURRENT_DATE") == "CURRENT_DATE");
  CHECK(Expr("CURRENT_TIMESTAMP") == "CURRENT_TIMESTAMP");
  CHECK(Expr("current_timestamp(3)") == "(CURRENT_TIMESTAMP 3)");
  CHECK(Expr("CURRENT_TIME") == "CURRENT_TIME");
  CHECK(Expr("LOCALTIME") == "LOCALTIME");
  CHECK(Expr("LOCALTIMESTAMP(0)") == "(LOCALTIMESTAMP 0)");
  CHECK(Expr("CURRENT_USER") == "CURRENT_USER");
  CHECK(Expr("SESSION_USER") == "SESSION_USER");
  CHECK(Expr("CURRENT_ROLE") == "CURRENT_ROLE");
  CHECK(Expr("CURRENT_SCHEMA") == "CURRENT_SCHEMA");
  CHECK(Expr("current_schema()") == "(call current_schema)");
  CHECK(Expr("CURRENT_CATALOG") == "CURRENT_CATALOG");
}

TEST_CASE("parser expr: CASE, subqueries, arrays, rows, subscripts, field selection") {
  CHECK(Expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END") ==
        "(CASE (WHEN a 1) (WHEN b 2) (ELSE 3))");
  CHECK(Expr("CASE c.relkind WHEN 'r' THEN 'table' END") == "(CASE c.relkind (WHEN 'r' 'table'))");
  CHECK(Expr("CASE WHEN CASE WHEN a THEN b END THEN 1 END") == "(CASE (WHEN (CASE (WHEN a b)) 1))");
  CHECK(Expr("(SELECT max(x) FROM t)") ==
        "(SUBQUERY (select (targets (call max x)) (from (table t))))");
  CHECK(Expr("((SELECT 1))") == "(SUBQUERY (select (targets 1)))");
  CHECK(Expr("(SELECT 1 UNION SELECT 2 ORDER BY 1 LIMIT 1)") ==
        "(SUBQUERY (query (union (select (targets 1)) (select (targets 2))) (order-by 1) "
        "(limit 1)))");
  CHECK(Expr("(VALUES (1))") == "(SUBQUERY (values (1)))");
  CHECK(Expr("(WITH w AS (SELECT 1) SELECT * FROM w)") ==
        "(SUBQUERY (query (with (cte w (select (targets 1)))) (select (targets *) (from (table "
        "w)))))");
  CHECK(Expr("EXISTS (SELECT 1 FROM t WHERE t.a = b)") ==
        "(EXISTS (select (targets 1) (from (table t)) (where (= t.a b))))");
  CHECK(Expr("NOT EXISTS (SELECT 1)") == "(NOT (EXISTS (select (targets 1))))");
  CHECK(Expr("ARRAY(SELECT x FROM t)") == "(ARRAY (select (targets x) (from (table t))))");
  CHECK(Expr("ARRAY[1, 2, 3]") == "(ARRAY 1 2 3)");
  CHECK(Expr("ARRAY[]::int[]") == "(:: (ARRAY) int4[])");
  CHECK(Expr("ARRAY[[1, 2], [3, 4]]") == "(ARRAY (ARRAY 1 2) (ARRAY 3 4))");
  CHECK(Expr("ROW(1, 'a')") == "(ROW 1 'a')");
  CHECK(Expr("ROW()") == "(ROW)");
  CHECK(Expr("(1, 'a')") == "(ROW 1 'a')");
  CHECK(Expr("(a, b) = (1, 2)") == "(= (ROW a b) (ROW 1 2))");
  CHECK(Expr("a[1]") == "([] a 1)");
  CHECK(Expr("a[1][2]") == "([] ([] a 1) 2)");
  CHECK(Expr("a[1:2]") == "([:] a 1 2)");
  CHECK(Expr("a[:2]") == "([:] a _ 2)");
  CHECK(Expr("a[2:]") == "([:] a 2 _)");
  CHECK(Expr("prattrs[s]") == "([] prattrs s)");
  CHECK(Expr("(regexp_match(s, 'x'))[1]") == "([] (call regexp_match s 'x') 1)");
  CHECK(Expr("(result.keys).x") == "(. result.keys x)");
  CHECK(Expr("(information_schema._pg_expandarray(i.indkey)).n") ==
        "(. (call information_schema._pg_expandarray i.indkey) n)");
  CHECK(Expr("(c).*") == "(. c *)");
  CHECK(Expr("t.*") == "t.*");
  CHECK(Expr("$1::int") == "(:: $1 int4)");
}

}  // namespace
}  // namespace blockdb::sql
