// The binder's function calls, aggregates and SQL value functions (CURRENT_TIMESTAMP...), and
// the AST walks the planner needs (ContainsAggregate, FigureColumnName).
#include <algorithm>

#include "sql/exec/binder.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateGroupingError[] = "42803";

// How a function's result type follows from its arguments.
enum class ResultRule : uint8_t {
  kFixed,      // `fixed`
  kFirstArg,   // the first argument's type (abs, trunc of numeric...)
  kCommon,     // the common type of all arguments (coalesce, greatest, least)
  kRound,      // round/trunc: numeric stays numeric, else double precision
  kDateTrunc,  // the second argument's type (timestamp, timestamptz, interval)
};

struct FunctionInfo {
  const char* name;
  Func func;
  int min_args;
  int max_args;
  ResultRule rule;
  TypeId fixed;
  TypeId arg_type;  // what unknown-typed arguments become (kNull: per argument rule)
};

constexpr FunctionInfo kFunctions[] = {
    {"lower", Func::kLower, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"upper", Func::kUpper, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"length", Func::kLength, 1, 1, ResultRule::kFixed, TypeId::kInt4, TypeId::kText},
    {"char_length", Func::kLength, 1, 1, ResultRule::kFixed, TypeId::kInt4, TypeId::kText},
    {"character_length", Func::kLength, 1, 1, ResultRule::kFixed, TypeId::kInt4, TypeId::kText},
    {"octet_length", Func::kOctetLength, 1, 1, ResultRule::kFixed, TypeId::kInt4, TypeId::kText},
    {"substring", Func::kSubstring, 2, 3, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"substr", Func::kSubstring, 2, 3, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"abs", Func::kAbs, 1, 1, ResultRule::kFirstArg, TypeId::kNull, TypeId::kFloat8},
    {"sign", Func::kSign, 1, 1, ResultRule::kRound, TypeId::kNull, TypeId::kNull},
    {"round", Func::kRound, 1, 2, ResultRule::kRound, TypeId::kNull, TypeId::kNull},
    {"trunc", Func::kTrunc, 1, 2, ResultRule::kRound, TypeId::kNull, TypeId::kNull},
    {"floor", Func::kFloor, 1, 1, ResultRule::kRound, TypeId::kNull, TypeId::kNull},
    {"ceil", Func::kCeil, 1, 1, ResultRule::kRound, TypeId::kNull, TypeId::kNull},
    {"ceiling", Func::kCeil, 1, 1, ResultRule::kRound, TypeId::kNull, TypeId::kNull},
    {"sqrt", Func::kSqrt, 1, 1, ResultRule::kFixed, TypeId::kFloat8, TypeId::kFloat8},
    {"power", Func::kPower, 2, 2, ResultRule::kFixed, TypeId::kFloat8, TypeId::kFloat8},
    {"pow", Func::kPower, 2, 2, ResultRule::kFixed, TypeId::kFloat8, TypeId::kFloat8},
    {"mod", Func::kMod, 2, 2, ResultRule::kCommon, TypeId::kNull, TypeId::kNull},
    {"date_trunc", Func::kDateTrunc, 2, 2, ResultRule::kDateTrunc, TypeId::kNull, TypeId::kNull},
    {"extract", Func::kExtract, 2, 2, ResultRule::kFixed, TypeId::kNumeric, TypeId::kNull},
    {"date_part", Func::kExtract, 2, 2, ResultRule::kFixed, TypeId::kFloat8, TypeId::kNull},
    {"now", Func::kNow, 0, 0, ResultRule::kFixed, TypeId::kTimestamptz, TypeId::kNull},
    {"transaction_timestamp", Func::kNow, 0, 0, ResultRule::kFixed, TypeId::kTimestamptz,
     TypeId::kNull},
    {"statement_timestamp", Func::kNow, 0, 0, ResultRule::kFixed, TypeId::kTimestamptz,
     TypeId::kNull},
    {"clock_timestamp", Func::kClockTimestamp, 0, 0, ResultRule::kFixed, TypeId::kTimestamptz,
     TypeId::kNull},
    {"version", Func::kVersion, 0, 0, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"current_database", Func::kCurrentDatabase, 0, 0, ResultRule::kFixed, TypeId::kText,
     TypeId::kNull},
    {"current_schema", Func::kCurrentSchema, 0, 0, ResultRule::kFixed, TypeId::kText,
     TypeId::kNull},
    {"current_user", Func::kCurrentUser, 0, 0, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"session_user", Func::kCurrentUser, 0, 0, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"coalesce", Func::kCoalesce, 1, 1000, ResultRule::kCommon, TypeId::kNull, TypeId::kNull},
    {"nullif", Func::kNullIf, 2, 2, ResultRule::kFirstArg, TypeId::kNull, TypeId::kNull},
    {"greatest", Func::kGreatest, 1, 1000, ResultRule::kCommon, TypeId::kNull, TypeId::kNull},
    {"least", Func::kLeast, 1, 1000, ResultRule::kCommon, TypeId::kNull, TypeId::kNull},
    {"btrim", Func::kBtrim, 1, 2, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"ltrim", Func::kLtrim, 1, 2, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"rtrim", Func::kRtrim, 1, 2, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"concat", Func::kConcat, 0, 1000, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"replace", Func::kReplace, 3, 3, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"position", Func::kPosition, 2, 2, ResultRule::kFixed, TypeId::kInt4, TypeId::kText},
    {"strpos", Func::kPosition, 2, 2, ResultRule::kFixed, TypeId::kInt4, TypeId::kText},
    {"left", Func::kLeft, 2, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"right", Func::kRight, 2, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"repeat", Func::kRepeat, 2, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"reverse", Func::kReverse, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"md5", Func::kMd5, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"gen_random_uuid", Func::kGenRandomUuid, 0, 0, ResultRule::kFixed, TypeId::kUuid,
     TypeId::kNull},
    {"current_setting", Func::kCurrentSetting, 1, 2, ResultRule::kFixed, TypeId::kText,
     TypeId::kText},
    {"pg_backend_pid", Func::kPgBackendPid, 0, 0, ResultRule::kFixed, TypeId::kInt4,
     TypeId::kNull},
    {"to_hex", Func::kToHex, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kInt8},
    {"format_type", Func::kFormatType, 2, 2, ResultRule::kFixed, TypeId::kText, TypeId::kInt8},
    {"pg_get_expr", Func::kPgGetExpr, 2, 3, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"pg_table_is_visible", Func::kAlwaysTrue, 1, 1, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"pg_type_is_visible", Func::kAlwaysTrue, 1, 1, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"has_table_privilege", Func::kAlwaysTrue, 2, 3, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"has_schema_privilege", Func::kAlwaysTrue, 2, 3, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"has_database_privilege", Func::kAlwaysTrue, 2, 3, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"has_column_privilege", Func::kAlwaysTrue, 3, 4, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"has_any_column_privilege", Func::kAlwaysTrue, 2, 3, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"pg_relation_is_publishable", Func::kAlwaysFalse, 1, 1, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"obj_description", Func::kNullText, 1, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"col_description", Func::kNullText, 2, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"shobj_description", Func::kNullText, 2, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"pg_get_userbyid", Func::kPgGetUserById, 1, 1, ResultRule::kFixed, TypeId::kText,
     TypeId::kInt8},
    {"current_schemas", Func::kCurrentSchemas, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kBool},
    {"quote_ident", Func::kQuoteIdent, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kText},
    {"pg_encoding_to_char", Func::kEncodingToChar, 1, 1, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"pg_get_indexdef", Func::kPgGetIndexDef, 1, 3, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"pg_get_constraintdef", Func::kPgGetConstraintDef, 1, 2, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"array_to_string", Func::kArrayToString, 2, 3, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"pg_get_statisticsobjdef_columns", Func::kNullText, 1, 1, ResultRule::kFixed, TypeId::kText,
     TypeId::kNull},
    {"array_upper", Func::kArrayUpper, 2, 2, ResultRule::kFixed, TypeId::kInt4, TypeId::kNull},
    {"pg_function_is_visible", Func::kAlwaysTrue, 1, 1, ResultRule::kFixed, TypeId::kBool,
     TypeId::kNull},
    {"pg_get_function_result", Func::kPgGetFunctionResult, 1, 1, ResultRule::kFixed,
     TypeId::kText, TypeId::kInt8},
    {"pg_get_function_arguments", Func::kPgGetFunctionArguments, 1, 1, ResultRule::kFixed,
     TypeId::kText, TypeId::kInt8},
    {"to_regclass", Func::kRegclassIn, 1, 1, ResultRule::kFixed, TypeId::kInt8, TypeId::kText},
    // BlockDB has no sequence relations: identity columns have none to name.
    {"pg_get_serial_sequence", Func::kNullText, 2, 2, ResultRule::kFixed, TypeId::kText,
     TypeId::kText},
    {"json_build_object", Func::kJsonBuildObject, 0, 1000, ResultRule::kFixed, TypeId::kJson,
     TypeId::kNull},
    {"format", Func::kFormat, 1, 1000, ResultRule::kFixed, TypeId::kText, TypeId::kNull},
    {"string_to_array", Func::kStringToArray, 2, 2, ResultRule::kFixed, TypeId::kText,
     TypeId::kText},
    {"array_lower", Func::kArrayLower, 2, 2, ResultRule::kFixed, TypeId::kInt4, TypeId::kNull},
    {"pg_relation_size", Func::kZero, 1, 2, ResultRule::kFixed, TypeId::kInt8, TypeId::kNull},
    {"pg_total_relation_size", Func::kZero, 1, 1, ResultRule::kFixed, TypeId::kInt8, TypeId::kNull},
    {"pg_table_size", Func::kZero, 1, 1, ResultRule::kFixed, TypeId::kInt8, TypeId::kNull},
    {"pg_indexes_size", Func::kZero, 1, 1, ResultRule::kFixed, TypeId::kInt8, TypeId::kNull},
    {"pg_stat_get_numscans", Func::kZero, 1, 1, ResultRule::kFixed, TypeId::kInt8, TypeId::kNull},
};

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (name == f.name) {
      return &f;
    }
  }
  return nullptr;
}

