// Bound expressions: the AST's expressions after name resolution and type checking, ready to
// evaluate against a row. Built by the Binder (binder.h), evaluated by Eval (eval.h).
//
// A bound expression refers to its input by position: kColumn reads row[index] of the row it is
// evaluated on (a table row, or the [group keys..., aggregates...] row after aggregation),
// kParam reads parameter $index+1. Every node has its result type; an untyped string literal
// keeps TypeId::kUnknown until a context decides (it prints as text).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast_expr.h"
#include "sql/types/operators.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb::sql::exec {

enum class BoundKind : uint8_t {
  kConst,
  kColumn,
  kParam,
  kNegate,
  kArith,      // args[0] op args[1]
  kCompare,    // args[0] cmp args[1]
  kAnd,        // n-ary
  kOr,         // n-ary
  kNot,
  kIsNull,     // negated: IS NOT NULL
  kIsBool,     // args[0] IS [NOT] TRUE/FALSE (bool_test), IS [NOT] UNKNOWN (is_unknown)
  kDistinct,   // args[0] IS [NOT] DISTINCT FROM args[1]
  kInList,     // args[0] [NOT] IN (args[1..])
  kLike,       // args[0] [NOT] [I]LIKE args[1] [ESCAPE args[2]]
  kCase,       // searched: pairs (cond, result) then optional else; see has_else
  kCast,       // args[0]::type
  kFunction,   // scalar function `func`
  kOuterColumn,  // a column of an enclosing query's row: outer_rows[level][index]
  kSubquery,     // (SELECT ...), EXISTS, IN (SELECT ...), op ANY/ALL (SELECT ...)
};

// kArray: ARRAY(SELECT ...), the values in PostgreSQL's array text form ("{a,b}") as text.
enum class SubqueryTest : uint8_t { kScalar, kExists, kIn, kAny, kAll, kArray };

struct BoundExpr;
struct EvalContext;

// Runs the plan of a subquery expression (planner.cc). Evaluate pushes `row` as the enclosing
// row its outer references read, reruns the plan (or reuses the rows of an uncorrelated one) and
// applies the test of `e`.
class SubqueryEvaluator {
 public:
  virtual ~SubqueryEvaluator() = default;
  virtual Result<Value> Evaluate(const BoundExpr& e, const std::vector<Value>& row,
                                 const EvalContext& ctx) = 0;
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// Scalar functions.
enum class Func : uint8_t {
  kLower,
  kUpper,
  kLength,
  kOctetLength,
  kSubstring,
  kAbs,
  kRound,
  kTrunc,
  kFloor,
  kCeil,
  kSqrt,
  kPower,
  kMod,
  kDateTrunc,
  kExtract,
  // timezone(zone, ts): x AT TIME ZONE zone
  kAtTimeZone,
  kNow,  // now(), current_timestamp, transaction_timestamp()
  kClockTimestamp,
  kCurrentDate,
  kLocalTimestamp,
  kVersion,
  kCurrentDatabase,
  kCurrentSchema,
  kCurrentUser,
  kCoalesce,
  kNullIf,
  kGreatest,
  kLeast,
  kBtrim,
  kLtrim,
  kRtrim,
  kConcat,
  kReplace,
  kPosition,
  kLeft,
  kRight,
  kRepeat,
  kReverse,
  kMd5,
  kGenRandomUuid,
  kCurrentSetting,
  kPgBackendPid,
  kToHex,
  kSign,
  kJsonGet,          // json/jsonb -> text|int
  kJsonGetText,      // json/jsonb ->> text|int
  kJsonGetPath,      // json/jsonb #> text[]
  kJsonGetPathText,  // json/jsonb #>> text[]
  kJsonbContains,    // jsonb @> jsonb (<@ with the arguments swapped)
  kJsonbExists,      // jsonb ? text
  kJsonbExistsAny,   // jsonb ?| text[]
  kJsonbExistsAll,   // jsonb ?& text[]
  // Catalog functions and regular expressions (catalog_functions.cc) from here on.
  kRegexMatch,  // ~ ~* !~ !~* (case_insensitive, negated)
  kFormatType,
  kPgGetExpr,
  kAlwaysTrue,  // pg_table_is_visible, has_*_privilege...
  kAlwaysFalse,
  kNullText,  // obj_description, col_description...
  kPgGetUserById,
  kCurrentSchemas,
  kQuoteIdent,
  kEncodingToChar,
  kPgGetIndexDef,
  kPgGetConstraintDef,
  kArrayToString,
  kRegclassIn,   // 'name'::regclass, to_regclass (null when absent)
  kRegclassOut,  // oid::regclass
  kRegtypeIn,
  kRegtypeOut,
  kRegnamespaceOut,
  kArraySubscript,  // a[i] of a text-form array, as an unknown literal
  kArrayUpper,
  kArrayContains,  // x = ANY (text-form array); negated: x <> ALL (...)
  kArrayCat,       // a || ARRAY(...) over text-form arrays (NULL is the empty array)
  kPgGetFunctionResult,
  kPgGetFunctionArguments,
  kJsonBuildObject,  // json_build_object(key, value, ...)
  kRecordField,      // (record).x / .n of _pg_expandarray's "(x,n)"; args[1] is the field number
  kBitAnd,           // integer & | # (pgjdbc's indoption & 1)
  kBitOr,
  kBitXor,
  kFormat,         // format(fmt, ...): %s %I %L %%
  kStringToArray,  // string_to_array(text, delimiter): a text-form array
  kArrayLower,
  kZero,  // pg_relation_size, pg_stat_get_numscans...: BlockDB does not measure them (0)
};

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

struct BoundExpr {
  BoundKind kind = BoundKind::kConst;
  Type type;
  Value value;  // kConst
  int index = 0;  // kColumn: row position; kParam: parameter number - 1
  BinaryOp arith = BinaryOp::kAdd;
  CompareOp cmp = CompareOp::kEq;
  Func func = Func::kLower;
  bool negated = false;       // IS NOT NULL, NOT IN, NOT LIKE, IS NOT DISTINCT FROM, IS NOT TRUE
  bool bool_test = true;      // kIsBool: TRUE (true) or FALSE (false)
  bool is_unknown = false;    // kIsBool: IS [NOT] UNKNOWN
  bool case_insensitive = false;  // ILIKE
  bool has_else = false;      // kCase
  bool case_has_arg = false;  // kCase: simple CASE; args[0] is the operand
  int level = 0;              // kOuterColumn: which enclosing row (0 = outermost)
  SubqueryTest subquery_test = SubqueryTest::kScalar;  // kSubquery (args[0]: the IN/ANY operand)
  bool correlated = false;    // kSubquery: reads an enclosing row
  std::shared_ptr<SubqueryEvaluator> subquery;
  std::vector<BoundExprPtr> args;

  // True when the value does not depend on the row (constants, parameters, and functions of
  // those that are not volatile): the planner may use it as a key bound.
  bool IsRowIndependent() const;
};

BoundExprPtr MakeConst(Value v);
BoundExprPtr MakeColumn(int index, Type type);

}  // namespace blockdb::sql::exec
