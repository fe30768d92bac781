// The binder's set-returning functions in a SELECT list (unnest, generate_subscripts,
// generate_series, information_schema._pg_expandarray), field selection `(record).field` and
// the integer bitwise operators: what catalog queries of drivers use beyond plain SQL.
#include "sql/catalog/catalog.h"
#include "sql/exec/binder.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr uint32_t kInt2VectorOid = 22;
constexpr uint32_t kOidVectorOid = 30;
constexpr uint32_t kRecordOid = 2249;

bool NameIs(const FunctionExpr& e, std::string_view schema, std::string_view name) {
  if (e.name.back() != name || e.name.size() > 2) return false;
  return e.name.size() == 1 ? schema == "pg_catalog" : e.name[0] == schema;
}

}  // namespace

Type ArrayElementType(uint32_t oid) {
  switch (oid) {
    case kInt2VectorOid:
    case 1005:  // int2[]
      return Type::Of(TypeId::kInt2);
    case 1007:  // int4[]
      return Type::Of(TypeId::kInt4);
    case kOidVectorOid:
    case 1016:  // int8[]
    case 1028:  // oid[] (OIDs are bigint in BlockDB)
      return Type::Of(TypeId::kInt8);
    case 1009:  // text[]
      return Type::Of(TypeId::kText);
    default:
      return Type::Of(TypeId::kUnknown);
  }
}

int ArrayLowerBound(uint32_t oid) { return oid == kInt2VectorOid || oid == kOidVectorOid ? 0 : 1; }

bool Binder::IsSetReturning(const FunctionExpr& e) {
  return NameIs(e, "pg_catalog", "unnest") || NameIs(e, "pg_catalog", "generate_subscripts") ||
         NameIs(e, "pg_catalog", "generate_series") ||
         NameIs(e, "information_schema", "_pg_expandarray");
}

uint32_t Binder::ColumnTypeOid(const BoundExpr& b, const Scope& scope) {
  if (b.kind != BoundKind::kColumn || b.index < 0 ||
      static_cast<size_t>(b.index) >= scope.columns.size()) {
    return 0;
  }
  return scope.columns[b.index].type_oid;
}

Result<BoundExprPtr> Binder::BindSetReturning(const FunctionExpr& e, const Scope& scope,
                                              int field) {
  const std::string& name = e.name.back();
  if (srf_ == nullptr || agg_ != nullptr) {
    return ErrorAt(agg_ != nullptr
                       ? FeatureNotSupported("set-returning functions with GROUP BY or "
                                             "aggregates are not supported yet")
                       : FeatureNotSupported("set-returning functions are not allowed in " +
                                             std::string(clause_)),
                   e.position);
  }
  if (e.star || e.distinct || e.filter != nullptr || !e.order_by.empty()) {
    return ErrorAt(Status::InvalidArgument("function " + name + " does not exist")
                       .WithSqlState(kSqlStateUndefinedFunction),
                   e.position);
  }
  SrfScope* srf = srf_;
  srf_ = nullptr;  // no set-returning call inside another's arguments
  Result<std::vector<BoundExprPtr>> bound = BindArgs(e.args, scope);
  srf_ = srf;
  RETURN_IF_ERROR(bound.status());
  SrfCall call;
  call.args = std::move(bound).value();
  size_t want_min = 1, want_max = 1;
  if (name == "unnest") {
    call.func = SrfFunc::kUnnest;
  } else if (name == "generate_subscripts") {
    call.func = SrfFunc::kGenerateSubscripts;
    want_min = want_max = 2;
  } else if (name == "generate_series") {
    call.func = SrfFunc::kGenerateSeries;
    want_min = 2;
    want_max = 3;
  } else {
    call.func = SrfFunc::kExpandArray;
  }
  if (call.args.size() < want_min || call.args.size() > want_max) {
    return ErrorAt(
        Status::InvalidArgument("function " + name + " with " + std::to_string(call.args.size()) +
                                " arguments does not exist")
            .WithSqlState(kSqlStateUndefinedFunction),
        e.position);
  }
  if (call.func == SrfFunc::kGenerateSeries) {
    ASSIGN_OR_RETURN(call.type, ResolveSeriesArgs(*this, &call.args, e.position));
    if (call.type.id() == TypeId::kInt4 || call.type.id() == TypeId::kInt8) {
      for (BoundExprPtr& a : call.args) {
        ASSIGN_OR_RETURN(a, CoerceImplicit(std::move(a), Type::Of(TypeId::kInt8), e.position));
      }
    }
  } else {
    // An array in text form: a catalog array column, a literal or an ARRAY(...).
    TypeId t = call.args[0]->type.id();
    if (t != TypeId::kText && t != TypeId::kUnknown && t != TypeId::kNull) {
      return ErrorAt(FeatureNotSupported(name + " is supported over arrays only"), e.position);
    }
    uint32_t array_oid = ColumnTypeOid(*call.args[0], scope);
    call.lower_bound = ArrayLowerBound(array_oid);
    Type element = ArrayElementType(array_oid);
    if (call.func == SrfFunc::kGenerateSubscripts) {
      ASSIGN_OR_RETURN(call.args[1], CoerceImplicit(std::move(call.args[1]),
                                                    Type::Of(TypeId::kInt8), e.position));
      call.type = Type::Of(TypeId::kInt4);
    } else if (call.func == SrfFunc::kUnnest) {
      call.type = element;
    } else {
      call.field = field;
      call.type = field == 0   ? element
                  : field == 1 ? Type::Of(TypeId::kInt4)
                               : Type::Of(TypeId::kText);
      if (field < 0) call.type_oid = kRecordOid;
    }
  }
  Type type = call.type;
  srf->calls.push_back(std::move(call));
  return MakeColumn(-(kSrfColumnBase + static_cast<int>(srf->calls.size())), type);
}

