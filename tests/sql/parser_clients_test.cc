// What drivers, ORMs and BI tools send (PGWIRE.md lists them): pgjdbc metadata queries,
// SQLAlchemy's PostgreSQL dialect reflection, Metabase's sync and user queries, Grafana, DBeaver,
// psycopg 3 nested transactions, pgbench's TPC-B-like script. Values the drivers interpolate
// client-side are filled in with typical ones.
#include <doctest/doctest.h>

#include "parse_helpers.h"

namespace blockdb::sql {
namespace {

struct ClientQuery {
  const char* client;
  const char* sql;
  StatementKind kind;
};

constexpr ClientQuery kClientQueries[] = {
    // pgjdbc 42.x: connection setup, DatabaseMetaData.getTables / getColumns / getPrimaryKeys.
    {"pgjdbc", "SET extra_float_digits = 3", StatementKind::kSet},
    {"pgjdbc", "SET application_name = 'PostgreSQL JDBC Driver'", StatementKind::kSet},
    {"pgjdbc", "BEGIN READ ONLY", StatementKind::kTransaction},
    {"pgjdbc", R"sql(SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,
 CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE
 WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind
  WHEN 'r' THEN 'SYSTEM TABLE'  WHEN 'v' THEN 'SYSTEM VIEW'  WHEN 'i' THEN 'SYSTEM INDEX'
  ELSE NULL  END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind
  WHEN 'r' THEN 'SYSTEM TOAST TABLE'  WHEN 'i' THEN 'SYSTEM TOAST INDEX'  ELSE NULL  END
 ELSE CASE c.relkind  WHEN 'r' THEN 'TEMPORARY TABLE'  WHEN 'p' THEN 'TEMPORARY TABLE'
  WHEN 'i' THEN 'TEMPORARY INDEX'  WHEN 'S' THEN 'TEMPORARY SEQUENCE'  WHEN 'v' THEN 'TEMPORARY VIEW'
  ELSE NULL  END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'
 WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'
 WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'
 WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE,
 d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME,
 '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION
 FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)
 WHERE c.relnamespace = n.oid  AND n.nspname LIKE 'public' AND c.relname LIKE '%'
 AND (false  OR ( c.relkind IN ('r','p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ) )
 ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME )sql",
     StatementKind::kSelect},
    {"pgjdbc",
     R"sql(SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND n.nspname LIKE 'public' AND c.relname LIKE 'accounts') c WHERE true  ORDER BY nspname,c.relname,attnum )sql",
     StatementKind::kSelect},
    {"pgjdbc",
     R"sql(SELECT result.TABLE_CAT, result.TABLE_SCHEM, result.TABLE_NAME, result.COLUMN_NAME, result.KEY_SEQ, result.PK_NAME FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true  AND ct.relname = E'accounts' AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq)sql", StatementKind::kSelect},
    {"pgjdbc",
     R"sql(SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC)sql", StatementKind::kSelect},
    // SQLAlchemy 1.4 / psycopg2 (Superset): version probe, schema, reflection.
    {"sqlalchemy", "select pg_catalog.version()", StatementKind::kSelect},
    {"sqlalchemy", "select current_schema()", StatementKind::kSelect},
    {"sqlalchemy", "show standard_conforming_strings", StatementKind::kShow},
    {"sqlalchemy", "show transaction isolation level", StatementKind::kShow},
    {"sqlalchemy", R"sql(SELECT t.oid, typarray
FROM pg_type t JOIN pg_namespace ns
    ON typnamespace = ns.oid
WHERE typname = 'hstore';
)sql",
     StatementKind::kSelect},
    {"sqlalchemy",
     R"sql(select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where pg_catalog.pg_table_is_visible(c.oid) and relname='accounts')sql",
     StatementKind::kSelect},
    {"sqlalchemy",
     R"sql(SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind in ('r', 'p'))sql",
     StatementKind::kSelect},
    {"sqlalchemy", R"sql(
            SELECT a.attname,
              pg_catalog.format_type(a.atttypid, a.atttypmod),
              (
                SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                FROM pg_catalog.pg_attrdef d
                WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum
                AND a.atthasdef
              ) AS DEFAULT,
              a.attnotnull,
              a.attrelid as table_oid,
              pgd.description as comment,
              a.attgenerated as generated,
                              (SELECT json_build_object(
                    'always', a.attidentity = 'a',
                    'start', s.seqstart,
                    'increment', s.seqincrement,
                    'minvalue', s.seqmin,
                    'maxvalue', s.seqmax,
                    'cache', s.seqcache,
                    'cycle', s.seqcycle)
                FROM pg_catalog.pg_sequence s
                JOIN pg_catalog.pg_class c on s.seqrelid = c."oid"
                WHERE c.relkind = 'S'
                AND a.attidentity != ''
                AND s.seqrelid = pg_catalog.pg_get_serial_sequence(
                    a.attrelid::regclass::text, a.attname
                )::regclass::oid
                ) as identity_options
            FROM pg_catalog.pg_attribute a
            LEFT JOIN pg_catalog.pg_description pgd ON (
                pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum)
            WHERE a.attrelid = 16384
            AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
        )sql",
     StatementKind::kSelect},
    {"sqlalchemy", R"sql(
                SELECT a.attname
                FROM pg_attribute a JOIN (
                    SELECT unnest(ix.indkey) attnum,
                           generate_subscripts(ix.indkey, 1) ord
                    FROM pg_index ix
                    WHERE ix.indrelid = 16384 AND ix.indisprimary
                    ) k ON a.attnum=k.attnum
                WHERE a.attrelid = 16384
                ORDER BY k.ord
            )sql",
     StatementKind::kSelect},
    {"sqlalchemy", R"sql(
          SELECT r.conname,
                pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
                n.nspname as conschema
          FROM  pg_catalog.pg_constraint r,
                pg_namespace n,
                pg_class c

          WHERE r.conrelid = 16384 AND
                r.contype = 'f' AND
                c.oid = confrelid AND
                n.oid = c.relnamespace
          ORDER BY 1
        )sql",
     StatementKind::kSelect},
    // Metabase (through pgjdbc): session setup, table sync, field sync, probe, user queries.
    {"metabase", "SHOW timezone", StatementKind::kShow},
    {"metabase", "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
     StatementKind::kSet},
    {"metabase", R"sql(SELECT TRUE AS "_" FROM "public"."accounts" WHERE 1 <> 1 LIMIT 0)sql",
     StatementKind::kSelect},
    {"metabase",
     R"sql(SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = 0) AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public')) AND has_schema_privilege("n"."nspname", 'USAGE') AND (has_table_privilege("c"."oid", 'SELECT') OR has_any_column_privilege("c"."oid", 'SELECT')) ORDER BY "type" ASC, "schema" ASC, "name" ASC)sql", StatementKind::kSelect},
    {"metabase",
     R"sql(SELECT c.column_name AS "name", c.udt_name AS "database-type", c.ordinal_position - 1 AS "database-position", c.table_schema AS "table-schema", c.table_name AS "table-name", pk.column_name IS NOT NULL AS "pk?", col_description(CAST(CAST(format('%I.%I', CAST(c.table_schema AS TEXT), CAST(c.table_name AS TEXT)) AS regclass) AS oid), c.ordinal_position) AS "field-comment", ((column_default IS NULL) OR (LOWER(column_default) = 'null')) AND (is_nullable = 'NO') AND NOT (((column_default IS NOT NULL) AND (column_default LIKE '%nextval(%')) OR (is_identity <> 'NO')) AS "database-required", ((column_default IS NOT NULL) AND (column_default LIKE '%nextval(%')) OR (is_identity <> 'NO') AS "database-is-auto-increment" FROM information_schema.columns AS c LEFT JOIN (SELECT tc.table_schema, tc.table_name, kc.column_name FROM information_schema.table_constraints AS tc INNER JOIN information_schema.key_column_usage AS kc ON (tc.constraint_name = kc.constraint_name) AND (tc.table_schema = kc.table_schema) AND (tc.table_name = kc.table_name) WHERE tc.constraint_type = 'PRIMARY KEY') AS pk ON (c.table_schema = pk.table_schema) AND (c.table_name = pk.table_name) AND (c.column_name = pk.column_name) WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND (c.table_schema IN ('public')) ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC)sql",
     StatementKind::kSelect},
    {"metabase",
     R"sql(SELECT date_trunc('month', ("public"."orders"."created_at" + (INTERVAL '1 day'))) AS "created_at", CAST(extract(dow from "public"."orders"."created_at") AS integer) AS "dow", count(*) AS "count" FROM "public"."orders" WHERE ("public"."orders"."created_at" >= CAST((CAST(now() AS date) + (INTERVAL '-30 day')) AS date)) AND ("public"."orders"."created_at" < CAST(now() AS date)) GROUP BY date_trunc('month', ("public"."orders"."created_at" + (INTERVAL '1 day'))), CAST(extract(dow from "public"."orders"."created_at") AS integer) ORDER BY date_trunc('month', ("public"."orders"."created_at" + (INTERVAL '1 day'))) ASC LIMIT 2000)sql",
     StatementKind::kSelect},
    // Grafana's PostgreSQL data source.
    {"grafana", "SELECT current_setting('server_version_num')::int/100", StatementKind::kSelect},
    {"grafana", "SELECT extname FROM pg_extension WHERE extname = 'timescaledb'",
     StatementKind::kSelect},
    {"grafana",
     R"sql(SELECT quote_ident(table_name) as table_name FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information', 'timescaledb_experimental') AND table_type = 'BASE TABLE' AND quote_ident(table_schema) IN (SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END FROM generate_series(array_lower(string_to_array(current_setting('search_path'),','),1), array_upper(string_to_array(current_setting('search_path'),','),1)) as i, string_to_array(current_setting('search_path'),',') s))sql",
     StatementKind::kSelect},
    // DBeaver through pgjdbc.
    {"dbeaver", "SELECT current_database(), current_schema(), session_user",
     StatementKind::kSelect},
    {"dbeaver", "SHOW search_path", StatementKind::kShow},
    {"dbeaver",
     R"sql(SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datallowconn AND NOT datistemplate OR db.datname ='ledger'
ORDER BY db.datname)sql",
     StatementKind::kSelect},
    {"dbeaver", R"sql(select n.oid,n.*,d.description from pg_catalog.pg_namespace n
left outer join pg_catalog.pg_description d on d.objoid=n.oid and d.objsubid=0 and d.classoid='pg_namespace'::regclass
 order by nspname)sql",
     StatementKind::kSelect},
    {"dbeaver",
     R"sql(select c.oid,pg_catalog.pg_total_relation_size(c.oid) as total_rel_size,pg_catalog.pg_relation_size(c.oid) as rel_size
FROM pg_catalog.pg_class c
WHERE c.relnamespace=$1)sql",
     StatementKind::kSelect},
    // psycopg 3 nested transactions, node-postgres, libpqxx, pgbench.
    {"psycopg", "SAVEPOINT \"_pg3_1\"", StatementKind::kTransaction},
    {"psycopg", "RELEASE \"_pg3_1\"", StatementKind::kTransaction},
    {"psycopg", "ROLLBACK TO \"_pg3_1\"", StatementKind::kTransaction},
    {"node-postgres", "SELECT $1::text AS name, $2::int AS n", StatementKind::kSelect},
    {"pgbench", "SELECT abalance FROM pgbench_accounts WHERE aid = 42", StatementKind::kSelect},
    {"pgbench", "UPDATE pgbench_accounts SET abalance = abalance + -512 WHERE aid = 42",
     StatementKind::kUpdate},
    {"pgbench",
     "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (3, 1, 42, -512, "
     "CURRENT_TIMESTAMP)",
     StatementKind::kInsert},
    {"pgbench", "END", StatementKind::kTransaction},
};

