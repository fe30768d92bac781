#include "pgwire/server/value_codec.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "common/check.h"
#include "pgwire/binary_values.h"
#include "pgwire/numeric.h"
#include "pgwire/types.h"

namespace blockdb::pgwire {
namespace {

using sql::TypeId;
using sql::Value;

Status UnknownFormat(int16_t format) {
  return Status::InvalidArgument("unsupported format code: " + std::to_string(format))
      .WithSqlState("08P01");
}

// Binary input for types whose value is best built through the text input function, which also
// applies the column's modifier (varchar(n), numeric(p, s)) and validates JSON.
Result<Value> ViaText(std::string_view text, const sql::Type& type) {
  return sql::ParseValue(text, type);
}

Result<Value> DecodeBinary(std::string_view b, const sql::Type& type) {
  switch (type.id()) {
    case TypeId::kBool: {
      ASSIGN_OR_RETURN(bool v, DecodeBoolBinary(b));
      return Value::Bool(v);
    }
    case TypeId::kInt2: {
      ASSIGN_OR_RETURN(int16_t v, DecodeInt2Binary(b));
      return Value::Int2(v);
    }
    case TypeId::kInt4: {
      ASSIGN_OR_RETURN(int32_t v, DecodeInt4Binary(b));
      return Value::Int4(v);
    }
    case TypeId::kInt8: {
      ASSIGN_OR_RETURN(int64_t v, DecodeInt8Binary(b));
      return Value::Int8(v);
    }
    case TypeId::kFloat4: {
      ASSIGN_OR_RETURN(float v, DecodeFloat4Binary(b));
      return Value::Float4(v);
    }
    case TypeId::kFloat8: {
      ASSIGN_OR_RETURN(double v, DecodeFloat8Binary(b));
      return Value::Float8(v);
    }
    case TypeId::kNumeric: {
      ASSIGN_OR_RETURN(Numeric n, DecodeNumericBinary(b));
      if (!type.has_modifier()) {
        return Value::Numeric(std::move(n));
      }
      return ViaText(sql::FormatValue(Value::Numeric(std::move(n))), type);
    }
    case TypeId::kUnknown:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJson: {
      ASSIGN_OR_RETURN(std::string text, DecodeTextBinary(b));
      return ViaText(text, type.id() == TypeId::kUnknown ? sql::Type::Of(TypeId::kText) : type);
    }
    case TypeId::kJsonb: {
      ASSIGN_OR_RETURN(std::string text, DecodeJsonbBinary(b));
      return ViaText(text, type);
    }
    case TypeId::kBytea:
      return Value::Bytea(std::string(b));
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(int32_t v, DecodeDateBinary(b));
      return Value::Date(v);
    }
    case TypeId::kTimestamp: {
      ASSIGN_OR_RETURN(int64_t v, DecodeTimestampBinary(b));
      return Value::Timestamp(v);
    }
    case TypeId::kTimestamptz: {
      ASSIGN_OR_RETURN(int64_t v, DecodeTimestampBinary(b));
      return Value::Timestamptz(v);
    }
    case TypeId::kInterval: {
      ASSIGN_OR_RETURN(sql::Interval v, DecodeIntervalBinary(b));
      return Value::Interval(v);
    }
    case TypeId::kUuid: {
      ASSIGN_OR_RETURN(std::string v, DecodeUuidBinary(b));
      return Value::Uuid(std::move(v));
    }
    case TypeId::kNull:
      break;
  }
  return Status::NotSupported("binary parameters of type " + type.Name() + " are not supported")
      .WithSqlState("0A000");
}

void EncodeBinary(std::string* out, const Value& v, const sql::Type& column_type) {
  // Integers and floats take the column's width; the rest follow the value's own type.
  TypeId id = column_type.id();
  bool numeric_column = id == TypeId::kInt2 || id == TypeId::kInt4 || id == TypeId::kInt8 ||
                        id == TypeId::kFloat4 || id == TypeId::kFloat8;
  if (!numeric_column ||
      (v.type() != TypeId::kInt2 && v.type() != TypeId::kInt4 && v.type() != TypeId::kInt8 &&
       v.type() != TypeId::kFloat4 && v.type() != TypeId::kFloat8)) {
    id = v.type();
  }
  switch (id) {
    case TypeId::kBool:
      return EncodeBoolBinary(out, v.bool_value());
    case TypeId::kInt2:
      return EncodeInt2Binary(out, static_cast<int16_t>(v.int_value()));
    case TypeId::kInt4:
      return EncodeInt4Binary(out, static_cast<int32_t>(v.int_value()));
    case TypeId::kInt8:
      return EncodeInt8Binary(out, v.int_value());
    case TypeId::kFloat4:
      return EncodeFloat4Binary(out, static_cast<float>(v.float_value()));
    case TypeId::kFloat8:
      return EncodeFloat8Binary(out, v.float_value());
    case TypeId::kNumeric:
      return EncodeNumericBinary(out, v.numeric_value());
    case TypeId::kDate:
      return EncodeDateBinary(out, v.date_value());
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
      return EncodeTimestampBinary(out, v.timestamp_value());
    case TypeId::kInterval:
      return EncodeIntervalBinary(out, v.interval_value());
    case TypeId::kUuid:
      return EncodeUuidBinary(out, v.bytes());
    case TypeId::kJsonb:
      return EncodeJsonbBinary(out, sql::FormatValue(v));
    case TypeId::kJson:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kUnknown:
      return EncodeBytesBinary(out, v.bytes());
    case TypeId::kNull:
      break;
  }
  BLOCKDB_CHECK_MSG(false, "a non-NULL value of type NULL");
}

}  // namespace

