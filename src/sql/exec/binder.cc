#include "sql/exec/binder.h"

#include <algorithm>

#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/errors.h"
#include "sql/types/numeric.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateUndefinedColumn[] = "42703";
constexpr char kSqlStateAmbiguousColumn[] = "42702";
constexpr char kSqlStateGroupingError[] = "42803";
constexpr char kSqlStateUndefinedParameter[] = "42P02";

Status UndefinedColumn(const std::vector<std::string>& names) {
  std::string joined;
  for (size_t i = 0; i < names.size(); ++i) {
    joined += (i > 0 ? "." : "") + names[i];
  }
  return Status::InvalidArgument("column \"" + joined + "\" does not exist")
      .WithSqlState(kSqlStateUndefinedColumn);
}

std::string TypeLabel(const Type& t) {
  return t.id() == TypeId::kNull ? std::string("unknown") : t.Name();
}

// A boolean AND, OR (two arguments) or NOT (b null) node over bound arguments.
BoundExprPtr BoolNode(BoundKind kind, BoundExprPtr a, BoundExprPtr b = nullptr) {
  auto node = std::make_unique<BoundExpr>();
  node->kind = kind;
  node->type = Type::Of(TypeId::kBool);
  node->args.push_back(std::move(a));
  if (b != nullptr) node->args.push_back(std::move(b));
  return node;
}

}  // namespace

Status Binder::ErrorAt(Status s, int position) {
  if (error_position_ == 0) {
    error_position_ = position;
  }
  return s;
}

Result<BoundExprPtr> Binder::Bind(const Expr& expr, const Scope& scope, std::string_view clause,
                                  AggregateScope* agg) {
  AggregateScope* saved_agg = agg_;
  std::string_view saved_clause = clause_;
  agg_ = agg;
  clause_ = clause;
  Result<BoundExprPtr> r = BindNode(expr, scope);
  agg_ = saved_agg;
  clause_ = saved_clause;
  return r;
}

Result<BoundExprPtr> Binder::BindCondition(const Expr& expr, const Scope& scope,
                                           std::string_view clause, AggregateScope* agg) {
  ASSIGN_OR_RETURN(BoundExprPtr e, Bind(expr, scope, clause, agg));
  return AsBoolean(std::move(e), "argument of " + std::string(clause), expr.position);
}

Result<BoundExprPtr> Binder::AsBoolean(BoundExprPtr e, std::string_view what, int position) {
  if (e->type.id() == TypeId::kBool) {
    return e;
  }
  if (e->kind == BoundKind::kParam && e->type.id() == TypeId::kUnknown) {
    InferParam(e.get(), Type::Of(TypeId::kBool));
    return e;
  }
  if (e->type.id() == TypeId::kNull || e->type.id() == TypeId::kUnknown) {
    return CoerceImplicit(std::move(e), Type::Of(TypeId::kBool), position);
  }
  return ErrorAt(DatatypeMismatch(std::string(what) + " must be type boolean, not type " +
                                  TypeLabel(e->type)),
                 position);
}

void Binder::InferParam(BoundExpr* e, const Type& t) {
  if (e->kind != BoundKind::kParam || e->type.id() != TypeId::kUnknown) {
    return;
  }
  Type inferred = t.id() == TypeId::kNull || t.id() == TypeId::kUnknown ? Type::Of(TypeId::kText)
                                                                         : t;
  e->type = inferred;
  auto& slot = ctx_->param_types[e->index];
  if (!slot) {
    slot = inferred;
  }
}

Result<BoundExprPtr> Binder::Coerce(BoundExprPtr e, const Type& to, CastContext context,
                                    const std::function<Status()>& mismatch, int position) {
  if (e->type == to) {
    return e;
  }
  if (e->kind == BoundKind::kParam && e->type.id() == TypeId::kUnknown) {
    InferParam(e.get(), to);
    return e;
  }
  if (!CanCast(e->type.id(), to.id(), context)) {
    return ErrorAt(mismatch(), position);
  }
  if (e->kind == BoundKind::kConst) {
    Result<Value> v = CastValue(e->value, to, context);
    if (!v.ok()) {
      return ErrorAt(v.TakeStatus(), position);
    }
    return MakeConst(std::move(v).value());
  }
  auto cast = std::make_unique<BoundExpr>();
  cast->kind = BoundKind::kCast;
  cast->type = to;
  cast->negated = context == CastContext::kAssignment;  // see Eval
  cast->args.push_back(std::move(e));
  return cast;
}

Result<BoundExprPtr> Binder::CoerceImplicit(BoundExprPtr e, const Type& to, int position) {
  const Type from = e->type;
  return Coerce(
      std::move(e), to, CastContext::kImplicit,
      [&] {
        return DatatypeMismatch("cannot convert type " + TypeLabel(from) + " to " + to.Name() +
                                " implicitly");
      },
      position);
}

Result<BoundExprPtr> Binder::CoerceForAssignment(BoundExprPtr e, const Type& to,
                                                 std::string_view column, int position) {
  const Type from = e->type;
  return Coerce(
      std::move(e), to, CastContext::kAssignment,
      [&] {
        return DatatypeMismatch("column \"" + std::string(column) + "\" is of type " +
                                to.Name() + " but expression is of type " + TypeLabel(from));
      },
      position);
}

Result<std::vector<BoundExprPtr>> Binder::BindArgs(const std::vector<ExprPtr>& args,
                                                   const Scope& scope) {
  std::vector<BoundExprPtr> out;
  for (const ExprPtr& a : args) {
    ASSIGN_OR_RETURN(BoundExprPtr b, BindNode(*a, scope));
    out.push_back(std::move(b));
  }
  return out;
}

Status Binder::UnifyTypes(std::vector<BoundExprPtr*> items, std::string_view context,
                          int position, const std::vector<int>& positions) {
  TypeId common = TypeId::kNull;
  Type common_type;
  for (size_t i = 0; i < items.size(); ++i) {
    BoundExprPtr* item = items[i];
    TypeId t = (*item)->type.id();
    if (t == TypeId::kUnknown || t == TypeId::kNull) {
      // An untyped literal or parameter takes the common type of the others (text when all are
      // untyped), as in PostgreSQL's select_common_type: CASE WHEN c THEN 1 ELSE '2' END is an
      // integer.
      continue;
    }
    Result<TypeId> c = CommonType(common, t, context);
    if (!c.ok()) {
      return ErrorAt(c.TakeStatus(),
                     i < positions.size() && positions[i] > 0 ? positions[i] : position);
    }
    if (*c != common) {
      common = *c;
      common_type = (*item)->type.id() == common ? (*item)->type : Type::Of(common);
    } else if (common_type.id() == common && !((*item)->type == common_type)) {
      common_type = Type::Of(common);  // modifiers differ: drop them, as PostgreSQL does
    }
  }
  if (common == TypeId::kNull || common == TypeId::kUnknown) {
    common_type = Type::Of(TypeId::kText);
  }
  for (BoundExprPtr* item : items) {
    ASSIGN_OR_RETURN(*item, CoerceImplicit(std::move(*item), common_type, position));
  }
  return Status::OK();
}

