// BlockDB's SQL AST: expressions, type names, sort items and window specifications.
//
// The parser (sql/parser.h) produces these nodes; the binder resolves names and types on them. The
// tree owns its children through std::unique_ptr and is immutable by convention once built.
// Nothing here depends on ANTLR.
//
// Conventions shared by every node:
//  - `position` is the 1-based character (code point, not byte) offset into the query string,
//    the value PostgreSQL reports in the P field of an error. For operators it is the operator
//    token (as PostgreSQL does, so "operator does not exist" points at the operator); for
//    everything else the node's first token. 0 means "not written by the user".
//  - Names are already folded: unquoted identifiers lower-cased (ASCII only, like PostgreSQL),
//    quoted identifiers kept as written, both truncated to 63 bytes.
//  - Expression nesting never exceeds kMaxExpressionDepth (the parser rejects deeper input with
//    SQLSTATE 54001), so recursive walks over the tree need bounded stack.
//
// See docs/SQL.md for the dialect and ast.h for the S-expression printer used by tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/check.h"

namespace blockdb::sql {

struct Query;  // ast_query.h

// Deepest nesting of expressions, queries and FROM items the parser accepts.
inline constexpr int kMaxExpressionDepth = 1000;

enum class ExprKind : uint8_t {
  kLiteral,
  kParam,
  kColumnRef,
  kStar,
  kUnary,
  kBinary,
  kBool,
  kIs,
  kBetween,
  kInList,
  kLike,
  kSubquery,
  kQuantified,
  kCase,
  kCast,
  kCollate,
  kFunction,
  kSqlValue,
  kArray,
  kRow,
  kSubscript,
  kFieldSelect,
  kAtTimeZone,
  kDefault,
};

// Base of the AST's node families (expressions, FROM items, query bodies): a kind tag and a
// position. Use Is<T>() / As<T>() to reach the concrete node, whose static kKind names its kind;
// As<T>() on the wrong kind is a bug (BLOCKDB_CHECK).
template <typename KindT>
struct KindedNode {
  KindedNode(KindT k, int pos) : kind(k), position(pos) {}
  virtual ~KindedNode() = default;
  KindedNode(const KindedNode&) = delete;
  KindedNode& operator=(const KindedNode&) = delete;

  template <typename T>
  bool Is() const {
    return kind == T::kKind;
  }
  template <typename T>
  T& As() {
    BLOCKDB_CHECK(kind == T::kKind);
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    BLOCKDB_CHECK(kind == T::kKind);
    return static_cast<const T&>(*this);
  }

  const KindT kind;
  int position;
};

// Base of all expression nodes.
struct Expr : KindedNode<ExprKind> {
  using KindedNode::KindedNode;
};
using ExprPtr = std::unique_ptr<Expr>;

// A possibly schema-qualified operator: "+" or, from OPERATOR(pg_catalog.~), schema "pg_catalog"
// and name "~". "!=" is stored as "<>", as PostgreSQL does.
struct OperatorName {
  std::string schema;
  std::string name;

  std::string ToString() const;  // "+" or "OPERATOR(pg_catalog.~)"
};

// A type as written: `int`, `varchar(10)`, `pg_catalog.regclass`, `text[]`, `interval day`.
// Types spelled with SQL keywords get PostgreSQL's internal names: INT/INTEGER -> int4, SMALLINT ->
// int2, BIGINT -> int8, REAL -> float4, DOUBLE PRECISION/FLOAT -> float8 (FLOAT(p<=24) -> float4),
// DECIMAL/NUMERIC -> numeric, BOOLEAN -> bool, CHAR/CHARACTER -> bpchar (length 1 when omitted),
// VARCHAR/CHARACTER VARYING -> varchar, BIT -> bit, BIT VARYING -> varbit, TIMESTAMP [WITHOUT
// TIME ZONE] -> timestamp, TIMESTAMP WITH TIME ZONE -> timestamptz, TIME -> time / timetz,
// INTERVAL -> interval. Other names (text, bytea, uuid, jsonb, serial, int4, "char", ...) are kept
// as written; resolving them is the binder's job.
struct TypeName {
  std::vector<std::string> names;  // e.g. {"int4"} or {"pg_catalog", "regclass"}
  std::vector<int64_t> modifiers;  // varchar(10) -> {10}; numeric(10,2) -> {10, 2}
  int array_dims = 0;              // text[] -> 1; int[][] -> 2; int ARRAY -> 1
  std::string interval_fields;     // INTERVAL qualifier in lower case: "day", "year to month"
  int position = 0;

