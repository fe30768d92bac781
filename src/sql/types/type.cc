#include "sql/types/type.h"

#include <algorithm>

#include <array>

#include "common/check.h"
#include "sql/types/errors.h"
#include "sql/types/numeric.h"

namespace blockdb::sql {

namespace {

struct TypeRow {
  TypeId id;
  std::string_view name;  // format_type()
  uint32_t oid;
  TypeCategory category;
};

// Indexed by TypeId.
constexpr std::array<TypeRow, kNumTypeIds> kTypes = {{
    {TypeId::kNull, "unknown", 705, TypeCategory::kUnknown},
    {TypeId::kUnknown, "unknown", 705, TypeCategory::kUnknown},
    {TypeId::kBool, "boolean", 16, TypeCategory::kBoolean},
    {TypeId::kInt2, "smallint", 21, TypeCategory::kNumeric},
    {TypeId::kInt4, "integer", 23, TypeCategory::kNumeric},
    {TypeId::kInt8, "bigint", 20, TypeCategory::kNumeric},
    {TypeId::kFloat4, "real", 700, TypeCategory::kNumeric},
    {TypeId::kFloat8, "double precision", 701, TypeCategory::kNumeric},
    {TypeId::kNumeric, "numeric", 1700, TypeCategory::kNumeric},
    {TypeId::kText, "text", 25, TypeCategory::kString},
    {TypeId::kVarchar, "character varying", 1043, TypeCategory::kString},
    {TypeId::kBytea, "bytea", 17, TypeCategory::kUser},
    {TypeId::kDate, "date", 1082, TypeCategory::kDateTime},
    {TypeId::kTimestamp, "timestamp without time zone", 1114, TypeCategory::kDateTime},
    {TypeId::kTimestamptz, "timestamp with time zone", 1184, TypeCategory::kDateTime},
    {TypeId::kInterval, "interval", 1186, TypeCategory::kTimespan},
    {TypeId::kUuid, "uuid", 2950, TypeCategory::kUser},
    {TypeId::kJson, "json", 114, TypeCategory::kUser},
    {TypeId::kJsonb, "jsonb", 3802, TypeCategory::kUser},
}};

const TypeRow& RowOf(TypeId id) {
  const TypeRow& row = kTypes[static_cast<size_t>(id)];
  BLOCKDB_CHECK(row.id == id);
  return row;
}

struct Alias {
  std::string_view name;
  TypeId id;
};

// Spellings PostgreSQL's grammar and pg_type accept for each type.
constexpr Alias kAliases[] = {
    {"bool", TypeId::kBool},
    {"boolean", TypeId::kBool},
    {"smallint", TypeId::kInt2},
    {"int2", TypeId::kInt2},
    {"integer", TypeId::kInt4},
    {"int", TypeId::kInt4},
    {"int4", TypeId::kInt4},
    {"bigint", TypeId::kInt8},
    {"int8", TypeId::kInt8},
    {"real", TypeId::kFloat4},
    {"float4", TypeId::kFloat4},
    {"double precision", TypeId::kFloat8},
    {"float8", TypeId::kFloat8},
    {"numeric", TypeId::kNumeric},
    {"decimal", TypeId::kNumeric},
    {"dec", TypeId::kNumeric},
    {"text", TypeId::kText},
    {"varchar", TypeId::kVarchar},
    {"character varying", TypeId::kVarchar},
    {"char varying", TypeId::kVarchar},
    {"bytea", TypeId::kBytea},
    {"date", TypeId::kDate},
    {"timestamp", TypeId::kTimestamp},
    {"timestamp without time zone", TypeId::kTimestamp},
    {"timestamptz", TypeId::kTimestamptz},
    {"timestamp with time zone", TypeId::kTimestamptz},
    {"interval", TypeId::kInterval},
    {"uuid", TypeId::kUuid},
    {"json", TypeId::kJson},
    {"jsonb", TypeId::kJsonb},
};

Status NotAllowed(std::string_view name) {
  return Status::InvalidArgument("type modifier is not allowed for type \"" + std::string(name) +
                                 "\"")
      .WithSqlState("42601");
}

Result<Type> FloatType(std::span<const int64_t> modifiers) {
  if (modifiers.empty()) {
    return Type::Of(TypeId::kFloat8);
  }
  if (modifiers.size() > 1) {
    return NotAllowed("float");
  }
  if (modifiers[0] < 1) {
    return InvalidParameterValue("precision for type float must be at least 1 bit");
  }
  if (modifiers[0] > 53) {
    return InvalidParameterValue("precision for type float must be less than 54 bits");
  }
  return Type::Of(modifiers[0] <= 24 ? TypeId::kFloat4 : TypeId::kFloat8);
}

Result<Type> VarcharType(std::span<const int64_t> modifiers) {
  if (modifiers.empty()) {
    return Type::Of(TypeId::kVarchar);
  }
  if (modifiers.size() > 1) {
    return InvalidParameterValue("invalid type modifier");
  }
  if (modifiers[0] < 1) {
    return InvalidParameterValue("length for type varchar must be at least 1");
  }
  if (modifiers[0] > kMaxVarcharLength) {
    return InvalidParameterValue("length for type varchar cannot exceed " +
                                 std::to_string(kMaxVarcharLength));
  }
  return Type::Varchar(static_cast<int>(modifiers[0]));
}

Result<Type> NumericType(std::span<const int64_t> modifiers) {
  if (modifiers.empty()) {
    return Type::Of(TypeId::kNumeric);
  }
  if (modifiers.size() > 2) {
    return InvalidParameterValue("invalid NUMERIC type modifier");
  }
  const int64_t precision = modifiers[0];
  const int64_t scale = modifiers.size() == 2 ? modifiers[1] : 0;
  if (precision < 1 || precision > kNumericMaxPrecision) {
    return InvalidParameterValue("NUMERIC precision " + std::to_string(precision) +
                                 " must be between 1 and " + std::to_string(kNumericMaxPrecision));
  }
  if (scale < kNumericMinScale || scale > kNumericMaxScale) {
    return InvalidParameterValue("NUMERIC scale " + std::to_string(scale) + " must be between " +
                                 std::to_string(kNumericMinScale) + " and " +
                                 std::to_string(kNumericMaxScale));
  }
  return Type::Numeric(static_cast<int>(precision), static_cast<int>(scale));
}

}  // namespace

Type Type::Varchar(int max_length) {
  BLOCKDB_CHECK(max_length >= 1 && max_length <= kMaxVarcharLength);
  return Type(TypeId::kVarchar, max_length, 0);
}

Type Type::Numeric(int precision, int scale) {
  BLOCKDB_CHECK(precision >= 1 && precision <= kNumericMaxPrecision);
  BLOCKDB_CHECK(scale >= kNumericMinScale && scale <= kNumericMaxScale);
  return Type(TypeId::kNumeric, precision, scale);
}

Type Type::Timestamp(TypeId id, int precision) {
  BLOCKDB_CHECK(id == TypeId::kTimestamp || id == TypeId::kTimestamptz);
  BLOCKDB_CHECK(precision >= 0 && precision <= 6);
  return Type(id, precision, 0);
}

int32_t Type::typmod() const {
  if (!has_modifier()) {
    return -1;
  }
  if (id_ == TypeId::kVarchar) {
    return modifier_ + 4;
  }
  if (timestamp_precision() >= 0) {
    return modifier_;
  }
  return ((modifier_ << 16) | (scale_ & 0x7ff)) + 4;
}

uint32_t Type::oid() const { return TypeOid(id_); }

std::string Type::Name() const {
  std::string name(TypeIdName(id_));
  if (timestamp_precision() >= 0) {  // "timestamp(3) with time zone"
    name.insert(9, "(" + std::to_string(modifier_) + ")");
    return name;
  }
  if (has_modifier()) {
    // Appended piecewise: g++ 12 warns falsely (-Wrestrict) on a chain of + here.
    name += '(';
    name += std::to_string(modifier_);
    if (id_ == TypeId::kNumeric) {
      name += ',';
      name += std::to_string(scale_);
    }
    name += ')';
  }
  return name;
}

std::string_view TypeIdName(TypeId id) { return RowOf(id).name; }

TypeCategory CategoryOf(TypeId id) { return RowOf(id).category; }

uint32_t TypeOid(TypeId id) { return RowOf(id).oid; }

std::optional<TypeId> TypeIdFromOid(uint32_t oid) {
  if (oid == 0) {
    return TypeId::kUnknown;
  }
  for (const TypeRow& row : kTypes) {
    if (row.oid == oid) {
      return row.id == TypeId::kNull ? TypeId::kUnknown : row.id;
    }
  }
  return std::nullopt;
}

Result<Type> TypeFromName(std::string_view name, std::span<const int64_t> modifiers) {
  if (name == "float") {
    return FloatType(modifiers);
  }
  for (const Alias& alias : kAliases) {
    if (alias.name != name) {
      continue;
    }
    if (alias.id == TypeId::kVarchar) {
      return VarcharType(modifiers);
    }
    if (alias.id == TypeId::kNumeric) {
      return NumericType(modifiers);
    }
    if ((alias.id == TypeId::kTimestamp || alias.id == TypeId::kTimestamptz) &&
        !modifiers.empty()) {
      if (modifiers.size() > 1) {
        return InvalidParameterValue("invalid type modifier");
      }
      if (modifiers[0] < 0) {
        return InvalidParameterValue("TIMESTAMP(" + std::to_string(modifiers[0]) +
                                     ") precision must not be negative");
      }
      // PostgreSQL reduces a precision above 6 to 6 (with a warning).
      return Type::Timestamp(alias.id, static_cast<int>(std::min<int64_t>(modifiers[0], 6)));
    }
    if (!modifiers.empty()) {
      return NotAllowed(TypeIdName(alias.id));
    }
    return Type::Of(alias.id);
  }
  return Status::NotFound("type \"" + std::string(name) + "\" does not exist")
      .WithSqlState("42704");
}

}  // namespace blockdb::sql
