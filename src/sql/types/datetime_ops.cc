// After PostgreSQL's timestamp.c and date.c (timestamp_pl_interval, timestamp_mi,
// timestamp_trunc, timestamp_part_common, extract_date, interval_part_common).
#include "sql/types/datetime_ops.h"

#include <cmath>
#include <limits>
#include <string>

#include "sql/types/errors.h"
#include "sql/types/internal/text_util.h"
#include "sql/types/timezone.h"

namespace blockdb::sql {

namespace {

using internal::EqualsIgnoreCase;
using internal::FloorDiv;

constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kJulianOf2000 = 2451545;  // date2j(2000, 1, 1)

enum class Unit {
  kMicroseconds,
  kMilliseconds,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
  kEpoch,
  kDow,
  kDoy,
  kIsoDow,
  kIsoYear,
  kJulian,
  kTimezone,
  kTimezoneHour,
  kTimezoneMinute,
};

struct UnitName {
  std::string_view name;
  Unit unit;
};

// PostgreSQL's deltatktbl and datetktbl spellings that name units.
constexpr UnitName kUnits[] = {
    {"microsecond", Unit::kMicroseconds},
    {"microseconds", Unit::kMicroseconds},
    {"us", Unit::kMicroseconds},
    {"usec", Unit::kMicroseconds},
    {"usecs", Unit::kMicroseconds},
    {"useconds", Unit::kMicroseconds},
    {"millisecond", Unit::kMilliseconds},
    {"milliseconds", Unit::kMilliseconds},
    {"ms", Unit::kMilliseconds},
    {"msec", Unit::kMilliseconds},
    {"msecs", Unit::kMilliseconds},
    {"mseconds", Unit::kMilliseconds},
    {"second", Unit::kSecond},
    {"seconds", Unit::kSecond},
    {"s", Unit::kSecond},
    {"sec", Unit::kSecond},
    {"secs", Unit::kSecond},
    {"minute", Unit::kMinute},
    {"minutes", Unit::kMinute},
    {"m", Unit::kMinute},
    {"min", Unit::kMinute},
    {"mins", Unit::kMinute},
    {"hour", Unit::kHour},
    {"hours", Unit::kHour},
    {"h", Unit::kHour},
    {"hr", Unit::kHour},
    {"hrs", Unit::kHour},
    {"day", Unit::kDay},
    {"days", Unit::kDay},
    {"d", Unit::kDay},
    {"week", Unit::kWeek},
    {"weeks", Unit::kWeek},
    {"w", Unit::kWeek},
    {"month", Unit::kMonth},
    {"months", Unit::kMonth},
    {"mon", Unit::kMonth},
    {"mons", Unit::kMonth},
    {"quarter", Unit::kQuarter},
    {"qtr", Unit::kQuarter},
    {"year", Unit::kYear},
    {"years", Unit::kYear},
    {"y", Unit::kYear},
    {"yr", Unit::kYear},
    {"yrs", Unit::kYear},
    {"decade", Unit::kDecade},
    {"decades", Unit::kDecade},
    {"dec", Unit::kDecade},
    {"decs", Unit::kDecade},
    {"century", Unit::kCentury},
    {"centuries", Unit::kCentury},
    {"cent", Unit::kCentury},
    {"c", Unit::kCentury},
    {"millennium", Unit::kMillennium},
    {"millennia", Unit::kMillennium},
    {"millenniums", Unit::kMillennium},
    {"mil", Unit::kMillennium},
    {"mils", Unit::kMillennium},
    {"epoch", Unit::kEpoch},
    {"dow", Unit::kDow},
    {"doy", Unit::kDoy},
    {"isodow", Unit::kIsoDow},
    {"isoyear", Unit::kIsoYear},
    {"julian", Unit::kJulian},
    {"j", Unit::kJulian},
    {"timezone", Unit::kTimezone},
    {"timezone_h", Unit::kTimezoneHour},
    {"timezone_hour", Unit::kTimezoneHour},
    {"timezone_m", Unit::kTimezoneMinute},
    {"timezone_minute", Unit::kTimezoneMinute},
};

Result<Unit> ParseUnit(std::string_view field, std::string_view type) {
  for (const UnitName& u : kUnits) {
    if (EqualsIgnoreCase(field, u.name)) {
      return u.unit;
    }
  }
  return InvalidParameterValue("unit \"" + std::string(field) + "\" not recognized for type " +
                               std::string(type));
}

Status UnitNotSupported(std::string_view field, std::string_view type) {
  return FeatureNotSupported("unit \"" + std::string(field) + "\" not supported for type " +
                             std::string(type));
}

Status TimestampOutOfRange() { return DatetimeOutOfRange("timestamp out of range"); }
Status IntervalOutOfRange() { return DatetimeOutOfRange("interval out of range"); }

// A timestamp split into its calendar day and the microseconds into that day.
struct Split {
  CivilDate date;
  int64_t days = 0;  // since 2000-01-01
  int64_t time = 0;  // 0 <= time < one day
};

Split SplitTimestamp(int64_t ts) {
  Split s;
  s.days = FloorDiv(ts, kMicrosPerDay);
  s.time = ts - s.days * kMicrosPerDay;
  s.date = CivilFromDays(s.days);
  return s;
}

Result<int64_t> Join(int64_t days, int64_t time) {
  const __int128 ts = static_cast<__int128>(days) * kMicrosPerDay + time;
  if (ts < kMinTimestamp || ts >= kEndTimestamp) {
    return TimestampOutOfRange();
  }
  return static_cast<int64_t>(ts);
}

// Numeric v / 10^scale, showing `scale` decimals (PostgreSQL's int64_div_fast_to_numeric).
Numeric ScaledNumeric(__int128 v, int scale) {
  const bool negative = v < 0;
  unsigned __int128 mag = negative ? -static_cast<unsigned __int128>(v) : v;
  std::string reversed;  // built backwards, units digit first
  for (int i = 0; mag != 0 || i <= scale; ++i) {
    if (i == scale && scale > 0) {
      reversed.push_back('.');
    }
    reversed.push_back(static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  }
  if (negative) {
    reversed.push_back('-');
  }
  return std::move(ParseNumericText(std::string(reversed.rbegin(), reversed.rend()))).value();
}

Numeric IntNumeric(int64_t v) { return NumericFromInt64(v); }

int DayOfWeek(int64_t days) {  // 0 = Sunday; 2000-01-01 was a Saturday
  return static_cast<int>(days + 6 - FloorDiv(days + 6, 7) * 7);
}

// ISO 8601 week-numbering: the week and year of the Thursday of the date's week.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week) {
  const int iso_dow = (DayOfWeek(days) + 6) % 7;  // 0 = Monday
  const int64_t thursday = days - iso_dow + 3;
  const CivilDate t = CivilFromDays(thursday);
  *iso_year = t.year;
  *week = (thursday - DaysFromCivil({t.year, 1, 1})) / 7 + 1;
}

// Year as PostgreSQL numbers it (no year 0: 1 BC is -1).
int64_t DisplayYear(int64_t y) { return y > 0 ? y : y - 1; }

// The date-based fields shared by dates and timestamps; nullopt for units that are not.
std::optional<int64_t> DateField(Unit unit, int64_t days) {
  const CivilDate d = CivilFromDays(days);
  const int64_t y = d.year;
  switch (unit) {
    case Unit::kDay:
      return d.day;
    case Unit::kMonth:
      return d.month;
    case Unit::kQuarter:
      return (d.month - 1) / 3 + 1;
    case Unit::kYear:
      return DisplayYear(y);
    case Unit::kDecade:
      return y >= 0 ? y / 10 : -((8 - (y - 1)) / 10);
    case Unit::kCentury:
      return y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100);
    case Unit::kMillennium:
      return y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000);
    case Unit::kWeek: {
      int64_t iso_year;
      int64_t week;
      IsoWeek(days, &iso_year, &week);
      return week;
    }
    case Unit::kIsoYear: {
      int64_t iso_year;
      int64_t week;
      IsoWeek(days, &iso_year, &week);
      return iso_year <= 0 ? iso_year - 1 : iso_year;
    }
    case Unit::kDow:
      return DayOfWeek(days);
    case Unit::kIsoDow:
      return DayOfWeek(days) == 0 ? 7 : DayOfWeek(days);
    case Unit::kDoy:
      return days - DaysFromCivil({y, 1, 1}) + 1;
    default:
      return std::nullopt;
  }
}

