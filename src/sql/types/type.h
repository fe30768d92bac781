// SQL types: the descriptor the binder attaches to every column and expression.
//
// A Type is an id plus the modifier some types take: VARCHAR(n)'s maximum length in characters and
// NUMERIC(p, s)'s precision and scale. Each id maps to PostgreSQL's pg_type OID, which is what
// RowDescription reports, and Name() spells the type as PostgreSQL's format_type does.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::sql {

enum class TypeId : uint8_t {
  kNull,     // a bare NULL before the binder gives it a type
  kUnknown,  // a quoted literal whose type comes from context (PostgreSQL's "unknown")
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kFloat4,
  kFloat8,
  kNumeric,
  kText,
  kVarchar,
  kBytea,
  kDate,
  kTimestamp,
  kTimestamptz,
  kInterval,
  kUuid,
  kJson,
  kJsonb,
};

inline constexpr int kNumTypeIds = static_cast<int>(TypeId::kJsonb) + 1;

// PostgreSQL's type categories (pg_type.typcategory), which drive implicit coercion.
enum class TypeCategory : uint8_t {
  kUnknown,   // X
  kBoolean,   // B
  kNumeric,   // N
  kString,    // S
  kDateTime,  // D
  kTimespan,  // T
  kUser,      // U (bytea, uuid, json, jsonb)
};

// The longest VARCHAR(n) PostgreSQL accepts.
inline constexpr int kMaxVarcharLength = 10485760;

class Type {
 public:
  Type() = default;
  // A type without modifier (VARCHAR without length, unconstrained NUMERIC).
  static Type Of(TypeId id) { return Type(id, -1, 0); }
  // REQUIRES: 1 <= max_length <= kMaxVarcharLength.
  static Type Varchar(int max_length);
  // REQUIRES: 1 <= precision <= 1000, -1000 <= scale <= 1000.
  static Type Numeric(int precision, int scale);
  // TIMESTAMP(p) / TIMESTAMPTZ(p): fractional seconds rounded to p digits.
  // REQUIRES: id is kTimestamp or kTimestamptz, 0 <= precision <= 6.
  static Type Timestamp(TypeId id, int precision);

  TypeId id() const { return id_; }
  // VARCHAR(n)'s n, or -1.
  int varchar_length() const { return id_ == TypeId::kVarchar ? modifier_ : -1; }
  // NUMERIC(p, s)'s p (or -1) and s.
  int numeric_precision() const { return id_ == TypeId::kNumeric ? modifier_ : -1; }
  int numeric_scale() const { return scale_; }
  // TIMESTAMP(p)'s p, or -1.
  int timestamp_precision() const {
    return id_ == TypeId::kTimestamp || id_ == TypeId::kTimestamptz ? modifier_ : -1;
  }
  bool has_modifier() const { return modifier_ >= 0; }

  // pg_attribute.atttypmod as PostgreSQL reports it in RowDescription: -1 without modifier,
  // n + 4 for varchar(n), ((p << 16) | (s & 0x7ff)) + 4 for numeric(p, s), p for timestamp(p).
  int32_t typmod() const;
  // pg_type OID (705 for unknown and for a bare NULL, as PostgreSQL describes them).
  uint32_t oid() const;
  // format_type(): "integer", "character varying(10)", "numeric(10,2)",
  // "timestamp with time zone", "timestamp(3) without time zone".
  std::string Name() const;

  bool operator==(const Type&) const = default;

 private:
  Type(TypeId id, int modifier, int scale) : id_(id), modifier_(modifier), scale_(scale) {}

  TypeId id_ = TypeId::kNull;
  int modifier_ = -1;  // varchar length or numeric precision; -1 for none
  int scale_ = 0;      // numeric scale
};

// format_type() of a type without modifier.
std::string_view TypeIdName(TypeId id);
TypeCategory CategoryOf(TypeId id);
// The OID without modifiers; 705 for kUnknown and kNull.
uint32_t TypeOid(TypeId id);
// The type for a PostgreSQL OID (e.g. a Bind parameter type); nullopt for OIDs BlockDB does not
// implement. OID 0 (unspecified) and 705 give kUnknown.
std::optional<TypeId> TypeIdFromOid(uint32_t oid);

// Resolves a type name as written in SQL (already lower-cased, words separated by single spaces:
// "int", "integer", "int4", "double precision", "character varying", "timestamp with time zone",
// "decimal", "float", ...) and its modifiers (varchar(10) gives {10}, numeric(10, 2) gives
// {10, 2}). FLOAT(p) is REAL for p <= 24 and DOUBLE PRECISION up to 53. Errors as PostgreSQL's:
// 42704 unknown type, 22023 invalid length/precision/scale, 42601 modifier on a type without one.
Result<Type> TypeFromName(std::string_view name, std::span<const int64_t> modifiers = {});

}  // namespace blockdb::sql
