// Evaluation of bound expressions (bound_expr.h) on one row, with SQL's three-valued logic and
// PostgreSQL's errors (22003 overflow, 22012 division by zero, 22P02 bad input...).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/exec/bound_expr.h"
#include "sql/types/value.h"

namespace blockdb::sql {
class Catalog;
}  // namespace blockdb::sql

namespace blockdb::sql::exec {

// What an expression may read besides its row. Owned by the statement; outlives evaluation.
struct EvalContext {
  const std::vector<Value>* params = nullptr;
  int64_t statement_time = 0;  // now(): microseconds since 2000-01-01 UTC, fixed per transaction
  std::string user;
  std::string database;
  std::string server_version;
  int32_t backend_pid = 0;
  // current_setting(name): the session's settings (null when none).
  std::function<std::optional<std::string>(std::string_view)> setting;
  // The database's catalog, for the catalog functions (null: they see no objects).
  const Catalog* catalog = nullptr;
  // The rows of the enclosing queries a running subquery reads (kOuterColumn), innermost last.
  mutable std::vector<const std::vector<Value>*> outer_rows;
};

Result<Value> Eval(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx);

// Evaluates a condition: true only for a non-NULL true (WHERE, HAVING, JOIN ON).
Result<bool> EvalCondition(const BoundExpr& e, const std::vector<Value>& row,
                           const EvalContext& ctx);

// Scalar functions (functions.cc). `args` are evaluated already.
Result<Value> EvalFunction(const BoundExpr& e, std::vector<Value>& args, const EvalContext& ctx);

// Catalog functions and regular expressions (catalog_functions.cc): Func::kRegexMatch and after.
Result<Value> EvalCatalogFunction(const BoundExpr& e, std::vector<Value>& args,
                                  const EvalContext& ctx);

// LIKE / ILIKE matching with PostgreSQL's rules: % any run, _ one character, `escape`
// (default backslash; "" for none) quotes the next character. 22025 for a pattern ending in the
// escape character.
Result<bool> LikeMatch(std::string_view text, std::string_view pattern,
                       std::optional<std::string_view> escape, bool case_insensitive);

// Microseconds since 2000-01-01 UTC now.
int64_t NowMicros();

}  // namespace blockdb::sql::exec