// What an infinite date or timestamp gives for `unit`: +-Infinity for the unbounded fields,
// NULL for the others.
std::optional<Numeric> NonFinitePart(Unit unit, bool negative) {
  switch (unit) {
    case Unit::kYear:
    case Unit::kDecade:
    case Unit::kCentury:
    case Unit::kMillennium:
    case Unit::kJulian:
    case Unit::kIsoYear:
    case Unit::kEpoch: {
      Numeric n;
      n.kind = negative ? Numeric::Kind::kNegInfinity : Numeric::Kind::kPosInfinity;
      return n;
    }
    default:
      return std::nullopt;
  }
}

// date_trunc on the calendar part of `s` for the units at or above a day.
void TruncCalendar(Unit unit, Split* s) {
  int64_t& y = s->date.year;
  switch (unit) {
    case Unit::kMillennium:
      y = y > 0 ? ((y + 999) / 1000) * 1000 - 999 : -((999 - (y - 1)) / 1000) * 1000 + 1;
      break;
    case Unit::kCentury:
      y = y > 0 ? ((y + 99) / 100) * 100 - 99 : -((99 - (y - 1)) / 100) * 100 + 1;
      break;
    case Unit::kDecade:
      y = y > 0 ? (y / 10) * 10 : -((8 - (y - 1)) / 10) * 10;
      break;
    default:
      break;
  }
  if (unit == Unit::kMillennium || unit == Unit::kCentury || unit == Unit::kDecade ||
      unit == Unit::kYear) {
    s->date.month = 1;
  }
  if (unit == Unit::kQuarter) {
    s->date.month = 3 * ((s->date.month - 1) / 3) + 1;
  }
  if (unit != Unit::kDay) {
    s->date.day = 1;
  }
  s->days = DaysFromCivil(s->date);
  s->time = 0;
}

}  // namespace

