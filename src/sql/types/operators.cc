#include "sql/types/operators.h"

#include <cmath>
#include <limits>

#include "common/check.h"
#include "sql/types/cast.h"
#include "sql/types/datetime_ops.h"
#include "sql/types/errors.h"

namespace blockdb::sql {

namespace {

bool IsInteger(TypeId t) { return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8; }
bool IsFloat(TypeId t) { return t == TypeId::kFloat4 || t == TypeId::kFloat8; }
bool IsNumber(TypeId t) { return IsInteger(t) || IsFloat(t) || t == TypeId::kNumeric; }
bool IsStringLike(TypeId t) {
  return t == TypeId::kText || t == TypeId::kVarchar || t == TypeId::kUnknown;
}
bool IsTimestamp(TypeId t) { return t == TypeId::kTimestamp || t == TypeId::kTimestamptz; }
bool IsDateTime(TypeId t) { return t == TypeId::kDate || IsTimestamp(t); }

Status NoOperator(BinaryOp op, TypeId a, TypeId b) {
  return Status::InvalidArgument("operator does not exist: " + std::string(TypeIdName(a)) + " " +
                                 std::string(BinaryOpSymbol(op)) + " " + std::string(TypeIdName(b)))
      .WithSqlState(kSqlStateUndefinedFunction);
}

Status IntOutOfRange(TypeId t) {
  return NumericOutOfRange(std::string(TypeIdName(t)) + " out of range");
}

std::optional<OperatorTypes> ResolveNumbers(BinaryOp op, TypeId a, TypeId b) {
  if (!IsNumber(a) || !IsNumber(b) || op == BinaryOp::kConcat) {
    return std::nullopt;
  }
  if (op == BinaryOp::kPow) {
    const bool numeric =
        (a == TypeId::kNumeric || b == TypeId::kNumeric) && !IsFloat(a) && !IsFloat(b);
    const TypeId p = numeric ? TypeId::kNumeric : TypeId::kFloat8;
    return OperatorTypes{p, p, p};
  }
  TypeId t;
  if (IsFloat(a) || IsFloat(b)) {
    if (op == BinaryOp::kMod) {
      return std::nullopt;
    }
    t = a == TypeId::kFloat4 && b == TypeId::kFloat4 ? TypeId::kFloat4 : TypeId::kFloat8;
  } else {
    t = *CommonType(a, b, "");
  }
  return OperatorTypes{t, t, t};
}

std::optional<OperatorTypes> ResolveDateTime(BinaryOp op, TypeId a, TypeId b) {
  using T = TypeId;
  const bool add = op == BinaryOp::kAdd;
  const bool sub = op == BinaryOp::kSub;
  if (op == BinaryOp::kMul && a == T::kInterval && IsNumber(b)) {
    return OperatorTypes{T::kInterval, T::kFloat8, T::kInterval};
  }
  if (op == BinaryOp::kMul && IsNumber(a) && b == T::kInterval) {
    return OperatorTypes{T::kFloat8, T::kInterval, T::kInterval};
  }
  if (op == BinaryOp::kDiv && a == T::kInterval && IsNumber(b)) {
    return OperatorTypes{T::kInterval, T::kFloat8, T::kInterval};
  }
  if (!add && !sub) {
    return std::nullopt;
  }
  const auto small_int = [](TypeId t) { return t == T::kInt2 || t == T::kInt4; };
  if (a == T::kDate && small_int(b)) {
    return OperatorTypes{T::kDate, T::kInt4, T::kDate};
  }
  if (add && small_int(a) && b == T::kDate) {
    return OperatorTypes{T::kInt4, T::kDate, T::kDate};
  }
  if (sub && a == T::kDate && b == T::kDate) {
    return OperatorTypes{T::kDate, T::kDate, T::kInt4};
  }
  if (IsDateTime(a) && b == T::kInterval) {
    const TypeId ts = a == T::kDate ? T::kTimestamp : a;
    return OperatorTypes{ts, T::kInterval, ts};
  }
  if (add && a == T::kInterval && IsDateTime(b)) {
    const TypeId ts = b == T::kDate ? T::kTimestamp : b;
    return OperatorTypes{T::kInterval, ts, ts};
  }
  if (sub && IsDateTime(a) && IsDateTime(b)) {
    const TypeId ts = *CommonType(a, b, "");
    const TypeId wide = ts == T::kDate ? T::kTimestamp : ts;
    return OperatorTypes{wide, wide, T::kInterval};
  }
  if (a == T::kInterval && b == T::kInterval) {
    return OperatorTypes{T::kInterval, T::kInterval, T::kInterval};
  }
  return std::nullopt;
}

std::optional<OperatorTypes> ResolveConcat(TypeId a, TypeId b) {
  if (a == TypeId::kBytea && b == TypeId::kBytea) {
    return OperatorTypes{TypeId::kBytea, TypeId::kBytea, TypeId::kBytea};
  }
  if (IsStringLike(a) || IsStringLike(b)) {
    return OperatorTypes{TypeId::kText, TypeId::kText, TypeId::kText};
  }
  return std::nullopt;
}

Result<Value> IntegerOp(BinaryOp op, TypeId t, int64_t a, int64_t b) {
  __int128 r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      r = static_cast<__int128>(a) + b;
      break;
    case BinaryOp::kSub:
      r = static_cast<__int128>(a) - b;
      break;
    case BinaryOp::kMul:
      r = static_cast<__int128>(a) * b;
      break;
    case BinaryOp::kDiv:
      if (b == 0) {
        return DivisionByZero();
      }
      r = static_cast<__int128>(a) / b;  // 128-bit: INT64_MIN / -1 is a range error below
      break;
    case BinaryOp::kMod:
      if (b == 0) {
        return DivisionByZero();
      }
      r = static_cast<__int128>(a) % b;
      break;
    case BinaryOp::kConcat:
    case BinaryOp::kPow:
      BLOCKDB_CHECK(false);
  }
  const int64_t lo = t == TypeId::kInt2 ? INT16_MIN : t == TypeId::kInt4 ? INT32_MIN : INT64_MIN;
  const int64_t hi = t == TypeId::kInt2 ? INT16_MAX : t == TypeId::kInt4 ? INT32_MAX : INT64_MAX;
  if (r < lo || r > hi) {
    return IntOutOfRange(t);
  }
  return Value::Integer(t, static_cast<int64_t>(r));
}

// PostgreSQL's check_float8_val / check_float4_val after each operation.
template <typename Float>
Result<Float> CheckFloat(Float r, bool inf_ok, bool zero_ok) {
  if (std::isinf(r) && !inf_ok) {
    return NumericOutOfRange("value out of range: overflow");
  }
  if (r == 0 && !zero_ok) {
    return NumericOutOfRange("value out of range: underflow");
  }
  return r;
}

template <typename Float>
Result<Float> FloatOp(BinaryOp op, Float a, Float b) {
  const bool any_inf = std::isinf(a) || std::isinf(b);
  switch (op) {
    case BinaryOp::kAdd:
      return CheckFloat<Float>(a + b, any_inf, true);
    case BinaryOp::kSub:
      return CheckFloat<Float>(a - b, any_inf, true);
    case BinaryOp::kMul:
      return CheckFloat<Float>(a * b, any_inf, a == 0 || b == 0);
    case BinaryOp::kDiv:
      if (b == 0 && !std::isnan(a)) {
        return DivisionByZero();
      }
      return CheckFloat<Float>(a / b, std::isinf(a), a == 0 || std::isinf(b));
    default:
      BLOCKDB_CHECK(false);
  }
  return Float{0};
}

// PostgreSQL's dpow: POSIX pow() for NaN and infinities, its own errors for the rest.
Result<double> FloatPower(double x, double y) {
  if (std::isnan(x)) {
    return std::isnan(y) || y != 0 ? x : 1.0;
  }
  if (std::isnan(y)) {
    return x != 1 ? y : 1.0;
  }
  if (x == 0 && y < 0) {
    return Status::InvalidArgument("zero raised to a negative power is undefined")
        .WithSqlState("2201F");
  }
  if (x < 0 && std::floor(y) != y) {
    return Status::InvalidArgument(
               "a negative number raised to a non-integer power yields a complex result")
        .WithSqlState("2201F");
  }
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (std::isinf(y)) {
    const double abs_x = std::fabs(x);
    if (abs_x == 1) {
      return 1.0;
    }
    return (abs_x > 1) == (y > 0) ? kInf : 0.0;
  }
  if (std::isinf(x)) {
    if (y == 0) {
      return 1.0;
    }
    if (x > 0) {
      return y > 0 ? kInf : 0.0;
    }
    // -Infinity: the sign of an odd integer power survives.
    const bool odd = std::fmod(std::fabs(y), 2.0) == 1.0;
    if (y > 0) {
      return odd ? -kInf : kInf;
    }
    return odd ? -0.0 : 0.0;
  }
  const double r = std::pow(x, y);
  if (std::isinf(r)) {
    return NumericOutOfRange("value out of range: overflow");
  }
  if (r == 0 && x != 0) {
    return NumericOutOfRange("value out of range: underflow");
  }
  return r;
}

Result<Value> NumberOp(BinaryOp op, TypeId t, const Value& a, const Value& b) {
  if (op == BinaryOp::kPow && t == TypeId::kFloat8) {
    ASSIGN_OR_RETURN(const double r, FloatPower(a.float_value(), b.float_value()));
    return Value::Float8(r);
  }
  if (IsInteger(t)) {
    return IntegerOp(op, t, a.int_value(), b.int_value());
  }
  if (t == TypeId::kFloat8) {
    ASSIGN_OR_RETURN(const double r, FloatOp<double>(op, a.float_value(), b.float_value()));
    return Value::Float8(r);
  }
  if (t == TypeId::kFloat4) {
    ASSIGN_OR_RETURN(const float r, FloatOp<float>(op, static_cast<float>(a.float_value()),
                                                   static_cast<float>(b.float_value())));
    return Value::Float4(r);
  }
  const Numeric& x = a.numeric_value();
  const Numeric& y = b.numeric_value();
  const auto compute = [&]() -> Result<Numeric> {
    switch (op) {
      case BinaryOp::kAdd:
        return NumericAdd(x, y);
      case BinaryOp::kSub:
        return NumericSub(x, y);
      case BinaryOp::kMul:
        return NumericMul(x, y);
      case BinaryOp::kDiv:
        return NumericDiv(x, y);
      case BinaryOp::kMod:
        return NumericMod(x, y);
      case BinaryOp::kPow:
        return NumericPower(x, y);
      case BinaryOp::kConcat:
        break;
    }
    BLOCKDB_CHECK(false);
  };
  Result<Numeric> r = compute();
  ASSIGN_OR_RETURN(Numeric n, std::move(r));
  return Value::Numeric(std::move(n));
}

Result<Value> DateTimeOp(BinaryOp op, const OperatorTypes& types, const Value& a, const Value& b) {
  const bool add = op == BinaryOp::kAdd;
  if (types.result == TypeId::kDate) {
    const bool date_left = types.left == TypeId::kDate;
    const int32_t date = date_left ? a.date_value() : b.date_value();
    const int64_t days = date_left ? b.int_value() : a.int_value();
    ASSIGN_OR_RETURN(const int32_t d, DatePlusDays(date, add ? days : -days));
    return Value::Date(d);
  }
  if (types.result == TypeId::kInt4) {
    ASSIGN_OR_RETURN(const int32_t days, DateDifference(a.date_value(), b.date_value()));
    return Value::Int4(days);
  }
  if (op == BinaryOp::kMul || op == BinaryOp::kDiv) {
    const bool interval_left = types.left == TypeId::kInterval;
    const Interval& span = interval_left ? a.interval_value() : b.interval_value();
    const double factor = interval_left ? b.float_value() : a.float_value();
    ASSIGN_OR_RETURN(const Interval r, op == BinaryOp::kMul ? IntervalMultiply(span, factor)
                                                            : IntervalDivide(span, factor));
    return Value::Interval(r);
  }
  if (types.left == TypeId::kInterval && types.right == TypeId::kInterval) {
    ASSIGN_OR_RETURN(const Interval r, add ? IntervalAdd(a.interval_value(), b.interval_value())
                                           : IntervalSub(a.interval_value(), b.interval_value()));
    return Value::Interval(r);
  }
  if (types.result == TypeId::kInterval) {
    ASSIGN_OR_RETURN(const Interval r,
                     TimestampDifference(a.timestamp_value(), b.timestamp_value()));
    return Value::Interval(r);
  }
  const bool ts_left = types.left != TypeId::kInterval;
  const int64_t ts = ts_left ? a.timestamp_value() : b.timestamp_value();
  const Interval& span = ts_left ? b.interval_value() : a.interval_value();
  if (types.result == TypeId::kTimestamptz) {
    ASSIGN_OR_RETURN(const int64_t r,
                     add ? TimestamptzPlusInterval(ts, span) : TimestamptzMinusInterval(ts, span));
    return Value::Timestamptz(r);
  }
  ASSIGN_OR_RETURN(const int64_t r,
                   add ? TimestampPlusInterval(ts, span) : TimestampMinusInterval(ts, span));
  return types.result == TypeId::kTimestamp ? Value::Timestamp(r) : Value::Timestamptz(r);
}

Result<Value> ConcatOp(TypeId result, const Value& a, const Value& b) {
  std::string s(a.bytes());
  s += b.bytes();
  return result == TypeId::kBytea ? Value::Bytea(std::move(s)) : Value::Text(std::move(s));
}

}  // namespace

