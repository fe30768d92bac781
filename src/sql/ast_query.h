// BlockDB's SQL AST: queries (SELECT, VALUES, set operations, WITH) and FROM items.
//
// Conventions (positions, name folding, depth bound) are those of ast_expr.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/check.h"
#include "sql/ast_expr.h"

namespace blockdb::sql {

// A table (or other relation) name: [[catalog.]schema.]name.
struct QualifiedName {
  std::string catalog;
  std::string schema;
  std::string name;
  int position = 0;

  std::string ToString() const;  // "name", "schema.name" or "catalog.schema.name"
};

// AS name [(col, ...)] after a FROM item.
struct Alias {
  std::string name;
  std::vector<std::string> columns;

  bool empty() const { return name.empty(); }
};

enum class FromKind : uint8_t { kTable, kSubquery, kFunction, kJoin };

// Base of the FROM-clause items. Use Is<T>() / As<T>() as for Expr.
struct FromItem : KindedNode<FromKind> {
  using KindedNode::KindedNode;

  Alias alias;
};
using FromItemPtr = std::unique_ptr<FromItem>;

// t, ONLY t, t AS OF BLOCK n.
struct TableRef : FromItem {
  static constexpr FromKind kKind = FromKind::kTable;
  explicit TableRef(int pos) : FromItem(kKind, pos) {}

  QualifiedName name;
  bool only = false;
  ExprPtr as_of_block;  // BlockDB time travel; null for the current state
};

// (SELECT ...) [AS] alias, optionally LATERAL.
struct SubqueryRef : FromItem {
  static constexpr FromKind kKind = FromKind::kSubquery;
  explicit SubqueryRef(int pos);
  ~SubqueryRef() override;

  std::unique_ptr<Query> query;
  bool lateral = false;
};

// generate_series(1, 10) [WITH ORDINALITY] [AS] alias, optionally LATERAL. PostgreSQL also
// allows the SQL-syntax functions here (FROM CURRENT_DATE, FROM coalesce(a, b)).
struct FunctionRef : FromItem {
  static constexpr FromKind kKind = FromKind::kFunction;
  explicit FunctionRef(int pos) : FromItem(kKind, pos) {}

  ExprPtr function;  // a FunctionExpr, or an SqlValueExpr for CURRENT_DATE and friends
  bool lateral = false;
  bool with_ordinality = false;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };

// left [NATURAL] {INNER|LEFT|RIGHT|FULL|CROSS} JOIN right [ON cond | USING (cols) [AS name]].
// A comma in FROM is not a join node: SelectBody::from lists the items.
struct JoinRef : FromItem {
  static constexpr FromKind kKind = FromKind::kJoin;
  explicit JoinRef(int pos) : FromItem(kKind, pos) {}

  JoinType join_type = JoinType::kInner;
  bool natural = false;
  FromItemPtr left;
  FromItemPtr right;
  ExprPtr on;                              // null for CROSS, NATURAL and USING joins
  std::vector<std::string> using_columns;  // USING (a, b)
  std::string using_alias;                 // USING (a) AS j
};

// One entry of a target list or RETURNING clause: expr [AS alias], * or t.* (a StarExpr).
struct TargetItem {
  ExprPtr expr;
  std::string alias;  // "" when none was written
  int position = 0;
};

// WINDOW name AS (spec).
struct WindowDef {
  std::string name;
  WindowSpec spec;
  int position = 0;
};

enum class QueryBodyKind : uint8_t { kSelect, kValues, kSetOperation, kNested };

// The part of a query before ORDER BY/LIMIT: a SELECT, a VALUES list, a set operation, or a
// parenthesized query that has its own ORDER BY/LIMIT/WITH/locking.
struct QueryBody : KindedNode<QueryBodyKind> {
  using KindedNode::KindedNode;
};
using QueryBodyPtr = std::unique_ptr<QueryBody>;

// SELECT [DISTINCT [ON (...)]] targets [FROM ...] [WHERE ...] [GROUP BY ...] [HAVING ...]
// [WINDOW ...]. `TABLE t` is parsed as SELECT * FROM t.
struct SelectBody : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kSelect;
  explicit SelectBody(int pos) : QueryBody(kKind, pos) {}

  bool distinct = false;
  std::vector<ExprPtr> distinct_on;  // DISTINCT ON (...); implies distinct
  std::vector<TargetItem> targets;   // may be empty (SELECT FROM t is valid PostgreSQL)
  std::vector<FromItemPtr> from;     // comma-separated items
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  bool group_by_distinct = false;  // GROUP BY DISTINCT
  ExprPtr having;
  std::vector<WindowDef> windows;
};

// VALUES (...), (...). Rows may contain DefaultExpr (meaningful only in INSERT).
struct ValuesBody : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kValues;
  explicit ValuesBody(int pos) : QueryBody(kKind, pos) {}

  std::vector<std::vector<ExprPtr>> rows;
};

enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };

// left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right. Chains are left-deep.
struct SetOperationBody : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kSetOperation;
  SetOperationBody(int pos, SetOpKind o) : QueryBody(kKind, pos), op(o) {}

  SetOpKind op;
  bool all = false;
  QueryBodyPtr left;
  QueryBodyPtr right;
};

// (query) inside a set operation when the parenthesized query has its own WITH, ORDER BY, LIMIT,
// OFFSET or locking clause; plain parentheses leave no node.
struct NestedQueryBody : QueryBody {
  static constexpr QueryBodyKind kKind = QueryBodyKind::kNested;
  explicit NestedQueryBody(int pos);
  ~NestedQueryBody() override;

  std::unique_ptr<Query> query;
};

// name [(cols)] AS [[NOT] MATERIALIZED] (query).
struct CommonTableExpr {
  std::string name;
  std::vector<std::string> columns;
  std::optional<bool> materialized;  // unset when neither MATERIALIZED nor NOT MATERIALIZED
  std::unique_ptr<Query> query;
  int position = 0;

  CommonTableExpr();
  CommonTableExpr(CommonTableExpr&&) noexcept;
  CommonTableExpr& operator=(CommonTableExpr&&) noexcept;
  ~CommonTableExpr();
};

struct WithClause {
  bool recursive = false;
  std::vector<CommonTableExpr> ctes;
  int position = 0;
};

enum class LockStrength : uint8_t { kUpdate, kNoKeyUpdate, kShare, kKeyShare };
enum class LockWait : uint8_t { kBlock, kNoWait, kSkipLocked };

// FOR UPDATE/SHARE... [OF t, ...] [NOWAIT | SKIP LOCKED]. FOR READ ONLY leaves no clause.
struct LockingClause {
  LockStrength strength = LockStrength::kUpdate;
  std::vector<QualifiedName> tables;
  LockWait wait = LockWait::kBlock;
  int position = 0;
};

// A complete query: [WITH ...] body [ORDER BY ...] [LIMIT | FETCH FIRST] [OFFSET] [FOR ...].
// LIMIT ALL leaves limit null. FETCH FIRST ROWS ONLY without a count sets limit to 1.
struct Query {
  std::unique_ptr<WithClause> with;
  QueryBodyPtr body;
  std::vector<SortItem> order_by;
  ExprPtr limit;
  bool limit_with_ties = false;  // FETCH FIRST n ROWS WITH TIES
  ExprPtr offset;
  std::vector<LockingClause> locking;
  int position = 0;
};

}  // namespace blockdb::sql