Result<BoundExprPtr> Binder::BindNode(const Expr& expr, const Scope& scope) {
  if (agg_ != nullptr) {
    // After grouping: a GROUP BY expression reads its key.
    std::string key = ToSexp(expr);
    for (size_t i = 0; i < agg_->group_keys.size(); ++i) {
      if (agg_->group_keys[i] == key) {
        return MakeColumn(static_cast<int>(i), agg_->group_types[i]);
      }
    }
  }
  switch (expr.kind) {
    case ExprKind::kLiteral:
      return BindLiteral(expr.As<LiteralExpr>());
    case ExprKind::kParam:
      return BindParam(expr.As<ParamExpr>());
    case ExprKind::kColumnRef:
      return BindColumn(expr.As<ColumnRefExpr>(), scope);
    case ExprKind::kUnary:
      return BindUnary(expr.As<UnaryExpr>(), scope);
    case ExprKind::kBinary:
      return BindBinary(expr.As<BinaryExpr>(), scope);
    case ExprKind::kBool:
      return BindBool(expr.As<BoolExpr>(), scope);
    case ExprKind::kIs:
      return BindIs(expr.As<IsExpr>(), scope);
    case ExprKind::kBetween:
      return BindBetween(expr.As<BetweenExpr>(), scope);
    case ExprKind::kInList:
      return BindInList(expr.As<InListExpr>(), scope);
    case ExprKind::kLike:
      return BindLike(expr.As<LikeExpr>(), scope);
    case ExprKind::kCase:
      return BindCase(expr.As<CaseExpr>(), scope);
    case ExprKind::kCast:
      return BindCast(expr.As<CastExpr>(), scope);
    case ExprKind::kSubscript: {
      // a[i] over an array in text form (the catalogs' arrays): the element, typed as an
      // unknown literal so that it compares with any column, unless the column's PostgreSQL
      // type says (int2vector: smallint, from subscript 0).
      const auto& s = expr.As<SubscriptExpr>();
      if (s.slice) {
        return ErrorAt(FeatureNotSupported("array slices are not supported"), expr.position);
      }
      ASSIGN_OR_RETURN(BoundExprPtr a, BindNode(*s.arg, scope));
      ASSIGN_OR_RETURN(BoundExprPtr i, BindNode(*s.lower, scope));
      ASSIGN_OR_RETURN(i, CoerceImplicit(std::move(i), Type::Of(TypeId::kInt8), expr.position));
      auto b = std::make_unique<BoundExpr>();
      b->kind = BoundKind::kFunction;
      b->func = Func::kArraySubscript;
      uint32_t array_oid = ColumnTypeOid(*a, scope);
      b->type = ArrayElementType(array_oid);
      b->args.push_back(std::move(a));
      b->args.push_back(std::move(i));
      b->args.push_back(MakeConst(Value::Int4(ArrayLowerBound(array_oid))));
      return b;
    }
    case ExprKind::kAtTimeZone: {
      const auto& z = expr.As<AtTimeZoneExpr>();
      return BindAtTimeZone(*z.arg, *z.zone, expr.position, scope);
    }
    case ExprKind::kCollate:
      // BlockDB has one collation (C): COLLATE changes nothing.
      return BindNode(*expr.As<CollateExpr>().arg, scope);
    case ExprKind::kFunction:
      return BindFunction(expr.As<FunctionExpr>(), scope);
    case ExprKind::kFieldSelect:
      return BindFieldSelect(expr.As<FieldSelectExpr>(), scope);
    case ExprKind::kSqlValue:
      return BindSqlValue(expr.As<SqlValueExpr>());
    case ExprKind::kQuantified:
      return BindQuantified(expr.As<QuantifiedExpr>(), scope);
    case ExprKind::kSubquery:
      return BindSubquery(expr.As<SubqueryExpr>(), scope);
    case ExprKind::kStar:
      return ErrorAt(Status::InvalidArgument("* is not allowed here").WithSqlState("42601"),
                     expr.position);
    case ExprKind::kDefault:
      return ErrorAt(Status::InvalidArgument("DEFAULT is not allowed in this context")
                         .WithSqlState("42601"),
                     expr.position);
    default:
      return ErrorAt(FeatureNotSupported("this kind of expression is not supported yet"),
                     expr.position);
  }
}

