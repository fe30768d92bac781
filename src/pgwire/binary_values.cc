#include "pgwire/binary_values.h"

#include <bit>

#include "common/check.h"
#include "pgwire/internal/wire.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

using internal::LoadUint16;
using internal::LoadUint32;
using internal::LoadUint64;

Status WrongLength(std::string_view type, size_t got, size_t want) {
  return InvalidBinaryRepresentation("incorrect binary data format for type " + std::string(type) +
                                     ": " + std::to_string(got) + " bytes, expected " +
                                     std::to_string(want));
}

Status CheckLength(std::string_view bytes, std::string_view type, size_t want) {
  if (bytes.size() != want) {
    return WrongLength(type, bytes.size(), want);
  }
  return Status::OK();
}

Status OutOfRange(std::string_view type) {
  return Status::OutOfRange(std::string(type) + " out of range")
      .WithSqlState(kSqlStateDatetimeFieldOverflow);
}

}  // namespace

void EncodeBoolBinary(std::string* out, bool v) { out->push_back(v ? '\1' : '\0'); }
void EncodeInt2Binary(std::string* out, int16_t v) { internal::PutInt16(out, v); }
void EncodeInt4Binary(std::string* out, int32_t v) { internal::PutInt32(out, v); }
void EncodeInt8Binary(std::string* out, int64_t v) { internal::PutInt64(out, v); }

void EncodeFloat4Binary(std::string* out, float v) {
  internal::PutInt32(out, std::bit_cast<int32_t>(v));
}

void EncodeFloat8Binary(std::string* out, double v) {
  internal::PutInt64(out, std::bit_cast<int64_t>(v));
}

void EncodeDateBinary(std::string* out, int32_t days_since_2000) {
  internal::PutInt32(out, days_since_2000);
}

void EncodeTimestampBinary(std::string* out, int64_t micros_since_2000) {
  internal::PutInt64(out, micros_since_2000);
}

void EncodeIntervalBinary(std::string* out, const Interval& v) {
  internal::PutInt64(out, v.microseconds);
  internal::PutInt32(out, v.days);
  internal::PutInt32(out, v.months);
}

void EncodeUuidBinary(std::string* out, std::string_view uuid) {
  BLOCKDB_CHECK(uuid.size() == 16);
  out->append(uuid);
}

void EncodeBytesBinary(std::string* out, std::string_view bytes) { out->append(bytes); }

void EncodeJsonbBinary(std::string* out, std::string_view json_text) {
  out->push_back(static_cast<char>(kJsonbVersion));
  out->append(json_text);
}

Result<bool> DecodeBoolBinary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "boolean", 1));
  return bytes[0] != 0;
}

Result<int16_t> DecodeInt2Binary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "smallint", 2));
  return static_cast<int16_t>(LoadUint16(bytes.data()));
}

Result<int32_t> DecodeInt4Binary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "integer", 4));
  return static_cast<int32_t>(LoadUint32(bytes.data()));
}

Result<int64_t> DecodeInt8Binary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "bigint", 8));
  return static_cast<int64_t>(LoadUint64(bytes.data()));
}

Result<float> DecodeFloat4Binary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "real", 4));
  return std::bit_cast<float>(LoadUint32(bytes.data()));
}

Result<double> DecodeFloat8Binary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "double precision", 8));
  return std::bit_cast<double>(LoadUint64(bytes.data()));
}

Result<int32_t> DecodeDateBinary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "date", 4));
  const auto days = static_cast<int32_t>(LoadUint32(bytes.data()));
  if (days != kDateNegInfinity && days != kDatePosInfinity &&
      (days < kMinDate || days >= kEndDate)) {
    return OutOfRange("date");
  }
  return days;
}

Result<int64_t> DecodeTimestampBinary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "timestamp", 8));
  const auto micros = static_cast<int64_t>(LoadUint64(bytes.data()));
  if (micros != kTimestampNegInfinity && micros != kTimestampPosInfinity &&
      (micros < kMinTimestamp || micros >= kEndTimestamp)) {
    return OutOfRange("timestamp");
  }
  return micros;
}

Result<Interval> DecodeIntervalBinary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "interval", 16));
  Interval v;
  v.microseconds = static_cast<int64_t>(LoadUint64(bytes.data()));
  v.days = static_cast<int32_t>(LoadUint32(bytes.data() + 8));
  v.months = static_cast<int32_t>(LoadUint32(bytes.data() + 12));
  return v;
}

Result<std::string> DecodeUuidBinary(std::string_view bytes) {
  RETURN_IF_ERROR(CheckLength(bytes, "uuid", 16));
  return std::string(bytes);
}

Result<std::string> DecodeTextBinary(std::string_view bytes) {
  if (!IsValidUtf8Text(bytes)) {
    return Status::InvalidArgument("invalid byte sequence for encoding \"UTF8\"")
        .WithSqlState(kSqlStateCharacterNotInRepertoire);
  }
  return std::string(bytes);
}

Result<std::string> DecodeJsonbBinary(std::string_view bytes) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kJsonbVersion) {
    return InvalidBinaryRepresentation("unsupported jsonb version number");
  }
  return DecodeTextBinary(bytes.substr(1));
}

}  // namespace blockdb::pgwire
