// Helpers shared by the parser tests: parse and render as S-expressions, or capture the error.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"
#include "sql/parser.h"

namespace blockdb::sql::testing {

// All statements of `sql` rendered by ToSexp, or "ERROR <sqlstate> <message> @<position>".
inline std::vector<std::string> SexpAll(std::string_view sql) {
  int position = -1;
  Result<std::vector<StatementPtr>> parsed = Parse(sql, &position);
  if (!parsed.ok()) {
    return {"ERROR " + parsed.status().sqlstate() + " " + parsed.status().message() + " @" +
            std::to_string(position)};
  }
  std::vector<std::string> out;
  for (const StatementPtr& s : *parsed) {
    out.push_back(ToSexp(*s));
  }
  return out;
}

// The single statement of `sql` rendered by ToSexp (or the error, as in SexpAll).
inline std::string Sexp(std::string_view sql) {
  std::vector<std::string> all = SexpAll(sql);
  REQUIRE_MESSAGE(all.size() == 1, "statements: " << all.size() << " for " << sql);
  return all[0];
}

// The expression `expr` rendered by ToSexp, parsed as the only target of a SELECT.
inline std::string Expr(std::string_view expr) {
  const std::string sql = "SELECT " + std::string(expr);
  Result<std::vector<StatementPtr>> parsed = Parse(sql);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString() << " for " << sql);
  REQUIRE(parsed->size() == 1);
  const auto& select = parsed->front()->As<SelectStmt>();
  const auto& body = select.query->body->As<SelectBody>();
  REQUIRE(body.targets.size() == 1);
  return ToSexp(*body.targets[0].expr);
}

struct ParseFailure {
  std::string sqlstate;
  std::string message;
  int position = 0;
};

// The error `sql` is rejected with; fails the test if it parses.
inline ParseFailure Failure(std::string_view sql) {
  int position = -1;
  Result<std::vector<StatementPtr>> parsed = Parse(sql, &position);
  REQUIRE_MESSAGE(!parsed.ok(), "expected an error for " << sql);
  return {parsed.status().sqlstate(), parsed.status().message(), position};
}

// True if `sql` parses.
inline bool Parses(std::string_view sql) { return Parse(sql).ok(); }

}  // namespace blockdb::sql::testing
