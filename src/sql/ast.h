// BlockDB's SQL abstract syntax tree: include this header for the whole AST.
//
//   ast_expr.h   expressions, type names, ORDER BY items, window specifications
//   ast_query.h  queries, FROM items, WITH
//   ast_stmt.h   statements
//
// sql/parser.h builds the tree from SQL text. The functions below render it as S-expressions,
// a stable one-line form for tests and debugging (not SQL, not a storage format):
//
//   SELECT a + 1 AS x FROM t WHERE b IS NULL
//   => (select (targets (as (+ a 1) x)) (from (table t)) (where (IS NULL b)))
//
// Identifiers print bare when they are plain lower-case words and double-quoted otherwise; string
// literals print in single quotes with '' doubling; operators print as their symbol; function
// calls as (call name args...); casts as (:: arg type).
#pragma once

#include <string>
#include <string_view>

#include "sql/ast_expr.h"
#include "sql/ast_query.h"
#include "sql/ast_stmt.h"

namespace blockdb::sql {

std::string ToSexp(const Expr& expr);
std::string ToSexp(const Query& query);
std::string ToSexp(const QueryBody& body);
std::string ToSexp(const FromItem& item);
std::string ToSexp(const Statement& statement);

// `name` as the printer writes identifiers: bare if it matches [a-z_][a-z0-9_$]*, else quoted
// with embedded double quotes doubled.
std::string QuoteIdentifierIfNeeded(std::string_view name);

}  // namespace blockdb::sql
