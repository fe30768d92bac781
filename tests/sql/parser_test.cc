// The parser's API and lexical layer: statement splitting, source spans, literals, identifiers,
// comments, keywords used as names.
#include <doctest/doctest.h>

#include "parse_helpers.h"
#include "sql/parser.h"

namespace blockdb::sql {
namespace {

using testing::Expr;
using testing::Failure;
using testing::Sexp;
using testing::SexpAll;

TEST_CASE("parser: empty and comment-only strings give no statements") {
  for (const char* sql : {"", "   ", ";", " ; ;; ", "-- only a comment", "/* block */",
                          "/* a /* nested */ comment */ ; -- and more\n"}) {
    Result<std::vector<StatementPtr>> parsed = Parse(sql);
    REQUIRE_MESSAGE(parsed.ok(), sql);
    CHECK_MESSAGE(parsed->empty(), sql);
  }
}

TEST_CASE("parser: several statements, empty ones dropped, each with its span and text") {
  const std::string sql = "  SELECT 1;;\n -- c\n select 'a;b' ; /* x */ SHOW ALL  ";
  Result<std::vector<StatementPtr>> parsed = Parse(sql);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 3);
  CHECK((*parsed)[0]->kind == StatementKind::kSelect);
  CHECK((*parsed)[0]->text == "SELECT 1");
  CHECK((*parsed)[0]->position == 3);
  CHECK((*parsed)[0]->span.begin == 2);
  CHECK((*parsed)[0]->span.end == 10);
  CHECK((*parsed)[1]->text == "select 'a;b'");
  CHECK((*parsed)[1]->position == 21);
  CHECK((*parsed)[2]->kind == StatementKind::kShow);
  CHECK((*parsed)[2]->text == "SHOW ALL");
  CHECK(sql.substr((*parsed)[2]->span.begin, 8) == "SHOW ALL");
}

TEST_CASE("parser: positions count characters, spans count bytes") {
  // 'é' is two bytes but one character, as in PostgreSQL's error positions.
  const std::string sql = "SELECT 'é'; SELECT x";
  Result<std::vector<StatementPtr>> parsed = Parse(sql);
  REQUIRE(parsed.ok());
  const Statement& second = *(*parsed)[1];
  CHECK(second.position == 13);
  CHECK(second.span.begin == 13);
  CHECK(second.text == "SELECT x");
  const auto& target = second.As<SelectStmt>().query->body->As<SelectBody>().targets[0];
  CHECK(target.expr->position == 20);
  CHECK(Failure("SELECT 'é' +").position == 13);
}

TEST_CASE("parser: SplitStatements respects quotes, dollar quotes and comments") {
  const std::string sql =
      "insert into t values ('a;b'); select $$;$$ /* ; */ -- ;\n; ; select \"x;\"";
  Result<std::vector<StatementText>> parts = SplitStatements(sql);
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 3);
  CHECK((*parts)[0].text == "insert into t values ('a;b')");
  CHECK((*parts)[1].text == "select $$;$$");
  CHECK((*parts)[2].text == "select \"x;\"");
  CHECK((*parts)[2].position == 61);
  CHECK(SplitStatements("").value().empty());

  int position = 0;
  Result<std::vector<StatementText>> bad = SplitStatements("select 1; select 'oops", &position);
  REQUIRE(!bad.ok());
  CHECK(bad.status().sqlstate() == "42601");
  CHECK(bad.status().message() == "unterminated quoted string at or near \"'oops\"");
  CHECK(position == 18);
}

TEST_CASE("parser: numeric literals keep their text, big integers stay exact") {
  CHECK(Expr("42") == "42");
  CHECK(Expr("123456789012345678901234567890") == "123456789012345678901234567890");
  CHECK(Expr("1.5") == "1.5");
  CHECK(Expr(".5") == ".5");
  CHECK(Expr("1.") == "1.");
  CHECK(Expr("1e10") == "1e10");
  CHECK(Expr("1.5E-3") == "1.5E-3");
  CHECK(Expr("-7") == "-7");  // folded into the constant, as PostgreSQL does
  CHECK(Expr("- -7") == "7");
  CHECK(Expr("-9223372036854775808") == "-9223372036854775808");
  CHECK(Expr("+7") == "(+ 7)");
  CHECK(Expr("$1") == "$1");
  CHECK(Expr("$12") == "$12");
}

