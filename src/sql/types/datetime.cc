// Calendar arithmetic and the text form of date, timestamp and timestamptz. Intervals are in
// interval.cc.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "sql/types/datetime.h"
#include "sql/types/errors.h"
#include "sql/types/internal/text_util.h"
#include "sql/types/timezone.h"

namespace blockdb::sql {

namespace {

using internal::Consume;
using internal::EqualsIgnoreCase;
using internal::FloorDiv;
using internal::ReadDigits;

Status BadSyntax(std::string_view type, std::string_view text) {
  return Status::InvalidArgument("invalid input syntax for type " + std::string(type) + ": \"" +
                                 std::string(text) + "\"")
      .WithSqlState(kSqlStateInvalidDatetimeFormat);
}

Status OutOfRange(std::string_view type, std::string_view text) {
  return DatetimeOutOfRange(std::string(type) + " out of range: \"" + std::string(text) + "\"");
}

// Strips a trailing " BC" (any case); true when there was one.
bool StripBc(std::string_view* s) {
  if (s->size() >= 3 && EqualsIgnoreCase(s->substr(s->size() - 3), " bc")) {
    s->remove_suffix(3);
    *s = internal::TrimSpace(*s);
    return true;
  }
  return false;
}

std::string FormatCivil(const CivilDate& d) {
  char buf[48];
  const int64_t year = d.year > 0 ? d.year : 1 - d.year;
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(year), d.month, d.day);
  return buf;
}

// What went wrong in a date/time string, mapped to PostgreSQL's SQLSTATEs.
enum class DtError {
  kNone,
  kSyntax,      // 22007 invalid input syntax
  kFieldRange,  // 22008 date/time field value out of range
  kZoneRange,   // 22009 time zone displacement out of range
};

struct DateTimeFields {
  CivilDate date;
  int64_t time = 0;          // microseconds into the day (86400000000 for 24:00:00)
  int64_t zone_seconds = 0;  // east of UTC
  bool has_zone = false;     // an offset or zone name was given
  std::string zone_name;     // a zone name other than UTC's, lowercased
};

// Reads 1..max_digits decimal digits; returns how many were read (0 when none).
size_t ReadNumber(std::string_view* s, int64_t* v, size_t max_digits) {
  size_t n = 0;
  int64_t x = 0;
  while (n < s->size() && n < max_digits && internal::IsDigit((*s)[n])) {
    x = x * 10 + ((*s)[n] - '0');
    ++n;
  }
  s->remove_prefix(n);
  *v = x;
  return n;
}

// The month named by `word` (English, full or abbreviated to three or more letters), or 0.
int MonthFromName(std::string_view word) {
  static const char* const kMonths[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};
  if (word.size() < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    std::string_view full = kMonths[m];
    if (word.size() <= full.size() && EqualsIgnoreCase(word, full.substr(0, word.size()))) {
      return m + 1;
    }
  }
  return 0;
}

std::string_view ReadWord(std::string_view* s) {
  size_t n = 0;
  while (n < s->size() && std::isalpha(static_cast<unsigned char>((*s)[n]))) ++n;
  std::string_view word = s->substr(0, n);
  s->remove_prefix(n);
  return word;
}

DtError CheckDate(int64_t year, int64_t month, int64_t day, CivilDate* date) {
  if (year == 0 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, static_cast<int>(month))) {
    return DtError::kFieldRange;
  }
  *date = CivilDate{year, static_cast<int>(month), static_cast<int>(day)};
  return DtError::kNone;
}

// A two-digit year is 1970..2069, as PostgreSQL reads it.
int64_t FullYear(int64_t year, size_t digits) {
  return digits == 2 ? year + (year < 70 ? 2000 : 1900) : year;
}

// Dates with the month spelled out: "May 17, 2024", "May 17 2024", "17-May-2024",
// "2024-May-17", "17 May 2024".
DtError ReadTextMonthDate(std::string_view* s, CivilDate* date) {
  int64_t first = 0, second = 0;
  size_t first_digits = 0, second_digits = 0;
  int month = 0;
  auto skip_separators = [&]() {
    while (!s->empty() && (s->front() == ' ' || s->front() == '-' || s->front() == '/' ||
                           s->front() == ',' || s->front() == '.')) {
      s->remove_prefix(1);
    }
  };
  if (!s->empty() && std::isalpha(static_cast<unsigned char>(s->front()))) {
    month = MonthFromName(ReadWord(s));
    skip_separators();
    first_digits = ReadNumber(s, &first, 9);
  } else {
    first_digits = ReadNumber(s, &first, 9);
    skip_separators();
    month = MonthFromName(ReadWord(s));
  }
  skip_separators();
  second_digits = ReadNumber(s, &second, 9);
  if (month == 0 || first_digits == 0 || second_digits == 0 ||
      (!s->empty() && std::isdigit(static_cast<unsigned char>(s->front())))) {
    return DtError::kSyntax;
  }
  // The number with three or more digits is the year; else day first, then year.
  if (first_digits >= 3) {
    return CheckDate(first, month, second, date);
  }
  return CheckDate(FullYear(second, second_digits), month, first, date);
}

