#include "sql/types/key_codec.h"

#include "common/check.h"
#include "sql/types/errors.h"

namespace blockdb::sql {

namespace {

// Class bytes of the numeric key form (docs/format/row.md).
constexpr uint8_t kNegInf = 0x10;
constexpr uint8_t kNegative = 0x20;
constexpr uint8_t kZero = 0x30;
constexpr uint8_t kPositive = 0x40;
constexpr uint8_t kPosInf = 0x50;
constexpr uint8_t kNaN = 0x60;

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

uint16_t Load16(std::string_view s, size_t i) {
  return static_cast<uint16_t>(static_cast<uint8_t>(s[i]) << 8 | static_cast<uint8_t>(s[i + 1]));
}

KeyType KeyTypeOf(TypeId t) {
  switch (t) {
    case TypeId::kBool:
      return KeyType::kBool;
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kDate:
      return KeyType::kInt64;
    case TypeId::kFloat4:
    case TypeId::kFloat8:
      return KeyType::kDouble;
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
      return KeyType::kTimestamp;
    default:
      return KeyType::kString;  // text, varchar, bytea, uuid, numeric
  }
}

Status Bad(std::string_view what) { return Status::Corruption("key: " + std::string(what)); }

Result<Numeric> NumericFromKeyBytes(std::string_view s, const Type& type) {
  if (s.empty()) {
    return Bad("empty numeric");
  }
  const uint8_t cls = static_cast<uint8_t>(s[0]);
  Numeric n;
  if (cls == kNegInf || cls == kZero || cls == kPosInf || cls == kNaN) {
    if (s.size() != 1) {
      return Bad("numeric special with payload");
    }
    n.kind = cls == kNegInf   ? Numeric::Kind::kNegInfinity
             : cls == kPosInf ? Numeric::Kind::kPosInfinity
             : cls == kNaN    ? Numeric::Kind::kNaN
                              : Numeric::Kind::kFinite;
  } else if (cls == kNegative || cls == kPositive) {
    const bool neg = cls == kNegative;
    // Positive: 1 class + 2 weight + 2 per digit; negative adds the 2-byte terminator ffff.
    const size_t body = s.size() - 1 - (neg ? 2 : 0);
    if (s.size() < 5 || body % 2 != 0 || (neg && Load16(s, s.size() - 2) != 0xffff)) {
      return Bad("bad numeric length");
    }
    const uint16_t w = Load16(s, 1);
    n.negative = neg;
    n.weight = static_cast<int16_t>(static_cast<uint16_t>((neg ? ~w : w) - 0x8000));
    for (size_t i = 3; i < 1 + body; i += 2) {
      const uint16_t d = neg ? static_cast<uint16_t>(~Load16(s, i)) : Load16(s, i);
      if (d > 9999) {
        return Bad("numeric digit out of range");
      }
      n.digits.push_back(static_cast<int16_t>(d));
    }
    if (n.digits.empty() || n.digits.front() == 0 || n.digits.back() == 0) {
      return Bad("non-canonical numeric");
    }
  } else {
    return Bad("bad numeric class");
  }
  const int declared = type.has_modifier() ? std::max(type.numeric_scale(), 0) : 0;
  n.dscale = static_cast<uint16_t>(std::max<int>(declared, NumericMinimalScale(n)));
  return n;
}

Result<Value> FromKeyString(std::string s, const Type& type) {
  switch (type.id()) {
    case TypeId::kText:
      return Value::Text(std::move(s));
    case TypeId::kVarchar:
      return Value::Varchar(std::move(s));
    case TypeId::kBytea:
      return Value::Bytea(std::move(s));
    case TypeId::kUuid:
      if (s.size() != 16) {
        return Bad("uuid of " + std::to_string(s.size()) + " bytes");
      }
      return Value::Uuid(std::move(s));
    case TypeId::kNumeric: {
      ASSIGN_OR_RETURN(Numeric n, NumericFromKeyBytes(s, type));
      return Value::Numeric(std::move(n));
    }
    default:
      break;
  }
  BLOCKDB_CHECK_MSG(false, "FromKeyString: not a string key type");
}

Result<Value> FromKeyInt(int64_t v, TypeId t) {
  switch (t) {
    case TypeId::kInt2:
      if (v < INT16_MIN || v > INT16_MAX) {
        return Bad("smallint out of range");
      }
      return Value::Int2(static_cast<int16_t>(v));
    case TypeId::kInt4:
      if (v < INT32_MIN || v > INT32_MAX) {
        return Bad("integer out of range");
      }
      return Value::Int4(static_cast<int32_t>(v));
    case TypeId::kDate:
      if (v < INT32_MIN || v > INT32_MAX || !IsValidDate(v)) {
        return Bad("date out of range");
      }
      return Value::Date(static_cast<int32_t>(v));
    default:
      return Value::Int8(v);
  }
}

}  // namespace

std::string NumericKeyBytes(const Numeric& n) {
  std::string out;
  switch (n.kind) {
    case Numeric::Kind::kNegInfinity:
      out.push_back(static_cast<char>(kNegInf));
      return out;
    case Numeric::Kind::kPosInfinity:
      out.push_back(static_cast<char>(kPosInf));
      return out;
    case Numeric::Kind::kNaN:
      out.push_back(static_cast<char>(kNaN));
      return out;
    case Numeric::Kind::kFinite:
      break;
  }
  if (n.digits.empty()) {
    out.push_back(static_cast<char>(kZero));
    return out;
  }
  // Larger weight, then larger digits, mean a larger magnitude; a negative number inverts both
  // and ends with ffff so that a shorter digit string (a smaller magnitude) sorts after its
  // extensions. A positive one needs no terminator: the string encoding's own terminator sorts
  // below any further digit.
  const bool neg = n.negative;
  out.push_back(static_cast<char>(neg ? kNegative : kPositive));
  const auto w = static_cast<uint16_t>(static_cast<uint16_t>(n.weight) + 0x8000);
  Put16(&out, neg ? static_cast<uint16_t>(~w) : w);
  for (const int16_t d : n.digits) {
    const auto u = static_cast<uint16_t>(d);
    Put16(&out, neg ? static_cast<uint16_t>(~u) : u);
  }
  if (neg) {
    Put16(&out, 0xffff);
  }
  return out;
}

Status CheckKeyType(const Type& type) {
  switch (type.id()) {
    case TypeId::kJson:
    case TypeId::kJsonb:
    case TypeId::kInterval:
    case TypeId::kNull:
    case TypeId::kUnknown:
      return FeatureNotSupported("BlockDB cannot use a column of type " + type.Name() +
                                 " in a primary key or index");
    default:
      return Status::OK();
  }
}

void AppendKeyColumn(std::string* dst, const Type& type, const Value& v, KeyOrder order) {
  BLOCKDB_CHECK(CheckKeyType(type).ok());
  if (v.is_null()) {
    AppendKeyNull(dst, order);
    return;
  }
  BLOCKDB_CHECK_MSG(v.type() == type.id(), "key value of the wrong type");
  switch (type.id()) {
    case TypeId::kBool:
      AppendKeyBool(dst, v.bool_value(), order);
      return;
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      AppendKeyInt64(dst, v.int_value(), order);
      return;
    case TypeId::kDate:
      AppendKeyInt64(dst, v.date_value(), order);
      return;
    case TypeId::kFloat4:
    case TypeId::kFloat8:
      AppendKeyDouble(dst, v.float_value(), order);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
      AppendKeyTimestamp(dst, v.timestamp_value(), order);
      return;
    case TypeId::kNumeric:
      AppendKeyString(dst, NumericKeyBytes(v.numeric_value()), order);
      return;
    default:
      AppendKeyString(dst, v.bytes(), order);
      return;
  }
}

Result<Value> DecodeKeyColumn(KeyDecoder* decoder, const Type& type, KeyOrder order) {
  BLOCKDB_CHECK(CheckKeyType(type).ok());
  KeyColumn column;
  column.type = KeyTypeOf(type.id());
  column.order = order;
  KeyValue kv;
  if (!decoder->Next(column, &kv)) {
    return Bad("malformed " + type.Name() + " column");
  }
  if (std::holds_alternative<std::monostate>(kv)) {
    return Value::Null(type.id());
  }
  switch (column.type) {
    case KeyType::kBool:
      return Value::Bool(std::get<bool>(kv));
    case KeyType::kInt64:
      return FromKeyInt(std::get<int64_t>(kv), type.id());
    case KeyType::kTimestamp: {
      const int64_t t = std::get<int64_t>(kv);
      if (!IsValidTimestamp(t)) {
        return Bad("timestamp out of range");
      }
      return type.id() == TypeId::kTimestamp ? Value::Timestamp(t) : Value::Timestamptz(t);
    }
    case KeyType::kDouble: {
      const double d = std::get<double>(kv);
      if (type.id() == TypeId::kFloat4) {
        const auto f = static_cast<float>(d);
        if (static_cast<double>(f) != d && d == d) {
          return Bad("real column holds a double");
        }
        return Value::Float4(f);
      }
      return Value::Float8(d);
    }
    case KeyType::kString:
      return FromKeyString(std::move(std::get<std::string>(kv)), type);
  }
  return Bad("unknown key type");
}

}  // namespace blockdb::sql