Result<int64_t> TimestampPlusInterval(int64_t ts, const Interval& span) {
  if (!IsFiniteTimestamp(ts)) {
    return ts;
  }
  Split s = SplitTimestamp(ts);
  if (span.months != 0) {
    const int64_t total = s.date.year * 12 + (s.date.month - 1) + span.months;
    s.date.year = FloorDiv(total, 12);
    s.date.month = static_cast<int>(total - s.date.year * 12) + 1;
    s.date.day = std::min(s.date.day, DaysInMonth(s.date.year, s.date.month));
    s.days = DaysFromCivil(s.date);
    if (s.days < kMinDate || s.days >= kEndDate) {
      return TimestampOutOfRange();
    }
  }
  ASSIGN_OR_RETURN(const int64_t shifted, Join(s.days + span.days, s.time));
  const __int128 result = static_cast<__int128>(shifted) + span.microseconds;
  if (result < kMinTimestamp || result >= kEndTimestamp) {
    return TimestampOutOfRange();
  }
  return static_cast<int64_t>(result);
}

Result<int64_t> TimestampMinusInterval(int64_t ts, const Interval& span) {
  ASSIGN_OR_RETURN(const Interval neg, IntervalNegate(span));
  return TimestampPlusInterval(ts, neg);
}

Result<int64_t> TimestamptzPlusInterval(int64_t ts, const Interval& span) {
  if (!IsFiniteTimestamp(ts) || (span.months == 0 && span.days == 0)) {
    return TimestampPlusInterval(ts, span);
  }
  // Months and days move the local wall-clock time (a day across a DST change is 23 or 25
  // hours); the time part is then added to the instant, as PostgreSQL's timestamptz_pl_interval.
  const TimeZone& zone = SessionTimeZone();
  ASSIGN_OR_RETURN(const int64_t local,
                   TimestampPlusInterval(zone.ToLocal(ts), Interval{0, span.days, span.months}));
  return TimestampPlusInterval(zone.ToUtc(local), Interval{span.microseconds, 0, 0});
}

Result<int64_t> TimestamptzMinusInterval(int64_t ts, const Interval& span) {
  ASSIGN_OR_RETURN(const Interval neg, IntervalNegate(span));
  return TimestamptzPlusInterval(ts, neg);
}

Result<Interval> TimestampDifference(int64_t a, int64_t b) {
  if (!IsFiniteTimestamp(a) || !IsFiniteTimestamp(b)) {
    return DatetimeOutOfRange("cannot subtract infinite timestamps");
  }
  int64_t time;
  if (__builtin_sub_overflow(a, b, &time)) {
    return IntervalOutOfRange();
  }
  Interval r;
  const int64_t days = time / kMicrosPerDay;  // truncates, as PostgreSQL's TMODULO
  r.days = static_cast<int32_t>(days);
  r.microseconds = time - days * kMicrosPerDay;
  return r;
}

