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

// Length of the UTF-8 sequence starting at s[i] if it is well formed, else 0. Hand-written
// rather than through iconv or ICU: the rules PostgreSQL applies fit in a few lines, and those
// libraries would be a dependency for this alone.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 >= 0x01 && b0 <= 0x7f) {
    return 1;
  }
  size_t n;
  unsigned char lo = 0x80;  // allowed range of the second byte
  unsigned char hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    lo = b0 == 0xe0 ? 0xa0 : 0x80;  // no overlong forms
    hi = b0 == 0xed ? 0x9f : 0xbf;  // no UTF-16 surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    lo = b0 == 0xf0 ? 0x90 : 0x80;  // no overlong forms
    hi = b0 == 0xf4 ? 0x8f : 0xbf;  // nothing above U+10FFFF
  } else {
    return 0;  // NUL, continuation byte, or lead byte of an overlong/out-of-range form
  }
  if (s.size() - i < n) {
    return 0;
  }
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) {
    return 0;
  }
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xbf) {
      return 0;
    }
  }
  return n;
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

bool IsValidUtf8Text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace blockdb::pgwire
