#include "sql/types/row_codec.h"

#include <bit>
#include <cstring>

#include "common/check.h"
#include "common/coding.h"
#include "sql/types/scalar_text.h"

namespace blockdb::sql {

namespace {

// Numeric payload kinds (docs/format/row.md).
constexpr uint8_t kNumericPositive = 0;
constexpr uint8_t kNumericNegative = 1;
constexpr uint8_t kNumericNaN = 2;
constexpr uint8_t kNumericPosInf = 3;
constexpr uint8_t kNumericNegInf = 4;

void PutFixed16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v & 0xff));
  out->push_back(static_cast<char>(v >> 8));
}

uint16_t LoadFixed16(const char* p) {
  return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) | static_cast<uint8_t>(p[1]) << 8);
}

void EncodeNumeric(const Numeric& n, std::string* out) {
  std::string payload;
  uint8_t kind = n.negative ? kNumericNegative : kNumericPositive;
  switch (n.kind) {
    case Numeric::Kind::kNaN:
      kind = kNumericNaN;
      break;
    case Numeric::Kind::kPosInfinity:
      kind = kNumericPosInf;
      break;
    case Numeric::Kind::kNegInfinity:
      kind = kNumericNegInf;
      break;
    case Numeric::Kind::kFinite:
      break;
  }
  payload.push_back(static_cast<char>(kind));
  if (n.is_finite()) {
    PutFixed16(&payload, n.dscale);
    PutFixed16(&payload, static_cast<uint16_t>(n.weight));
    for (const int16_t d : n.digits) {
      PutFixed16(&payload, static_cast<uint16_t>(d));
    }
  }
  PutLengthPrefixed(out, payload);
}

void EncodeColumn(const Value& v, std::string* out) {
  switch (v.type()) {
    case TypeId::kBool:
      out->push_back(v.bool_value() ? '\1' : '\0');
      return;
    case TypeId::kInt2:
      PutFixed16(out, static_cast<uint16_t>(v.int_value()));
      return;
    case TypeId::kInt4:
      PutFixed32(out, static_cast<uint32_t>(v.int_value()));
      return;
    case TypeId::kInt8:
      PutFixed64(out, static_cast<uint64_t>(v.int_value()));
      return;
    case TypeId::kFloat4:
      PutFixed32(out, std::bit_cast<uint32_t>(static_cast<float>(v.float_value())));
      return;
    case TypeId::kFloat8:
      PutFixed64(out, std::bit_cast<uint64_t>(v.float_value()));
      return;
    case TypeId::kNumeric:
      EncodeNumeric(v.numeric_value(), out);
      return;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kJson:
    case TypeId::kJsonb:
      PutLengthPrefixed(out, v.bytes());
      return;
    case TypeId::kUuid:
      out->append(v.bytes());
      return;
    case TypeId::kDate:
      PutFixed32(out, static_cast<uint32_t>(v.date_value()));
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz:
      PutFixed64(out, static_cast<uint64_t>(v.timestamp_value()));
      return;
    case TypeId::kInterval: {
      const Interval& i = v.interval_value();
      PutFixed64(out, static_cast<uint64_t>(i.microseconds));
      PutFixed32(out, static_cast<uint32_t>(i.days));
      PutFixed32(out, static_cast<uint32_t>(i.months));
      return;
    }
    case TypeId::kNull:
    case TypeId::kUnknown:
      break;
  }
  BLOCKDB_CHECK_MSG(false, "row column of an unresolved type");
}

Status Bad(std::string_view what) { return Status::Corruption("row: " + std::string(what)); }

