// Binder: resolves the names and types of AST expressions against a scope of columns and turns
// them into bound expressions (bound_expr.h), with PostgreSQL's errors: 42703 undefined column,
// 42702 ambiguous column, 42883 undefined function or operator, 42804 datatype mismatch, 42803
// grouping errors, 0A000 for what BlockDB does not support. Errors carry the 1-based position of
// the offending node.
//
// Parameters ($n) take the type the client declared, else the type their context implies
// (`id = $1` on a BIGINT column, an INSERT target column), else text; the inferred types are
// written back to BindContext::param_types.
//
// Aggregation: with an AggregateScope set, the expression is bound "after grouping": a
// sub-expression equal to a GROUP BY expression reads that group key, an aggregate call reads
// its aggregate's result, and any other column reference is a 42803 error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/exec/bound_expr.h"
#include "sql/types/cast.h"

namespace blockdb::sql::exec {

// One column visible to expressions: a table column or a derived one.
struct ScopeColumn {
  std::string table;  // the alias (or table name) that qualifies it; "" for none
  std::string name;
  Type type;
  // The right side's copy of a USING/NATURAL join column: only a qualified name reaches it, and
  // * leaves it out.
  bool hidden = false;
  // The stored table column it reads (RowDescription's table OID and attribute number), or 0.
  uint32_t table_oid = 0;
  int16_t attnum = 0;
  // The PostgreSQL type RowDescription reports when it is not `type`'s: catalog arrays held in
  // their text form (int2vector, int2[]...) and records (see ResultColumn::type_oid); 0: none.
  uint32_t type_oid = 0;
};

struct Scope {
  std::vector<ScopeColumn> columns;
};

enum class AggFunc : uint8_t { kCountStar, kCount, kSum, kAvg, kMin, kMax, kBoolAnd, kBoolOr,
                               kStringAgg };

struct AggregateSpec {
  AggFunc func = AggFunc::kCount;
  bool distinct = false;
  BoundExprPtr arg;        // null for count(*)
  BoundExprPtr separator;  // string_agg's second argument
  BoundExprPtr filter;     // FILTER (WHERE ...): only rows for which it is true are aggregated
  // ORDER BY inside the call (string_agg(x, ',' ORDER BY y)): the rows are kept and aggregated
  // in this order when the group is finished.
  std::vector<BoundExprPtr> order;
  std::vector<bool> order_desc;
  std::vector<bool> order_nulls_first;
  Type result_type;
};

// The grouping context of a SELECT with GROUP BY or aggregates.
struct AggregateScope {
  const Scope* input = nullptr;          // the scope before grouping
  std::vector<std::string> group_keys;   // ToSexp of each GROUP BY expression
  std::vector<Type> group_types;
  std::vector<AggregateSpec> aggregates;  // filled while binding
};

// A window function call of a SELECT list or ORDER BY: row_number() OVER (...), sum(x) OVER
// (PARTITION BY ... ORDER BY ...). Its value is computed by the window source and read by the
// expression as a column after the input row's columns.
enum class WindowFunc : uint8_t {
  kRowNumber,
  kRank,
  kDenseRank,
  kAggregate,
  kLag,
  kLead,
  kFirstValue,
  kLastValue,
  kNthValue,
};
// An explicit frame: ROWS with any bounds, or RANGE with UNBOUNDED and CURRENT ROW bounds (a
// CURRENT ROW in RANGE mode extends to the row's peers). Offsets are constant expressions.
struct WindowFrameSpec {
  bool rows = false;
  FrameBoundKind start = FrameBoundKind::kUnboundedPreceding;
  FrameBoundKind end = FrameBoundKind::kCurrentRow;
  BoundExprPtr start_offset;  // n PRECEDING / FOLLOWING
  BoundExprPtr end_offset;
};
struct WindowCall {
  WindowFunc func = WindowFunc::kRowNumber;
  AggregateSpec aggregate;            // kAggregate
  std::vector<BoundExprPtr> args;     // kLag / kLead: value [, offset]; kNthValue: value, n
  std::vector<BoundExprPtr> partition;
  std::vector<BoundExprPtr> order;
  std::vector<bool> order_desc;
  std::vector<bool> order_nulls_first;
  std::optional<WindowFrameSpec> frame;  // unset: PostgreSQL's default frame
  Type type;
};
struct WindowScope {
  std::vector<WindowCall> calls;
};

// A set-returning function in a SELECT list: unnest(a), generate_subscripts(a, dim),
// generate_series(start, stop [, step]), information_schema._pg_expandarray(a) (the record
// "(x,n)", or one of its fields with `(...).x` / `(...).n`). The project-set source computes
// them for each input row: the row comes out once per value, the calls advancing in step
// (a shorter one gives NULL), and not at all when every call is empty. Arrays are the catalogs'
// text form.
enum class SrfFunc : uint8_t { kUnnest, kGenerateSubscripts, kGenerateSeries, kExpandArray };
struct SrfCall {
  SrfFunc func = SrfFunc::kUnnest;
  std::vector<BoundExprPtr> args;
  int field = -1;         // kExpandArray: 0 for x, 1 for n, -1 for the record
  int lower_bound = 1;    // the array's first subscript (0 for int2vector, oidvector)
  Type type;              // of the values it yields
  uint32_t type_oid = 0;  // ScopeColumn::type_oid of its column
};
struct SrfScope {
  std::vector<SrfCall> calls;
};
// Expressions read set-returning call k as column -(kSrfColumnBase + k + 1) until the planner
// knows the width of the rows before them.
inline constexpr int kSrfColumnBase = 1 << 24;

// For a catalog array column of PostgreSQL type `oid` (ScopeColumn::type_oid): the type of its
// elements (unknown when not known: they compare like literals) and its first subscript (0 for
// int2vector and oidvector, else 1).
Type ArrayElementType(uint32_t oid);
int ArrayLowerBound(uint32_t oid);

// Per-statement state shared by every Bind call.
struct BindContext {
  // Plans a subquery (set by the planner): its columns and an evaluator for `test`.
  std::function<Result<std::shared_ptr<SubqueryEvaluator>>(const Query&, SubqueryTest,
                                                           std::vector<Type>* column_types)>
      plan_subquery;
  // How many subqueries plan_subquery planned (a plan holding one is not run twice: its
  // evaluator may keep what it computed).
  int subqueries_planned = 0;
  // Parameter types, indexed by $n - 1; nullopt until declared or inferred.
  std::vector<std::optional<Type>> param_types;
  // Whether the statement may contain parameters (false for simple-query text with $1).
  bool allow_params = true;
};

class Binder {
 public:
  explicit Binder(BindContext* context) : ctx_(context) {}