Result<int32_t> DatePlusDays(int32_t date, int64_t days) {
  if (!IsFiniteDate(date)) {
    return date;
  }
  const int64_t r = int64_t{date} + days;
  if (r < kMinDate || r >= kEndDate) {
    return DatetimeOutOfRange("date out of range");
  }
  return static_cast<int32_t>(r);
}

Result<int32_t> DateDifference(int32_t a, int32_t b) {
  if (!IsFiniteDate(a) || !IsFiniteDate(b)) {
    return DatetimeOutOfRange("cannot subtract infinite dates");
  }
  return a - b;  // both within PostgreSQL's range: the difference fits int32
}

Result<Interval> IntervalAdd(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_add_overflow(a.months, b.months, &r.months) ||
      __builtin_add_overflow(a.days, b.days, &r.days) ||
      __builtin_add_overflow(a.microseconds, b.microseconds, &r.microseconds)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<Interval> IntervalSub(const Interval& a, const Interval& b) {
  Interval r;
  if (__builtin_sub_overflow(a.months, b.months, &r.months) ||
      __builtin_sub_overflow(a.days, b.days, &r.days) ||
      __builtin_sub_overflow(a.microseconds, b.microseconds, &r.microseconds)) {
    return IntervalOutOfRange();
  }
  return r;
}

Result<Interval> IntervalNegate(const Interval& a) { return IntervalSub(Interval(), a); }

namespace {

// PostgreSQL's TSROUND: to the nearest millionth.
double TsRound(double v) { return std::rint(v * 1000000.0) / 1000000.0; }

bool FitsInt32(double v) { return !std::isnan(v) && v <= INT32_MAX && v >= INT32_MIN; }

// The shared tail of interval_mul and interval_div: `months` and `days` are the exact scaled
// fields, `time` the scaled microseconds.
Result<Interval> ScaleInterval(double months, double days, double time) {
  if (!FitsInt32(months) || !FitsInt32(days)) {
    return IntervalOutOfRange();
  }
  Interval r;
  r.months = static_cast<int32_t>(months);
  int64_t day = static_cast<int32_t>(days);
  const double month_remainder_days = TsRound((months - r.months) * 30);
  double sec_remainder = TsRound((days - static_cast<double>(day) + month_remainder_days -
                                  static_cast<double>(static_cast<int32_t>(month_remainder_days))) *
                                 86400);
  if (std::fabs(sec_remainder) >= 86400) {
    const auto whole = static_cast<int32_t>(sec_remainder / 86400);
    day += whole;
    sec_remainder -= static_cast<double>(whole) * 86400;
  }
  day += static_cast<int32_t>(month_remainder_days);
  const double micros = std::rint(time + sec_remainder * kMicrosPerSecond);
  if (day < INT32_MIN || day > INT32_MAX || std::isnan(micros) || micros < -9223372036854775808.0 ||
      micros >= 9223372036854775808.0) {
    return IntervalOutOfRange();
  }
  r.days = static_cast<int32_t>(day);
  r.microseconds = static_cast<int64_t>(micros);
  return r;
}

}  // namespace

Result<Interval> IntervalMultiply(const Interval& a, double factor) {
  return ScaleInterval(a.months * factor, a.days * factor,
                       static_cast<double>(a.microseconds) * factor);
}

Result<Interval> IntervalDivide(const Interval& a, double divisor) {
  if (divisor == 0.0) {
    return DivisionByZero();
  }
  return ScaleInterval(a.months / divisor, a.days / divisor,
                       static_cast<double>(a.microseconds) / divisor);
}

Result<int64_t> DateTruncTimestamp(std::string_view field, int64_t ts, bool tz) {
  const std::string_view type = tz ? "timestamp with time zone" : "timestamp without time zone";
  ASSIGN_OR_RETURN(const Unit unit, ParseUnit(field, type));
  if (!IsFiniteTimestamp(ts)) {
    return ts;
  }
  // timestamptz truncates its local time in the session zone. Below a day the offset of the
  // input is kept (an hour inside a repeated DST hour stays in it); from a day up the offset is
  // the one in force at the truncated local time, as PostgreSQL's timestamptz_trunc.
  const int64_t offset = tz ? SessionTimeZone().OffsetAt(ts) * kMicrosPerSecond : 0;
  Split s = SplitTimestamp(ts + offset);
  bool redo_zone = false;
  switch (unit) {
    case Unit::kMicroseconds:
      return ts;
    case Unit::kMilliseconds:
      s.time -= s.time % 1000;
      break;
    case Unit::kSecond:
      s.time -= s.time % kMicrosPerSecond;
      break;
    case Unit::kMinute:
      s.time -= s.time % kMicrosPerMinute;
      break;
    case Unit::kHour:
      s.time -= s.time % kMicrosPerHour;
      break;
    case Unit::kWeek:
      s.days -= (DayOfWeek(s.days) + 6) % 7;  // back to Monday
      s.time = 0;
      redo_zone = true;
      break;
    case Unit::kDay:
    case Unit::kMonth:
    case Unit::kQuarter:
    case Unit::kYear:
    case Unit::kDecade:
    case Unit::kCentury:
    case Unit::kMillennium:
      TruncCalendar(unit, &s);
      redo_zone = true;
      break;
    case Unit::kTimezone:
    case Unit::kTimezoneHour:
    case Unit::kTimezoneMinute:
      return UnitNotSupported(field, type);
    default:
      // PostgreSQL does not count epoch, dow, doy, isodow, isoyear and julian as units here.
      return InvalidParameterValue("unit \"" + std::string(field) + "\" not recognized for type " +
                                   std::string(type));
  }
  ASSIGN_OR_RETURN(const int64_t local, Join(s.days, s.time));
  if (!tz) {
    return local;
  }
  const int64_t r = redo_zone ? SessionTimeZone().ToUtc(local) : local - offset;
  if (r < kMinTimestamp || r >= kEndTimestamp) {
    return TimestampOutOfRange();
  }
  return r;
}

Result<Interval> DateTruncInterval(std::string_view field, const Interval& v) {
  ASSIGN_OR_RETURN(const Unit unit, ParseUnit(field, "interval"));
  Interval r = v;
  const int32_t years = v.months / 12;
  switch (unit) {
    case Unit::kMillennium:
      r.months = years / 1000 * 1000 * 12;
      break;
    case Unit::kCentury:
      r.months = years / 100 * 100 * 12;
      break;
    case Unit::kDecade:
      r.months = years / 10 * 10 * 12;
      break;
    case Unit::kYear:
      r.months = years * 12;
      break;
    case Unit::kQuarter:
      r.months = years * 12 + (v.months % 12) / 3 * 3;
      break;
    case Unit::kMonth:
    case Unit::kDay:
    case Unit::kHour:
    case Unit::kMinute:
    case Unit::kSecond:
    case Unit::kMilliseconds:
    case Unit::kMicroseconds:
      break;
    default:
      return UnitNotSupported(field, "interval");
  }
  if (unit != Unit::kDay && unit != Unit::kHour && unit != Unit::kMinute && unit != Unit::kSecond &&
      unit != Unit::kMilliseconds && unit != Unit::kMicroseconds) {
    r.days = 0;
  }
  const int64_t divisor = unit == Unit::kHour           ? kMicrosPerHour
                          : unit == Unit::kMinute       ? kMicrosPerMinute
                          : unit == Unit::kSecond       ? kMicrosPerSecond
                          : unit == Unit::kMilliseconds ? 1000
                          : unit == Unit::kMicroseconds ? 1
                                                        : 0;
  r.microseconds = divisor == 0 ? 0 : v.microseconds - v.microseconds % divisor;
  return r;
}

Result<std::optional<Numeric>> ExtractTimestamp(std::string_view field, int64_t ts, TypeId type) {
  const bool tz = type == TypeId::kTimestamptz;
  const std::string_view type_name = TypeIdName(type);
  ASSIGN_OR_RETURN(const Unit unit, ParseUnit(field, type_name));
  if ((unit == Unit::kTimezone || unit == Unit::kTimezoneHour || unit == Unit::kTimezoneMinute) &&
      !tz) {
    return UnitNotSupported(field, type_name);
  }
  if (!IsFiniteTimestamp(ts)) {
    return NonFinitePart(unit, ts < 0);
  }
  // timestamptz fields are those of its local time in the session zone (epoch excepted).
  const int64_t offset = tz ? SessionTimeZone().OffsetAt(ts) : 0;
  const Split s = SplitTimestamp(ts + offset * kMicrosPerSecond);
  const int64_t sec_micros = s.time % kMicrosPerMinute;  // seconds and fraction, in micros
  switch (unit) {
    case Unit::kMicroseconds:
      return std::optional<Numeric>(IntNumeric(sec_micros));
    case Unit::kMilliseconds:
      return std::optional<Numeric>(ScaledNumeric(sec_micros, 3));
    case Unit::kSecond:
      return std::optional<Numeric>(ScaledNumeric(sec_micros, 6));
    case Unit::kMinute:
      return std::optional<Numeric>(IntNumeric(s.time / kMicrosPerMinute % 60));
    case Unit::kHour:
      return std::optional<Numeric>(IntNumeric(s.time / kMicrosPerHour));
    case Unit::kEpoch:
      return std::optional<Numeric>(
          ScaledNumeric(static_cast<__int128>(ts) + kUnixToPgEpochDays * kMicrosPerDay, 6));
    case Unit::kJulian: {
      ASSIGN_OR_RETURN(Numeric fraction, NumericDiv(IntNumeric(s.time), IntNumeric(kMicrosPerDay)));
      ASSIGN_OR_RETURN(Numeric julian, NumericAdd(IntNumeric(s.days + kJulianOf2000), fraction));
      return std::optional<Numeric>(std::move(julian));
    }
    case Unit::kTimezone:
      return std::optional<Numeric>(IntNumeric(offset));
    case Unit::kTimezoneHour:
      return std::optional<Numeric>(IntNumeric(offset / 3600));
    case Unit::kTimezoneMinute:
      return std::optional<Numeric>(IntNumeric(offset / 60 % 60));
    default:
      break;
  }
  return std::optional<Numeric>(IntNumeric(*DateField(unit, s.days)));
}

Result<std::optional<Numeric>> ExtractDate(std::string_view field, int32_t date) {
  ASSIGN_OR_RETURN(const Unit unit, ParseUnit(field, "date"));
  const bool date_unit = unit != Unit::kMicroseconds && unit != Unit::kMilliseconds &&
                         unit != Unit::kSecond && unit != Unit::kMinute && unit != Unit::kHour &&
                         unit != Unit::kTimezone && unit != Unit::kTimezoneHour &&
                         unit != Unit::kTimezoneMinute;
  if (!date_unit) {
    return UnitNotSupported(field, "date");
  }
  if (!IsFiniteDate(date)) {
    return NonFinitePart(unit, date < 0);
  }
  if (unit == Unit::kEpoch) {
    return std::optional<Numeric>(IntNumeric((int64_t{date} + kUnixToPgEpochDays) * 86400));
  }
  if (unit == Unit::kJulian) {
    return std::optional<Numeric>(IntNumeric(int64_t{date} + kJulianOf2000));
  }
  return std::optional<Numeric>(IntNumeric(*DateField(unit, date)));
}

Result<Numeric> ExtractInterval(std::string_view field, const Interval& v) {
  ASSIGN_OR_RETURN(const Unit unit, ParseUnit(field, "interval"));
  const int64_t years = v.months / 12;
  const int64_t sec_micros = v.microseconds % kMicrosPerMinute;
  switch (unit) {
    case Unit::kMicroseconds:
      return IntNumeric(sec_micros);
    case Unit::kMilliseconds:
      return ScaledNumeric(sec_micros, 3);
    case Unit::kSecond:
      return ScaledNumeric(sec_micros, 6);
    case Unit::kMinute:
      return IntNumeric(v.microseconds / kMicrosPerMinute % 60);
    case Unit::kHour:
      return IntNumeric(v.microseconds / kMicrosPerHour);
    case Unit::kDay:
      return IntNumeric(v.days);
    case Unit::kMonth:
      return IntNumeric(v.months % 12);
    case Unit::kQuarter:
      return IntNumeric(v.months % 12 / 3 + 1);
    case Unit::kYear:
      return IntNumeric(years);
    case Unit::kDecade:
      return IntNumeric(years / 10);
    case Unit::kCentury:
      return IntNumeric(years / 100);
    case Unit::kMillennium:
      return IntNumeric(years / 1000);
    case Unit::kEpoch: {
      // A year counts 365.25 days and a month 30, as PostgreSQL's DAYS_PER_YEAR/DAYS_PER_MONTH.
      const __int128 secs_quarters =
          (static_cast<__int128>(1461) * years + 120 * (v.months % 12) + 4 * int64_t{v.days}) *
          (86400 / 4);
      return ScaledNumeric(secs_quarters * kMicrosPerSecond + v.microseconds, 6);
    }
    default:
      return UnitNotSupported(field, "interval");
  }
}

}  // namespace blockdb::sql