  std::string ToString() const;  // e.g. "varchar(10)[]", "pg_catalog.regclass"
};

enum class SortOrder : uint8_t { kDefault, kAsc, kDesc, kUsing };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

// One ORDER BY item: expr [ASC | DESC | USING op] [NULLS FIRST | LAST].
struct SortItem {
  ExprPtr expr;
  SortOrder order = SortOrder::kDefault;
  OperatorName using_op;  // set when order == kUsing
  NullsOrder nulls = NullsOrder::kDefault;
  int position = 0;
};

enum class FrameMode : uint8_t { kRange, kRows, kGroups };
enum class FrameBoundKind : uint8_t {
  kUnboundedPreceding,
  kPreceding,  // offset PRECEDING
  kCurrentRow,
  kFollowing,  // offset FOLLOWING
  kUnboundedFollowing,
};
enum class FrameExclusion : uint8_t { kNoOthers, kCurrentRow, kGroup, kTies };

struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kCurrentRow;
  ExprPtr offset;  // kPreceding / kFollowing only
};

// ROWS/RANGE/GROUPS frame. `ROWS 5 PRECEDING` has start = 5 PRECEDING and end = CURRENT ROW, as
// in PostgreSQL.
struct WindowFrame {
  FrameMode mode = FrameMode::kRange;
  FrameBound start;
  FrameBound end;
  FrameExclusion exclusion = FrameExclusion::kNoOthers;
};

// OVER (...) or a WINDOW clause entry. `OVER w` has only ref_name; `OVER (w ORDER BY x)` refines
// window w.
struct WindowSpec {
  std::string ref_name;
  std::vector<ExprPtr> partition_by;
  std::vector<SortItem> order_by;
  std::optional<WindowFrame> frame;
  int position = 0;
};

// ---------------------------------------------------------------------------------------------
// Leaves

enum class LiteralKind : uint8_t { kNull, kBoolean, kInteger, kNumeric, kString, kBitString };

// A constant. kInteger: an optional '-' and decimal digits of any length (the binder picks int4,
// int8 or numeric, as PostgreSQL does). kNumeric: the text as written ("1.5", ".5", "1e10",
// "-2.5"). kString: the decoded value ('' and E'\n' escapes and dollar quoting resolved; always
// valid UTF-8). kBitString: the bits as '0'/'1' characters (X'1F' becomes "00011111").
// kBoolean: value is "true" or "false". kNull: value is empty.
// A minus sign directly before a numeric constant is folded into the constant, so -1 is the
// literal "-1" rather than a negation (as PostgreSQL does).
struct LiteralExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kLiteral;
  LiteralExpr(int pos, LiteralKind k, std::string v)
      : Expr(kKind, pos), literal_kind(k), value(std::move(v)) {}

  LiteralKind literal_kind;
  std::string value;
};

// $n (n >= 1).
struct ParamExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kParam;
  ParamExpr(int pos, int n) : Expr(kKind, pos), number(n) {}

  int number;
};

// a, t.a, s.t.a or db.s.t.a.
struct ColumnRefExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kColumnRef;
  explicit ColumnRefExpr(int pos) : Expr(kKind, pos) {}

  std::vector<std::string> names;
};

// * or t.* (qualifier {"t"}) in a target list, or as the argument of a row constructor.
struct StarExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kStar;
  explicit StarExpr(int pos) : Expr(kKind, pos) {}

  std::vector<std::string> qualifier;
};

struct DefaultExpr : Expr {  // DEFAULT in VALUES or in an ON CONFLICT ... SET.
  static constexpr ExprKind kKind = ExprKind::kDefault;
  explicit DefaultExpr(int pos) : Expr(kKind, pos) {}
};

// CURRENT_DATE, CURRENT_TIMESTAMP(3), CURRENT_USER...
enum class SqlValue : uint8_t {
  kCurrentDate,
  kCurrentTime,
  kCurrentTimestamp,
  kLocalTime,
  kLocalTimestamp,
  kCurrentRole,
  kCurrentUser,
  kSessionUser,
  kUser,
  kCurrentCatalog,
  kCurrentSchema,
};

