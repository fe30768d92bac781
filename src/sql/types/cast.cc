#include "sql/types/cast.h"

#include <cmath>
#include <limits>

#include "common/check.h"
#include "sql/types/errors.h"
#include "sql/types/internal/varchar.h"
#include "sql/types/json.h"
#include "sql/types/number_text.h"
#include "sql/types/timezone.h"

namespace blockdb::sql {

// CastValue without the final rounding of TIMESTAMP(p).
Result<Value> CastValueIgnoringPrecision(const Value& v, const Type& to, CastContext context);

namespace {

using Ctx = CastContext;

bool IsInteger(TypeId t) { return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8; }
bool IsFloat(TypeId t) { return t == TypeId::kFloat4 || t == TypeId::kFloat8; }
bool IsStringType(TypeId t) { return t == TypeId::kText || t == TypeId::kVarchar; }

// Position in the numeric widening order int2 < int4 < int8 < numeric < float4 < float8.
int NumericRank(TypeId t) {
  switch (t) {
    case TypeId::kInt2:
      return 0;
    case TypeId::kInt4:
      return 1;
    case TypeId::kInt8:
      return 2;
    case TypeId::kNumeric:
      return 3;
    case TypeId::kFloat4:
      return 4;
    case TypeId::kFloat8:
      return 5;
    default:
      return -1;
  }
}

int DateTimeRank(TypeId t) {
  switch (t) {
    case TypeId::kDate:
      return 0;
    case TypeId::kTimestamp:
      return 1;
    case TypeId::kTimestamptz:
      return 2;
    default:
      return -1;
  }
}

std::optional<Ctx> NumericCast(TypeId from, TypeId to) {
  const int f = NumericRank(from);
  const int t = NumericRank(to);
  if (f < 0 || t < 0) {
    return std::nullopt;
  }
  return t > f ? Ctx::kImplicit : Ctx::kAssignment;
}

std::optional<Ctx> DateTimeCast(TypeId from, TypeId to) {
  const int f = DateTimeRank(from);
  const int t = DateTimeRank(to);
  if (f < 0 || t < 0) {
    return std::nullopt;
  }
  return t > f ? Ctx::kImplicit : Ctx::kAssignment;
}

Status CannotCast(TypeId from, const Type& to) {
  return Status::InvalidArgument("cannot cast type " + std::string(TypeIdName(from)) + " to " +
                                 to.Name())
      .WithSqlState(kSqlStateCannotCoerce);
}

Status IntOutOfRange(TypeId t) {
  return NumericOutOfRange(std::string(TypeIdName(t)) + " out of range");
}

Result<Value> MakeInteger(TypeId to, int64_t v) {
  const bool fits = to == TypeId::kInt8 ||
                    (to == TypeId::kInt4 && v >= INT32_MIN && v <= INT32_MAX) ||
                    (to == TypeId::kInt2 && v >= INT16_MIN && v <= INT16_MAX);
  if (!fits) {
    return IntOutOfRange(to);
  }
  return Value::Integer(to, v);
}

Result<Value> FloatToInteger(double f, TypeId to) {
  // PostgreSQL's dtoi4/dtoi8: rint (round half to even), then a range check in double.
  const double r = std::rint(f);
  if (std::isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
    return IntOutOfRange(to);
  }
  return MakeInteger(to, static_cast<int64_t>(r));
}

Result<Value> ToFloat4(double d) {
  const float f = static_cast<float>(d);
  if (std::isinf(f) && !std::isinf(d)) {
    return NumericOutOfRange("value out of range: overflow");
  }
  if (f == 0.0f && d != 0.0) {
    return NumericOutOfRange("value out of range: underflow");
  }
  return Value::Float4(f);
}

Result<Value> WithNumericTypmod(Numeric n, const Type& to) {
  if (to.has_modifier()) {
    ASSIGN_OR_RETURN(n, ApplyNumericTypmod(n, to.numeric_precision(), to.numeric_scale()));
  }
  return Value::Numeric(std::move(n));
}

// Casts among int2/int4/int8/float4/float8/numeric.
Result<Value> CastNumber(const Value& v, const Type& to) {
  const TypeId from = v.type();
  if (IsInteger(from)) {
    const int64_t i = v.int_value();
    if (IsInteger(to.id())) {
      return MakeInteger(to.id(), i);
    }
    if (to.id() == TypeId::kFloat4) {
      return Value::Float4(static_cast<float>(i));
    }
    if (to.id() == TypeId::kFloat8) {
      return Value::Float8(static_cast<double>(i));
    }
    return WithNumericTypmod(NumericFromInt64(i), to);
  }
  if (IsFloat(from)) {
    const double f = v.float_value();
    if (IsInteger(to.id())) {
      return FloatToInteger(f, to.id());
    }
    if (to.id() == TypeId::kFloat4) {
      return ToFloat4(f);
    }
    if (to.id() == TypeId::kFloat8) {
      return Value::Float8(f);
    }
    return WithNumericTypmod(
        from == TypeId::kFloat4 ? NumericFromFloat4(static_cast<float>(f)) : NumericFromFloat8(f),
        to);
  }
  const Numeric& n = v.numeric_value();
  if (IsInteger(to.id())) {
    const int64_t lo = to.id() == TypeId::kInt2   ? INT16_MIN
                       : to.id() == TypeId::kInt4 ? INT32_MIN
                                                  : INT64_MIN;
    const int64_t hi = to.id() == TypeId::kInt2   ? INT16_MAX
                       : to.id() == TypeId::kInt4 ? INT32_MAX
                                                  : INT64_MAX;
    ASSIGN_OR_RETURN(const int64_t i, NumericToInt(n, lo, hi, TypeIdName(to.id())));
    return Value::Integer(to.id(), i);
  }
  if (IsFloat(to.id())) {
    // PostgreSQL's numeric_float8/4 read the numeric's text back with float8in/float4in, which
    // is also where the out-of-range error comes from.
    if (!n.is_finite()) {
      const double d = NumericToFloat8(n);
      return to.id() == TypeId::kFloat4 ? Value::Float4(static_cast<float>(d)) : Value::Float8(d);
    }
    const std::string text = FormatNumericText(n);
    if (to.id() == TypeId::kFloat4) {
      ASSIGN_OR_RETURN(const float f, ParseFloat4(text));
      return Value::Float4(f);
    }
    ASSIGN_OR_RETURN(const double d, ParseFloat8(text));
    return Value::Float8(d);
  }
  return WithNumericTypmod(n, to);
}

// Conversions between date, timestamp and timestamptz read and show timestamptz in the session
// time zone, as PostgreSQL does.
Result<Value> CastDateTime(const Value& v, const Type& to) {
  const TypeId from = v.type();
  const TimeZone& zone = SessionTimeZone();
  if (from == TypeId::kDate) {
    const int32_t d = v.date_value();
    const __int128 wide = d == kDatePosInfinity   ? kTimestampPosInfinity
                          : d == kDateNegInfinity ? kTimestampNegInfinity
                                                  : static_cast<__int128>(d) * kMicrosPerDay;
    if (IsFiniteDate(d) && (wide < kMinTimestamp || wide >= kEndTimestamp)) {
      return DatetimeOutOfRange("date out of range for timestamp");
    }
    const auto micros = static_cast<int64_t>(wide);
    if (to.id() == TypeId::kTimestamp) {
      return Value::Timestamp(micros);
    }
    const int64_t utc = zone.ToUtc(micros);
    if (IsFiniteTimestamp(utc) && (utc < kMinTimestamp || utc >= kEndTimestamp)) {
      return DatetimeOutOfRange("date out of range for timestamp");
    }
    return Value::Timestamptz(utc);
  }
  const int64_t t = v.timestamp_value();
  if (to.id() == TypeId::kDate) {
    if (!IsFiniteTimestamp(t)) {
      return Value::Date(t > 0 ? kDatePosInfinity : kDateNegInfinity);
    }
    const int64_t local = from == TypeId::kTimestamptz ? zone.ToLocal(t) : t;
    return Value::Date(
        static_cast<int32_t>(local / kMicrosPerDay - (local % kMicrosPerDay < 0 ? 1 : 0)));
  }
  if (from == to.id()) {
    return v;
  }
  const int64_t r = to.id() == TypeId::kTimestamp ? zone.ToLocal(t) : zone.ToUtc(t);
  if (IsFiniteTimestamp(r) && (r < kMinTimestamp || r >= kEndTimestamp)) {
    return DatetimeOutOfRange("timestamp out of range");
  }
  return to.id() == TypeId::kTimestamp ? Value::Timestamp(r) : Value::Timestamptz(r);
}

// jsonb holding a number or a boolean to that SQL type; 22023 for any other jsonb value.
Result<Value> CastJsonbScalar(const Value& v, const Type& to) {
  JsonbTopLevel top = InspectJsonb(v.bytes());
  if (to.id() == TypeId::kBool && top.boolean.has_value()) {
    return Value::Bool(*top.boolean);
  }
  if (to.id() != TypeId::kBool && top.number.has_value()) {
    return CastNumber(Value::Numeric(std::move(*top.number)), to);
  }
  return InvalidParameterValue("cannot cast jsonb " + std::string(top.kind) + " to type " +
                               std::string(TypeIdName(to.id())));
}

// Output function, then the target's modifier. Boolean prints as true/false here (booltext),
// unlike its output function's t/f.
Result<Value> CastToString(const Value& v, const Type& to, CastContext context) {
  std::string text =
      v.type() == TypeId::kBool ? (v.bool_value() ? "true" : "false") : FormatValue(v);
  if (to.id() == TypeId::kText) {
    return Value::Text(std::move(text));
  }
  ASSIGN_OR_RETURN(std::string fitted,
                   internal::FitVarchar(text, to, context == CastContext::kExplicit));
  return Value::Varchar(std::move(fitted));
}

Result<Value> CastSameType(const Value& v, const Type& to, CastContext context) {
  if (to.id() == TypeId::kVarchar) {
    return CastToString(v, to, context);
  }
  if (to.id() == TypeId::kNumeric && to.has_modifier()) {
    return WithNumericTypmod(v.numeric_value(), to);
  }
  return v;
}

}  // namespace

std::optional<CastContext> CastContextFor(TypeId from, TypeId to) {
  if (from == to || from == TypeId::kNull || from == TypeId::kUnknown) {
    return Ctx::kImplicit;
  }
  if (IsStringType(from) && IsStringType(to)) {
    return Ctx::kImplicit;
  }
  if (std::optional<Ctx> c = NumericCast(from, to)) {
    return c;
  }
  if (std::optional<Ctx> c = DateTimeCast(from, to)) {
    return c;
  }
  if ((from == TypeId::kBool && to == TypeId::kInt4) ||
      (from == TypeId::kInt4 && to == TypeId::kBool)) {
    return Ctx::kExplicit;
  }
  if (from == TypeId::kJsonb && (to == TypeId::kBool || NumericRank(to) >= 0)) {
    return Ctx::kExplicit;  // the jsonb scalar casts of PostgreSQL 11+
  }
  if ((from == TypeId::kJson && to == TypeId::kJsonb) ||
      (from == TypeId::kJsonb && to == TypeId::kJson)) {
    return Ctx::kAssignment;
  }
  if (IsStringType(to) && to != TypeId::kUnknown) {
    return Ctx::kAssignment;  // I/O conversion to a string type
  }
  if (IsStringType(from) && to != TypeId::kNull && to != TypeId::kUnknown) {
    return Ctx::kExplicit;  // I/O conversion from a string type
  }
  return std::nullopt;
}

bool CanCast(TypeId from, TypeId to, CastContext context) {
  const std::optional<CastContext> needed = CastContextFor(from, to);
  return needed.has_value() && static_cast<int>(context) >= static_cast<int>(*needed);
}

Result<Value> CastValue(const Value& v, const Type& to, CastContext context) {
  ASSIGN_OR_RETURN(Value out, CastValueIgnoringPrecision(v, to, context));
  // TIMESTAMP(p): round whatever the conversion produced.
  if (to.timestamp_precision() >= 0 && !out.is_null()) {
    int64_t t = RoundTimestamp(out.timestamp_value(), to.timestamp_precision());
    return to.id() == TypeId::kTimestamp ? Value::Timestamp(t) : Value::Timestamptz(t);
  }
  return out;
}

Result<Value> CastValueIgnoringPrecision(const Value& v, const Type& to, CastContext context) {
  BLOCKDB_CHECK(to.id() != TypeId::kNull && to.id() != TypeId::kUnknown);
  const TypeId from = v.type();
  if (!CanCast(from, to.id(), context)) {
    return CannotCast(from, to);
  }
  if (v.is_null()) {
    return Value::Null(to.id());
  }
  if (from == to.id()) {
    return CastSameType(v, to, context);
  }
  if (from == TypeId::kUnknown) {
    // A literal: the input function of the target without its modifier, then the modifier as
    // this context applies it ('abcdef'::varchar(3) is 'abc').
    ASSIGN_OR_RETURN(Value parsed, ParseValue(v.bytes(), Type::Of(to.id())));
    return CastSameType(parsed, to, context);
  }
  if (NumericRank(from) >= 0 && NumericRank(to.id()) >= 0) {
    return CastNumber(v, to);
  }
  if (DateTimeRank(from) >= 0 && DateTimeRank(to.id()) >= 0) {
    return CastDateTime(v, to);
  }
  if (from == TypeId::kBool && to.id() == TypeId::kInt4) {
    return Value::Int4(v.bool_value() ? 1 : 0);
  }
  if (from == TypeId::kInt4 && to.id() == TypeId::kBool) {
    return Value::Bool(v.int_value() != 0);
  }
  if (from == TypeId::kJsonb && to.id() == TypeId::kJson) {
    return Value::Json(std::string(v.bytes()));
  }
  if (from == TypeId::kJsonb && (to.id() == TypeId::kBool || NumericRank(to.id()) >= 0)) {
    return CastJsonbScalar(v, to);
  }
  if (from == TypeId::kJson && to.id() == TypeId::kJsonb) {
    ASSIGN_OR_RETURN(std::string normal, NormalizeJsonb(v.bytes()));
    return Value::Jsonb(std::move(normal));
  }
  if (IsStringType(to.id())) {
    return CastToString(v, to, context);
  }
  // I/O conversion from text or varchar.
  ASSIGN_OR_RETURN(Value parsed, ParseValue(v.bytes(), Type::Of(to.id())));
  return CastSameType(parsed, to, context);
}

Result<TypeId> CommonType(TypeId a, TypeId b, std::string_view context) {
  const auto untyped = [](TypeId t) { return t == TypeId::kNull || t == TypeId::kUnknown; };
  if (untyped(a) && untyped(b)) {
    return TypeId::kText;
  }
  if (untyped(a)) {
    return b;
  }
  if (untyped(b) || a == b) {
    return a;
  }
  if (NumericRank(a) >= 0 && NumericRank(b) >= 0) {
    return NumericRank(a) > NumericRank(b) ? a : b;
  }
  if (DateTimeRank(a) >= 0 && DateTimeRank(b) >= 0) {
    return DateTimeRank(a) > DateTimeRank(b) ? a : b;
  }
  if (IsStringType(a) && IsStringType(b)) {
    return TypeId::kText;
  }
  return DatatypeMismatch(std::string(context) + " types " + std::string(TypeIdName(a)) + " and " +
                          std::string(TypeIdName(b)) + " cannot be matched");
}

}  // namespace blockdb::sql
