// pg_catalog and information_schema over BlockDB's catalog, and the catalog functions
// (docs/SQL.md "System catalogs"). tests/sql/logic/pg_catalog_*.test compare the same objects
// with PostgreSQL 15.
#include <doctest/doctest.h>

#include "session_test_util.h"
#include "sql/exec/catalog_relations.h"

namespace blockdb::sql::session_test {
namespace {

std::string One(SessionFixture& f, const std::string& sql) {
  Rows rows = f.Query(sql);
  REQUIRE_MESSAGE(rows.size() == 1, sql);
  return rows[0];
}

TEST_CASE("catalog relations: pg_class OIDs are the catalog's relation ids") {
  SessionFixture f;
  f.Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  f.Exec("CREATE INDEX t_v_idx ON t (v)");
  auto table = f.db().catalog().FindTable("t");
  auto index = f.db().catalog().FindIndex("t_v_idx");
  REQUIRE(table != nullptr);
  REQUIRE(index != nullptr);
  CHECK(One(f, "SELECT oid, relkind, relnatts FROM pg_class WHERE relname = 't'") ==
        std::to_string(table->id) + "|r|2");
  CHECK(One(f, "SELECT oid, relkind, relam FROM pg_class WHERE relname = 't_v_idx'") ==
        std::to_string(index->id) + "|i|403");
  // The primary key shows as an index with a fixed OID derived from the table's.
  CHECK(One(f, "SELECT oid, relkind FROM pg_catalog.pg_class WHERE relname = 't_pkey'") ==
        std::to_string(exec::kPkeyIndexOidBase + static_cast<int64_t>(table->id)) + "|i");
  // Same answers from a new session (OIDs are stable).
  auto other = f.NewSession();
  Outcome o = f.Run("SELECT 't'::regclass, 't_v_idx'::regclass", other.get());
  REQUIRE(o.status.ok());
  CHECK(o.Rows() == Rows{std::to_string(table->id) + "|" + std::to_string(index->id)});
  CHECK(One(f, "SELECT (" + std::to_string(table->id) + ")::regclass") == "t");
}

TEST_CASE("catalog relations: pg_attribute, pg_attrdef and pg_index follow the table") {
  SessionFixture f;
  f.Exec(
      "CREATE TABLE a (k BIGINT GENERATED ALWAYS AS IDENTITY, name VARCHAR(8) NOT NULL DEFAULT "
      "'n', amount NUMERIC(12,3), PRIMARY KEY (k))");
  CHECK(f.Query("SELECT attnum, attname, atttypid, atttypmod, attnotnull, atthasdef, attidentity "
                "FROM pg_attribute WHERE attrelid = 'a'::regclass ORDER BY attnum") ==
        Rows{"1|k|20|-1|t|f|a", "2|name|1043|12|t|t|", "3|amount|1700|786439|f|f|"});
  CHECK(One(f,
            "SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = "
            "'a'::regclass") == "2|'n'::character varying");
  CHECK(One(f,
            "SELECT indkey, indisprimary, indisunique FROM pg_index WHERE indrelid = "
            "'a'::regclass") == "1|t|t");
  CHECK(One(f,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
            "'a'::regclass AND attnum = 3") == "numeric(12,3)");
}

TEST_CASE("catalog relations: pg_catalog comes first on the search path") {
  SessionFixture f;
  f.Exec("CREATE TABLE pg_class (x INT)");
  f.Exec("INSERT INTO pg_class VALUES (7)");
  // Unqualified: the system catalog (which lists the user table "pg_class" too).
  CHECK(One(f, "SELECT relkind FROM pg_class WHERE relname = 'pg_class'") == "r");
  CHECK(f.Query("SELECT x FROM public.pg_class") == Rows{"7"});
  f.Fail("SELECT * FROM information_schema.nosuch", "42P01");
  f.Fail("SELECT * FROM pg_catalog.nosuch", "42P01");
}

TEST_CASE("catalog relations: roles, databases and settings") {
  SessionFixture f;
  f.Exec("CREATE ROLE reader LOGIN");
  Rows roles = f.Query("SELECT rolname, rolsuper, rolcanlogin FROM pg_roles ORDER BY 1");
  CHECK(roles == Rows{"blockdb|t|t", "reader|f|t"});
  CHECK(One(f, "SELECT pg_get_userbyid(oid) FROM pg_roles WHERE rolname = 'reader'") == "reader");
  CHECK(One(f, "SELECT pg_get_userbyid(10)") == "blockdb");
  CHECK(One(f,
            "SELECT datname = current_database(), pg_encoding_to_char(encoding) FROM "
            "pg_database") == "t|UTF8");
  f.Exec("SET application_name = 'catalog-test'");
  CHECK(One(f, "SELECT setting FROM pg_settings WHERE name = 'application_name'") ==
        "catalog-test");
}

TEST_CASE("catalog relations: blockdb_blocks is a view") {
  SessionFixture f;
  CHECK(One(f, "SELECT relkind FROM pg_class WHERE relname = 'blockdb_blocks'") == "v");
  CHECK(One(f,
            "SELECT table_type FROM information_schema.tables WHERE table_name = "
            "'blockdb_blocks'") == "VIEW");
  CHECK(One(f, "SELECT 'blockdb_blocks'::regclass::text") == "blockdb_blocks");
}

TEST_CASE("catalog relations: the ledger functions are in pg_proc") {
  SessionFixture f;
  CHECK(f.Query("SELECT p.proname, pg_get_function_arguments(p.oid) FROM pg_proc p WHERE "
                "p.proname ~ '^blockdb' AND pg_function_is_visible(p.oid) ORDER BY 1") ==
        Rows{"blockdb_consistency_proof|old_size bigint, new_size bigint DEFAULT NULL",
             "blockdb_digest|", "blockdb_inclusion_proof|table_name text, VARIADIC key \"any\""});
  CHECK(One(f,
            "SELECT pg_get_function_result(oid) FROM pg_proc WHERE proname = "
            "'blockdb_digest'") ==
        "TABLE(tree_size bigint, root_hash text, block_index bigint, block_hash text)");
  CHECK(One(f, "SELECT pg_get_function_result(12345)") == "NULL");
}

TEST_CASE("catalog relations: information_schema constraints") {
  SessionFixture f;
  f.Exec("CREATE TABLE c (a INT, b TEXT UNIQUE, PRIMARY KEY (a))");
  CHECK(f.Query("SELECT constraint_name, constraint_type FROM information_schema."
                "table_constraints WHERE table_name = 'c' ORDER BY 1") ==
        Rows{"2200_" + std::to_string(f.db().catalog().FindTable("c")->id) + "_1_not_null|CHECK",
             "c_b_key|UNIQUE", "c_pkey|PRIMARY KEY"});
  CHECK(f.Query("SELECT constraint_name, column_name FROM information_schema.key_column_usage "
                "WHERE table_name = 'c' ORDER BY 1") == Rows{"c_b_key|b", "c_pkey|a"});
  CHECK(One(f, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'c_b_key'") ==
        "UNIQUE (b)");
}

TEST_CASE("catalog relations: regular expressions") {
  SessionFixture f;
  CHECK(One(f,
            "SELECT 'Ledger' ~ '^L', 'Ledger' ~ '^l', 'Ledger' ~* '^l', 'Ledger' !~ 'x', "
            "'Ledger' !~* 'D'") == "t|f|t|t|f");
  CHECK(One(f, "SELECT NULL ~ 'a', 'a' ~ NULL") == "NULL|NULL");
  CHECK(One(f, "SELECT 'a1' OPERATOR(pg_catalog.~) '[0-9]$'") == "t");
  f.Fail("SELECT 'a' ~ '['", "2201B");
  f.Fail("SELECT 1 ~ 'a'", "42883");
}

TEST_CASE("catalog relations: casts and lookups of names that do not exist") {
  SessionFixture f;
  f.Fail("SELECT 'nosuch'::regclass", "42P01");
  f.Fail("SELECT 'nosuch'::regtype", "42704");
  CHECK(One(f, "SELECT to_regclass('nosuch')") == "NULL");
  // System catalogs have PostgreSQL's OIDs (pgjdbc compares pg_description.classoid with them).
  CHECK(One(f, "SELECT 'pg_class'::regclass, 'pg_catalog.pg_type'::regclass, (1259)::regclass") ==
        "1259|1247|pg_class");
  CHECK(One(f, "SELECT (123456)::regclass") == "123456");
  CHECK(One(f, "SELECT 'integer'::regtype, (1043)::regtype") == "23|character varying");
  CHECK(One(f, "SELECT format_type(99999, -1), format_type(NULL, -1)") == "???|NULL");
}

TEST_CASE("catalog relations: generate_series and ARRAY(subquery)") {
  SessionFixture f;
  CHECK(f.Query("SELECT s FROM generate_series(1, 3) s") == Rows{"1", "2", "3"});
  CHECK(f.Query("SELECT * FROM generate_series(10, 1, -4)") == Rows{"10", "6", "2"});
  f.Fail("SELECT * FROM generate_series(1, 3, 0)", "22023");
  // Correlated: the series reads the enclosing row.
  CHECK(f.Query("SELECT n, (SELECT count(*) FROM generate_series(1, n) g) FROM "
                "generate_series(0, 2) n") == Rows{"0|0", "1|1", "2|2"});
  CHECK(One(f, "SELECT ARRAY(SELECT s FROM generate_series(1, 3) s)") == "{1,2,3}");
  CHECK(One(f, "SELECT ARRAY(SELECT 'a b' UNION ALL SELECT NULL)") == "{\"a b\",NULL}");
  CHECK(One(f, "SELECT 2 = ANY ('{1,2}'), 3 = ANY ('{1,2}'), 3 <> ALL ('{1,2}')") == "t|f|t");
  CHECK(f.Query("SELECT x FROM unnest('{a,b}') x") == Rows{"a", "b"});
  CHECK(One(f, "SELECT array_to_string(NULL || ARRAY(SELECT 'z' UNION ALL SELECT 'y'), ';')") ==
        "z;y");
  CHECK(One(f, "SELECT array_upper('{4,5,6}', 1), ('{4,5,6}')[2]") == "3|5");
}

}  // namespace
}  // namespace blockdb::sql::session_test
