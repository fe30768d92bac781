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
#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/types/datetime.h"
#include "sql/types/scalar_text.h"

namespace blockdb::pgwire {

// date: int32 days since 2000-01-01; timestamp/timestamptz: int64 microseconds since
// 2000-01-01 00:00:00 (UTC for timestamptz); interval: int64 microseconds, int32 days, int32
// months (16 bytes, in that order). The value types, their ranges and infinities are the SQL
// layer's (sql/types/datetime.h).
using sql::Interval;
using sql::kDateNegInfinity;
using sql::kDatePosInfinity;
using sql::kEndDate;
using sql::kEndTimestamp;
using sql::kMicrosPerDay;
using sql::kMinDate;
using sql::kMinTimestamp;
using sql::kTimestampNegInfinity;
using sql::kTimestampPosInfinity;

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

// The UTF-8 check PostgreSQL applies to text (sql/types/scalar_text.h).
using sql::IsValidUtf8Text;

}  // namespace blockdb::pgwire