std::string TypeLabel(const Type& t) {
  return t.id() == TypeId::kNull ? std::string("unknown") : t.Name();
}

bool IsNumber(TypeId t) { return CategoryOf(t) == TypeCategory::kNumeric; }

// Visits the direct sub-expressions of `e` (not those inside subqueries).
template <typename F>
void ForEachChild(const Expr& e, F&& f) {
  auto visit = [&](const ExprPtr& p) {
    if (p) {
      f(*p);
    }
  };
  switch (e.kind) {
    case ExprKind::kUnary:
      visit(e.As<UnaryExpr>().operand);
      break;
    case ExprKind::kBinary:
      visit(e.As<BinaryExpr>().left);
      visit(e.As<BinaryExpr>().right);
      break;
    case ExprKind::kBool:
      for (const auto& a : e.As<BoolExpr>().args) visit(a);
      break;
    case ExprKind::kIs:
      visit(e.As<IsExpr>().arg);
      visit(e.As<IsExpr>().other);
      break;
    case ExprKind::kBetween:
      visit(e.As<BetweenExpr>().arg);
      visit(e.As<BetweenExpr>().low);
      visit(e.As<BetweenExpr>().high);
      break;
    case ExprKind::kInList:
      visit(e.As<InListExpr>().arg);
      for (const auto& a : e.As<InListExpr>().list) visit(a);
      break;
    case ExprKind::kLike:
      visit(e.As<LikeExpr>().arg);
      visit(e.As<LikeExpr>().pattern);
      visit(e.As<LikeExpr>().escape);
      break;
    case ExprKind::kCase:
      visit(e.As<CaseExpr>().arg);
      for (const auto& w : e.As<CaseExpr>().whens) {
        visit(w.condition);
        visit(w.result);
      }
      visit(e.As<CaseExpr>().else_result);
      break;
    case ExprKind::kCast:
      visit(e.As<CastExpr>().arg);
      break;
    case ExprKind::kCollate:
      visit(e.As<CollateExpr>().arg);
      break;
    case ExprKind::kFunction:
      for (const auto& a : e.As<FunctionExpr>().args) visit(a);
      break;
    case ExprKind::kQuantified:
      visit(e.As<QuantifiedExpr>().left);
      visit(e.As<QuantifiedExpr>().array);
      break;
    case ExprKind::kArray:
      for (const auto& a : e.As<ArrayExpr>().elements) visit(a);
      break;
    case ExprKind::kRow:
      for (const auto& a : e.As<RowExpr>().fields) visit(a);
      break;
    default:
      break;
  }
}

}  // namespace