std::string_view BinaryOpSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kPow:
      return "^";
  }
  return "?";
}

Result<OperatorTypes> ResolveOperator(BinaryOp op, TypeId left, TypeId right) {
  const auto untyped = [](TypeId t) { return t == TypeId::kNull || t == TypeId::kUnknown; };
  if (op == BinaryOp::kConcat) {
    if (std::optional<OperatorTypes> t = ResolveConcat(left, right)) {
      return *t;
    }
    if (untyped(left) || untyped(right)) {
      const TypeId other = untyped(left) ? right : left;
      if (other == TypeId::kBytea) {
        return OperatorTypes{TypeId::kBytea, TypeId::kBytea, TypeId::kBytea};
      }
    }
    return NoOperator(op, left, right);
  }
  if (untyped(left) && untyped(right)) {
    if (op == BinaryOp::kPow) {  // the preferred numeric type wins: '2' ^ '3' is 8
      return OperatorTypes{TypeId::kFloat8, TypeId::kFloat8, TypeId::kFloat8};
    }
    return Status::InvalidArgument("operator is not unique: " + std::string(TypeIdName(left)) +
                                   " " + std::string(BinaryOpSymbol(op)) + " " +
                                   std::string(TypeIdName(right)))
        .WithSqlState("42725");
  }
  const TypeId l = untyped(left) ? right : left;
  const TypeId r = untyped(right) ? left : right;
  if (std::optional<OperatorTypes> t = ResolveNumbers(op, l, r)) {
    return *t;
  }
  if (std::optional<OperatorTypes> t = ResolveDateTime(op, l, r)) {
    return *t;
  }
  return NoOperator(op, left, right);
}

