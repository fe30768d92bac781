// Value: one SQL value of any BlockDB type, or NULL; and the input and output functions that
// convert values to and from PostgreSQL's text form.
//
// A Value is a small tagged variant: the TypeId says which SQL type it is (a NULL keeps its type
// too), the payload is one of bool, int64 (SMALLINT, INTEGER and BIGINT, range-checked to their
// declared width on creation), double (REAL values are stored widened, always exactly
// representable as float), Numeric, bytes (text, varchar, bytea, json, jsonb in normal form,
// uuid's 16 bytes, an unknown-typed literal), date (int32 days since 2000-01-01), timestamp and
// timestamptz (int64 microseconds since 2000-01-01) or Interval. Values are immutable, copyable
// and thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/status.h"
#include "sql/types/datetime.h"
#include "sql/types/numeric.h"
#include "sql/types/type.h"

namespace blockdb::sql {

class Value {
 public:
  // An untyped NULL (TypeId::kNull).
  Value() = default;

  static Value Null(TypeId type = TypeId::kNull) { return Value(type, std::monostate()); }
  static Value Bool(bool v) { return Value(TypeId::kBool, v); }
  static Value Int2(int16_t v) { return Value(TypeId::kInt2, int64_t{v}); }
  static Value Int4(int32_t v) { return Value(TypeId::kInt4, int64_t{v}); }
  static Value Int8(int64_t v) { return Value(TypeId::kInt8, v); }
  static Value Float4(float v) { return Value(TypeId::kFloat4, static_cast<double>(v)); }
  static Value Float8(double v) { return Value(TypeId::kFloat8, v); }
  static Value Numeric(sql::Numeric v) { return Value(TypeId::kNumeric, std::move(v)); }
  // REQUIRES for text types: valid UTF-8 without NUL (the input functions check; callers that
  // build values directly from trusted sources need not).
  static Value Text(std::string v) { return Value(TypeId::kText, std::move(v)); }
  static Value Varchar(std::string v) { return Value(TypeId::kVarchar, std::move(v)); }
  static Value Bytea(std::string v) { return Value(TypeId::kBytea, std::move(v)); }
  // REQUIRES: valid JSON text (kept verbatim).
  static Value Json(std::string v) { return Value(TypeId::kJson, std::move(v)); }
  // REQUIRES: jsonb normal form (NormalizeJsonb output).
  static Value Jsonb(std::string v) { return Value(TypeId::kJsonb, std::move(v)); }
  // A quoted literal whose type the binder has not decided yet.
  static Value Unknown(std::string v) { return Value(TypeId::kUnknown, std::move(v)); }
  // REQUIRES: 16 bytes.
  static Value Uuid(std::string bytes);
  static Value Date(int32_t days_since_2000) { return Value(TypeId::kDate, days_since_2000); }
  static Value Timestamp(int64_t micros) { return Value(TypeId::kTimestamp, micros); }
  static Value Timestamptz(int64_t micros) { return Value(TypeId::kTimestamptz, micros); }
  static Value Interval(sql::Interval v) { return Value(TypeId::kInterval, v); }
  // An integer of type kInt2/kInt4/kInt8. REQUIRES: v fits the type.
  static Value Integer(TypeId type, int64_t v);

  TypeId type() const { return type_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

  // Accessors. REQUIRES: not NULL and of a matching type (a mismatch aborts).
  bool bool_value() const;
  // kInt2, kInt4, kInt8.
  int64_t int_value() const;
  // kFloat4, kFloat8.
  double float_value() const;
  const sql::Numeric& numeric_value() const;
  // kText, kVarchar, kBytea, kJson, kJsonb, kUuid, kUnknown.
  std::string_view bytes() const;
  int32_t date_value() const;
  // kTimestamp, kTimestamptz.
  int64_t timestamp_value() const;
  const sql::Interval& interval_value() const;

  // For decoders that refill a row's values in place (a table scan): makes this a NUMERIC
  // value and returns its payload for the caller to overwrite completely. A value that already
  // held a numeric keeps its digit vector's storage, so decoding a column of every row does not
  // allocate. The pointer is valid until this value is next assigned.
  sql::Numeric* ReuseAsNumeric() {
    type_ = TypeId::kNumeric;
    if (auto* n = std::get_if<sql::Numeric>(&v_)) return n;
    return &v_.emplace<sql::Numeric>();
  }

  // Same type and same payload (bitwise for floats; 1.0 and 1.00 numerics differ). For SQL
  // equality use CompareValues (compare.h).
  bool operator==(const Value&) const = default;

 private:
  using Payload = std::variant<std::monostate, bool, int64_t, double, sql::Numeric, std::string,
                               int32_t, sql::Interval>;

  Value(TypeId type, Payload v) : type_(type), v_(std::move(v)) {}

  TypeId type_ = TypeId::kNull;
  Payload v_;
};

// The input function of `type`: PostgreSQL's text form to a value, applying the type's modifier
// as a column assignment does (varchar(n): 22001 if longer, unless the excess is spaces, which are
// cut; numeric(p, s): rounded to s, 22003 on overflow). kUnknown and kNull types are not
// inputs (a bug in the caller). Errors are each type's (22P02, 22003, 22007, 22008...).
Result<Value> ParseValue(std::string_view text, const Type& type);

// The output function: the text PostgreSQL 15 prints for the value (DateStyle ISO, TimeZone
// UTC, IntervalStyle postgres, bytea hex; extra_float_digits as the session setting).
// REQUIRES: !v.is_null().
std::string FormatValue(const Value& v, int extra_float_digits = 1);

// Debug form for test failure messages: "NULL" or "<type> '<text>'".
std::string DebugString(const Value& v);

}  // namespace blockdb::sql