// "Y-M-D" with a year of 3 or more digits, "M-D-Y" (DateStyle MDY) whose two-digit year is
// 1970..2069, the same with '/' between the fields, "YYYYMMDD", and dates with the month
// spelled out (ReadTextMonthDate), as PostgreSQL reads them.
DtError ReadDate(std::string_view* s, CivilDate* date) {
  {
    std::string_view probe = *s;
    int64_t ignored;
    ReadNumber(&probe, &ignored, 9);
    while (!probe.empty() && (probe.front() == '-' || probe.front() == ' ')) probe.remove_prefix(1);
    if (!s->empty() && (std::isalpha(static_cast<unsigned char>(s->front())) ||
                        (!probe.empty() && std::isalpha(static_cast<unsigned char>(probe.front())) &&
                         std::tolower(static_cast<unsigned char>(probe.front())) != 't'))) {
      return ReadTextMonthDate(s, date);
    }
  }
  int64_t f[3];
  size_t digits[3];
  char separator = 0;
  for (int i = 0; i < 3; ++i) {
    if (i == 1 && digits[0] == 8 && (s->empty() || (s->front() != '-' && s->front() != '/'))) {
      // YYYYMMDD.
      return CheckDate(f[0] / 10000, f[0] / 100 % 100, f[0] % 100, date);
    }
    if (i > 0) {
      if (s->empty() || (s->front() != '-' && s->front() != '/') ||
          (separator != 0 && s->front() != separator)) {
        return DtError::kSyntax;
      }
      separator = s->front();
      s->remove_prefix(1);
    }
    digits[i] = ReadNumber(s, &f[i], 9);
    if (digits[i] == 0 || (!s->empty() && internal::IsDigit(s->front()))) {
      return DtError::kSyntax;
    }
  }
  if (digits[0] >= 3) {
    if (digits[1] > 2 || digits[2] > 2) {
      return DtError::kSyntax;
    }
    return CheckDate(f[0], f[1], f[2], date);
  }
  if (digits[1] > 2) {
    return DtError::kSyntax;
  }
  return CheckDate(FullYear(f[2], digits[2]), f[0], f[1], date);
}

// "H:M[:S[.fraction]]", fields of one or two digits; the fraction rounds to microseconds.
DtError ReadTime(std::string_view* s, int64_t* micros) {
  int64_t h;
  int64_t m;
  int64_t sec = 0;
  if (ReadNumber(s, &h, 2) == 0 || !Consume(s, ':') || ReadNumber(s, &m, 2) == 0) {
    return DtError::kSyntax;
  }
  int64_t frac = 0;
  if (Consume(s, ':')) {
    if (ReadNumber(s, &sec, 2) == 0) {
      return DtError::kSyntax;
    }
    if (!s->empty() && s->front() == '.') {
      size_t n = 1;
      while (n < s->size() && internal::IsDigit((*s)[n])) {
        ++n;
      }
      // PostgreSQL's ParseFractionalSecond: strtod, then rint(fraction * 1e6) (ties to even).
      std::string fraction = "0";
      fraction += s->substr(0, n);
      frac = static_cast<int64_t>(std::rint(std::strtod(fraction.c_str(), nullptr) * 1e6));
      s->remove_prefix(n);
    }
  }
  if (!s->empty() && internal::IsDigit(s->front())) {
    return DtError::kSyntax;
  }
  if (h > 24 || m > 59 || sec > 60 || (h == 24 && (m != 0 || sec != 0 || frac != 0))) {
    return DtError::kFieldRange;
  }
  *micros = ((h * 60 + m) * 60 + sec) * kMicrosPerSecond + frac;
  return DtError::kNone;
}