BoundExprPtr MakeConst(Value v) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kConst;
  b->type = Type::Of(v.type());
  b->value = std::move(v);
  return b;
}

BoundExprPtr MakeColumn(int index, Type type) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kColumn;
  b->index = index;
  b->type = type;
  return b;
}

bool BoundExpr::IsRowIndependent() const {
  if (kind == BoundKind::kColumn || (kind == BoundKind::kSubquery && correlated)) {
    return false;
  }
  if (kind == BoundKind::kFunction &&
      (func == Func::kClockTimestamp || func == Func::kGenRandomUuid)) {
    return false;
  }
  return std::all_of(args.begin(), args.end(),
                     [](const BoundExprPtr& a) { return a->IsRowIndependent(); });
}

int LeftmostPosition(const Expr& expr) {
  int best = expr.position;
  ForEachChild(expr, [&](const Expr& child) {
    int p = LeftmostPosition(child);
    if (p > 0 && (best == 0 || p < best)) best = p;
  });
  return best;
}

bool ContainsAggregate(const Expr& expr) {
  if (expr.Is<FunctionExpr>()) {
    const auto& f = expr.As<FunctionExpr>();
    if (f.over == nullptr && f.name.size() == 1 && IsAggregateName(f.name[0])) {
      return true;
    }
  }
  bool found = false;
  ForEachChild(expr, [&](const Expr& child) { found = found || ContainsAggregate(child); });
  return found;
}

std::string FigureColumnName(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kColumnRef:
      return expr.As<ColumnRefExpr>().names.back();
    case ExprKind::kFunction:
      return expr.As<FunctionExpr>().name.back();
    case ExprKind::kCast: {
      const auto& c = expr.As<CastExpr>();
      std::string inner = FigureColumnName(*c.arg);
      if (inner != "?column?") {
        return inner;
      }
      return c.type.names.back();
    }
    case ExprKind::kCollate:
      return FigureColumnName(*expr.As<CollateExpr>().arg);
    case ExprKind::kCase:
      return "case";
    case ExprKind::kSqlValue:
      switch (expr.As<SqlValueExpr>().value) {
        case SqlValue::kCurrentDate:
          return "current_date";
        case SqlValue::kCurrentTime:
          return "current_time";
        case SqlValue::kCurrentTimestamp:
          return "current_timestamp";
        case SqlValue::kLocalTime:
          return "localtime";
        case SqlValue::kLocalTimestamp:
          return "localtimestamp";
        case SqlValue::kCurrentRole:
          return "current_role";
        case SqlValue::kCurrentUser:
          return "current_user";
        case SqlValue::kSessionUser:
          return "session_user";
        case SqlValue::kUser:
          return "current_user";
        case SqlValue::kCurrentCatalog:
          return "current_catalog";
        case SqlValue::kCurrentSchema:
          return "current_schema";
      }
      break;
    case ExprKind::kArray:
      return "array";
    case ExprKind::kRow:
      return "row";
    default:
      break;
  }
  return "?column?";
}

