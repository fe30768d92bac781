// Date and time arithmetic, date_trunc and extract with PostgreSQL 15's semantics; timestamptz
// calendar work happens in the thread's session time zone (sql/types/timezone.h). Errors: 22008 for
// results outside the valid range ("timestamp out of range", "date out of range", "interval out of
// range") and for subtracting infinities; 22023 for an unknown unit; 0A000 for a unit the type
// lacks. Infinite timestamps and dates pass through additions unchanged, as in PostgreSQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "sql/types/datetime.h"
#include "sql/types/numeric.h"
#include "sql/types/type.h"

namespace blockdb::sql {

// timestamp + interval: months first (clamping the day to the month's end: Jan 31 + 1 mon is
// Feb 29 in a leap year), then days, then microseconds.
Result<int64_t> TimestampPlusInterval(int64_t ts, const Interval& span);
Result<int64_t> TimestampMinusInterval(int64_t ts, const Interval& span);
// timestamptz + interval: months and days move the local time in the session zone, then the
// time part is added to the instant ('2024-03-30 12:00+01' + '1 day' in Europe/Paris is
// '2024-03-31 12:00+02').
Result<int64_t> TimestamptzPlusInterval(int64_t ts, const Interval& span);
Result<int64_t> TimestamptzMinusInterval(int64_t ts, const Interval& span);
// a - b as days and time, the time part below 24 hours (PostgreSQL's interval_justify_hours):
// '2024-01-02 03:00' - '2024-01-01' is '1 day 03:00:00'.
Result<Interval> TimestampDifference(int64_t a, int64_t b);
// date + integer days; date - date in days.
Result<int32_t> DatePlusDays(int32_t date, int64_t days);
Result<int32_t> DateDifference(int32_t a, int32_t b);

Result<Interval> IntervalAdd(const Interval& a, const Interval& b);
Result<Interval> IntervalSub(const Interval& a, const Interval& b);
Result<Interval> IntervalNegate(const Interval& a);
// interval * factor and interval / factor as PostgreSQL's interval_mul/interval_div: each field
// is scaled and its fraction cascades down (months to 30-day days, days to microseconds), never
// up. 22008 when a field overflows, 22012 for division by zero.
Result<Interval> IntervalMultiply(const Interval& a, double factor);
Result<Interval> IntervalDivide(const Interval& a, double divisor);

// date_trunc(field, ts) for timestamp (tz = false) or timestamptz (tz = true): microseconds,
// milliseconds, second, minute, hour, day, week (to Monday), month, quarter, year, decade, century,
// millennium (and PostgreSQL's abbreviations). timestamptz truncates its local time in the
// session zone. Infinite input is returned unchanged.
Result<int64_t> DateTruncTimestamp(std::string_view field, int64_t ts, bool tz);
// date_trunc(field, interval).
Result<Interval> DateTruncInterval(std::string_view field, const Interval& v);

// extract(field from ...) as PostgreSQL 14+: a numeric. second, milliseconds, epoch (for
// timestamps and intervals) carry 6, 3 and 6 decimals, julian of a timestamp the day fraction;
// every other field is an integer; timestamptz fields are those of its local time in the
// session zone, timezone/timezone_hour/timezone_minute its offset. `type` is kTimestamp or
// kTimestamptz for ExtractTimestamp. Of an infinite date or timestamp, the unbounded fields (year,
// decade, century, millennium, julian, isoyear, epoch) are +-Infinity and the others NULL
// (nullopt).
Result<std::optional<Numeric>> ExtractTimestamp(std::string_view field, int64_t ts, TypeId type);
Result<std::optional<Numeric>> ExtractDate(std::string_view field, int32_t date);
Result<Numeric> ExtractInterval(std::string_view field, const Interval& v);

}  // namespace blockdb::sql