  // Binds `expr` against `scope`. `clause` names the clause for error messages ("WHERE",
  // "VALUES"...). With agg set, binds after grouping (see the header comment); aggregates are
  // not allowed otherwise (42803 "aggregate functions are not allowed in WHERE").
  Result<BoundExprPtr> Bind(const Expr& expr, const Scope& scope, std::string_view clause,
                            AggregateScope* agg = nullptr);

  // Binds a condition: the result must be boolean (42804 "argument of WHERE must be type
  // boolean, not type integer"); an unknown literal is read as boolean.
  Result<BoundExprPtr> BindCondition(const Expr& expr, const Scope& scope,
                                     std::string_view clause, AggregateScope* agg = nullptr);

  // Converts `e` to `to` as an assignment (INSERT) does: 42804 `column "c" is of type integer
  // but expression is of type text` when no assignment cast exists. Parameters of unknown type
  // take the type `to`.
  Result<BoundExprPtr> CoerceForAssignment(BoundExprPtr e, const Type& to,
                                           std::string_view column, int position);

  // Converts `e` to `to` where PostgreSQL coerces implicitly (CASE arms, IN lists, UNION).
  Result<BoundExprPtr> CoerceImplicit(BoundExprPtr e, const Type& to, int position);

  // left_column = right_column as a join condition (USING), with PostgreSQL's comparison
  // resolution (42883 when the types do not compare).
  Result<BoundExprPtr> CompareColumns(int left, const Type& left_type, int right,
                                      const Type& right_type, int position);

  // Window functions met by later Bind calls are collected here (null: not allowed). Their
  // expressions read column -(k + 1) for call k until the planner knows the input width.
  void set_window_scope(WindowScope* window) { window_ = window; }
  // The SELECT's WINDOW clause, which OVER name refers to (null: none).
  void set_named_windows(const std::vector<WindowDef>* windows) { named_windows_ = windows; }

  // Set-returning functions met by later Bind calls are collected here (null: not allowed,
  // 0A000 "set-returning functions are not allowed in WHERE").
  void set_srf_scope(SrfScope* srf) { srf_ = srf; }

  // The position of the node that caused the first error returned, or 0.
  int error_position() const { return error_position_; }
  // Returns `s`, remembering `position` as the error's position unless one is set already.
  Status ErrorAt(Status s, int position);