Result<BoundExprPtr> Binder::BindSqlValue(const SqlValueExpr& e) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  switch (e.value) {
    case SqlValue::kCurrentTimestamp:
      b->func = Func::kNow;
      b->type = Type::Of(TypeId::kTimestamptz);
      break;
    case SqlValue::kLocalTimestamp:
      b->func = Func::kLocalTimestamp;
      b->type = Type::Of(TypeId::kTimestamp);
      break;
    case SqlValue::kCurrentDate:
      b->func = Func::kCurrentDate;
      b->type = Type::Of(TypeId::kDate);
      break;
    case SqlValue::kCurrentRole:
    case SqlValue::kCurrentUser:
    case SqlValue::kSessionUser:
    case SqlValue::kUser:
      b->func = Func::kCurrentUser;
      b->type = Type::Of(TypeId::kText);
      break;
    case SqlValue::kCurrentCatalog:
      b->func = Func::kCurrentDatabase;
      b->type = Type::Of(TypeId::kText);
      break;
    case SqlValue::kCurrentSchema:
      b->func = Func::kCurrentSchema;
      b->type = Type::Of(TypeId::kText);
      break;
    case SqlValue::kCurrentTime:
    case SqlValue::kLocalTime:
      return ErrorAt(FeatureNotSupported("the time type is not supported"), e.position);
  }
  return b;
}