Result<sql::Value> DecodeParameter(const std::optional<std::string>& bytes, int16_t format,
                                   const sql::Type& type) {
  if (format != kFormatText && format != kFormatBinary) {
    return UnknownFormat(format);
  }
  sql::Type input = type.id() == TypeId::kUnknown || type.id() == TypeId::kNull
                        ? sql::Type::Of(TypeId::kText)
                        : type;
  if (!bytes.has_value()) {
    return Value::Null(input.id());
  }
  if (format == kFormatText) {
    return sql::ParseValue(*bytes, input);
  }
  return DecodeBinary(*bytes, input);
}

namespace {

constexpr Oid kInt2VectorOid = 22;
constexpr Oid kOidVectorOid = 30;

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// The binary form (array_send) of a catalog array held in its text form: "{1,2}" or, for
// int2vector and oidvector, "1 2" (whose first subscript is 0). Elements are unquoted integers
// or strings.
void EncodeTextArrayBinary(std::string* out, std::string_view text, uint32_t type_oid) {
  bool vector = type_oid == kInt2VectorOid || type_oid == kOidVectorOid;
  uint32_t element = type_oid == kInt2VectorOid || type_oid == kInt2ArrayOid ? kInt2Oid
                     : type_oid == kTextArrayOid                             ? kTextOid
                                                                             : kOidOid;
  if (!vector && text.size() >= 2 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, text.size() - 2);
  }
  std::vector<std::optional<std::string>> items;
  char sep = vector ? ' ' : ',';
  for (size_t start = 0; start < text.size();) {
    size_t end = std::min(text.find(sep, start), text.size());
    std::string item(text.substr(start, end - start));
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    if (!item.empty() || !vector) {
      items.push_back(item == "NULL" ? std::nullopt : std::optional<std::string>(item));
    }
    start = end + 1;
  }
  bool has_null = std::any_of(items.begin(), items.end(), [](const auto& i) { return !i; });
  PutBigEndian32(out, items.empty() ? 0 : 1);  // dimensions
  PutBigEndian32(out, has_null ? 1 : 0);
  PutBigEndian32(out, element);
  if (items.empty()) return;
  PutBigEndian32(out, static_cast<uint32_t>(items.size()));
  PutBigEndian32(out, vector ? 0 : 1);  // lower bound
  for (const std::optional<std::string>& item : items) {
    if (!item) {
      PutBigEndian32(out, 0xffffffffu);
    } else if (element == kTextOid) {
      PutBigEndian32(out, static_cast<uint32_t>(item->size()));
      out->append(*item);
    } else {
      int64_t n = std::strtoll(item->c_str(), nullptr, 10);
      PutBigEndian32(out, element == kInt2Oid ? 2 : 4);
      if (element == kInt2Oid) {
        out->push_back(static_cast<char>(n >> 8));
        out->push_back(static_cast<char>(n));
      } else {
        PutBigEndian32(out, static_cast<uint32_t>(n));
      }
    }
  }
}

}  // namespace

void EncodeResultValue(std::string* out, const sql::Value& value, const sql::ResultColumn& column,
                       int16_t format, int extra_float_digits) {
  bool text_array = column.type_oid == kInt2VectorOid || column.type_oid == kOidVectorOid ||
                    column.type_oid == kInt2ArrayOid || column.type_oid == kTextArrayOid ||
                    column.type_oid == kOidArrayOid;
  if (format == kFormatBinary && text_array && value.type() == TypeId::kText) {
    EncodeTextArrayBinary(out, value.bytes(), column.type_oid);
  } else {
    EncodeResultValue(out, value, column.type, format, extra_float_digits);
  }
}

void EncodeResultValue(std::string* out, const sql::Value& value, const sql::Type& column_type,
                       int16_t format, int extra_float_digits) {
  if (format == kFormatBinary) {
    EncodeBinary(out, value, column_type);
  } else {
    out->append(sql::FormatValue(value, extra_float_digits));
  }
}

FieldDescription DescribeColumn(const sql::ResultColumn& column, int16_t format) {
  FieldDescription f;
  f.name = column.name;
  f.table_oid = column.table_oid;
  f.column_attnum = column.column_number;
  // A column of unknown type (SELECT 'a') is text to the client, as PostgreSQL resolves it.
  TypeId id = column.type.id();
  f.type_oid = id == TypeId::kUnknown || id == TypeId::kNull ? kTextOid : column.type.oid();
  if (column.type_oid != 0) f.type_oid = column.type_oid;
  const TypeInfo* info = FindTypeByOid(f.type_oid);
  f.type_size = info != nullptr ? info->typlen : -1;
  f.type_modifier = column.type.typmod();
  f.format = format;
  return f;
}

}  // namespace blockdb::pgwire