struct SqlValueExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kSqlValue;
  SqlValueExpr(int pos, SqlValue v) : Expr(kKind, pos), value(v) {}

  SqlValue value;
  int precision = -1;  // CURRENT_TIMESTAMP(3) -> 3; -1 when not given
};

// ---------------------------------------------------------------------------------------------
// Operators

// Prefix operator: -x, +x, ~x, OPERATOR(pg_catalog.-) x.
struct UnaryExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kUnary;
  explicit UnaryExpr(int pos) : Expr(kKind, pos) {}

  OperatorName op;
  ExprPtr operand;
};

// Infix operator other than AND/OR/LIKE/IS...: arithmetic, comparisons, ||, ~, !~, ->,
// OPERATOR(schema.op).
struct BinaryExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kBinary;
  explicit BinaryExpr(int pos) : Expr(kKind, pos) {}

  OperatorName op;
  ExprPtr left;
  ExprPtr right;
};

enum class BoolOp : uint8_t { kAnd, kOr, kNot };

// AND and OR are n-ary (a AND b AND c is one node with three arguments, as in PostgreSQL); NOT has
// exactly one argument.
struct BoolExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kBool;
  BoolExpr(int pos, BoolOp o) : Expr(kKind, pos), op(o) {}

  BoolOp op;
  std::vector<ExprPtr> args;
};

enum class IsTest : uint8_t { kNull, kTrue, kFalse, kUnknown, kDistinctFrom };

// arg IS [NOT] NULL/TRUE/FALSE/UNKNOWN, arg ISNULL / NOTNULL (as IS [NOT] NULL), and
// arg IS [NOT] DISTINCT FROM other.
struct IsExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kIs;
  IsExpr(int pos, IsTest t) : Expr(kKind, pos), test(t) {}

  IsTest test;
  bool negated = false;
  ExprPtr arg;
  ExprPtr other;  // kDistinctFrom only
};

// arg [NOT] BETWEEN [SYMMETRIC] low AND high.
struct BetweenExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kBetween;
  explicit BetweenExpr(int pos) : Expr(kKind, pos) {}

  bool negated = false;
  bool symmetric = false;
  ExprPtr arg;
  ExprPtr low;
  ExprPtr high;
};

// arg [NOT] IN (e1, e2, ...). IN (subquery) is a SubqueryExpr.
struct InListExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kInList;
  explicit InListExpr(int pos) : Expr(kKind, pos) {}

  bool negated = false;
  ExprPtr arg;
  std::vector<ExprPtr> list;
};

enum class LikeKind : uint8_t { kLike, kILike, kSimilarTo };

// arg [NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE escape].
struct LikeExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kLike;
  LikeExpr(int pos, LikeKind k) : Expr(kKind, pos), like_kind(k) {}

  LikeKind like_kind;
  bool negated = false;
  ExprPtr arg;
  ExprPtr pattern;
  ExprPtr escape;  // may be null
};

enum class SubqueryKind : uint8_t {
  kScalar,  // (SELECT ...)
  kExists,  // EXISTS (SELECT ...)
  kArray,   // ARRAY(SELECT ...)
  kIn,      // arg [NOT] IN (SELECT ...)
  kAny,     // arg op ANY|SOME (SELECT ...)
  kAll,     // arg op ALL (SELECT ...)
};

struct SubqueryExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kSubquery;
  SubqueryExpr(int pos, SubqueryKind k);
  ~SubqueryExpr() override;

  SubqueryKind subquery_kind;
  bool negated = false;  // NOT IN
  OperatorName op;       // kAny/kAll; "=" for kIn
  ExprPtr arg;           // kIn/kAny/kAll
  std::unique_ptr<Query> query;
};

enum class Quantifier : uint8_t { kAny, kAll };

// left op ANY|SOME|ALL (array): x = ANY(ARRAY[1, 2]), name LIKE ANY(patterns). LIKE/ILIKE are
// stored as PostgreSQL's operators ~~, !~~, ~~*, !~~*.
struct QuantifiedExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kQuantified;
  QuantifiedExpr(int pos, Quantifier q) : Expr(kKind, pos), quantifier(q) {}

  Quantifier quantifier;
  OperatorName op;
  ExprPtr left;
  ExprPtr array;
};

// ---------------------------------------------------------------------------------------------
// Other constructs