TEST_CASE("parser clients: driver, ORM and BI tool queries parse with the right kind") {
  for (const ClientQuery& q : kClientQueries) {
    Result<std::vector<StatementPtr>> parsed = Parse(q.sql);
    REQUIRE_MESSAGE(parsed.ok(), q.client << ": " << parsed.status().ToString() << "\n" << q.sql);
    REQUIRE_MESSAGE(parsed->size() == 1, q.client << ": " << q.sql);
    CHECK_MESSAGE(parsed->front()->kind == q.kind, q.client << ": " << q.sql);
  }
}

TEST_CASE("parser clients: an unexpanded Grafana macro is a syntax error at the macro") {
  const testing::ParseFailure f = testing::Failure("SELECT $__timeGroupAlias(ts, '1m') FROM t");
  CHECK(f.sqlstate == "42601");
  CHECK(f.position == 8);
}

TEST_CASE("parser clients: Grafana's ping is a comment-only query") {
  Result<std::vector<StatementPtr>> parsed = Parse("-- ping");
  REQUIRE(parsed.ok());
  CHECK(parsed->empty());
}

TEST_CASE("parser clients: pgbench's script as one multi-statement string") {
  const char* script =
      "BEGIN;\n"
      "UPDATE pgbench_accounts SET abalance = abalance + 17 WHERE aid = 5;\n"
      "SELECT abalance FROM pgbench_accounts WHERE aid = 5;\n"
      "UPDATE pgbench_tellers SET tbalance = tbalance + 17 WHERE tid = 2;\n"
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (2, 1, 5, 17, "
      "CURRENT_TIMESTAMP);\n"
      "END;\n";
  std::vector<std::string> all = testing::SexpAll(script);
  CHECK(all == std::vector<std::string>{
                   "(begin)", "(update TABLE pgbench_accounts)",
                   "(select (targets abalance) (from (table pgbench_accounts)) (where (= aid 5)))",
                   "(update TABLE pgbench_tellers)",
                   "(insert pgbench_history (columns tid bid aid delta mtime) (values (2 1 5 17 "
                   "CURRENT_TIMESTAMP)))",
                   "(commit)"});
}

}  // namespace
}  // namespace blockdb::sql
