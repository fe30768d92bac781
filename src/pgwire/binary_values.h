// PostgreSQL binary format ("send"/"recv") of built-in scalar types, independent of the SQL
// engine: pure functions over bytes. All integers are big-endian. Used for Bind parameters with
// format code 1 and for result columns a client asks to receive in binary.
//
// Decoders take the whole parameter value and require its exact length; malformed input gives
// InvalidArgument with SQLSTATE 22P03 (invalid_binary_representation), out-of-range dates and
// timestamps 22008, invalid UTF-8 in text 22021 — the codes PostgreSQL uses for each.
// numeric lives in numeric.h. Layouts with examples: docs/protocol/pgwire.md.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::pgwire {

// date: int32 days since 2000-01-01; timestamp/timestamptz: int64 microseconds since
// 2000-01-01 00:00:00 (UTC for timestamptz). These sentinels are -infinity / infinity.
inline constexpr int32_t kDateNegInfinity = std::numeric_limits<int32_t>::min();
inline constexpr int32_t kDatePosInfinity = std::numeric_limits<int32_t>::max();
inline constexpr int64_t kTimestampNegInfinity = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kTimestampPosInfinity = std::numeric_limits<int64_t>::max();
// PostgreSQL's valid finite ranges, [min, end): 4714-11-24 BC up to 5874898-01-01 for dates,
// up to 294277-01-01 for timestamps.
inline constexpr int32_t kMinDate = -2451545;
inline constexpr int32_t kEndDate = 2145031949;
inline constexpr int64_t kMinTimestamp = -211813488000000000;
inline constexpr int64_t kEndTimestamp = 9223371331200000000;
inline constexpr int64_t kMicrosPerDay = 86400000000;

// interval: int64 microseconds, int32 days, int32 months (16 bytes, in that order).
struct Interval {
  int64_t microseconds = 0;
  int32_t days = 0;
  int32_t months = 0;
  bool operator==(const Interval&) const = default;
};

inline constexpr uint8_t kJsonbVersion = 1;

void EncodeBoolBinary(std::string* out, bool v);
void EncodeInt2Binary(std::string* out, int16_t v);
void EncodeInt4Binary(std::string* out, int32_t v);
void EncodeInt8Binary(std::string* out, int64_t v);
void EncodeFloat4Binary(std::string* out, float v);
void EncodeFloat8Binary(std::string* out, double v);
void EncodeDateBinary(std::string* out, int32_t days_since_2000);
void EncodeTimestampBinary(std::string* out, int64_t micros_since_2000);  // also timestamptz
void EncodeIntervalBinary(std::string* out, const Interval& v);
// REQUIRES: uuid.size() == 16.
void EncodeUuidBinary(std::string* out, std::string_view uuid);
// text, varchar, bpchar, name, json and bytea send their bytes as they are.
void EncodeBytesBinary(std::string* out, std::string_view bytes);
// Version byte 1, then the JSON text.
void EncodeJsonbBinary(std::string* out, std::string_view json_text);

// Any non-zero byte is true (as PostgreSQL's boolrecv).
Result<bool> DecodeBoolBinary(std::string_view bytes);
Result<int16_t> DecodeInt2Binary(std::string_view bytes);
Result<int32_t> DecodeInt4Binary(std::string_view bytes);
Result<int64_t> DecodeInt8Binary(std::string_view bytes);
Result<float> DecodeFloat4Binary(std::string_view bytes);
Result<double> DecodeFloat8Binary(std::string_view bytes);
// Finite values outside [kMinDate, kEndDate) give 22008.
Result<int32_t> DecodeDateBinary(std::string_view bytes);
// Finite values outside [kMinTimestamp, kEndTimestamp) give 22008.
Result<int64_t> DecodeTimestampBinary(std::string_view bytes);
Result<Interval> DecodeIntervalBinary(std::string_view bytes);
// The 16 raw bytes.
Result<std::string> DecodeUuidBinary(std::string_view bytes);
// text/varchar/bpchar/name/json: the bytes, checked to be UTF-8 without NUL (22021).
Result<std::string> DecodeTextBinary(std::string_view bytes);
// The JSON text after the version byte (22P03 for another version), checked as UTF-8.
Result<std::string> DecodeJsonbBinary(std::string_view bytes);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF)
// and contains no NUL byte: what PostgreSQL accepts as text in a UTF8 database.
bool IsValidUtf8Text(std::string_view s);

}  // namespace blockdb::pgwire
