// Rejected input: syntax errors with PostgreSQL's messages and positions, lexical errors, invalid
// UTF-8, nesting limits, and garbage that must never crash the parser.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "parse_helpers.h"

namespace blockdb::sql {
namespace {

using testing::Failure;
using testing::ParseFailure;

void CheckFailure(const char* sql, const char* sqlstate, const char* message, int position) {
  const ParseFailure f = Failure(sql);
  CHECK_MESSAGE(f.sqlstate == sqlstate, sql);
  CHECK_MESSAGE(f.message == message, sql);
  CHECK_MESSAGE(f.position == position, sql);
}

TEST_CASE("parser errors: syntax errors name the token and its position like PostgreSQL") {
  CheckFailure("SELECT * FORM t", "42601", "syntax error at or near \"FORM\"", 10);
  CheckFailure("SELEC 1", "42601", "syntax error at or near \"SELEC\"", 1);
  CheckFailure("SELECT 1 +", "42601", "syntax error at end of input", 11);
  CheckFailure("SELECT 1 +   ", "42601", "syntax error at end of input", 14);
  CheckFailure("SELECT a FROM t WHERE a = = 1", "42601", "syntax error at or near \"=\"", 27);
  CheckFailure("SELECT 1; SELECT 2 FROM; SELECT 3", "42601", "syntax error at or near \";\"", 24);
  CheckFailure("SELECT 'a' 'b'", "42601", "syntax error at or near \"'b'\"", 12);
  CheckFailure("SELECT 1 2", "42601", "syntax error at or near \"2\"", 10);
  CheckFailure("SELECT (1", "42601", "syntax error at end of input", 10);
  CheckFailure("SELECT 1)", "42601", "syntax error at or near \")\"", 9);
  CheckFailure("INSERT INTO t VALUES", "42601", "syntax error at end of input", 21);
  CheckFailure("CREATE TABLE (a int)", "42601", "syntax error at or near \"(\"", 14);
  CheckFailure("SELECT `", "42601", "syntax error at or near \"`\"", 8);
  CheckFailure("SELECT 1 \\ 2", "42601", "syntax error at or near \"\\\"", 10);
  CheckFailure("SELECT $x", "42601", "syntax error at or near \"$\"", 8);
  CheckFailure("FROB", "42601", "syntax error at or near \"FROB\"", 1);
  CheckFailure("\n\n  SELECT * FROM\n", "42601", "syntax error at end of input", 19);
}

TEST_CASE("parser errors: lexical errors") {
  CheckFailure("SELECT 'abc", "42601", "unterminated quoted string at or near \"'abc\"", 8);
  CheckFailure("SELECT E'abc\\'", "42601", "unterminated quoted string at or near \"E'abc\\'\"", 8);
  CheckFailure("SELECT \"abc", "42601", "unterminated quoted identifier at or near \"\"abc\"", 8);
  CheckFailure("SELECT $$abc", "42601", "unterminated dollar-quoted string at or near \"$$abc\"",
               8);
  CheckFailure("SELECT $a$ x $b$", "42601",
               "unterminated dollar-quoted string at or near \"$a$ x $b$\"", 8);
  CheckFailure("SELECT 1 /* abc", "42601", "unterminated /* comment at or near \"/* abc\"", 10);
  CheckFailure("SELECT 1 /* a /* b */", "42601",
               "unterminated /* comment at or near \"/* a /* b */\"", 10);
  CheckFailure("SELECT B'01", "42601", "unterminated bit string literal at or near \"B'01\"", 8);
  CheckFailure("SELECT N'01", "42601", "unterminated quoted string at or near \"N'01\"", 8);
  CheckFailure("SELECT U&'d\\zz'", "42601", "invalid Unicode escape", 12);
  CheckFailure("SELECT U&\"x\" FROM t", "42601", "syntax error at or near \"U&\"x\"\"", 8);
  CheckFailure("SELECT x'1f", "42601",
               "unterminated hexadecimal string literal at or near \"x'1f\"", 8);
  CheckFailure("SELECT 1e", "42601", "trailing junk after numeric literal at or near \"1e\"", 8);
  CheckFailure("SELECT 123abc", "42601",
               "trailing junk after numeric literal at or near \"123abc\"", 8);
  CheckFailure("SELECT \"\"", "42601", "zero-length delimited identifier at or near \"\"\"\"", 8);
  CheckFailure("SELECT B'012'", "22P02", "\"2\" is not a valid binary digit", 8);
  CheckFailure("SELECT X'1G'", "22P02", "\"G\" is not a valid hexadecimal digit", 8);
  CheckFailure("SELECT E'ab\\u12'", "22025", "invalid Unicode escape", 12);
  CheckFailure("SELECT E'\\uD83D'", "42601", "invalid Unicode surrogate pair at or near \"'\"", 16);
  CheckFailure("SELECT E'\\uDE00'", "42601",
               "invalid Unicode surrogate pair at or near \"\\uDE00\"", 10);
  CheckFailure("SELECT E'é\\u0000'", "42601", "invalid Unicode escape value at or near \"\\u0000\"",
               11);
  CheckFailure("SELECT E'\\xff'", "22021", "invalid byte sequence for encoding \"UTF8\": 0xff", 0);
  CheckFailure("SELECT $2147483648", "42P02", "there is no parameter $2147483648", 8);
  CheckFailure("SELECT x::varchar(99999999999)", "42601", "syntax error at or near \"99999999999\"",
               19);
  CheckFailure("SELECT 1::float(0)", "22023", "precision for type float must be at least 1 bit",
               17);
}

TEST_CASE("parser errors: invalid UTF-8 and NUL are rejected before parsing") {
  for (const std::string& sql : {std::string("SELECT '\xff'"), std::string("SELECT '\xc3\x28'"),
                                 std::string("SELECT '\xed\xa0\x80'"),  // a surrogate
                                 std::string("SELECT '\xc0\xaf'"),      // overlong
                                 std::string("SELECT 1\0", 9), std::string("SELECT '\xe2\x82")}) {
    int position = -1;
    Result<std::vector<StatementPtr>> parsed = Parse(sql, &position);
    REQUIRE(!parsed.ok());
    CHECK(parsed.status().sqlstate() == "22021");
    CHECK(parsed.status().message().rfind("invalid byte sequence for encoding \"UTF8\": 0x", 0) ==
          0);
    CHECK(position == 0);
  }
  CHECK(Failure("SELECT '\xc3\x28'").message ==
        "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");
}

std::string Repeat(std::string_view piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += piece;
  }
  return out;
}

TEST_CASE("parser errors: deep nesting fails with 54001 instead of exhausting the stack") {
  const int n = 10000;
  const std::vector<std::string> deep = {
      "SELECT " + Repeat("(", n) + "1" + Repeat(")", n),
      "SELECT " + Repeat("NOT ", n) + "true",
      "SELECT " + Repeat("- ", n) + "1",
      "SELECT " + Repeat("~", n) + "1",
      "SELECT " + Repeat("OPERATOR(pg_catalog.-) ", n) + "1",
      "SELECT " + Repeat("ARRAY[", n) + "1" + Repeat("]", n),
      "SELECT " + Repeat("CASE WHEN ", n) + "x" + Repeat(" THEN 1 END", n),
      "SELECT " + Repeat("(SELECT ", n) + "1" + Repeat(")", n),
      "SELECT " + Repeat("f(", n) + "1" + Repeat(")", n),
      "SELECT a" + Repeat("[a", n) + Repeat("]", n),
      "SELECT * FROM " + Repeat("(", n) + "t" + Repeat(")", n),
      "SELECT 1 IN " + Repeat("(", n) + "1" + Repeat(")", n),
      Repeat("(", n) + "SELECT 1" + Repeat(")", n),
      "SELECT 1" + Repeat(" + 1", 100000),
      "SELECT x" + Repeat("::int", 100000),
      "SELECT * FROM t" + Repeat(" JOIN t ON true", 20000),
      Repeat("SELECT 1 UNION ", 20000) + "SELECT 1",
  };
  for (const std::string& sql : deep) {
    const ParseFailure f = Failure(sql);
    CHECK_MESSAGE(f.sqlstate == "54001", sql.substr(0, 60));
    CHECK(f.message.rfind("statement too complex", 0) == 0);
    CHECK(f.position > 0);
  }
}

TEST_CASE("parser errors: nesting within the limits still parses") {
  CHECK(testing::Parses("SELECT " + Repeat("(", 200) + "1" + Repeat(")", 200)));
  CHECK(testing::Parses("SELECT " + Repeat("NOT ", 200) + "true"));
  CHECK(testing::Parses("SELECT 1" + Repeat(" + 1", 900)));
  CHECK(testing::Parses(Repeat("SELECT 1 UNION ALL ", 900) + "SELECT 1"));
  // AND/OR chains become one n-ary node, so ORM-sized OR lists have no depth limit.
  std::string ors = "SELECT * FROM t WHERE a = 0";
  for (int i = 1; i < 5000; ++i) {
    ors += " OR (a = " + std::to_string(i) + " AND b = 'x')";
  }
  Result<std::vector<StatementPtr>> parsed = Parse(ors);
  REQUIRE(parsed.ok());
  const auto& where = *parsed->front()->As<SelectStmt>().query->body->As<SelectBody>().where;
  CHECK(where.As<BoolExpr>().args.size() == 5000);
  std::string in_list = "SELECT 1 WHERE a IN (0";
  for (int i = 1; i < 20000; ++i) {
    in_list += ',';
    in_list += std::to_string(i);
  }
  CHECK(testing::Parses(in_list + ")"));
}

// Token soup from a vocabulary that reaches most grammar rules. Every input must come back as a
// parse or as an error with a SQLSTATE; a crash or an escaped exception fails the whole binary.
TEST_CASE("parser errors: random token soup never crashes") {
  const std::vector<std::string> vocabulary = {
      "SELECT",   "FROM",    "WHERE",  "(",       ")",         "[",       "]",         ",",
      ";",        ".",       "*",      "+",       "-",         "/",       "::",        "=",
      "<>",       "<",       "AND",    "OR",      "NOT",       "IS",      "NULL",      "IN",
      "LIKE",     "BETWEEN", "CASE",   "WHEN",    "THEN",      "ELSE",    "END",       "JOIN",
      "ON",       "AS",      "OF",     "BLOCK",   "ORDER",     "BY",      "GROUP",     "LIMIT",
      "UNION",    "ALL",     "INSERT", "INTO",    "VALUES",    "DEFAULT", "CREATE",    "TABLE",
      "INDEX",    "int",     "text",   "PRIMARY", "KEY",       "WITH",    "RECURSIVE", "ARRAY",
      "ROW",      "EXISTS",  "ANY",    "OVER",    "PARTITION", "FILTER",  "t",         "a",
      "b",        "\"Q\"",   "1",      "2.5",     "'s'",       "E'\\n'",  "$$d$$",     "$1",
      "OPERATOR", "~",       "||",     "COLLATE", "AT",        "TIME",    "ZONE",      "INTERVAL",
      "'1'",      "DAY",     "TO",     "SET",     "SHOW",      "BEGIN",   "COMMIT",    "COPY",
      "STDIN",    "EXPLAIN", "VERIFY", "CHAIN",   "/*x*/",     "--c\n",   "'",         "\"",
      "$",        "/*",      "é"};
  std::mt19937 rng(20240601);
  for (int round = 0; round < 3000; ++round) {
    std::string sql;
    const int length = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < length; ++i) {
      sql += vocabulary[rng() % vocabulary.size()];
      sql += ' ';
    }
    int position = -1;
    Result<std::vector<StatementPtr>> parsed = Parse(sql, &position);
    if (!parsed.ok()) {
      CHECK_MESSAGE(!parsed.status().sqlstate().empty(), sql);
      CHECK_MESSAGE(parsed.status().sqlstate() != "XX000", sql);
      CHECK_MESSAGE(position >= 0, sql);
      CHECK_MESSAGE(position <= static_cast<int>(sql.size()) + 1, sql);
    } else {
      for (const StatementPtr& s : *parsed) {
        CHECK(!ToSexp(*s).empty());
      }
    }
  }
}

