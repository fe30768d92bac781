// The literal-INSERT fast path (sql/internal/literal_insert.h): which statements it takes, that
// each gives the same AST as the full parser (SameLiteralInsert: positions, span, text, every
// cell), and that everything else is left to the full parser.
#include "sql/internal/literal_insert.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "sql/parser.h"

namespace blockdb::sql::internal {
namespace {

// The fast path's statement for `sql`, or null when it declines. Its prefix is parsed by Parse,
// which is the full parser for every prefix (a prefix ends in VALUES (DEFAULT), never in literal
// rows the fast path would take).
StatementPtr Fast(std::string_view sql) {
  Result<DecodedText> decoded = DecodeUtf8(sql);
  REQUIRE(decoded.ok());
  std::optional<StatementPtr> out =
      ParseLiteralInsert(sql, *decoded, [](std::string_view text) { return Parse(text); });
  return out.has_value() ? std::move(*out) : nullptr;
}

void CheckTaken(std::string_view sql) {
  CAPTURE(sql);
  StatementPtr fast = Fast(sql);
  REQUIRE(fast != nullptr);
  // Parse runs the fast path as well; the cross-check (on in this binary) parses the text in full
  // and aborts on any difference. Compare explicitly too.
  Result<std::vector<StatementPtr>> parsed = Parse(sql);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  CHECK(SameLiteralInsert(*fast, *(*parsed)[0]));
}

TEST_CASE("literal insert: constant rows take the fast path and match the full parser") {
  for (const char* sql : {
           "INSERT INTO t VALUES (1)",
           "insert into t values (1, 'a'), (2, 'b');",
           "  INSERT INTO s.t (a, \"B c\", d) VALUES (-1, 2.5, NULL)  ;  ",
           "INSERT INTO t VALUES (- 7, -.5, 5., .25, 0.000, 123456789012345678901234567890)",
           "INSERT INTO t VALUES ('it''s', '', '''', 'a\\b', 'line\nbreak')",
           "INSERT INTO t VALUES ('caf\xc3\xa9 \xe2\x82\xac', 1), ('\xf0\x9f\x98\x80', 2)",
           "InSeRt InTo t VaLuEs (TRUE, false, Null, DEFAULT)",
           "INSERT INTO t AS x (a) VALUES(1),(2)\n,\t(3)",
           "INSERT INTO t OVERRIDING SYSTEM VALUE VALUES (1)",
           "INSERT INTO \"values\" (\"values\") VALUES (1)",
       }) {
    CheckTaken(sql);
  }
}

TEST_CASE("literal insert: anything else is left to the full parser") {
  for (const char* sql : {
           "INSERT INTO t VALUES (1 + 1)",
           "INSERT INTO t VALUES (1::int)",
           "INSERT INTO t VALUES ($1)",
           "INSERT INTO t VALUES (1e5)",
           "INSERT INTO t VALUES (1.5e-3)",
           "INSERT INTO t VALUES (123abc)",
           "INSERT INTO t VALUES (1.2.3)",
           "INSERT INTO t VALUES (+1)",
           "INSERT INTO t VALUES (- -1)",
           "INSERT INTO t VALUES (--1\n)",
           "INSERT INTO t VALUES (E'a\\nb')",
           "INSERT INTO t VALUES (U&'\\0041')",
           "INSERT INTO t VALUES (B'101')",
           "INSERT INTO t VALUES ($$x$$)",
           "INSERT INTO t VALUES ('a'\n'b')",
           "INSERT INTO t VALUES ('a' 'b')",
           "INSERT INTO t VALUES ('unterminated)",
           "INSERT INTO t VALUES (now())",
           "INSERT INTO t VALUES (ARRAY[1])",
           "INSERT INTO t VALUES ((1))",
           "INSERT INTO t VALUES ()",
           "INSERT INTO t VALUES (1,)",
           "INSERT INTO t VALUES (1) RETURNING *",
           "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
           "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)",
           "INSERT INTO t VALUES (1);;",
           "INSERT INTO t VALUES (1) /* c */",
           "INSERT INTO t /* c */ VALUES (1)",
           "INSERT INTO t DEFAULT VALUES",
           "INSERT INTO t SELECT * FROM (VALUES (1)) v",
           "INSERT INTO t VALUES (1) UNION VALUES (2)",
           "WITH x AS (SELECT 1) INSERT INTO t VALUES (1)",
           "INSERT t VALUES (1)",
           "SELECT 1",
           "INSERT INTO t VALUES (nul)",
           "INSERT INTO t VALUES (NULL::text)",
       }) {
    CAPTURE(sql);
    CHECK(Fast(sql) == nullptr);
  }
}

TEST_CASE("literal insert: errors come from the full parser, with its positions") {
  int position = 0;
  // The prefix is not valid: the fast path declines and Parse reports the full parser's error.
  Result<std::vector<StatementPtr>> r = Parse("INSERT INTO t (a,, b) VALUES (1)", &position);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "42601");
  CHECK(position == 18);
  r = Parse("INSERT INTO t VALUES (1, 'x'", &position);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().sqlstate() == "42601");
}

// Random statements of constant rows, with random spacing, case and literals: every one is taken
// and matches the full parser (the cross-check in Parse compares them again).
TEST_CASE("literal insert: random constant rows match the full parser") {
  std::mt19937_64 rng(20261206);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> spaces = {"", " ", "  ", "\n", "\t", " \r\n "};
  auto space = [&] { return spaces[pick(spaces.size())]; };
  auto space1 = [&] { return spaces[1 + pick(spaces.size() - 1)]; };  // at least one character
  auto cased = [&](std::string word) {
    for (char& c : word) {
      if (pick(2) == 0 && c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      }
    }
    return word;
  };
  auto literal = [&]() -> std::string {
    switch (pick(8)) {
      case 0:
        return std::to_string(rng() % 100000);
      case 1:
        return "-" + space() + std::to_string(rng() % 1000);
      case 2:
        return std::to_string(rng() % 1000) + "." + std::to_string(rng() % 100);
      case 3: {
        std::string s = "'";
        for (size_t i = pick(12); i > 0; --i) {
          const char* parts[] = {"a", "''", " ", "\xc3\xa9", "\\", ",", ")", "(", "\n", "--"};
          s += parts[pick(10)];
        }
        return s + "'";
      }
      case 4:
        return cased("null");
      case 5:
        return cased(pick(2) == 0 ? "true" : "false");
      case 6:
        return cased("default");
      default:
        return "." + std::to_string(rng() % 1000);
    }
  };
  for (int n = 0; n < 400; ++n) {
    std::string sql = space() + cased("insert") + space1() + cased("into") + space1() + "t" + space1();
    if (pick(2) == 0) {
      sql += "(a," + space() + "b)" + space();
    }
    sql += cased("values");
    const size_t rows = 1 + pick(5);
    for (size_t r = 0; r < rows; ++r) {
      sql += (r > 0 ? "," : "") + space() + "(" + space();
      const size_t cells = 1 + pick(4);
      for (size_t c = 0; c < cells; ++c) {
        sql += (c > 0 ? space() + "," + space() : "") + literal();
      }
      sql += space() + ")";
    }
    if (pick(2) == 0) {
      sql += space() + ";" + space();
    }
    CheckTaken(sql);
  }
}

}  // namespace
}  // namespace blockdb::sql::internal