// Zone suffix, the whole remaining input: +HH, +HHMM, +HH:MM (or '-'), one of the names of
// UTC (Z, UTC, GMT, UT; any case), or a tz database name (kept in zone_name, looked up later).
DtError ReadZone(std::string_view s, DateTimeFields* out) {
  int64_t* offset_seconds = &out->zone_seconds;
  out->has_zone = true;
  for (const std::string_view utc : {"z", "utc", "gmt", "ut"}) {
    if (EqualsIgnoreCase(s, utc)) {
      *offset_seconds = 0;
      return DtError::kNone;
    }
  }
  if (!s.empty() && std::isalpha(static_cast<unsigned char>(s[0]))) {
    for (const char c : s) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
          c != '+') {
        return DtError::kSyntax;
      }
      out->zone_name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return DtError::kNone;
  }
  if (s.empty() || (s[0] != '+' && s[0] != '-')) {
    return DtError::kSyntax;
  }
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int64_t hours;
  int64_t minutes = 0;
  if (!ReadDigits(&s, 2, &hours) && !ReadDigits(&s, 1, &hours)) {
    return DtError::kSyntax;
  }
  Consume(&s, ':');
  if (!s.empty() && !ReadDigits(&s, 2, &minutes)) {
    return DtError::kSyntax;
  }
  if (!s.empty()) {
    return DtError::kSyntax;
  }
  if (hours > 15 || minutes > 59) {
    return DtError::kZoneRange;
  }
  *offset_seconds = sign * (hours * 3600 + minutes * 60);
  return DtError::kNone;
}

// A date, then optionally ( |T)time, then optionally [ ]zone; " BC" already stripped.
DtError ReadDateTime(std::string_view s, DateTimeFields* out) {
  if (DtError e = ReadDate(&s, &out->date); e != DtError::kNone) {
    return e;
  }
  s = internal::TrimSpace(s);
  if (s.empty()) {
    return DtError::kNone;
  }
  if (s.front() == 'T' || s.front() == 't') {
    s.remove_prefix(1);
  }
  if (DtError e = ReadTime(&s, &out->time); e != DtError::kNone) {
    return e;
  }
  s = internal::TrimSpace(s);
  return s.empty() ? DtError::kNone : ReadZone(s, out);
}

Status DtStatus(DtError e, std::string_view type, std::string_view text) {
  switch (e) {
    case DtError::kFieldRange:
      return DatetimeOutOfRange("date/time field value out of range: \"" + std::string(text) +
                                "\"");
    case DtError::kZoneRange:
      return Status::OutOfRange("time zone displacement out of range: \"" + std::string(text) +
                                "\"")
          .WithSqlState("22009");
    default:
      return BadSyntax(type, text);
  }
}

// Parses the date and time fields of a date, timestamp or timestamptz literal (BC applied).
Result<DateTimeFields> ParseFields(std::string_view text, std::string_view type) {
  std::string_view s = internal::TrimSpace(text);
  const bool bc = StripBc(&s);
  DateTimeFields f;
  if (DtError e = ReadDateTime(s, &f); e != DtError::kNone) {
    return DtStatus(e, type, text);
  }
  if (bc) {
    f.date.year = 1 - f.date.year;
  }
  return f;
}

// infinity, -infinity, epoch; nullopt for anything else.
std::optional<int64_t> SpecialTimestamp(std::string_view s) {
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return kTimestampPosInfinity;
  }
  if (EqualsIgnoreCase(s, "-infinity")) {
    return kTimestampNegInfinity;
  }
  if (EqualsIgnoreCase(s, "epoch")) {
    return -kUnixToPgEpochDays * kMicrosPerDay;
  }
  return std::nullopt;
}

Result<int64_t> ParseTimestampImpl(std::string_view text, bool apply_zone) {
  const std::string_view type = apply_zone ? "timestamp with time zone" : "timestamp";
  if (std::optional<int64_t> special = SpecialTimestamp(internal::TrimSpace(text))) {
    return *special;
  }
  ASSIGN_OR_RETURN(const DateTimeFields f, ParseFields(text, type));
  const int64_t days = DaysFromCivil(f.date);
  // |days| is far below 2^40 after this check: the arithmetic below cannot overflow.
  if (days < kMinDate - 1 || days >= kEndDate) {
    return OutOfRange(type, text);
  }
  int64_t result = days * kMicrosPerDay + f.time;
  if (!f.zone_name.empty()) {
    // A named zone: checked even for timestamp without time zone, which then ignores it.
    ASSIGN_OR_RETURN(const TimeZone zone, TimeZone::ForInput(f.zone_name));
    if (apply_zone) {
      result = zone.ToUtc(result);
    }
  } else if (apply_zone) {
    result =
        f.has_zone ? result - f.zone_seconds * kMicrosPerSecond : SessionTimeZone().ToUtc(result);
  }
  if (result < kMinTimestamp || result >= kEndTimestamp) {
    return OutOfRange(type, text);
  }
  return result;
}