TEST_CASE("parser: string literals: quotes, escapes, dollar quoting, bit strings") {
  CHECK(Expr("'it''s'") == "'it''s'");
  CHECK(Expr("''") == "''");
  CHECK(Expr("'back\\slash'") == "'back\\slash'");  // standard_conforming_strings
  CHECK(Expr("E'a\\nb\\tc\\\\d\\'e'") == "'a\nb\tc\\d''e'");
  CHECK(Expr("e'\\101\\x42\\u0043\\U00000044'") == "'ABCD'");
  CHECK(Expr("E'\\q'") == "'q'");
  CHECK(Expr("E'caf\\u00e9'") == "'café'");
  CHECK(Expr("E'\\uD83D\\uDE00'") == "'\xF0\x9F\x98\x80'");
  CHECK(Expr("$$it's $ \"raw\"$$") == "'it''s $ \"raw\"'");
  CHECK(Expr("$fn$ a $$ b $fn$") == "' a $$ b '");
  CHECK(Expr("$a$x$ab$y$a$") == "'x$ab$y'");
  CHECK(Expr("B'0101'") == "B'0101'");
  CHECK(Expr("X'1F'") == "B'00011111'");
  CHECK(Expr("TRUE") == "TRUE");
  CHECK(Expr("false") == "FALSE");
  CHECK(Expr("NULL") == "NULL");
  CHECK(Expr("'multi\nline'") == "'multi\nline'");
}

TEST_CASE("parser: identifiers fold to lower case unless quoted") {
  CHECK(Expr("MyCol") == "mycol");
  CHECK(Expr("\"MyCol\"") == "\"MyCol\"");
  CHECK(Expr("\"with \"\"quote\"\"\"") == "\"with \"\"quote\"\"\"");
  CHECK(Expr("T.Col") == "t.col");
  CHECK(Expr("s.t.c") == "s.t.c");
  CHECK(Expr("db.s.t.c") == "db.s.t.c");
  CHECK(Expr("\"Quoted\".\"Names\"") == "\"Quoted\".\"Names\"");
  CHECK(Expr("ÄÖü") == "\"ÄÖü\"");  // only ASCII letters fold
  CHECK(Expr("_x$1") == "_x$1");
  // Identifiers longer than 63 bytes are truncated, as in PostgreSQL.
  const std::string longname(70, 'a');
  CHECK(Expr(longname) == std::string(63, 'a'));
}

TEST_CASE("parser: keywords PostgreSQL allows as names") {
  CHECK(Sexp("SELECT name, type, key, value, level, data, text, date, status, index, timestamp "
             "FROM t") ==
        "(select (targets name type key value level data text date status index timestamp) "
        "(from (table t)))");
  CHECK(Sexp("CREATE TABLE events (name text, type int, key text, value jsonb, level int, "
             "data bytea, timestamp timestamptz, date date, status text, comment text)") ==
        "(create-table events (column name text) (column type int4) (column key text) "
        "(column value jsonb) (column level int4) (column data bytea) (column timestamp "
        "timestamptz) (column date date) (column status text) (column comment text))");
  CHECK(Sexp("SELECT t.user, t.select FROM t") ==
        "(select (targets t.user t.select) (from (table t)))");
  CHECK(Sexp("SELECT 1 AS user, 2 AS from, 3 select, 4 \"Order\"") ==
        "(select (targets (as 1 user) (as 2 from) (as 3 select) (as 4 \"Order\")))");
  CHECK(Sexp("SELECT * FROM verify, block, chain") ==
        "(select (targets *) (from (table verify) (table block) (table chain)))");
  CHECK(Expr("user") == "USER");  // reserved: means CURRENT_USER
  CHECK(Expr("left(name, 2)") == "(call left name 2)");
  CHECK(Failure("SELECT 1 day").message == "syntax error at or near \"day\"");
  CHECK(Failure("SELECT * FROM select").message == "syntax error at or near \"select\"");
  CHECK(Failure("CREATE TABLE t (user int)").message == "syntax error at or near \"user\"");
}

TEST_CASE("parser: comments anywhere, nested block comments") {
  CHECK(Sexp("SELECT /* a /* b */ c */ 1 -- trailing") == "(select (targets 1))");
  CHECK(Sexp("SELECT 1 --\n+ 2") == "(select (targets (+ 1 2)))");
  CHECK(Sexp("SELECT 1/*x*/+/*y*/2") == "(select (targets (+ 1 2)))");
  CHECK(Sexp("SELECT 2 - -1 -->\n") == "(select (targets (- 2 -1)))");
}

TEST_CASE("parser: statement kinds and their names") {
  CHECK(StatementKindName(StatementKind::kCreateTable) == "CREATE TABLE");
  CHECK(StatementKindName(StatementKind::kVerifyChain) == "VERIFY CHAIN");
  Result<std::vector<StatementPtr>> parsed = Parse("UPDATE t SET a = 1");
  REQUIRE(parsed.ok());
  CHECK(parsed->front()->Is<OpaqueStmt>());
  CHECK_FALSE(parsed->front()->Is<SelectStmt>());
  CHECK(parsed->front()->As<OpaqueStmt>().targets.at(0).name == "t");
}

}  // namespace
}  // namespace blockdb::sql