// (f(...)).x and (column).x: the fields of _pg_expandarray's record (x, n), either straight
// from the call or from a column that holds its record (a subquery's output).
Result<BoundExprPtr> Binder::BindFieldSelect(const FieldSelectExpr& e, const Scope& scope) {
  int field = e.field == "x" ? 0 : e.field == "n" ? 1 : -1;
  if (e.arg->Is<FunctionExpr>()) {
    const auto& call = e.arg->As<FunctionExpr>();
    if (NameIs(call, "information_schema", "_pg_expandarray") && field >= 0 && !e.star) {
      return BindSetReturning(call, scope, field);
    }
  }
  ASSIGN_OR_RETURN(BoundExprPtr arg, BindNode(*e.arg, scope));
  if (ColumnTypeOid(*arg, scope) != kRecordOid) {
    return ErrorAt(FeatureNotSupported("field selection is supported on the records of "
                                       "information_schema._pg_expandarray only"),
                   e.position);
  }
  if (field < 0 || e.star) {
    return ErrorAt(Status::InvalidArgument("column \"" + e.field +
                                           "\" not found in data type "
                                           "record")
                       .WithSqlState(kSqlStateUndefinedColumn),
                   e.position);
  }
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->func = Func::kRecordField;
  b->type = Type::Of(field == 0 ? TypeId::kUnknown : TypeId::kInt4);
  b->args.push_back(std::move(arg));
  b->args.push_back(MakeConst(Value::Int4(field)));
  return b;
}

Result<BoundExprPtr> Binder::BindBitwise(const std::string& op, BoundExprPtr l, BoundExprPtr r,
                                         int position) {
  auto rank = [](TypeId t) {
    return t == TypeId::kInt2 ? 1 : t == TypeId::kInt4 ? 2 : t == TypeId::kInt8 ? 3 : 0;
  };
  auto unknown = [](TypeId t) { return t == TypeId::kUnknown || t == TypeId::kNull; };
  TypeId lt = l->type.id(), rt = r->type.id();
  if ((rank(lt) == 0 && !unknown(lt)) || (rank(rt) == 0 && !unknown(rt)) ||
      (unknown(lt) && unknown(rt))) {
    return ErrorAt(
        Status::InvalidArgument("operator does not exist: " + std::string(TypeIdName(lt)) + " " +
                                op + " " + std::string(TypeIdName(rt)))
            .WithSqlState(kSqlStateUndefinedFunction),
        position);
  }
  TypeId type = rank(lt) >= rank(rt) ? lt : rt;
  ASSIGN_OR_RETURN(l, CoerceImplicit(std::move(l), Type::Of(type), position));
  ASSIGN_OR_RETURN(r, CoerceImplicit(std::move(r), Type::Of(type), position));
  auto b = std::make_unique<BoundExpr>();
  b->kind = BoundKind::kFunction;
  b->func = op == "&" ? Func::kBitAnd : op == "|" ? Func::kBitOr : Func::kBitXor;
  b->type = Type::Of(type);
  b->args.push_back(std::move(l));
  b->args.push_back(std::move(r));
  return b;
}

Result<Type> ResolveSeriesArgs(Binder& binder, std::vector<BoundExprPtr>* args, int position) {
  auto is_time = [](TypeId t) {
    return t == TypeId::kTimestamp || t == TypeId::kTimestamptz || t == TypeId::kDate;
  };
  bool time = false;
  bool zoned = false;
  for (size_t i = 0; i < args->size() && i < 2; ++i) {
    const TypeId t = (*args)[i]->type.id();
    time = time || is_time(t);
    zoned = zoned || t == TypeId::kTimestamptz || t == TypeId::kDate;
  }
  if (time) {
    // As PostgreSQL: timestamp or timestamptz (dates convert to timestamptz) with an interval
    // step, which must be given.
    const Type type = Type::Of(zoned ? TypeId::kTimestamptz : TypeId::kTimestamp);
    if (args->size() != 3) {
      return binder.ErrorAt(
          Status::InvalidArgument("function generate_series(" + std::string(TypeIdName(type.id())) +
                                  ", " + std::string(TypeIdName(type.id())) + ") does not exist")
              .WithSqlState(kSqlStateUndefinedFunction),
          position);
    }
    for (size_t i = 0; i < 2; ++i) {
      ASSIGN_OR_RETURN((*args)[i], binder.CoerceImplicit(std::move((*args)[i]), type, position));
    }
    ASSIGN_OR_RETURN((*args)[2], binder.CoerceImplicit(std::move((*args)[2]),
                                                       Type::Of(TypeId::kInterval), position));
    return type;
  }
  // Integers; the widest argument's type (int4 for literals).
  TypeId type = TypeId::kInt4;
  for (const BoundExprPtr& a : *args) {
    const TypeId t = a->type.id();
    if (t == TypeId::kInt8) type = TypeId::kInt8;
    if (t != TypeId::kInt2 && t != TypeId::kInt4 && t != TypeId::kInt8 && t != TypeId::kUnknown &&
        t != TypeId::kNull) {
      return binder.ErrorAt(
          FeatureNotSupported("generate_series is supported over integers and timestamps only"),
          position);
    }
  }
  return Type::Of(type);
}

}  // namespace blockdb::sql::exec
