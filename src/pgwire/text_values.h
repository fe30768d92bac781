// PostgreSQL text format of built-in scalar types that need more than printf: dates, timestamps,
// uuid, bytea and boolean, independent of the SQL engine. Output matches PostgreSQL 15 with
// DateStyle=ISO and bytea_output=hex; input accepts the common ISO forms clients send.
// Integers and floats use std::to_chars / std::from_chars; numeric is in numeric.h.
//
// Parse errors: 22P02 (invalid_text_representation) for uuid, bytea and boolean, 22007
// (invalid_datetime_format) for dates and timestamps, 22008 when a date or timestamp is outside
// PostgreSQL's range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::pgwire {

// Proleptic Gregorian calendar date; year 0 is 1 BC, -1 is 2 BC (as in ISO 8601).
struct CivilDate {
  int64_t year = 2000;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  bool operator==(const CivilDate&) const = default;
};

// Days since 2000-01-01 (PostgreSQL's date epoch) and back.
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days_since_2000);

// "2024-02-29", "0044-03-15 BC", "infinity", "-infinity".
std::string FormatDate(int32_t days_since_2000);
// "YYYY-MM-DD" with an optional " BC", or "infinity" / "-infinity"; surrounding spaces allowed.
Result<int32_t> ParseDate(std::string_view text);

// "2000-01-02 00:00:00", fractional seconds with trailing zeros removed ("...:05.25").
std::string FormatTimestamp(int64_t micros_since_2000);
// As FormatTimestamp, shown in UTC with the offset "+00" ("2000-01-02 00:00:00+00").
std::string FormatTimestamptz(int64_t micros_since_2000);
// "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][zone]" where zone is Z, +HH, +HHMM or +HH:MM (or -).
// A fraction beyond microseconds is rounded. ParseTimestamp ignores a zone, as PostgreSQL does
// for timestamp without time zone; ParseTimestamptz applies it and reads a value without zone
// as UTC (the session's TimeZone is the SQL layer's concern). "infinity"/"-infinity" accepted.
Result<int64_t> ParseTimestamp(std::string_view text);
Result<int64_t> ParseTimestamptz(std::string_view text);

// REQUIRES: uuid.size() == 16. Lowercase 8-4-4-4-12.
std::string FormatUuid(std::string_view uuid);
// 32 hex digits (either case), optionally in braces, with '-' allowed after any group of four
// digits (PostgreSQL's uuid_in). Returns the 16 bytes.
Result<std::string> ParseUuid(std::string_view text);

// Hex output: "\x" followed by two lowercase hex digits per byte.
std::string FormatByteaHex(std::string_view bytes);
// "\x" hex input (whitespace allowed between bytes) or the escape format (\\ and \ooo octal).
Result<std::string> ParseBytea(std::string_view text);

// "t" / "f".
std::string_view FormatBool(bool v);
// true/false, yes/no, on/off, 1/0 and unambiguous prefixes, case-insensitive, spaces trimmed.
Result<bool> ParseBool(std::string_view text);

}  // namespace blockdb::pgwire
