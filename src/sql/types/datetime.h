// Dates, timestamps and intervals: PostgreSQL's representations and their text forms.
//
// date: int32 days since 2000-01-01; timestamp and timestamptz: int64 microseconds since
// 2000-01-01 00:00:00 (UTC for timestamptz); interval: months, days and microseconds kept apart,
// as PostgreSQL does (a month is not a fixed number of days, a day not always 24 hours).
//
// Text output matches PostgreSQL 15 with DateStyle=ISO, MDY and IntervalStyle=postgres;
// timestamptz is read and shown in the thread's session time zone (sql/types/timezone.h). Input
// accepts the ISO forms clients send (see each function). Errors: 22007 (invalid_datetime_format)
// for bad syntax, 22008 (datetime_field_overflow) for values outside PostgreSQL's range, 22015 for
// an interval that overflows.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::sql {

// These sentinels are -infinity / infinity.
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
inline constexpr int64_t kMicrosPerSecond = 1000000;
inline constexpr int64_t kMicrosPerHour = 3600 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerDay = 86400000000;
// 2000-01-01 minus 1970-01-01, for epoch conversions.
inline constexpr int64_t kUnixToPgEpochDays = 10957;

inline bool IsFiniteDate(int32_t d) { return d != kDateNegInfinity && d != kDatePosInfinity; }
inline bool IsFiniteTimestamp(int64_t t) {
  return t != kTimestampNegInfinity && t != kTimestampPosInfinity;
}
// True for finite values inside PostgreSQL's range and for the two infinities.
bool IsValidDate(int64_t days_since_2000);
bool IsValidTimestamp(int64_t micros_since_2000);

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
bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);

// "2024-02-29", "0044-03-15 BC", "infinity", "-infinity".
std::string FormatDate(int32_t days_since_2000);

// A timestamp rounded to `precision` fractional digits (0..6), half away from zero, as
// PostgreSQL's TIMESTAMP(p) does; precision < 0 (none) and infinities are returned unchanged.
int64_t RoundTimestamp(int64_t micros, int precision);
// "YYYY-MM-DD" with an optional " BC", "infinity" / "-infinity" or "epoch"; surrounding spaces
// allowed.
Result<int32_t> ParseDate(std::string_view text);

// "2000-01-02 00:00:00", fractional seconds with trailing zeros removed ("...:05.25").
std::string FormatTimestamp(int64_t micros_since_2000);
// As FormatTimestamp, shown in the session time zone with its offset then in force
// ("2000-01-02 00:00:00+00", "2024-05-17 10:11:12+02", "1850-01-01 00:00:00+00:09:21").
std::string FormatTimestamptz(int64_t micros_since_2000);
// "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][zone]" where zone is Z, +HH, +HHMM or +HH:MM (or -).
// zone may also be a tz database name ("Europe/Paris", any case; 22023 `time zone "x" not
// recognized` for an unknown one). A fraction beyond microseconds is rounded. ParseTimestamp
// ignores a zone, as PostgreSQL does for timestamp without time zone; ParseTimestamptz applies
// it and reads a value without zone in the session time zone. "infinity"/"-infinity"/"epoch"
// accepted.
Result<int64_t> ParseTimestamp(std::string_view text);
Result<int64_t> ParseTimestamptz(std::string_view text);

// An interval: the three fields add up (months first, then days, then microseconds) when applied
// to a timestamp. Field order matches PostgreSQL's binary form.
struct Interval {
  int64_t microseconds = 0;
  int32_t days = 0;
  int32_t months = 0;
  bool operator==(const Interval&) const = default;
};

// IntervalStyle=postgres: "1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00",
// "-00:00:01", "00:00:00" for zero.
std::string FormatInterval(const Interval& v);
// PostgreSQL's postgres-style interval input: a sequence of "<number> <unit>" (units from
// microseconds to millennia, abbreviations and plurals as PostgreSQL accepts them, fractions
// carried down to smaller units: "1.5 days" is 1 day 12:00:00), an optional
// "[+|-]HH:MM[:SS[.fraction]]" time part, a bare number meaning seconds, a leading "@" and a
// trailing "ago". ISO 8601 forms ("P1Y2M") are not accepted. 22007 for bad syntax, 22015
// (interval_field_overflow) when a field overflows.
Result<Interval> ParseInterval(std::string_view text);

// The microseconds an interval spans when a month counts 30 days and a day 24 hours: PostgreSQL
// orders and compares intervals by this (so '1 mon' = '30 days'). Returned as a 128-bit integer
// because it can exceed int64.
__int128 IntervalSpan(const Interval& v);

}  // namespace blockdb::sql