bool Take(std::string_view* in, size_t n, std::string_view* out) {
  if (in->size() < n) {
    return false;
  }
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

// Decodes a numeric column into *n, overwriting every field (its digit vector keeps its
// storage: the scan path reuses one Numeric per column).
Status DecodeNumericInto(std::string_view* in, Numeric* n) {
  std::string_view p;
  if (!GetLengthPrefixed(in, &p) || p.empty()) {
    return Bad("truncated numeric");
  }
  const uint8_t kind = static_cast<uint8_t>(p[0]);
  p.remove_prefix(1);
  n->negative = false;
  n->weight = 0;
  n->dscale = 0;
  n->digits.clear();
  if (kind == kNumericNaN || kind == kNumericPosInf || kind == kNumericNegInf) {
    if (!p.empty()) {
      return Bad("numeric special with payload");
    }
    n->kind = kind == kNumericNaN      ? Numeric::Kind::kNaN
              : kind == kNumericPosInf ? Numeric::Kind::kPosInfinity
                                       : Numeric::Kind::kNegInfinity;
    return Status::OK();
  }
  if (kind > kNumericNegative || p.size() < 4 || p.size() % 2 != 0) {
    return Bad("bad numeric header");
  }
  n->kind = Numeric::Kind::kFinite;
  n->negative = kind == kNumericNegative;
  n->dscale = LoadFixed16(p.data());
  n->weight = static_cast<int16_t>(LoadFixed16(p.data() + 2));
  n->digits.resize((p.size() - 4) / 2);
  for (size_t i = 0; i < n->digits.size(); ++i) {
    const uint16_t d = LoadFixed16(p.data() + 4 + 2 * i);
    if (d > 9999) {
      return Bad("numeric digit out of range");
    }
    n->digits[i] = static_cast<int16_t>(d);
  }
  // Canonical form only: no leading or trailing zero digit, zero positive with weight 0, no digit
  // past dscale (checked in place: this runs for every numeric a scan reads).
  const bool stripped = n->digits.empty() ? (n->weight == 0 && !n->negative)
                                          : (n->digits.front() != 0 && n->digits.back() != 0);
  if (!stripped || n->dscale > Numeric::kMaxDscale || NumericMinimalScale(*n) > n->dscale) {
    return Bad("non-canonical numeric");
  }
  return Status::OK();
}

Result<Numeric> DecodeNumeric(std::string_view* in) {
  Numeric n;
  RETURN_IF_ERROR(DecodeNumericInto(in, &n));
  return n;
}

Result<std::string> DecodeText(std::string_view* in, bool utf8) {
  std::string_view s;
  if (!GetLengthPrefixed(in, &s)) {
    return Bad("truncated string");
  }
  if (utf8 && !IsValidUtf8Text(s)) {
    return Bad("text is not valid UTF-8");
  }
  return std::string(s);
}

// Stored width of a fixed-size type.
size_t FixedSize(TypeId type) {
  return type == TypeId::kBool                                                       ? 1
         : type == TypeId::kInt2                                                     ? 2
         : type == TypeId::kInt4 || type == TypeId::kFloat4 || type == TypeId::kDate ? 4
         : type == TypeId::kInterval || type == TypeId::kUuid                        ? 16
                                                                                     : 8;
}

Result<Value> DecodeFixed(std::string_view* in, TypeId type) {
  std::string_view b;
  if (!Take(in, FixedSize(type), &b)) {
    return Bad("truncated column");
  }
  switch (type) {
    case TypeId::kBool:
      if (b[0] != 0 && b[0] != 1) {
        return Bad("bad boolean");
      }
      return Value::Bool(b[0] == 1);
    case TypeId::kInt2:
      return Value::Int2(static_cast<int16_t>(LoadFixed16(b.data())));
    case TypeId::kInt4:
      return Value::Int4(static_cast<int32_t>(DecodeFixed32(b.data())));
    case TypeId::kInt8:
      return Value::Int8(static_cast<int64_t>(DecodeFixed64(b.data())));
    case TypeId::kFloat4:
      return Value::Float4(std::bit_cast<float>(DecodeFixed32(b.data())));
    case TypeId::kFloat8:
      return Value::Float8(std::bit_cast<double>(DecodeFixed64(b.data())));
    case TypeId::kUuid:
      return Value::Uuid(std::string(b));
    case TypeId::kDate: {
      const auto d = static_cast<int32_t>(DecodeFixed32(b.data()));
      if (!IsValidDate(d)) {
        return Bad("date out of range");
      }
      return Value::Date(d);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestamptz: {
      const auto t = static_cast<int64_t>(DecodeFixed64(b.data()));
      if (!IsValidTimestamp(t)) {
        return Bad("timestamp out of range");
      }
      return type == TypeId::kTimestamp ? Value::Timestamp(t) : Value::Timestamptz(t);
    }
    case TypeId::kInterval: {
      Interval i;
      i.microseconds = static_cast<int64_t>(DecodeFixed64(b.data()));
      i.days = static_cast<int32_t>(DecodeFixed32(b.data() + 8));
      i.months = static_cast<int32_t>(DecodeFixed32(b.data() + 12));
      return Value::Interval(i);
    }
    default:
      break;
  }
  BLOCKDB_CHECK_MSG(false, "DecodeFixed of a variable-length type");
}

Result<Value> DecodeColumn(std::string_view* in, TypeId type) {
  switch (type) {
    case TypeId::kNumeric: {
      ASSIGN_OR_RETURN(Numeric n, DecodeNumeric(in));
      return Value::Numeric(std::move(n));
    }
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kJsonb: {
      ASSIGN_OR_RETURN(std::string s, DecodeText(in, true));
      return type == TypeId::kText      ? Value::Text(std::move(s))
             : type == TypeId::kVarchar ? Value::Varchar(std::move(s))
             : type == TypeId::kJson    ? Value::Json(std::move(s))
                                        : Value::Jsonb(std::move(s));
    }
    case TypeId::kBytea: {
      ASSIGN_OR_RETURN(std::string s, DecodeText(in, false));
      return Value::Bytea(std::move(s));
    }
    default:
      return DecodeFixed(in, type);
  }
}

// Steps over a column a query does not read: its length prefix for variable-length types, its
// fixed width otherwise. Its bytes are not validated (VERIFY checks every stored byte by hash).
Status SkipColumn(std::string_view* in, TypeId type) {
  std::string_view ignored;
  switch (type) {
    case TypeId::kNumeric:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kJsonb:
    case TypeId::kBytea:
      if (!GetLengthPrefixed(in, &ignored)) return Bad("truncated column");
      return Status::OK();
    default:
      if (!Take(in, FixedSize(type), &ignored)) return Bad("truncated column");
      return Status::OK();
  }
}

// Sets *dst to NULL of `type`, unless it already is (the common case when a scan refills a row).
void SetNull(Value* dst, TypeId type) {
  if (!dst->is_null() || dst->type() != type) *dst = Value::Null(type);
}

}  // namespace

void EncodeRow(uint32_t schema_version, std::span<const Type> columns,
               std::span<const Value> values, std::string* out) {
  BLOCKDB_CHECK(values.size() == columns.size());
  PutVarint32(out, schema_version);
  PutVarint32(out, static_cast<uint32_t>(columns.size()));
  const size_t bitmap_at = out->size();
  out->append((columns.size() + 7) / 8, '\0');
  for (size_t i = 0; i < columns.size(); ++i) {
    if (values[i].is_null()) {
      (*out)[bitmap_at + i / 8] = static_cast<char>((*out)[bitmap_at + i / 8] | (1 << (i % 8)));
      continue;
    }
    BLOCKDB_CHECK_MSG(values[i].type() == columns[i].id(), "row value of the wrong type");
    EncodeColumn(values[i], out);
  }
}

Result<uint32_t> DecodeRowSchemaVersion(std::string_view row) {
  uint32_t version;
  if (!GetVarint32(&row, &version)) {
    return Bad("truncated schema version");
  }
  return version;
}

Status DecodeRowInto(std::string_view row, std::span<const Type> columns,
                     std::span<const uint32_t> positions, std::vector<Value>* out,
                     const std::vector<bool>* needed) {
  uint32_t version;
  uint32_t count;
  if (!GetVarint32(&row, &version) || !GetVarint32(&row, &count)) {
    return Bad("truncated header");
  }
  if (count != columns.size()) {
    return Bad("column count " + std::to_string(count) + ", schema has " +
               std::to_string(columns.size()));
  }
  std::string_view bitmap;
  if (!Take(&row, (count + 7) / 8, &bitmap)) {
    return Bad("truncated null bitmap");
  }
  if (count % 8 != 0 && (static_cast<uint8_t>(bitmap.back()) >> (count % 8)) != 0) {
    return Bad("null bitmap padding bits set");
  }
  for (size_t i = 0; i < count; ++i) {
    Value& dst = (*out)[positions[i]];
    const TypeId type = columns[i].id();
    if ((static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1) {
      SetNull(&dst, type);
      continue;
    }
    if (needed != nullptr && !(*needed)[positions[i]]) {
      RETURN_IF_ERROR(SkipColumn(&row, type));
      SetNull(&dst, type);
      continue;
    }
    if (type == TypeId::kNumeric) {  // in place: no allocation once the row's vector is warm
      RETURN_IF_ERROR(DecodeNumericInto(&row, dst.ReuseAsNumeric()));
      continue;
    }
    ASSIGN_OR_RETURN(dst, DecodeColumn(&row, type));
  }
  if (!row.empty()) {
    return Bad(std::to_string(row.size()) + " trailing bytes");
  }
  return Status::OK();
}

Result<std::vector<Value>> DecodeRow(std::string_view row, std::span<const Type> columns) {
  std::vector<Value> values(columns.size());
  std::vector<uint32_t> positions(columns.size());
  for (uint32_t i = 0; i < positions.size(); ++i) positions[i] = i;
  RETURN_IF_ERROR(DecodeRowInto(row, columns, positions, &values));
  return values;
}

}  // namespace blockdb::sql