// x AT TIME ZONE zone, PostgreSQL's timezone(zone, x): a timestamp read as local time in the
// zone gives a timestamptz; a timestamptz (or a date, or an unknown literal, taken as one)
// gives its local time there. The zone is text (a zone name) or an interval (an offset). Also
// the function form timezone(zone, x).
Result<BoundExprPtr> Binder::BindAtTimeZone(const Expr& value, const Expr& zone_expr, int position,
                                            const Scope& scope) {
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(value, scope));
  ASSIGN_OR_RETURN(BoundExprPtr zone, BindNode(zone_expr, scope));
  const TypeId zone_type = zone->type.id();
  const TypeId arg_type = arg->type.id();
  if (zone_type == TypeId::kUnknown || zone_type == TypeId::kNull) {
    ASSIGN_OR_RETURN(zone, CoerceImplicit(std::move(zone), Type::Of(TypeId::kText), position));
  }
  if (arg_type == TypeId::kUnknown || arg_type == TypeId::kNull || arg_type == TypeId::kDate) {
    ASSIGN_OR_RETURN(arg, CoerceImplicit(std::move(arg), Type::Of(TypeId::kTimestamptz), position));
  }
  const TypeId z = zone->type.id();
  const TypeId a = arg->type.id();
  if ((z != TypeId::kText && z != TypeId::kVarchar && z != TypeId::kInterval) ||
      (a != TypeId::kTimestamp && a != TypeId::kTimestamptz)) {
    return ErrorAt(Status::InvalidArgument("function timezone(" + TypeLabel(zone->type) + ", " +
                                           TypeLabel(arg->type) + ") does not exist")
                       .WithSqlState(kSqlStateUndefinedFunction),
                   position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->func = Func::kAtTimeZone;
  b->type = Type::Of(a == TypeId::kTimestamp ? TypeId::kTimestamptz : TypeId::kTimestamp);
  b->args.push_back(std::move(zone));
  b->args.push_back(std::move(arg));
  return b;
}

Result<BoundExprPtr> Binder::BindLiteral(const LiteralExpr& e) {
  switch (e.literal_kind) {
    case LiteralKind::kNull:
      return MakeConst(Value::Null());
    case LiteralKind::kBoolean:
      return MakeConst(Value::Bool(e.value == "true"));
    case LiteralKind::kString:
      return MakeConst(Value::Unknown(e.value));
    case LiteralKind::kInteger:
    case LiteralKind::kNumeric: {
      // As PostgreSQL: an integer is int4 when it fits, else int8, else numeric.
      if (e.literal_kind == LiteralKind::kInteger) {
        for (TypeId t : {TypeId::kInt4, TypeId::kInt8}) {
          Result<Value> i = ParseValue(e.value, Type::Of(t));
          if (i.ok()) return MakeConst(std::move(i).value());
        }
      }
      Result<Value> v = ParseValue(e.value, Type::Of(TypeId::kNumeric));
      if (!v.ok()) {
        return ErrorAt(v.TakeStatus(), e.position);
      }
      return MakeConst(std::move(v).value());
    }
    case LiteralKind::kBitString:
      break;
  }
  return ErrorAt(FeatureNotSupported("bit string literals are not supported"), e.position);
}

Result<BoundExprPtr> Binder::BindParam(const ParamExpr& e) {
  if (!ctx_->allow_params) {
    return ErrorAt(Status::InvalidArgument("there is no parameter $" + std::to_string(e.number))
                       .WithSqlState(kSqlStateUndefinedParameter),
                   e.position);
  }
  if (e.number < 1 || e.number > 65535) {
    return ErrorAt(Status::InvalidArgument("there is no parameter $" + std::to_string(e.number))
                       .WithSqlState(kSqlStateUndefinedParameter),
                   e.position);
  }
  if (ctx_->param_types.size() < static_cast<size_t>(e.number)) {
    ctx_->param_types.resize(e.number);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kParam;
  b->index = e.number - 1;
  const auto& declared = ctx_->param_types[b->index];
  b->type = declared ? *declared : Type::Of(TypeId::kUnknown);
  return b;
}

Result<BoundExprPtr> Binder::BindColumn(const ColumnRefExpr& e, const Scope& scope) {
  const std::string& column = e.names.back();
  std::string table = e.names.size() >= 2 ? e.names[e.names.size() - 2] : "";
  int found = -1;
  for (size_t i = 0; i < scope.columns.size(); ++i) {
    const ScopeColumn& c = scope.columns[i];
    if (c.name != column || (!table.empty() && c.table != table) ||
        (table.empty() && c.hidden)) {
      continue;
    }
    if (found >= 0) {
      return ErrorAt(Status::InvalidArgument("column reference \"" + column + "\" is ambiguous")
                         .WithSqlState(kSqlStateAmbiguousColumn),
                     e.position);
    }
    found = static_cast<int>(i);
  }
  if (found < 0) {
    // An enclosing query's column: a correlated reference.
    for (int level = static_cast<int>(outer_scopes_.size()) - 1; level >= 0; --level) {
      const Scope& outer = *outer_scopes_[level];
      for (size_t i = 0; i < outer.columns.size(); ++i) {
        const ScopeColumn& c = outer.columns[i];
        if (c.name != column || (!table.empty() && c.table != table) ||
            (table.empty() && c.hidden)) {
          continue;
        }
        auto b = std::make_unique<BoundExpr>();
        b->kind = BoundKind::kOuterColumn;
        b->level = level;
        b->index = static_cast<int>(i);
        b->type = c.type;
        ++outer_references_;
        return b;
      }
    }
    bool table_known = table.empty();
    for (const ScopeColumn& c : scope.columns) table_known = table_known || c.table == table;
    if (!table_known) {
      return ErrorAt(Status::InvalidArgument("missing FROM-clause entry for table \"" + table +
                                             "\"")
                         .WithSqlState("42P01"),
                     e.position);
    }
    return ErrorAt(UndefinedColumn(e.names), e.position);
  }
  if (agg_ != nullptr) {
    std::string qualified = scope.columns[found].table.empty()
                                ? column
                                : scope.columns[found].table + "." + column;
    return ErrorAt(Status::InvalidArgument("column \"" + qualified +
                                           "\" must appear in the GROUP BY clause or be used in "
                                           "an aggregate function")
                       .WithSqlState(kSqlStateGroupingError),
                   e.position);
  }
  return MakeColumn(found, scope.columns[found].type);
}

Result<BoundExprPtr> Binder::BindUnary(const UnaryExpr& e, const Scope& scope) {
  ASSIGN_OR_RETURN(BoundExprPtr operand, BindNode(*e.operand, scope));
  if (e.op.name == "+") {
    return operand;
  }
  if (e.op.name != "-") {
    return ErrorAt(Status::InvalidArgument("operator does not exist: " + e.op.name + " " +
                                           TypeLabel(operand->type))
                       .WithSqlState(kSqlStateUndefinedFunction),
                   e.position);
  }
  if (operand->type.id() == TypeId::kUnknown) {
    InferParam(operand.get(), Type::Of(TypeId::kNumeric));
  }
  TypeCategory cat = CategoryOf(operand->type.id());
  if (cat != TypeCategory::kNumeric && operand->type.id() != TypeId::kInterval &&
      operand->type.id() != TypeId::kNull) {
    return ErrorAt(Status::InvalidArgument("operator does not exist: - " +
                                           TypeLabel(operand->type))
                       .WithSqlState(kSqlStateUndefinedFunction),
                   e.position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kNegate;
  b->type = Type::Of(operand->type.id());
  b->args.push_back(std::move(operand));
  return b;
}

Result<BoundExprPtr> Binder::BindArith(BinaryOp op, BoundExprPtr l, BoundExprPtr r, int pos) {
  if (op == BinaryOp::kPow) {
    // ^ exists for double precision and numeric only: an untyped parameter is numeric next to
    // a numeric, else double precision (PostgreSQL's preferred type).
    const auto is_untyped_param = [](const BoundExprPtr& x) {
      return x->kind == BoundKind::kParam && x->type.id() == TypeId::kUnknown;
    };
    for (auto [param, other] : {std::pair{&l, &r}, std::pair{&r, &l}}) {
      if (is_untyped_param(*param)) {
        const bool numeric = (*other)->type.id() == TypeId::kNumeric;
        InferParam(param->get(), Type::Of(numeric ? TypeId::kNumeric : TypeId::kFloat8));
      }
    }
  }
  // A parameter next to a typed operand takes its type, as an unknown literal would.
  if (l->kind == BoundKind::kParam && l->type.id() == TypeId::kUnknown) {
    InferParam(l.get(), r->type);
  }
  if (r->kind == BoundKind::kParam && r->type.id() == TypeId::kUnknown) {
    InferParam(r.get(), l->type);
  }
  Result<OperatorTypes> types = ResolveOperator(op, l->type.id(), r->type.id());
  if (!types.ok()) {
    return ErrorAt(types.TakeStatus(), pos);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kArith;
  b->arith = op;
  b->type = Type::Of(types->result);
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

Result<BoundExprPtr> Binder::BindBinary(const BinaryExpr& e, const Scope& scope) {
  if (e.left->kind == ExprKind::kRow && e.right->kind == ExprKind::kRow) {
    return BindRowComparison(e.op.name, e.left->As<RowExpr>(), e.right->As<RowExpr>(), e.position,
                             scope);
  }
  ASSIGN_OR_RETURN(BoundExprPtr l, BindNode(*e.left, scope));
  ASSIGN_OR_RETURN(BoundExprPtr r, BindNode(*e.right, scope));
  const std::string& op = e.op.name;
  static const std::pair<const char*, CompareOp> kCompares[] = {
      {"=", CompareOp::kEq}, {"<>", CompareOp::kNe}, {"<", CompareOp::kLt},
      {"<=", CompareOp::kLe}, {">", CompareOp::kGt}, {">=", CompareOp::kGe}};
  for (const auto& [symbol, cmp] : kCompares) {
    if (op == symbol) {
      return BindComparison(cmp, std::move(l), std::move(r), e.position);
    }
  }
  auto is_array = [](const BoundExprPtr& x) {
    return x->kind == BoundKind::kSubquery && x->subquery_test == SubqueryTest::kArray;
  };
  bool array_operand = is_array(l) || is_array(r);
  if (op == "||" && array_operand) {
    // a || ARRAY(SELECT ...): array concatenation over text-form arrays.
    auto b = std::make_unique<BoundExpr>();
    b->kind = BoundKind::kFunction;
    b->func = Func::kArrayCat;
    b->type = Type::Of(TypeId::kText);
    b->args.push_back(std::move(l));
    b->args.push_back(std::move(r));
    return b;
  }
  if (op == "&" || op == "|" || op == "#") {
    return BindBitwise(op, std::move(l), std::move(r), e.position);
  }
  static const std::pair<const char*, BinaryOp> kAriths[] = {
      {"+", BinaryOp::kAdd}, {"-", BinaryOp::kSub}, {"*", BinaryOp::kMul},
      {"/", BinaryOp::kDiv}, {"%", BinaryOp::kMod}, {"||", BinaryOp::kConcat},
      {"^", BinaryOp::kPow}};
  for (const auto& [symbol, arith] : kAriths) {
    if (op == symbol) {
      return BindArith(arith, std::move(l), std::move(r), e.position);
    }
  }
  if (op == "->" || op == "->>") {
    return BindJsonGet(op, std::move(l), std::move(r), e.position);
  }
  if (op == "#>" || op == "#>>" || op == "@>" || op == "<@" || op == "?" || op == "?|" ||
      op == "?&") {
    return BindJsonbOperator(op, std::move(l), std::move(r), e.position);
  }
  if (op == "~" || op == "~*" || op == "!~" || op == "!~*") {
    bool text_operands = true;
    for (BoundExprPtr* side : {&l, &r}) {
      TypeId t = (*side)->type.id();
      if ((*side)->kind == BoundKind::kParam && t == TypeId::kUnknown) {
        InferParam(side->get(), Type::Of(TypeId::kText));
      } else if (t == TypeId::kUnknown || t == TypeId::kNull) {
        ASSIGN_OR_RETURN(*side,
                         CoerceImplicit(std::move(*side), Type::Of(TypeId::kText), e.position));
      }
      t = (*side)->type.id();
      text_operands = text_operands && (t == TypeId::kText || t == TypeId::kVarchar);
    }
    if (text_operands) {
      auto b = std::make_unique<BoundExpr>();
      b->kind = BoundKind::kFunction;
      b->func = Func::kRegexMatch;
      b->type = Type::Of(TypeId::kBool);
      b->negated = op[0] == '!';
      b->case_insensitive = op.back() == '*';
      b->args.push_back(std::move(l));
      b->args.push_back(std::move(r));
      return b;
    }
  }
  return ErrorAt(Status::InvalidArgument("operator does not exist: " + TypeLabel(l->type) + " " +
                                         e.op.ToString() + " " + TypeLabel(r->type))
                     .WithSqlState(kSqlStateUndefinedFunction),
                 e.position);
}

Result<BoundExprPtr> Binder::BindJsonGet(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                         int pos) {
  // json -> text|integer, jsonb -> text|integer and their ->> forms. An untyped left operand
  // could be json or jsonb: PostgreSQL finds the operator not unique.
  const TypeId lt = l->type.id();
  const TypeId rt = r->type.id();
  const std::string signature = TypeLabel(l->type) + " " + op + " " + TypeLabel(r->type);
  if (lt == TypeId::kUnknown || lt == TypeId::kNull) {
    return ErrorAt(
        Status::InvalidArgument("operator is not unique: " + signature).WithSqlState("42725"), pos);
  }
  const bool string_key = rt == TypeId::kText || rt == TypeId::kVarchar || rt == TypeId::kUnknown ||
                          rt == TypeId::kNull;
  const bool index = rt == TypeId::kInt2 || rt == TypeId::kInt4;
  if ((lt != TypeId::kJson && lt != TypeId::kJsonb) || (!string_key && !index)) {
    return ErrorAt(Status::InvalidArgument("operator does not exist: " + signature)
                       .WithSqlState(kSqlStateUndefinedFunction),
                   pos);
  }
  if (r->kind == BoundKind::kParam && rt == TypeId::kUnknown) {
    InferParam(r.get(), Type::Of(TypeId::kText));
  } else if (rt != TypeId::kText && rt != TypeId::kInt4) {
    ASSIGN_OR_RETURN(
        r, CoerceImplicit(std::move(r), Type::Of(index ? TypeId::kInt4 : TypeId::kText), pos));
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->func = op == "->" ? Func::kJsonGet : Func::kJsonGetText;
  b->type = Type::Of(op == "->" ? lt : TypeId::kText);
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

// json/jsonb #> and #>> text[] (a path), and jsonb's @>, <@ (containment), ? text, ?| text[]
// and ?& text[] (key existence). Arrays are in their text form ('{a,b}').
Result<BoundExprPtr> Binder::BindJsonbOperator(const std::string& op, BoundExprPtr l,
                                               BoundExprPtr r, int pos) {
  const bool path = op == "#>" || op == "#>>";
  const bool contain = op == "@>" || op == "<@";
  auto untyped = [](const BoundExprPtr& x) {
    return x->type.id() == TypeId::kUnknown || x->type.id() == TypeId::kNull;
  };
  if (contain && untyped(l) && !untyped(r)) {
    ASSIGN_OR_RETURN(l, CoerceImplicit(std::move(l), r->type, pos));
  }
  const TypeId lt = l->type.id();
  const bool json_left = lt == TypeId::kJsonb || (path && lt == TypeId::kJson);
  if (!json_left) {
    return ErrorAt(Status::InvalidArgument("operator does not exist: " + TypeLabel(l->type) + " " +
                                           op + " " + TypeLabel(r->type))
                       .WithSqlState(kSqlStateUndefinedFunction),
                   pos);
  }
  const Type right_type = Type::Of(contain ? TypeId::kJsonb : TypeId::kText);
  if (r->kind == BoundKind::kParam && r->type.id() == TypeId::kUnknown) {
    InferParam(r.get(), right_type);
  } else if (r->type.id() != right_type.id() &&
             !(r->type.id() == TypeId::kVarchar && right_type.id() == TypeId::kText)) {
    ASSIGN_OR_RETURN(r, CoerceImplicit(std::move(r), right_type, pos));
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->func = op == "#>"    ? Func::kJsonGetPath
            : op == "#>>" ? Func::kJsonGetPathText
            : contain     ? Func::kJsonbContains
            : op == "?"   ? Func::kJsonbExists
            : op == "?|"  ? Func::kJsonbExistsAny
                          : Func::kJsonbExistsAll;
  b->type = Type::Of(op == "#>" ? lt : op == "#>>" ? TypeId::kText : TypeId::kBool);
  if (op == "<@") std::swap(l, r);
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

Result<BoundExprPtr> Binder::CompareColumns(int left, const Type& left_type, int right,
                                            const Type& right_type, int position) {
  return BindComparison(CompareOp::kEq, MakeColumn(left, left_type),
                        MakeColumn(right, right_type), position);
}

Result<BoundExprPtr> Binder::BindComparison(CompareOp op, BoundExprPtr l, BoundExprPtr r,
                                            int pos) {
  if (l->kind == BoundKind::kParam && l->type.id() == TypeId::kUnknown) {
    InferParam(l.get(), r->type);
  }
  if (r->kind == BoundKind::kParam && r->type.id() == TypeId::kUnknown) {
    InferParam(r.get(), l->type);
  }
  Result<TypeId> t = ComparisonType(l->type.id(), r->type.id());
  if (!t.ok()) {
    return ErrorAt(t.TakeStatus(), pos);
  }
  // Unknown literals are parsed as the other side's type now, so a bad literal fails at bind
  // time (22P02) and evaluation compares typed values.
  if (l->type.id() == TypeId::kUnknown && r->type.id() != TypeId::kUnknown) {
    ASSIGN_OR_RETURN(l, CoerceImplicit(std::move(l), Type::Of(*t), pos));
  }
  if (r->type.id() == TypeId::kUnknown && l->type.id() != TypeId::kUnknown) {
    ASSIGN_OR_RETURN(r, CoerceImplicit(std::move(r), Type::Of(*t), pos));
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kCompare;
  b->cmp = op;
  b->type = Type::Of(TypeId::kBool);
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

// (a, b) op (x, y), as PostgreSQL compares row constructors: = and <> field by field (all equal,
// any different), and <, <=, >, >= in order, the first pair that is unequal or NULL deciding.
// Written out as scalar comparisons: (a < x) OR (a = x AND b < y) for <, which gives NULL where
// PostgreSQL does. For the orderings a bound on the first fields is added as well
// (a <= x AND ...), which the planner turns into a primary-key range: keyset pagination with
// WHERE (k1, k2) > ($1, $2) seeks to its start instead of scanning from the first row.
Result<BoundExprPtr> Binder::BindRowComparison(const std::string& op_name, const RowExpr& l,
                                               const RowExpr& r, int position, const Scope& scope) {
  const auto& left = l.fields;
  const auto& right = r.fields;
  static const std::pair<const char*, CompareOp> kCompares[] = {
      {"=", CompareOp::kEq},  {"<>", CompareOp::kNe}, {"<", CompareOp::kLt},
      {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
  std::optional<CompareOp> op;
  for (const auto& [symbol, cmp] : kCompares) {
    if (op_name == symbol) op = cmp;
  }
  if (!op) {
    return ErrorAt(
        Status::InvalidArgument("operator " + op_name + " is not supported for row expressions")
            .WithSqlState(kSqlStateUndefinedFunction),
        position);
  }
  if (left.size() != right.size() || left.empty()) {
    return ErrorAt(Status::InvalidArgument("unequal number of entries in row expressions")
                       .WithSqlState("42601"),
                   position);
  }
  auto compare = [&](CompareOp cmp, size_t i) -> Result<BoundExprPtr> {
    ASSIGN_OR_RETURN(BoundExprPtr l, BindNode(*left[i], scope));
    ASSIGN_OR_RETURN(BoundExprPtr r, BindNode(*right[i], scope));
    return BindComparison(cmp, std::move(l), std::move(r), position);
  };
  const size_t n = left.size();
  if (*op == CompareOp::kEq || *op == CompareOp::kNe) {
    ASSIGN_OR_RETURN(BoundExprPtr out, compare(*op, 0));
    for (size_t i = 1; i < n; ++i) {
      ASSIGN_OR_RETURN(BoundExprPtr next, compare(*op, i));
      out = BoolNode(*op == CompareOp::kEq ? BoundKind::kAnd : BoundKind::kOr, std::move(out),
                     std::move(next));
    }
    return out;
  }
  const bool less = *op == CompareOp::kLt || *op == CompareOp::kLe;
  const CompareOp strict = less ? CompareOp::kLt : CompareOp::kGt;
  // Built from the last pair back: R(n-1) = a op x; R(i) = (a strict x) OR (a = x AND R(i+1)).
  ASSIGN_OR_RETURN(BoundExprPtr out, compare(*op, n - 1));
  for (size_t i = n - 1; i-- > 0;) {
    ASSIGN_OR_RETURN(BoundExprPtr lt, compare(strict, i));
    ASSIGN_OR_RETURN(BoundExprPtr eq, compare(CompareOp::kEq, i));
    out = BoolNode(BoundKind::kOr, std::move(lt),
                   BoolNode(BoundKind::kAnd, std::move(eq), std::move(out)));
  }
  if (n > 1) {
    ASSIGN_OR_RETURN(BoundExprPtr bound, compare(less ? CompareOp::kLe : CompareOp::kGe, 0));
    out = BoolNode(BoundKind::kAnd, std::move(bound), std::move(out));
  }
  return out;
}

Result<BoundExprPtr> Binder::BindBool(const BoolExpr& e, const Scope& scope) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = e.op == BoolOp::kAnd ? BoundKind::kAnd
            : e.op == BoolOp::kOr ? BoundKind::kOr
                                  : BoundKind::kNot;
  b->type = Type::Of(TypeId::kBool);
  const char* what = e.op == BoolOp::kAnd ? "argument of AND"
                     : e.op == BoolOp::kOr ? "argument of OR"
                                           : "argument of NOT";
  for (const ExprPtr& arg : e.args) {
    ASSIGN_OR_RETURN(BoundExprPtr a, BindNode(*arg, scope));
    ASSIGN_OR_RETURN(a, AsBoolean(std::move(a), what, arg->position));
    b->args.push_back(std::move(a));
  }
  return b;
}

Result<BoundExprPtr> Binder::BindIs(const IsExpr& e, const Scope& scope) {
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
  auto b = std::make_unique<BoundExpr>();
  b->type = Type::Of(TypeId::kBool);
  b->negated = e.negated;
  switch (e.test) {
    case IsTest::kNull:
      b->kind = BoundKind::kIsNull;
      InferParam(arg.get(), Type::Of(TypeId::kText));
      break;
    case IsTest::kTrue:
    case IsTest::kFalse:
    case IsTest::kUnknown: {
      b->kind = BoundKind::kIsBool;
      b->bool_test = e.test == IsTest::kTrue;
      b->is_unknown = e.test == IsTest::kUnknown;
      ASSIGN_OR_RETURN(arg, AsBoolean(std::move(arg), "argument of IS TRUE", e.position));
      break;
    }
    case IsTest::kDistinctFrom: {
      ASSIGN_OR_RETURN(BoundExprPtr other, BindNode(*e.other, scope));
      ASSIGN_OR_RETURN(BoundExprPtr cmp, BindComparison(CompareOp::kEq, std::move(arg),
                                                        std::move(other), e.position));
      b->kind = BoundKind::kDistinct;
      b->args = std::move(cmp->args);
      return b;
    }
  }
  b->args.push_back(std::move(arg));
  return b;
}

Result<BoundExprPtr> Binder::BindBetween(const BetweenExpr& e, const Scope& scope) {
  // a BETWEEN x AND y is a >= x AND a <= y (the argument is bound twice: evaluation has no side
  // effects). SYMMETRIC: (a >= x AND a <= y) OR (a >= y AND a <= x).
  auto range = [&](const Expr& lo, const Expr& hi) -> Result<BoundExprPtr> {
    ASSIGN_OR_RETURN(BoundExprPtr a1, BindNode(*e.arg, scope));
    ASSIGN_OR_RETURN(BoundExprPtr l, BindNode(lo, scope));
    ASSIGN_OR_RETURN(BoundExprPtr ge, BindComparison(CompareOp::kGe, std::move(a1), std::move(l),
                                                     e.position));
    ASSIGN_OR_RETURN(BoundExprPtr a2, BindNode(*e.arg, scope));
    ASSIGN_OR_RETURN(BoundExprPtr h, BindNode(hi, scope));
    ASSIGN_OR_RETURN(BoundExprPtr le, BindComparison(CompareOp::kLe, std::move(a2), std::move(h),
                                                     e.position));
    auto both = std::make_unique<BoundExpr>();
    both->kind = BoundKind::kAnd;
    both->type = Type::Of(TypeId::kBool);
    both->args.push_back(std::move(ge));
    both->args.push_back(std::move(le));
    return both;
  };
  ASSIGN_OR_RETURN(BoundExprPtr result, range(*e.low, *e.high));
  if (e.symmetric) {
    ASSIGN_OR_RETURN(BoundExprPtr swapped, range(*e.high, *e.low));
    auto either = std::make_unique<BoundExpr>();
    either->kind = BoundKind::kOr;
    either->type = Type::Of(TypeId::kBool);
    either->args.push_back(std::move(result));
    either->args.push_back(std::move(swapped));
    result = std::move(either);
  }
  if (e.negated) {
    auto n = std::make_unique<BoundExpr>();
    n->kind = BoundKind::kNot;
    n->type = Type::Of(TypeId::kBool);
    n->args.push_back(std::move(result));
    result = std::move(n);
  }
  return result;
}

Result<BoundExprPtr> Binder::BindInList(const InListExpr& e, const Scope& scope) {
  if (e.arg->kind == ExprKind::kRow) {
    // (a, b) [NOT] IN ((1, 2), (3, 4)): row equalities joined by OR (NOT IN: the negation).
    BoundExprPtr any;
    for (const ExprPtr& item : e.list) {
      if (item->kind != ExprKind::kRow) {
        return ErrorAt(
            Status::InvalidArgument("row IN list needs row constructors").WithSqlState("42601"),
            item->position);
      }
      ASSIGN_OR_RETURN(
          BoundExprPtr eq,
          BindRowComparison("=", e.arg->As<RowExpr>(), item->As<RowExpr>(), item->position, scope));
      any =
          any == nullptr ? std::move(eq) : BoolNode(BoundKind::kOr, std::move(any), std::move(eq));
    }
    return e.negated ? BoolNode(BoundKind::kNot, std::move(any)) : std::move(any);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kInList;
  b->type = Type::Of(TypeId::kBool);
  b->negated = e.negated;
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
  b->args.push_back(std::move(arg));
  for (const ExprPtr& item : e.list) {
    ASSIGN_OR_RETURN(BoundExprPtr v, BindNode(*item, scope));
    b->args.push_back(std::move(v));
  }
  std::vector<BoundExprPtr*> items;
  std::vector<int> positions{LeftmostPosition(*e.arg)};
  for (BoundExprPtr& a : b->args) {
    items.push_back(&a);
  }
  for (const ExprPtr& item : e.list) positions.push_back(LeftmostPosition(*item));
  RETURN_IF_ERROR(UnifyTypes(items, "IN", e.position, positions));
  return b;
}

Result<BoundExprPtr> Binder::BindLike(const LikeExpr& e, const Scope& scope) {
  if (e.like_kind == LikeKind::kSimilarTo) {
    return ErrorAt(FeatureNotSupported("SIMILAR TO is not supported"), e.position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kLike;
  b->type = Type::Of(TypeId::kBool);
  b->negated = e.negated;
  b->case_insensitive = e.like_kind == LikeKind::kILike;
  const Expr* parts[] = {e.arg.get(), e.pattern.get(), e.escape.get()};
  for (const Expr* part : parts) {
    if (part == nullptr) {
      continue;
    }
    ASSIGN_OR_RETURN(BoundExprPtr v, BindNode(*part, scope));
    TypeId t = v->type.id();
    if (t == TypeId::kBytea) {
      return ErrorAt(FeatureNotSupported("LIKE on bytea is not supported"), part->position);
    }
    if (t != TypeId::kText && t != TypeId::kVarchar) {
      if (t != TypeId::kUnknown && t != TypeId::kNull) {
        return ErrorAt(Status::InvalidArgument("operator does not exist: " + TypeLabel(v->type) +
                                               " ~~ unknown")
                           .WithSqlState(kSqlStateUndefinedFunction),
                       e.position);
      }
      ASSIGN_OR_RETURN(v, CoerceImplicit(std::move(v), Type::Of(TypeId::kText), part->position));
    }
    b->args.push_back(std::move(v));
  }
  return b;
}

Result<BoundExprPtr> Binder::BindCase(const CaseExpr& e, const Scope& scope) {
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kCase;
  b->case_has_arg = e.arg != nullptr;
  if (e.arg) {
    ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
    b->args.push_back(std::move(arg));
  }
  std::vector<size_t> results;
  for (const CaseWhen& w : e.whens) {
    ASSIGN_OR_RETURN(BoundExprPtr cond, BindNode(*w.condition, scope));
    if (!e.arg) {
      ASSIGN_OR_RETURN(cond, AsBoolean(std::move(cond), "argument of CASE/WHEN",
                                       w.condition->position));
    }
    b->args.push_back(std::move(cond));
    ASSIGN_OR_RETURN(BoundExprPtr result, BindNode(*w.result, scope));
    results.push_back(b->args.size());
    b->args.push_back(std::move(result));
  }
  if (e.else_result) {
    ASSIGN_OR_RETURN(BoundExprPtr els, BindNode(*e.else_result, scope));
    results.push_back(b->args.size());
    b->args.push_back(std::move(els));
    b->has_else = true;
  }
  if (e.arg) {
    // Simple CASE: each WHEN value must compare with the operand.
    std::vector<BoundExprPtr*> operands{&b->args[0]};
    for (size_t k = 0; k < e.whens.size(); ++k) {
      operands.push_back(&b->args[1 + 2 * k]);
    }
    RETURN_IF_ERROR(UnifyTypes(operands, "CASE/WHEN", e.position));
  }
  // PostgreSQL resolves the ELSE result first, then the THEN results in order.
  std::vector<BoundExprPtr*> items;
  std::vector<int> positions;
  if (b->has_else) {
    items.push_back(&b->args.back());
    positions.push_back(LeftmostPosition(*e.else_result));
  }
  for (size_t k = 0; k < e.whens.size(); ++k) {
    items.push_back(&b->args[results[k]]);
    positions.push_back(LeftmostPosition(*e.whens[k].result));
  }
  RETURN_IF_ERROR(UnifyTypes(items, "CASE", e.position, positions));
  b->type = b->args[results.front()]->type;
  return b;
}

Result<BoundExprPtr> Binder::BindCast(const CastExpr& e, const Scope& scope) {
  if (IsCatalogTypeName(e.type)) return BindCatalogCast(e, scope);
  Result<Type> to = ResolveTypeName(e.type);
  if (!to.ok()) {
    return ErrorAt(to.TakeStatus(), e.type.position > 0 ? e.type.position : e.position);
  }
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
  if (to->id() == TypeId::kText && arg->kind == BoundKind::kFunction &&
      (arg->func == Func::kRegclassIn || arg->func == Func::kRegtypeIn)) {
    // 'name'::regclass::text prints the name, as the regclass value would.
    auto b = std::make_unique<BoundExpr>();
    b->kind = BoundKind::kFunction;
    b->func = arg->func == Func::kRegclassIn ? Func::kRegclassOut : Func::kRegtypeOut;
    b->type = Type::Of(TypeId::kText);
    b->args.push_back(std::move(arg));
    return b;
  }
  if (arg->kind == BoundKind::kParam && arg->type.id() == TypeId::kUnknown) {
    InferParam(arg.get(), *to);
    if (arg->type == *to) {
      return arg;
    }
  }
  if (!CanCast(arg->type.id(), to->id(), CastContext::kExplicit)) {
    return ErrorAt(Status::InvalidArgument("cannot cast type " + TypeLabel(arg->type) + " to " +
                                           to->Name())
                       .WithSqlState(kSqlStateCannotCoerce),
                   e.position);
  }
  if (arg->kind == BoundKind::kConst) {
    Result<Value> v = CastValue(arg->value, *to, CastContext::kExplicit);
    if (!v.ok()) {
      return ErrorAt(v.TakeStatus(), e.arg->position);
    }
    BoundExprPtr c = MakeConst(std::move(v).value());
    c->type = *to;
    return c;
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kCast;
  b->type = *to;
  b->args.push_back(std::move(arg));
  return b;
}

bool Binder::IsCatalogTypeName(const TypeName& type) {
  static const char* kNames[] = {"regclass", "regtype",    "regnamespace", "regrole",
                                 "regproc",  "regprocedure", "oid",        "name",
                                 "char",     "int2vector", "oidvector"};
  if (type.array_dims > 0) return true;  // arrays are their text form
  if (!type.modifiers.empty() ||
      (type.names.size() == 2 && type.names[0] != "pg_catalog") || type.names.size() > 2) {
    return false;
  }
  return std::any_of(std::begin(kNames), std::end(kNames),
                     [&](const char* n) { return type.names.back() == n; });
}

// The object-identifier types (oid, regclass, regtype...) and name, "char", int2vector: OIDs
// are bigint, names text. regclass and regtype read a name into an OID (42P01 / 42704 when there
// is none) and show an OID as its name.
Result<BoundExprPtr> Binder::BindCatalogCast(const CastExpr& e, const Scope& scope) {
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
  const std::string& name = e.type.names.back();
  TypeId from = arg->type.id();
  bool from_number = CategoryOf(from) == TypeCategory::kNumeric;
  auto call = [&](Func f, TypeId result) {
    auto b = std::make_unique<BoundExpr>();
    b->kind = BoundKind::kFunction;
    b->func = f;
    b->type = Type::Of(result);
    b->negated = true;  // regclass/regtype input: an unknown name is an error
    b->args.push_back(std::move(arg));
    return b;
  };
  if (e.type.array_dims == 0 &&
      (name == "regclass" || name == "regtype" || name == "regnamespace" || name == "regrole")) {
    if (from_number) {
      Func f = name == "regclass"       ? Func::kRegclassOut
               : name == "regtype"      ? Func::kRegtypeOut
               : name == "regnamespace" ? Func::kRegnamespaceOut
                                        : Func::kPgGetUserById;
      ASSIGN_OR_RETURN(arg, CoerceImplicit(std::move(arg), Type::Of(TypeId::kInt8), e.position));
      return call(f, TypeId::kText);
    }
    if (name == "regclass" || name == "regtype") {
      ASSIGN_OR_RETURN(arg, CoerceImplicit(std::move(arg), Type::Of(TypeId::kText), e.position));
      return call(name == "regclass" ? Func::kRegclassIn : Func::kRegtypeIn, TypeId::kInt8);
    }
  }
  TypeId to = name == "oid" && e.type.array_dims == 0 ? TypeId::kInt8 : TypeId::kText;
  if (arg->type.id() == to) return arg;
  if (!CanCast(from, to, CastContext::kExplicit)) {
    return ErrorAt(Status::InvalidArgument("cannot cast type " + TypeLabel(arg->type) + " to " +
                                           name)
                       .WithSqlState(kSqlStateCannotCoerce),
                   e.position);
  }
  if (arg->kind == BoundKind::kConst) {
    Result<Value> v = CastValue(arg->value, Type::Of(to), CastContext::kExplicit);
    if (!v.ok()) return ErrorAt(v.TakeStatus(), e.arg->position);
    return MakeConst(std::move(v).value());
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kCast;
  b->type = Type::Of(to);
  b->args.push_back(std::move(arg));
  return b;
}

Result<BoundExprPtr> Binder::BindQuantified(const QuantifiedExpr& e, const Scope& scope) {
  // x = ANY (ARRAY[...]) with a literal array: the same as IN.
  bool any_eq = e.op.name == "=" && e.quantifier == Quantifier::kAny;
  bool all_ne = e.op.name == "<>" && e.quantifier == Quantifier::kAll;
  if (!e.array->Is<ArrayExpr>() && (any_eq || all_ne)) {
    // x = ANY (a) / x <> ALL (a) over an array in text form (the catalogs' arrays).
    ASSIGN_OR_RETURN(BoundExprPtr x, BindNode(*e.left, scope));
    ASSIGN_OR_RETURN(BoundExprPtr a, BindNode(*e.array, scope));
    if (a->type.id() == TypeId::kText || a->type.id() == TypeId::kUnknown) {
      auto b = std::make_unique<BoundExpr>();
      b->kind = BoundKind::kFunction;
      b->func = Func::kArrayContains;
      b->type = Type::Of(TypeId::kBool);
      b->negated = all_ne;
      b->args.push_back(std::move(x));
      b->args.push_back(std::move(a));
      return b;
    }
  }
  if (!e.array->Is<ArrayExpr>() || !any_eq) {
    return ErrorAt(FeatureNotSupported("ANY/ALL over arrays is not supported yet"), e.position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kInList;
  b->type = Type::Of(TypeId::kBool);
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.left, scope));
  b->args.push_back(std::move(arg));
  for (const ExprPtr& item : e.array->As<ArrayExpr>().elements) {
    ASSIGN_OR_RETURN(BoundExprPtr v, BindNode(*item, scope));
    b->args.push_back(std::move(v));
  }
  std::vector<BoundExprPtr*> items;
  for (BoundExprPtr& a : b->args) {
    items.push_back(&a);
  }
  RETURN_IF_ERROR(UnifyTypes(items, "ARRAY", e.position));
  return b;
}

Result<BoundExprPtr> Binder::BindSubquery(const SubqueryExpr& e, const Scope& scope) {
  if (!ctx_->plan_subquery) {
    return ErrorAt(FeatureNotSupported("subqueries are not supported here"), e.position);
  }
  SubqueryTest test;
  switch (e.subquery_kind) {
    case SubqueryKind::kScalar:
      test = SubqueryTest::kScalar;
      break;
    case SubqueryKind::kExists:
      test = SubqueryTest::kExists;
      break;
    case SubqueryKind::kIn:
      test = SubqueryTest::kIn;
      break;
    case SubqueryKind::kAny:
      test = SubqueryTest::kAny;
      break;
    case SubqueryKind::kAll:
      test = SubqueryTest::kAll;
      break;
    case SubqueryKind::kArray:
      test = SubqueryTest::kArray;
      break;
    default:
      return ErrorAt(FeatureNotSupported("this subquery is not supported"), e.position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kSubquery;
  b->subquery_test = test;
  b->negated = e.negated;
  b->type = Type::Of(TypeId::kBool);
  if (e.arg != nullptr) {
    ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
    b->args.push_back(std::move(arg));
  }
  if (test == SubqueryTest::kAny || test == SubqueryTest::kAll) {
    static const std::pair<const char*, CompareOp> kOps[] = {
        {"=", CompareOp::kEq}, {"<>", CompareOp::kNe}, {"<", CompareOp::kLt},
        {"<=", CompareOp::kLe}, {">", CompareOp::kGt}, {">=", CompareOp::kGe}};
    bool found = false;
    for (const auto& [symbol, op] : kOps) {
      if (e.op.name == symbol) {
        b->cmp = op;
        found = true;
      }
    }
    if (!found) {
      return ErrorAt(FeatureNotSupported("operator " + e.op.ToString() + " with ANY/ALL"),
                     e.position);
    }
  }
  // Plan the subquery with this query's scope visible to it as an enclosing scope.
  // Its own SELECT list collects its own window and set-returning calls.
  AggregateScope* saved_agg = agg_;
  WindowScope* saved_window = window_;
  SrfScope* saved_srf = srf_;
  std::string_view saved_clause = clause_;
  agg_ = nullptr;
  window_ = nullptr;
  srf_ = nullptr;
  outer_scopes_.push_back(&scope);
  int refs_before = outer_references_;
  std::vector<Type> types;
  Result<std::shared_ptr<SubqueryEvaluator>> plan = ctx_->plan_subquery(*e.query, test, &types);
  outer_scopes_.pop_back();
  agg_ = saved_agg;
  window_ = saved_window;
  srf_ = saved_srf;
  clause_ = saved_clause;
  if (!plan.ok()) return plan.TakeStatus();
  b->subquery = std::move(plan).value();
  b->correlated = outer_references_ > refs_before;
  if (test != SubqueryTest::kExists && types.size() != 1) {
    return ErrorAt(Status::InvalidArgument(types.size() > 1 ? "subquery has too many columns"
                                                            : "subquery has too few columns")
                       .WithSqlState("42601"),
                   e.position);
  }
  if (test == SubqueryTest::kScalar) {
    b->type = types[0];
  } else if (test == SubqueryTest::kArray) {
    b->type = Type::Of(TypeId::kText);
  } else if (test != SubqueryTest::kExists) {
    Result<TypeId> t = ComparisonType(b->args[0]->type.id(), types[0].id());
    if (!t.ok()) return ErrorAt(t.TakeStatus(), e.position);
    InferParam(b->args[0].get(), types[0]);
  }
  return b;
}

Result<Type> ResolveTypeName(const TypeName& name) {
  if (name.array_dims > 0) {
    return FeatureNotSupported("array types are not supported");
  }
  if (name.names.empty() || name.names.size() > 2 ||
      (name.names.size() == 2 && name.names[0] != "pg_catalog")) {
    return Status::InvalidArgument("type \"" + name.ToString() + "\" does not exist")
        .WithSqlState("42704");
  }
  std::string base = name.names.back();
  if (!name.interval_fields.empty() && base != "interval") {
    return Status::InvalidArgument("syntax error in type " + name.ToString())
        .WithSqlState("42601");
  }
  return TypeFromName(base, name.modifiers);
}

bool IsAggregateName(std::string_view name) {
  static const char* const kNames[] = {"count", "sum", "avg", "min", "max",
                                       "bool_and", "bool_or", "every", "string_agg"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

}  // namespace blockdb::sql::exec