Result<Value> EvalBinary(BinaryOp op, const Value& a, const Value& b) {
  ASSIGN_OR_RETURN(const OperatorTypes types, ResolveOperator(op, a.type(), b.type()));
  if (a.is_null() || b.is_null()) {
    return Value::Null(types.result);
  }
  // || converts its operands with explicit-cast rules (anynonarray || text casts to text).
  const CastContext context =
      op == BinaryOp::kConcat ? CastContext::kExplicit : CastContext::kImplicit;
  ASSIGN_OR_RETURN(const Value x, CastValue(a, Type::Of(types.left), context));
  ASSIGN_OR_RETURN(const Value y, CastValue(b, Type::Of(types.right), context));
  if (op == BinaryOp::kConcat) {
    return ConcatOp(types.result, x, y);
  }
  if (IsNumber(types.result) && IsNumber(types.left) && IsNumber(types.right)) {
    return NumberOp(op, types.result, x, y);
  }
  return DateTimeOp(op, types, x, y);
}

Result<Value> EvalNegate(const Value& a) {
  const TypeId t = a.type();
  if (!IsNumber(t) && t != TypeId::kInterval && t != TypeId::kNull && t != TypeId::kUnknown) {
    return Status::InvalidArgument("operator does not exist: - " + std::string(TypeIdName(t)))
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  if (a.is_null()) {
    return Value::Null(t == TypeId::kUnknown || t == TypeId::kNull ? TypeId::kNull : t);
  }
  if (IsInteger(t)) {
    return IntegerOp(BinaryOp::kSub, t, 0, a.int_value());
  }
  if (t == TypeId::kFloat4) {
    return Value::Float4(-static_cast<float>(a.float_value()));
  }
  if (t == TypeId::kFloat8) {
    return Value::Float8(-a.float_value());
  }
  if (t == TypeId::kNumeric) {
    return Value::Numeric(NumericNegate(a.numeric_value()));
  }
  if (t == TypeId::kUnknown) {
    return Status::InvalidArgument("operator is not unique: - unknown").WithSqlState("42725");
  }
  ASSIGN_OR_RETURN(const Interval r, IntervalNegate(a.interval_value()));
  return Value::Interval(r);
}

Result<Value> EvalAbs(const Value& a) {
  const TypeId t = a.type();
  if (!IsNumber(t)) {
    return Status::InvalidArgument("function abs(" + std::string(TypeIdName(t)) +
                                   ") does not exist")
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  if (a.is_null()) {
    return a;
  }
  if (IsInteger(t)) {
    return a.int_value() < 0 ? IntegerOp(BinaryOp::kSub, t, 0, a.int_value()) : a;
  }
  if (t == TypeId::kFloat4) {
    return Value::Float4(std::fabs(static_cast<float>(a.float_value())));
  }
  if (t == TypeId::kFloat8) {
    return Value::Float8(std::fabs(a.float_value()));
  }
  return Value::Numeric(NumericAbs(a.numeric_value()));
}

Result<Value> EvalRound(const Value& a, std::optional<int32_t> scale) {
  const TypeId t = a.type();
  if (!IsNumber(t) && t != TypeId::kNull && t != TypeId::kUnknown) {
    return Status::InvalidArgument("function round(" + std::string(TypeIdName(t)) +
                                   (scale ? ", integer" : "") + ") does not exist")
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  const bool as_numeric = t == TypeId::kNumeric || scale.has_value();
  const TypeId result = as_numeric ? TypeId::kNumeric : TypeId::kFloat8;
  if (a.is_null()) {
    return Value::Null(result);
  }
  ASSIGN_OR_RETURN(const Value v, CastValue(a, Type::Of(result), CastContext::kImplicit));
  if (!as_numeric) {
    return Value::Float8(std::rint(v.float_value()));
  }
  ASSIGN_OR_RETURN(Numeric n, NumericRound(v.numeric_value(), scale.value_or(0)));
  return Value::Numeric(std::move(n));
}

Result<Value> EvalDateTrunc(std::string_view field, const Value& v) {
  const TypeId t = v.type() == TypeId::kDate ? TypeId::kTimestamptz : v.type();
  if (!IsTimestamp(t) && t != TypeId::kInterval) {
    return Status::InvalidArgument("function date_trunc(unknown, " +
                                   std::string(TypeIdName(v.type())) + ") does not exist")
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  if (v.is_null()) {
    return Value::Null(t);
  }
  if (t == TypeId::kInterval) {
    ASSIGN_OR_RETURN(const Interval r, DateTruncInterval(field, v.interval_value()));
    return Value::Interval(r);
  }
  ASSIGN_OR_RETURN(const Value ts, CastValue(v, Type::Of(t), CastContext::kImplicit));
  ASSIGN_OR_RETURN(const int64_t r,
                   DateTruncTimestamp(field, ts.timestamp_value(), t == TypeId::kTimestamptz));
  return t == TypeId::kTimestamp ? Value::Timestamp(r) : Value::Timestamptz(r);
}

Result<Value> EvalExtract(std::string_view field, const Value& v) {
  const TypeId t = v.type();
  if (!IsDateTime(t) && t != TypeId::kInterval) {
    return Status::InvalidArgument("function extract(unknown, " + std::string(TypeIdName(t)) +
                                   ") does not exist")
        .WithSqlState(kSqlStateUndefinedFunction);
  }
  if (v.is_null()) {
    return Value::Null(TypeId::kNumeric);
  }
  std::optional<Numeric> r;
  if (t == TypeId::kDate) {
    ASSIGN_OR_RETURN(r, ExtractDate(field, v.date_value()));
  } else if (t == TypeId::kInterval) {
    ASSIGN_OR_RETURN(r, ExtractInterval(field, v.interval_value()));
  } else {
    ASSIGN_OR_RETURN(r, ExtractTimestamp(field, v.timestamp_value(), t));
  }
  return r ? Value::Numeric(std::move(*r)) : Value::Null(TypeId::kNumeric);
}

}  // namespace blockdb::sql
