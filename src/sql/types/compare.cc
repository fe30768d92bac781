#include "sql/types/compare.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <string_view>

#include "common/check.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"
#include "sql/types/json.h"
#include "sql/types/timezone.h"

namespace blockdb::sql {

namespace {

bool IsInteger(TypeId t) { return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8; }
bool IsFloat(TypeId t) { return t == TypeId::kFloat4 || t == TypeId::kFloat8; }
bool IsExactNumber(TypeId t) { return IsInteger(t) || t == TypeId::kNumeric; }
bool IsNumber(TypeId t) { return IsExactNumber(t) || IsFloat(t); }
bool IsStringLike(TypeId t) {
  return t == TypeId::kText || t == TypeId::kVarchar || t == TypeId::kUnknown;
}
bool IsDateTime(TypeId t) {
  return t == TypeId::kDate || t == TypeId::kTimestamp || t == TypeId::kTimestamptz;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// PostgreSQL's float order: NaN equal to itself and above everything; -0 equals +0.
int CompareDoubles(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) {
    return std::isnan(a) ? (std::isnan(b) ? 0 : 1) : -1;
  }
  return Cmp(a, b);
}

double AsDouble(const Value& v) {
  if (IsFloat(v.type())) {
    return v.float_value();
  }
  if (IsInteger(v.type())) {
    return static_cast<double>(v.int_value());
  }
  return NumericToFloat8(v.numeric_value());
}

Numeric AsNumeric(const Value& v) {
  return IsInteger(v.type()) ? NumericFromInt64(v.int_value()) : v.numeric_value();
}

int CompareNumbers(const Value& a, const Value& b) {
  if (IsFloat(a.type()) || IsFloat(b.type())) {
    return CompareDoubles(AsDouble(a), AsDouble(b));
  }
  if (IsInteger(a.type()) && IsInteger(b.type())) {
    return Cmp(a.int_value(), b.int_value());
  }
  return NumericCompare(AsNumeric(a), AsNumeric(b));
}

// A date as the timestamp of its midnight (infinities map to infinities); 128-bit so that no
// date overflows.
__int128 AsMicros(const Value& v) {
  if (v.type() != TypeId::kDate) {
    return v.timestamp_value();
  }
  const int32_t d = v.date_value();
  if (d == kDatePosInfinity) {
    return kTimestampPosInfinity;
  }
  if (d == kDateNegInfinity) {
    return kTimestampNegInfinity;
  }
  return static_cast<__int128>(d) * kMicrosPerDay;
}

// AsMicros as a UTC instant, for comparing with a timestamptz: a date or timestamp is local
// time in the session zone, as PostgreSQL casts it.
__int128 AsUtcMicros(const Value& v) {
  const __int128 micros = AsMicros(v);
  if (v.type() == TypeId::kTimestamptz || micros <= kMinTimestamp || micros >= kEndTimestamp) {
    return micros;
  }
  return SessionTimeZone().ToUtc(static_cast<int64_t>(micros));
}

Status NoOperator(TypeId a, TypeId b) {
  return Status::InvalidArgument("operator does not exist: " + std::string(TypeIdName(a)) + " = " +
                                 std::string(TypeIdName(b)))
      .WithSqlState(kSqlStateUndefinedFunction);
}

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t HashBytes(std::string_view s) { return Mix(std::hash<std::string_view>()(s)); }

uint64_t HashInt(int64_t v) { return Mix(static_cast<uint64_t>(v)); }

// Every number hashes through its double value: values equal under CompareForSort have equal
// doubles whatever their types (mixed comparisons with a float happen in double precision, and
// equal exact values convert to the same double), so grouping is consistent across int2, int4,
// int8, numeric, real and double precision. Distinct values that share a double only collide.
uint64_t HashDouble(double d) {
  if (std::isnan(d)) {
    return Mix(0x7ff8000000000000ULL);
  }
  if (d == 0) {
    d = 0;  // -0 = +0
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  return Mix(bits);
}

}  // namespace

Result<TypeId> ComparisonType(TypeId a, TypeId b) {
  const auto untyped = [](TypeId t) { return t == TypeId::kNull || t == TypeId::kUnknown; };
  if (untyped(a) || untyped(b) || a == b) {
    return CommonType(a, b, "");
  }
  if (IsNumber(a) && IsNumber(b)) {
    if (IsFloat(a) || IsFloat(b)) {
      return TypeId::kFloat8;
    }
    return CommonType(a, b, "");
  }
  if ((IsDateTime(a) && IsDateTime(b)) || (IsStringLike(a) && IsStringLike(b))) {
    return CommonType(a, b, "");
  }
  return NoOperator(a, b);
}

Result<std::optional<int>> CompareValues(const Value& a, const Value& b) {
  ASSIGN_OR_RETURN(const TypeId type, ComparisonType(a.type(), b.type()));
  if (a.is_null() || b.is_null()) {
    return std::optional<int>();
  }
  if (a.type() == TypeId::kUnknown || b.type() == TypeId::kUnknown) {
    ASSIGN_OR_RETURN(const Value x, CastValue(a, Type::Of(type), CastContext::kImplicit));
    ASSIGN_OR_RETURN(const Value y, CastValue(b, Type::Of(type), CastContext::kImplicit));
    return std::optional<int>(CompareForSort(x, y));
  }
  return std::optional<int>(CompareForSort(a, b));
}

int CompareForSort(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) {
    return a.is_null() == b.is_null() ? 0 : (a.is_null() ? 1 : -1);
  }
  const TypeId ta = a.type();
  const TypeId tb = b.type();
  if (IsNumber(ta) && IsNumber(tb)) {
    return CompareNumbers(a, b);
  }
  if (IsDateTime(ta) && IsDateTime(tb)) {
    if ((ta == TypeId::kTimestamptz) != (tb == TypeId::kTimestamptz)) {
      return Cmp(AsUtcMicros(a), AsUtcMicros(b));
    }
    return Cmp(AsMicros(a), AsMicros(b));
  }
  if (IsStringLike(ta) && IsStringLike(tb)) {
    return Cmp(a.bytes(), b.bytes());
  }
  BLOCKDB_CHECK_MSG(ta == tb, "CompareForSort of values of different types");
  switch (ta) {
    case TypeId::kBool:
      return Cmp(a.bool_value(), b.bool_value());
    case TypeId::kBytea:
    case TypeId::kUuid:
    case TypeId::kJson:
      return Cmp(a.bytes(), b.bytes());
    case TypeId::kJsonb:
      return CompareJsonb(a.bytes(), b.bytes());
    case TypeId::kInterval:
      return Cmp(IntervalSpan(a.interval_value()), IntervalSpan(b.interval_value()));
    default:
      BLOCKDB_CHECK_MSG(false, "CompareForSort: unexpected type");
  }
  return 0;
}

uint64_t HashValue(const Value& v) {
  if (v.is_null()) {
    return Mix(0);
  }
  switch (v.type()) {
    case TypeId::kBool:
      return HashInt(v.bool_value() ? 1 : 0);
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kFloat4:
    case TypeId::kFloat8:
    case TypeId::kNumeric:
      return HashDouble(AsDouble(v));
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz: {
      const __int128 micros = AsMicros(v);
      return Mix(static_cast<uint64_t>(micros) ^ Mix(static_cast<uint64_t>(micros >> 64)));
    }
    case TypeId::kInterval: {
      const __int128 span = IntervalSpan(v.interval_value());
      return Mix(static_cast<uint64_t>(span) ^ Mix(static_cast<uint64_t>(span >> 64)));
    }
    case TypeId::kJsonb:
      return HashBytes(JsonbHashKey(v.bytes()));
    default:
      return HashBytes(v.bytes());
  }
}

}  // namespace blockdb::sql
