#include "sql/types/value.h"

#include "common/check.h"
#include "sql/types/errors.h"
#include "sql/types/internal/varchar.h"
#include "sql/types/json.h"
#include "sql/types/number_text.h"
#include "sql/types/scalar_text.h"

namespace blockdb::sql {

namespace {

Status CheckUtf8(std::string_view text) {
  if (!IsValidUtf8Text(text)) {
    return Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\"")
        .WithSqlState(kSqlStateCharacterNotInRepertoire);
  }
  return Status::OK();
}

Result<Value> ParseNumericValue(std::string_view text, const Type& type) {
  ASSIGN_OR_RETURN(sql::Numeric n, ParseNumericText(text));
  if (type.has_modifier()) {
    ASSIGN_OR_RETURN(n, ApplyNumericTypmod(n, type.numeric_precision(), type.numeric_scale()));
  }
  return Value::Numeric(std::move(n));
}

Result<Value> ParseStringValue(std::string_view text, const Type& type) {
  RETURN_IF_ERROR(CheckUtf8(text));
  switch (type.id()) {
    case TypeId::kText:
      return Value::Text(std::string(text));
    case TypeId::kVarchar: {
      ASSIGN_OR_RETURN(std::string s, internal::FitVarchar(text, type, /*explicit_cast=*/false));
      return Value::Varchar(std::move(s));
    }
    case TypeId::kJson:
      RETURN_IF_ERROR(ValidateJson(text));
      return Value::Json(std::string(text));
    case TypeId::kJsonb: {
      ASSIGN_OR_RETURN(std::string normal, NormalizeJsonb(text));
      return Value::Jsonb(std::move(normal));
    }
    default:
      BLOCKDB_CHECK_MSG(false, "not a string type");
  }
}

}  // namespace

Value Value::Uuid(std::string bytes) {
  BLOCKDB_CHECK(bytes.size() == 16);
  return Value(TypeId::kUuid, std::move(bytes));
}

Value Value::Integer(TypeId type, int64_t v) {
  switch (type) {
    case TypeId::kInt2:
      BLOCKDB_CHECK(v >= INT16_MIN && v <= INT16_MAX);
      break;
    case TypeId::kInt4:
      BLOCKDB_CHECK(v >= INT32_MIN && v <= INT32_MAX);
      break;
    case TypeId::kInt8:
      break;
    default:
      BLOCKDB_CHECK_MSG(false, "not an integer type");
  }
  return Value(type, v);
}

bool Value::bool_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kBool);
  return std::get<bool>(v_);
}

int64_t Value::int_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kInt2 || type_ == TypeId::kInt4 || type_ == TypeId::kInt8);
  return std::get<int64_t>(v_);
}

double Value::float_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kFloat4 || type_ == TypeId::kFloat8);
  return std::get<double>(v_);
}

const sql::Numeric& Value::numeric_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kNumeric);
  return std::get<sql::Numeric>(v_);
}

std::string_view Value::bytes() const {
  BLOCKDB_CHECK(std::holds_alternative<std::string>(v_));
  return std::get<std::string>(v_);
}

int32_t Value::date_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kDate);
  return std::get<int32_t>(v_);
}

int64_t Value::timestamp_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kTimestamp || type_ == TypeId::kTimestamptz);
  return std::get<int64_t>(v_);
}

const sql::Interval& Value::interval_value() const {
  BLOCKDB_CHECK(type_ == TypeId::kInterval);
  return std::get<sql::Interval>(v_);
}

Result<Value> ParseValue(std::string_view text, const Type& type) {
  switch (type.id()) {
    case TypeId::kBool: {
      ASSIGN_OR_RETURN(const bool b, ParseBool(text));
      return Value::Bool(b);
    }
    case TypeId::kInt2: {
      ASSIGN_OR_RETURN(const int16_t v, ParseInt2(text));
      return Value::Int2(v);
    }
    case TypeId::kInt4: {
      ASSIGN_OR_RETURN(const int32_t v, ParseInt4(text));
      return Value::Int4(v);
    }
    case TypeId::kInt8: {
      ASSIGN_OR_RETURN(const int64_t v, ParseInt8(text));
      return Value::Int8(v);
    }
    case TypeId::kFloat4: {
      ASSIGN_OR_RETURN(const float v, ParseFloat4(text));
      return Value::Float4(v);
    }
    case TypeId::kFloat8: {
      ASSIGN_OR_RETURN(const double v, ParseFloat8(text));
      return Value::Float8(v);
    }
    case TypeId::kNumeric:
      return ParseNumericValue(text, type);
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kJsonb:
      return ParseStringValue(text, type);
    case TypeId::kBytea: {
      ASSIGN_OR_RETURN(std::string b, ParseBytea(text));
      return Value::Bytea(std::move(b));
    }
    case TypeId::kUuid: {
      ASSIGN_OR_RETURN(std::string u, ParseUuid(text));
      return Value::Uuid(std::move(u));
    }
    case TypeId::kDate: {
      ASSIGN_OR_RETURN(const int32_t d, ParseDate(text));
      return Value::Date(d);
    }
    case TypeId::kTimestamp: {
      ASSIGN_OR_RETURN(const int64_t t, ParseTimestamp(text));
      return Value::Timestamp(RoundTimestamp(t, type.timestamp_precision()));
    }
    case TypeId::kTimestamptz: {
      ASSIGN_OR_RETURN(const int64_t t, ParseTimestamptz(text));
      return Value::Timestamptz(RoundTimestamp(t, type.timestamp_precision()));
    }
    case TypeId::kInterval: {
      ASSIGN_OR_RETURN(const sql::Interval i, ParseInterval(text));
      return Value::Interval(i);
    }
    case TypeId::kNull:
    case TypeId::kUnknown:
      break;
  }
  BLOCKDB_CHECK_MSG(false, "ParseValue of an unresolved type");
}

std::string FormatValue(const Value& v, int extra_float_digits) {
  BLOCKDB_CHECK(!v.is_null());
  switch (v.type()) {
    case TypeId::kBool:
      return std::string(FormatBool(v.bool_value()));
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      return std::to_string(v.int_value());
    case TypeId::kFloat4:
      return FormatFloat4(static_cast<float>(v.float_value()), extra_float_digits);
    case TypeId::kFloat8:
      return FormatFloat8(v.float_value(), extra_float_digits);
    case TypeId::kNumeric:
      return FormatNumericText(v.numeric_value());
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kJsonb:
    case TypeId::kUnknown:
      return std::string(v.bytes());
    case TypeId::kBytea:
      return FormatByteaHex(v.bytes());
    case TypeId::kUuid:
      return FormatUuid(v.bytes());
    case TypeId::kDate:
      return FormatDate(v.date_value());
    case TypeId::kTimestamp:
      return FormatTimestamp(v.timestamp_value());
    case TypeId::kTimestamptz:
      return FormatTimestamptz(v.timestamp_value());
    case TypeId::kInterval:
      return FormatInterval(v.interval_value());
    case TypeId::kNull:
      break;
  }
  BLOCKDB_CHECK_MSG(false, "FormatValue of an untyped value");
}

std::string DebugString(const Value& v) {
  if (v.is_null()) {
    return "NULL";
  }
  return std::string(TypeIdName(v.type())) + " '" + FormatValue(v) + "'";
}

}  // namespace blockdb::sql