 private:
  // The conversion both Coerce* share: `mismatch` builds the error when no cast exists in
  // `context`.
  Result<BoundExprPtr> Coerce(BoundExprPtr e, const Type& to, CastContext context,
                              const std::function<Status()>& mismatch, int position);
  Result<BoundExprPtr> BindNode(const Expr& expr, const Scope& scope);
  Result<BoundExprPtr> BindLiteral(const LiteralExpr& e);
  Result<BoundExprPtr> BindParam(const ParamExpr& e);
  Result<BoundExprPtr> BindColumn(const ColumnRefExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindUnary(const UnaryExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindBinary(const BinaryExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindComparison(CompareOp op, BoundExprPtr l, BoundExprPtr r, int pos);
  Result<BoundExprPtr> BindRowComparison(const std::string& op, const RowExpr& l, const RowExpr& r,
                                         int position, const Scope& scope);
  // `l op r` for + - * / % || ^ (ResolveOperator's types); also power(l, r).
  Result<BoundExprPtr> BindArith(BinaryOp op, BoundExprPtr l, BoundExprPtr r, int pos);
  Result<BoundExprPtr> BindBool(const BoolExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindIs(const IsExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindBetween(const BetweenExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindInList(const InListExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindLike(const LikeExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindCase(const CaseExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindCast(const CastExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindFunction(const FunctionExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindAggregate(const FunctionExpr& e);
  Result<BoundExprPtr> BindWindow(const FunctionExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindSqlValue(const SqlValueExpr& e);
  // value AT TIME ZONE zone, also timezone(zone, value).
  Result<BoundExprPtr> BindAtTimeZone(const Expr& value, const Expr& zone, int position,
                                      const Scope& scope);
  // Set-returning functions and field selection (binder_srf.cc). IsSetReturning: whether `e`
  // names one.
  static bool IsSetReturning(const FunctionExpr& e);
  Result<BoundExprPtr> BindSetReturning(const FunctionExpr& e, const Scope& scope, int field);
  Result<BoundExprPtr> BindFieldSelect(const FieldSelectExpr& e, const Scope& scope);
  // Integer `l & r`, `l | r`, `l # r` on the wider operand type (binder_srf.cc).
  Result<BoundExprPtr> BindBitwise(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                   int position);
  // json/jsonb `l -> r` and `l ->> r` (r a key or an array position).
  Result<BoundExprPtr> BindJsonbOperator(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                         int pos);
  Result<BoundExprPtr> BindJsonGet(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                   int position);
  // ScopeColumn::type_oid of `b` when it reads a column of `scope` directly, else 0.
  static uint32_t ColumnTypeOid(const BoundExpr& b, const Scope& scope);
  Result<BoundExprPtr> BindQuantified(const QuantifiedExpr& e, const Scope& scope);
  Result<BoundExprPtr> BindSubquery(const SubqueryExpr& e, const Scope& scope);
  Result<BoundExprPtr> AsBoolean(BoundExprPtr e, std::string_view what, int position);
  // Gives parameters of still-unknown type in `e` the type `t`.
  void InferParam(BoundExpr* e, const Type& t);
  // Casts to the object-identifier and catalog types (binder.cc).
  static bool IsCatalogTypeName(const TypeName& type);
  Result<BoundExprPtr> BindCatalogCast(const CastExpr& e, const Scope& scope);
  Result<std::vector<BoundExprPtr>> BindArgs(const std::vector<ExprPtr>& args,
                                             const Scope& scope);
  // The common type of `items` (CASE, COALESCE...) with each item coerced to it. An item that
  // does not match is reported at positions[i] (when given and not 0), else at `position`.
  Status UnifyTypes(std::vector<BoundExprPtr*> items, std::string_view context, int position,
                    const std::vector<int>& positions = {});

  BindContext* ctx_;
  AggregateScope* agg_ = nullptr;
  WindowScope* window_ = nullptr;
  const std::vector<WindowDef>* named_windows_ = nullptr;
  SrfScope* srf_ = nullptr;
  std::string_view clause_;
  int error_position_ = 0;
  // Scopes of the queries enclosing the subquery being bound, outermost first.
  std::vector<const Scope*> outer_scopes_;
  int outer_references_ = 0;  // kOuterColumn nodes made so far
};

// The leftmost position in `expr` (PostgreSQL's exprLocation: `'x'::text` is located at its
// literal, `a + b` at `a`).
int LeftmostPosition(const Expr& expr);

// Whether `expr` contains an aggregate call outside any subquery.
bool ContainsAggregate(const Expr& expr);
// Whether `name` is an aggregate function BlockDB implements.
bool IsAggregateName(std::string_view name);

// PostgreSQL's output column name for a target without alias ("?column?" when none).
std::string FigureColumnName(const Expr& expr);

// Type from a TypeName (resolving PostgreSQL's names and pg_catalog qualification).
Result<Type> ResolveTypeName(const TypeName& name);

// generate_series's arguments: integers (the widest type; int4 for literals, left as they are)
// or timestamps (timestamptz when one is a timestamptz or a date) with an interval step, which
// are converted to those types here. The series' type, or its error.
Result<Type> ResolveSeriesArgs(Binder& binder, std::vector<BoundExprPtr>* args, int position);

}  // namespace blockdb::sql::exec