TEST_CASE("parser errors: every prefix and random byte flips of a real query") {
  const std::string query =
      "WITH x(a) AS (SELECT 1) SELECT n.nspname AS \"Schema\", count(*) FILTER (WHERE c.relkind "
      "IN ('r','p')) OVER (PARTITION BY n.oid), E'\\t' || $$q$$, x.a::text[] FROM "
      "pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace, x "
      "WHERE c.relname OPERATOR(pg_catalog.~) '^t$' COLLATE pg_catalog.default AND NOT "
      "c.relispartition /* c */ ORDER BY 1 LIMIT 10; INSERT INTO t VALUES (1, DEFAULT) RETURNING *";
  REQUIRE(testing::Parses(query));
  for (size_t len = 0; len <= query.size(); ++len) {
    Result<std::vector<StatementPtr>> parsed = Parse(query.substr(0, len));
    CHECK(parsed.status().sqlstate() != "XX000");
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 1000; ++round) {
    std::string mutated = query;
    for (int k = 0; k < 3; ++k) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng() % 256);
    }
    Result<std::vector<StatementPtr>> parsed = Parse(mutated);
    CHECK(parsed.status().sqlstate() != "XX000");
  }
}

TEST_CASE("parser errors: concurrency: threads parse at once and agree") {
  const std::vector<std::string> queries = {
      "SELECT a, b FROM t WHERE a BETWEEN 1 AND 2 ORDER BY b DESC",
      "INSERT INTO t (a) VALUES (1), (2) ON CONFLICT (a) DO NOTHING",
      "SELECT x = ANY(ARRAY[1,2]) FROM generate_series(1, 3) AS g(x)",
      "WITH RECURSIVE r AS (SELECT 1 UNION ALL SELECT 2) SELECT * FROM r AS OF BLOCK 3",
      "SELECT 1 +",
      "COPY t FROM STDIN WITH (FORMAT csv)"};
  std::vector<std::string> expected;
  for (const std::string& q : queries) {
    expected.push_back(testing::SexpAll(q).front());
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < queries.size(); ++i) {
          if (testing::SexpAll(queries[i]).front() != expected[i]) {
            ++mismatches[t];
          }
        }
      }
    });
  }
  for (std::thread& th : threads) {
    th.join();
  }
  CHECK(mismatches == std::vector<int>(4, 0));
}

}  // namespace
}  // namespace blockdb::sql