struct CaseWhen {
  ExprPtr condition;
  ExprPtr result;
  int position = 0;
};

// CASE [arg] WHEN ... THEN ... [ELSE ...] END.
struct CaseExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kCase;
  explicit CaseExpr(int pos) : Expr(kKind, pos) {}

  ExprPtr arg;  // simple CASE operand; null for a searched CASE
  std::vector<CaseWhen> whens;
  ExprPtr else_result;  // may be null
};

enum class CastSyntax : uint8_t {
  kCast,          // CAST(x AS t)
  kDoubleColon,   // x::t
  kTypedLiteral,  // DATE '2024-01-01', INTERVAL '1' DAY (arg is always a string literal)
};

struct CastExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kCast;
  CastExpr(int pos, CastSyntax s) : Expr(kKind, pos), syntax(s) {}

  CastSyntax syntax;
  ExprPtr arg;
  TypeName type;
};

// arg COLLATE name.
struct CollateExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kCollate;
  explicit CollateExpr(int pos) : Expr(kKind, pos) {}

  ExprPtr arg;
  std::vector<std::string> collation;  // {"pg_catalog", "default"} or {"C"}
};

// A function call, aggregate or window function. The SQL-syntax functions become calls too, with
// special_syntax set and PostgreSQL's function names and argument order:
//   EXTRACT(f FROM x)               -> extract('f', x)
//   SUBSTRING(x FROM a FOR b)       -> substring(x, a, b); SUBSTRING(x FOR b) -> substring(x, 1, b)
//   POSITION(a IN b)                -> position(b, a)
//   TRIM([BOTH] c FROM x)           -> btrim(x, c); LEADING -> ltrim; TRAILING -> rtrim
//   OVERLAY(a PLACING b FROM c FOR d) -> overlay(a, b, c, d)
//   COALESCE, NULLIF, GREATEST, LEAST -> coalesce(...), nullif(...), greatest(...), least(...)
// These names are never schema-qualified, so the binder can tell them from user functions.
struct FunctionExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kFunction;
  explicit FunctionExpr(int pos) : Expr(kKind, pos) {}

  std::vector<std::string> name;  // {"count"} or {"pg_catalog", "format_type"}
  std::vector<ExprPtr> args;
  std::vector<std::string> arg_names;  // parallel to args; "" for positional (f(a => 1))
  bool star = false;                   // count(*)
  bool distinct = false;               // count(DISTINCT x)
  bool variadic = false;               // VARIADIC on the last argument
  std::vector<SortItem> order_by;      // string_agg(x, ',' ORDER BY y) or WITHIN GROUP (...)
  bool within_group = false;
  ExprPtr filter;                    // FILTER (WHERE ...)
  std::unique_ptr<WindowSpec> over;  // OVER ...
  bool special_syntax = false;
};

// ARRAY[a, b] and nested ARRAY[[1, 2], [3, 4]] (inner brackets are ArrayExprs too).
struct ArrayExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kArray;
  explicit ArrayExpr(int pos) : Expr(kKind, pos) {}

  std::vector<ExprPtr> elements;
};

// ROW(a, b) (explicit_row) or (a, b). In GROUP BY, () is an empty RowExpr (the empty grouping set).
struct RowExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kRow;
  explicit RowExpr(int pos) : Expr(kKind, pos) {}

  std::vector<ExprPtr> fields;
  bool explicit_row = false;
};

// arg[i] or the slice arg[lower:upper] (either bound may be null in a slice).
struct SubscriptExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kSubscript;
  explicit SubscriptExpr(int pos) : Expr(kKind, pos) {}

  ExprPtr arg;
  ExprPtr lower;  // the index when !slice
  ExprPtr upper;
  bool slice = false;
};

// (arg).field or (arg).*.
struct FieldSelectExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kFieldSelect;
  explicit FieldSelectExpr(int pos) : Expr(kKind, pos) {}

  ExprPtr arg;
  std::string field;
  bool star = false;
};

// arg AT TIME ZONE zone.
struct AtTimeZoneExpr : Expr {
  static constexpr ExprKind kKind = ExprKind::kAtTimeZone;
  explicit AtTimeZoneExpr(int pos) : Expr(kKind, pos) {}

  ExprPtr arg;
  ExprPtr zone;
};

}  // namespace blockdb::sql