Result<BoundExprPtr> Binder::BindFunction(const FunctionExpr& e, const Scope& scope) {
  if (IsSetReturning(e) && e.over == nullptr) {
    return BindSetReturning(e, scope, -1);
  }
  if (e.name.size() > 2 || (e.name.size() == 2 && e.name[0] != "pg_catalog")) {
    std::string full = e.name[0];
    for (size_t i = 1; i < e.name.size(); ++i) full += "." + e.name[i];
    return ErrorAt(Status::InvalidArgument("function " + full + " does not exist")
                       .WithSqlState(kSqlStateUndefinedFunction),
                   e.position);
  }
  const std::string& name = e.name.back();
  if (name == "timezone" && e.args.size() == 2 && e.over == nullptr && !e.star && !e.distinct) {
    return BindAtTimeZone(*e.args[1], *e.args[0], e.position, scope);
  }
  if (e.over != nullptr) {
    return BindWindow(e, scope);
  }
  if (IsAggregateName(name)) {
    return BindAggregate(e);
  }
  const FunctionInfo* info = FindFunction(name);
  ASSIGN_OR_RETURN(std::vector<BoundExprPtr> args, BindArgs(e.args, scope));
  if (name == "pg_typeof" && args.size() == 1 && !e.star && !e.distinct) {
    // PostgreSQL returns regtype, printed as the type's name; BlockDB returns that name as text.
    // The argument's type is known now, so the call is a constant (the argument is not run).
    return MakeConst(Value::Text(std::string(TypeIdName(args[0]->type.id()))));
  }
  auto signature = [&]() {
    std::string s = name + "(";
    for (size_t i = 0; i < args.size(); ++i) s += (i > 0 ? ", " : "") + TypeLabel(args[i]->type);
    return s + ")";
  };
  // power(x, y) is the ^ operator: power(float8, float8) and power(numeric, numeric).
  if (info != nullptr && info->func == Func::kPower && args.size() == 2 && !e.star && !e.distinct) {
    if (!ResolveOperator(BinaryOp::kPow, args[0]->type.id(), args[1]->type.id()).ok()) {
      return ErrorAt(Status::InvalidArgument("function " + signature() + " does not exist")
                         .WithSqlState(kSqlStateUndefinedFunction),
                     e.position);
    }
    return BindArith(BinaryOp::kPow, std::move(args[0]), std::move(args[1]), e.position);
  }
  if (info == nullptr || static_cast<int>(args.size()) < info->min_args ||
      static_cast<int>(args.size()) > info->max_args || e.star || e.distinct) {
    return ErrorAt(Status::InvalidArgument("function " + signature() + " does not exist")
                       .WithSqlState(kSqlStateUndefinedFunction),
                   e.position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->func = info->func;
  // Argument types: text functions take text (an unknown literal or parameter becomes text);
  // the numeric ones a number; date_trunc and extract a unit and a date/time value.
  for (size_t i = 0; i < args.size(); ++i) {
    TypeId want = info->arg_type;
    if (info->func == Func::kSubstring || info->func == Func::kLeft ||
        info->func == Func::kRight || info->func == Func::kRepeat) {
      want = i == 0 ? TypeId::kText : TypeId::kInt4;
    } else if ((info->func == Func::kDateTrunc || info->func == Func::kExtract) && i == 0) {
      want = TypeId::kText;
    } else if (info->func == Func::kRound || info->func == Func::kTrunc) {
      want = i == 0 ? TypeId::kNumeric : TypeId::kInt4;
    } else if (info->func == Func::kFloor || info->func == Func::kCeil) {
      want = TypeId::kNumeric;
    } else if (info->func == Func::kSign) {
      // sign(float8) and sign(numeric): an unknown literal is double precision, PostgreSQL's
      // preferred type of the two.
      const TypeId t = args[i]->type.id();
      want = t == TypeId::kUnknown || t == TypeId::kNull ? TypeId::kFloat8 : TypeId::kNumeric;
    } else if ((info->func == Func::kDateTrunc || info->func == Func::kExtract) && i == 1) {
      want = TypeId::kTimestamptz;
    }
    TypeId have = args[i]->type.id();
    if (want == TypeId::kNull) {
      continue;
    }
    if (have == TypeId::kUnknown || have == TypeId::kNull) {
      ASSIGN_OR_RETURN(args[i], CoerceImplicit(std::move(args[i]), Type::Of(want), e.position));
    } else if (want == TypeId::kText && have == TypeId::kBytea &&
               (info->func == Func::kLength || info->func == Func::kOctetLength ||
                info->func == Func::kMd5)) {
      // length(bytea), octet_length(bytea) and md5(bytea) count and hash the bytes.
    } else if (want == TypeId::kText && have != TypeId::kText && have != TypeId::kVarchar &&
               info->func != Func::kConcat) {
      return ErrorAt(Status::InvalidArgument("function " + signature() + " does not exist")
                         .WithSqlState(kSqlStateUndefinedFunction),
                     e.position);
    } else if ((want == TypeId::kInt4 || want == TypeId::kNumeric || want == TypeId::kFloat8 ||
                want == TypeId::kInt8) &&
               !IsNumber(have)) {
      return ErrorAt(Status::InvalidArgument("function " + signature() + " does not exist")
                         .WithSqlState(kSqlStateUndefinedFunction),
                     e.position);
    } else if ((want == TypeId::kInt4 && (have == TypeId::kInt2 || have == TypeId::kInt8)) ||
               (want == TypeId::kFloat8 && have != TypeId::kFloat8 &&
                info->func != Func::kAbs)) {
      ASSIGN_OR_RETURN(args[i], CoerceImplicit(std::move(args[i]), Type::Of(want), e.position));
    }
  }
  switch (info->rule) {
    case ResultRule::kFixed:
      b->type = Type::Of(info->fixed);
      break;
    case ResultRule::kFirstArg:
      b->type = Type::Of(args[0]->type.id());
      break;
    case ResultRule::kRound:
      b->type = Type::Of(args[0]->type.id() == TypeId::kNumeric ? TypeId::kNumeric
                                                                : TypeId::kFloat8);
      if (args.size() == 2) {
        b->type = Type::Of(TypeId::kNumeric);
      }
      break;
    case ResultRule::kDateTrunc:
      b->type = Type::Of(args[1]->type.id() == TypeId::kDate ? TypeId::kTimestamptz
                                                             : args[1]->type.id());
      break;
    case ResultRule::kCommon: {
      std::vector<BoundExprPtr*> items;
      std::vector<int> positions;
      for (auto& a : args) items.push_back(&a);
      for (const ExprPtr& a : e.args) positions.push_back(LeftmostPosition(*a));
      std::string ctx = name;
      std::transform(ctx.begin(), ctx.end(), ctx.begin(), ::toupper);
      RETURN_IF_ERROR(UnifyTypes(items, ctx, e.position, positions));
      b->type = args[0]->type;
      break;
    }
  }
  if (info->func == Func::kNullIf) {
    std::vector<BoundExprPtr*> items{&args[0], &args[1]};
    RETURN_IF_ERROR(UnifyTypes(items, "NULLIF", e.position));
    b->type = args[0]->type;
  }
  b->args = std::move(args);
  return b;
}

Result<BoundExprPtr> Binder::BindWindow(const FunctionExpr& e, const Scope& scope) {
  const std::string& name = e.name.back();
  if (window_ == nullptr || agg_ != nullptr) {
    return ErrorAt(Status::InvalidArgument(
                       agg_ != nullptr ? "window functions over a GROUP BY are not supported yet"
                                       : "window functions are not allowed in " +
                                             std::string(clause_))
                       .WithSqlState(agg_ != nullptr ? "0A000" : "42P20"),
                   e.position);
  }
  const WindowSpec& own = *e.over;
  // OVER name / OVER (name ORDER BY ...): the named window's PARTITION BY, its ORDER BY unless
  // this one adds one, and this one's frame or else the named one's (PostgreSQL's rules for
  // what may be added are checked: 42P20).
  const std::vector<ExprPtr>* partition_by = &own.partition_by;
  const std::vector<SortItem>* order_by = &own.order_by;
  const std::optional<WindowFrame>* frame_clause = &own.frame;
  if (!own.ref_name.empty()) {
    const WindowDef* named = nullptr;
    for (size_t i = 0; named_windows_ != nullptr && i < named_windows_->size(); ++i) {
      if ((*named_windows_)[i].name == own.ref_name) named = &(*named_windows_)[i];
    }
    if (named == nullptr) {
      return ErrorAt(Status::InvalidArgument("window \"" + own.ref_name + "\" does not exist")
                         .WithSqlState("42704"),
                     e.position);
    }
    const WindowSpec& base = named->spec;
    if (!base.ref_name.empty()) {
      return ErrorAt(FeatureNotSupported("a named window based on another is not supported yet"),
                     e.position);
    }
    if (!own.partition_by.empty()) {
      return ErrorAt(Status::InvalidArgument("cannot override PARTITION BY clause of window \"" +
                                             own.ref_name + "\"")
                         .WithSqlState("42P20"),
                     e.position);
    }
    if (!own.order_by.empty() && !base.order_by.empty()) {
      return ErrorAt(Status::InvalidArgument("cannot override ORDER BY clause of window \"" +
                                             own.ref_name + "\"")
                         .WithSqlState("42P20"),
                     e.position);
    }
    partition_by = &base.partition_by;
    if (own.order_by.empty()) order_by = &base.order_by;
    if (!own.frame.has_value()) frame_clause = &base.frame;
  }
  std::optional<WindowFrameSpec> frame;
  if (frame_clause->has_value()) {
    const WindowFrame& f = **frame_clause;
    const bool offsets =
        f.start.kind == FrameBoundKind::kPreceding || f.start.kind == FrameBoundKind::kFollowing ||
        f.end.kind == FrameBoundKind::kPreceding || f.end.kind == FrameBoundKind::kFollowing;
    if (f.mode == FrameMode::kGroups || (f.mode == FrameMode::kRange && offsets) ||
        f.exclusion != FrameExclusion::kNoOthers) {
      return ErrorAt(FeatureNotSupported("window frames in GROUPS mode, RANGE with an offset and "
                                         "EXCLUDE are not supported yet"),
                     e.position);
    }
    if (f.start.kind == FrameBoundKind::kUnboundedFollowing) {
      return ErrorAt(Status::InvalidArgument("frame start cannot be UNBOUNDED FOLLOWING")
                         .WithSqlState("42P20"),
                     e.position);
    }
    if (f.end.kind == FrameBoundKind::kUnboundedPreceding) {
      return ErrorAt(
          Status::InvalidArgument("frame end cannot be UNBOUNDED PRECEDING").WithSqlState("42P20"),
          e.position);
    }
    if ((f.start.kind == FrameBoundKind::kCurrentRow && f.end.kind == FrameBoundKind::kPreceding) ||
        (f.start.kind == FrameBoundKind::kFollowing &&
         (f.end.kind == FrameBoundKind::kPreceding || f.end.kind == FrameBoundKind::kCurrentRow))) {
      return ErrorAt(Status::InvalidArgument(
                         f.start.kind == FrameBoundKind::kCurrentRow
                             ? "frame starting from current row cannot have preceding rows"
                             : "frame starting from following row cannot have preceding rows")
                         .WithSqlState("42P20"),
                     e.position);
    }
    WindowFrameSpec fs;
    fs.rows = f.mode == FrameMode::kRows;
    fs.start = f.start.kind;
    fs.end = f.end.kind;
    Scope empty;  // offsets read no column, as in PostgreSQL
    for (auto [bound, out] : {std::pair{&f.start, &fs.start_offset}, {&f.end, &fs.end_offset}}) {
      if (bound->offset == nullptr) continue;
      ASSIGN_OR_RETURN(BoundExprPtr o, BindNode(*bound->offset, empty));
      ASSIGN_OR_RETURN(
          o, CoerceImplicit(std::move(o), Type::Of(TypeId::kInt8), bound->offset->position));
      *out = std::move(o);
    }
    frame = std::move(fs);
  }
  WindowScope* window = window_;
  window_ = nullptr;  // no window function inside another
  WindowCall call;
  Status status = [&]() -> Status {
    if (name == "row_number" || name == "rank" || name == "dense_rank") {
      if (!e.args.empty()) {
        return Status::InvalidArgument("function " + name + " takes no arguments")
            .WithSqlState(kSqlStateUndefinedFunction);
      }
      call.func = name == "row_number" ? WindowFunc::kRowNumber
                  : name == "rank"     ? WindowFunc::kRank
                                       : WindowFunc::kDenseRank;
      call.type = Type::Of(TypeId::kInt8);
    } else if (name == "lag" || name == "lead" || name == "first_value" || name == "last_value" ||
               name == "nth_value") {
      // A value of another row: lag/lead(value [, offset]), first/last_value(value),
      // nth_value(value, n); an offset or n is a bigint.
      const bool shift = name == "lag" || name == "lead";
      const size_t min_args = name == "nth_value" ? 2 : 1;
      const size_t max_args = shift || name == "nth_value" ? 2 : 1;
      if (e.args.size() < min_args || e.args.size() > max_args) {
        return Status::InvalidArgument("function " + name + " takes " +
                                       (shift           ? "one or two arguments"
                                        : min_args == 2 ? "two arguments"
                                                        : "one argument"))
            .WithSqlState(kSqlStateUndefinedFunction);
      }
      call.func = name == "lag"           ? WindowFunc::kLag
                  : name == "lead"        ? WindowFunc::kLead
                  : name == "first_value" ? WindowFunc::kFirstValue
                  : name == "last_value"  ? WindowFunc::kLastValue
                                          : WindowFunc::kNthValue;
      ASSIGN_OR_RETURN(call.args, BindArgs(e.args, scope));
      if (call.args.size() == 2) {
        ASSIGN_OR_RETURN(call.args[1], CoerceImplicit(std::move(call.args[1]),
                                                      Type::Of(TypeId::kInt8), e.position));
      }
      call.type = call.args[0]->type.id() == TypeId::kUnknown ? Type::Of(TypeId::kText)
                                                             : call.args[0]->type;
    } else if (IsAggregateName(name) && name != "string_agg") {
      AggregateScope temp;
      temp.input = &scope;
      agg_ = &temp;
      Result<BoundExprPtr> r = BindAggregate(e);
      agg_ = nullptr;
      RETURN_IF_ERROR(r.status());
      if (!temp.aggregates[0].order.empty()) {
        return FeatureNotSupported("aggregate ORDER BY is not implemented for window functions");
      }
      call.func = WindowFunc::kAggregate;
      call.aggregate = std::move(temp.aggregates[0]);
      call.type = call.aggregate.result_type;
    } else {
      return Status::InvalidArgument("window function " + name + " does not exist")
          .WithSqlState(kSqlStateUndefinedFunction);
    }
    for (const ExprPtr& p : *partition_by) {
      ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(*p, scope));
      call.partition.push_back(std::move(b));
    }
    for (const SortItem& o : *order_by) {
      ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(*o.expr, scope));
      call.order.push_back(std::move(b));
      bool desc = o.order == SortOrder::kDesc;
      call.order_desc.push_back(desc);
      call.order_nulls_first.push_back(o.nulls == NullsOrder::kDefault ? desc
                                                                       : o.nulls == NullsOrder::kFirst);
    }
    return Status::OK();
  }();
  window_ = window;
  if (!status.ok()) return ErrorAt(std::move(status), e.position);
  call.frame = std::move(frame);
  Type type = call.type;
  window->calls.push_back(std::move(call));
  return MakeColumn(-static_cast<int>(window->calls.size()), type);
}