std::string FormatTimestampImpl(int64_t micros, std::string_view zone) {
  if (micros == kTimestampPosInfinity) {
    return "infinity";
  }
  if (micros == kTimestampNegInfinity) {
    return "-infinity";
  }
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  const CivilDate date = CivilFromDays(days);
  const int64_t frac = rest % kMicrosPerSecond;
  rest /= kMicrosPerSecond;
  char buf[32];
  std::snprintf(buf, sizeof(buf), " %02lld:%02lld:%02lld", static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string s = FormatCivil(date) + buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f = buf;
    f.erase(f.find_last_not_of('0') + 1);
    s += f;
  }
  s += zone;
  if (date.year <= 0) {
    s += " BC";
  }
  return s;
}

}  // namespace

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

bool IsValidDate(int64_t d) {
  return d == kDateNegInfinity || d == kDatePosInfinity || (d >= kMinDate && d < kEndDate);
}

bool IsValidTimestamp(int64_t t) {
  return !IsFiniteTimestamp(t) || (t >= kMinTimestamp && t < kEndTimestamp);
}

int64_t DaysFromCivil(const CivilDate& date) {
  // Howard Hinnant's days_from_civil (public domain), shifted to PostgreSQL's epoch. Not
  // std::chrono::year_month_day: its years stop at 32767, PostgreSQL's dates reach 5874897.
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 - kUnixToPgEpochDays;
}

CivilDate CivilFromDays(int64_t days_since_2000) {
  const int64_t z = days_since_2000 + kUnixToPgEpochDays + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = yoe + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

std::string FormatDate(int32_t days_since_2000) {
  if (days_since_2000 == kDatePosInfinity) {
    return "infinity";
  }
  if (days_since_2000 == kDateNegInfinity) {
    return "-infinity";
  }
  const CivilDate date = CivilFromDays(days_since_2000);
  return FormatCivil(date) + (date.year <= 0 ? " BC" : "");
}

Result<int32_t> ParseDate(std::string_view text) {
  const std::string_view s = internal::TrimSpace(text);
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return kDatePosInfinity;
  }
  if (EqualsIgnoreCase(s, "-infinity")) {
    return kDateNegInfinity;
  }
  if (EqualsIgnoreCase(s, "epoch")) {
    return static_cast<int32_t>(-kUnixToPgEpochDays);
  }
  // A time (and zone) after the date is read and ignored, as PostgreSQL does.
  ASSIGN_OR_RETURN(const DateTimeFields f, ParseFields(text, "date"));
  const int64_t days = DaysFromCivil(f.date);
  if (days < kMinDate || days >= kEndDate) {
    return OutOfRange("date", text);
  }
  return static_cast<int32_t>(days);
}

int64_t RoundTimestamp(int64_t micros, int precision) {
  if (precision < 0 || precision >= 6 || !IsFiniteTimestamp(micros)) {
    return micros;
  }
  int64_t scale = 1;
  for (int i = precision; i < 6; ++i) scale *= 10;
  const int64_t half = scale / 2;
  return micros >= 0 ? (micros + half) / scale * scale : -((-micros + half) / scale * scale);
}

std::string FormatTimestamp(int64_t micros_since_2000) {
  return FormatTimestampImpl(micros_since_2000, "");
}

std::string FormatTimestamptz(int64_t micros_since_2000) {
  if (!IsFiniteTimestamp(micros_since_2000)) {
    return FormatTimestampImpl(micros_since_2000, "");
  }
  const int64_t offset = SessionTimeZone().OffsetAt(micros_since_2000);
  return FormatTimestampImpl(micros_since_2000 + offset * kMicrosPerSecond,
                             FormatUtcOffset(offset));
}

Result<int64_t> ParseTimestamp(std::string_view text) { return ParseTimestampImpl(text, false); }

Result<int64_t> ParseTimestamptz(std::string_view text) { return ParseTimestampImpl(text, true); }

}  // namespace blockdb::sql