Result<BoundExprPtr> Binder::BindAggregate(const FunctionExpr& e) {
  const std::string& name = e.name.back();
  if (agg_ == nullptr) {
    return ErrorAt(Status::InvalidArgument("aggregate functions are not allowed in " +
                                           std::string(clause_))
                       .WithSqlState(kSqlStateGroupingError),
                   e.position);
  }
  if (e.distinct) {
    // PostgreSQL: with DISTINCT, ORDER BY may only sort by the arguments.
    for (const SortItem& o : e.order_by) {
      bool in_args = false;
      for (const ExprPtr& a : e.args) in_args = in_args || ToSexp(*a) == ToSexp(*o.expr);
      if (!in_args) {
        return ErrorAt(Status::InvalidArgument("in an aggregate with DISTINCT, ORDER BY "
                                               "expressions must appear in argument list")
                           .WithSqlState("42P10"),
                       o.expr->position);
      }
    }
  }
  AggregateSpec spec;
  // FILTER and the call's ORDER BY are evaluated on input rows, like the arguments: bound before
  // grouping, and no aggregate inside them.
  if (e.filter != nullptr || !e.order_by.empty()) {
    AggregateScope* outer = agg_;
    agg_ = nullptr;
    std::string_view saved_clause = clause_;
    Status status = [&]() -> Status {
      if (e.filter != nullptr) {
        clause_ = "FILTER";
        ASSIGN_OR_RETURN(spec.filter, BindNode(*e.filter, *outer->input));
        const TypeId t = spec.filter->type.id();
        if (t == TypeId::kUnknown || t == TypeId::kNull) {
          ASSIGN_OR_RETURN(spec.filter, CoerceImplicit(std::move(spec.filter),
                                                       Type::Of(TypeId::kBool), e.position));
        } else if (t != TypeId::kBool) {
          return ErrorAt(DatatypeMismatch("argument of FILTER must be type boolean, not type " +
                                          TypeLabel(spec.filter->type)),
                         e.filter->position);
        }
      }
      clause_ = "aggregate function calls";
      for (const SortItem& o : e.order_by) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(*o.expr, *outer->input));
        if (b->type.id() == TypeId::kUnknown) {
          ASSIGN_OR_RETURN(b, CoerceImplicit(std::move(b), Type::Of(TypeId::kText), e.position));
        }
        spec.order.push_back(std::move(b));
        const bool desc = o.order == SortOrder::kDesc;
        spec.order_desc.push_back(desc);
        spec.order_nulls_first.push_back(
            o.nulls == NullsOrder::kDefault ? desc : o.nulls == NullsOrder::kFirst);
      }
      return Status::OK();
    }();
    clause_ = saved_clause;
    agg_ = outer;
    RETURN_IF_ERROR(status);
  }
  spec.distinct = e.distinct;
  if (e.star) {
    if (name != "count") {
      return ErrorAt(Status::InvalidArgument(name + "(*) must be used to call a parameterless "
                                                    "aggregate function")
                         .WithSqlState("42809"),
                     e.position);
    }
    spec.func = AggFunc::kCountStar;
    spec.result_type = Type::Of(TypeId::kInt8);
  } else {
    size_t want_args = name == "string_agg" ? 2 : 1;
    if (e.args.size() != want_args) {
      return ErrorAt(Status::InvalidArgument("function " + name + " with " +
                                             std::to_string(e.args.size()) +
                                             " arguments does not exist")
                         .WithSqlState(kSqlStateUndefinedFunction),
                     e.position);
    }
    // The argument is evaluated on input rows: bind it before grouping. Nested aggregates are
    // an error, as in PostgreSQL.
    AggregateScope* outer = agg_;
    agg_ = nullptr;
    std::string_view saved_clause = clause_;
    clause_ = "aggregate function calls";
    Result<BoundExprPtr> arg = BindNode(*e.args[0], *outer->input);
    Result<BoundExprPtr> sep = want_args == 2 ? BindNode(*e.args[1], *outer->input)
                                              : Result<BoundExprPtr>(MakeConst(Value::Null()));
    clause_ = saved_clause;
    agg_ = outer;
    if (!arg.ok()) {
      return arg.TakeStatus();
    }
    if (!sep.ok()) {
      return sep.TakeStatus();
    }
    spec.arg = std::move(arg).value();
    TypeId t = spec.arg->type.id();
    if (t == TypeId::kUnknown) {
      ASSIGN_OR_RETURN(spec.arg, CoerceImplicit(std::move(spec.arg), Type::Of(TypeId::kText),
                                                e.position));
      t = TypeId::kText;
    }
    auto no_function = [&]() {
      return ErrorAt(Status::InvalidArgument("function " + name + "(" + TypeLabel(spec.arg->type) +
                                             ") does not exist")
                         .WithSqlState(kSqlStateUndefinedFunction),
                     e.position);
    };
    if (name == "count") {
      spec.func = AggFunc::kCount;
      spec.result_type = Type::Of(TypeId::kInt8);
    } else if (name == "sum" || name == "avg") {
      spec.func = name == "sum" ? AggFunc::kSum : AggFunc::kAvg;
      if (!IsNumber(t) && t != TypeId::kInterval && t != TypeId::kNull) {
        return no_function();
      }
      // PostgreSQL: sum(int2/int4) is bigint, sum(int8) numeric, avg of integers numeric,
      // floats stay double precision (real for sum(real)).
      TypeId r = t;
      if (spec.func == AggFunc::kSum) {
        r = (t == TypeId::kInt2 || t == TypeId::kInt4) ? TypeId::kInt8
            : t == TypeId::kInt8                         ? TypeId::kNumeric
                                                         : t;
      } else {
        r = (t == TypeId::kFloat4 || t == TypeId::kFloat8) ? TypeId::kFloat8
            : t == TypeId::kInterval                       ? TypeId::kInterval
                                                           : TypeId::kNumeric;
      }
      spec.result_type = Type::Of(r == TypeId::kNull ? TypeId::kNumeric : r);
    } else if (name == "min" || name == "max") {
      spec.func = name == "min" ? AggFunc::kMin : AggFunc::kMax;
      // PostgreSQL 15 has no min/max for these types (bool_and/bool_or serve booleans).
      if (t == TypeId::kBool || t == TypeId::kJson || t == TypeId::kJsonb || t == TypeId::kBytea ||
          t == TypeId::kUuid) {
        return no_function();
      }
      spec.result_type = spec.arg->type.id() == TypeId::kNull ? Type::Of(TypeId::kText)
                                                              : Type::Of(t);
    } else if (name == "bool_and" || name == "every" || name == "bool_or") {
      spec.func = name == "bool_or" ? AggFunc::kBoolOr : AggFunc::kBoolAnd;
      if (t != TypeId::kBool && t != TypeId::kNull) {
        return no_function();
      }
      spec.result_type = Type::Of(TypeId::kBool);
    } else {
      spec.func = AggFunc::kStringAgg;
      if (t != TypeId::kText && t != TypeId::kVarchar) {
        return no_function();
      }
      ASSIGN_OR_RETURN(spec.separator,
                       CoerceImplicit(std::move(sep).value(), Type::Of(TypeId::kText), e.position));
      spec.result_type = Type::Of(TypeId::kText);
    }
  }
  int slot = static_cast<int>(agg_->group_keys.size() + agg_->aggregates.size());
  Type result_type = spec.result_type;
  agg_->aggregates.push_back(std::move(spec));
  return MakeColumn(slot, result_type);
}

}  // namespace blockdb::sql::exec
