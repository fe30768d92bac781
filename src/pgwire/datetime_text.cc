// Text form of date, timestamp and timestamptz (declared in text_values.h).
#include <cstdio>

#include "pgwire/binary_values.h"
#include "pgwire/sqlstate.h"
#include "pgwire/text_values.h"

namespace blockdb::pgwire {

namespace {

constexpr int64_t kUnixToPgEpochDays = 10957;  // 1970-01-01 -> 2000-01-01
constexpr int64_t kMicrosPerSecond = 1000000;

Status BadSyntax(std::string_view type, std::string_view text) {
  return Status::InvalidArgument("invalid input syntax for type " + std::string(type) + ": \"" +
                                 std::string(text) + "\"")
      .WithSqlState(kSqlStateInvalidDatetimeFormat);
}

Status OutOfRange(std::string_view type, std::string_view text) {
  return Status::OutOfRange(std::string(type) + " out of range: \"" + std::string(text) + "\"")
      .WithSqlState(kSqlStateDatetimeFieldOverflow);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) {
      return false;
    }
  }
  return true;
}

// Reads exactly `n` decimal digits from the front of *s.
bool ReadDigits(std::string_view* s, size_t n, int64_t* v) {
  if (s->size() < n) {
    return false;
  }
  int64_t x = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = (*s)[i];
    if (c < '0' || c > '9') {
      return false;
    }
    x = x * 10 + (c - '0');
  }
  *v = x;
  s->remove_prefix(n);
  return true;
}

bool Consume(std::string_view* s, char c) {
  if (s->empty() || s->front() != c) {
    return false;
  }
  s->remove_prefix(1);
  return true;
}

// "YYYY-MM-DD" (4 to 7 year digits) at the front of *s, validated as a calendar date.
bool ReadIsoDate(std::string_view* s, CivilDate* date) {
  size_t year_digits = 0;
  while (year_digits < s->size() && year_digits < 8 && (*s)[year_digits] >= '0' &&
         (*s)[year_digits] <= '9') {
    ++year_digits;
  }
  int64_t month;
  int64_t day;
  if (year_digits < 4 || year_digits > 7 || !ReadDigits(s, year_digits, &date->year) ||
      !Consume(s, '-') || !ReadDigits(s, 2, &month) || !Consume(s, '-') ||
      !ReadDigits(s, 2, &day)) {
    return false;
  }
  date->month = static_cast<int>(month);
  date->day = static_cast<int>(day);
  return date->month >= 1 && date->month <= 12 && date->day >= 1 &&
         date->day <= DaysInMonth(date->year, date->month);
}

// Strips a trailing " BC" (any case); true when there was one.
bool StripBc(std::string_view* s) {
  if (s->size() >= 3 && EqualsIgnoreCase(s->substr(s->size() - 3), " bc")) {
    s->remove_suffix(3);
    return true;
  }
  return false;
}

// Converts a year written with " BC" to ISO numbering (1 BC is year 0); false for "0000 BC".
bool ApplyBc(bool bc, CivilDate* date) {
  if (!bc) {
    return true;
  }
  if (date->year == 0) {
    return false;
  }
  date->year = 1 - date->year;
  return true;
}

std::string FormatCivil(const CivilDate& d) {
  char buf[48];
  const int64_t year = d.year > 0 ? d.year : 1 - d.year;
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(year), d.month, d.day);
  return buf;
}

// ":SS[.fraction]" after HH:MM, rounding the fraction to microseconds.
bool ReadSeconds(std::string_view* s, int64_t* micros) {
  int64_t seconds = 0;
  *micros = 0;
  if (!Consume(s, ':')) {
    return true;
  }
  if (!ReadDigits(s, 2, &seconds) || seconds > 60) {
    return false;
  }
  int64_t frac = 0;
  if (Consume(s, '.')) {
    int64_t scale = kMicrosPerSecond;
    size_t n = 0;
    bool round_up = false;
    for (; n < s->size() && (*s)[n] >= '0' && (*s)[n] <= '9'; ++n) {
      if (scale > 1) {
        scale /= 10;
        frac += ((*s)[n] - '0') * scale;
      } else if (scale == 1 && n == 6) {
        round_up = (*s)[n] >= '5';
      }
    }
    if (n == 0) {
      return false;
    }
    s->remove_prefix(n);
    frac += round_up ? 1 : 0;
  }
  *micros = seconds * kMicrosPerSecond + frac;
  return true;
}

// Zone suffix: Z, +HH, +HHMM, +HH:MM (or '-'). Sets *offset_seconds east of UTC.
bool ReadZone(std::string_view* s, int64_t* offset_seconds) {
  *offset_seconds = 0;
  if (s->empty()) {
    return true;
  }
  if (Consume(s, 'Z') || Consume(s, 'z')) {
    return s->empty();
  }
  const char sign = s->front();
  if (sign != '+' && sign != '-') {
    return false;
  }
  s->remove_prefix(1);
  int64_t hours;
  int64_t minutes = 0;
  if (!ReadDigits(s, 2, &hours)) {
    return false;
  }
  Consume(s, ':');
  if (!s->empty() && !ReadDigits(s, 2, &minutes)) {
    return false;
  }
  if (!s->empty() || hours > 15 || minutes > 59) {
    return false;
  }
  *offset_seconds = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return true;
}

Result<int64_t> ParseTimestampImpl(std::string_view text, bool apply_zone) {
  std::string_view s = Trim(text);
  const std::string_view type = apply_zone ? "timestamp with time zone" : "timestamp";
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return kTimestampPosInfinity;
  }
  if (EqualsIgnoreCase(s, "-infinity")) {
    return kTimestampNegInfinity;
  }
  const bool bc = StripBc(&s);
  CivilDate date;
  if (!ReadIsoDate(&s, &date) || !ApplyBc(bc, &date)) {
    return BadSyntax(type, text);
  }
  int64_t hours = 0;
  int64_t minutes = 0;
  int64_t micros = 0;
  int64_t offset = 0;
  if (!s.empty()) {
    if (!(Consume(&s, ' ') || Consume(&s, 'T') || Consume(&s, 't')) || !ReadDigits(&s, 2, &hours) ||
        !Consume(&s, ':') || !ReadDigits(&s, 2, &minutes) || !ReadSeconds(&s, &micros) ||
        !ReadZone(&s, &offset) || minutes > 59 || hours > 24 ||
        (hours == 24 && (minutes != 0 || micros != 0))) {
      return BadSyntax(type, text);
    }
  }
  const int64_t day_micros = (hours * 3600 + minutes * 60) * kMicrosPerSecond + micros;
  const int64_t days = DaysFromCivil(date);
  // |days| < 2^32 and a day is < 2^37 microseconds: the product cannot overflow int64.
  const int64_t result =
      days * kMicrosPerDay + day_micros - (apply_zone ? offset * kMicrosPerSecond : 0);
  if (days < kMinDate || days >= kEndDate || result < kMinTimestamp || result >= kEndTimestamp) {
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
  std::string_view s = Trim(text);
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return kDatePosInfinity;
  }
  if (EqualsIgnoreCase(s, "-infinity")) {
    return kDateNegInfinity;
  }
  const bool bc = StripBc(&s);
  CivilDate date;
  if (!ReadIsoDate(&s, &date) || !s.empty() || !ApplyBc(bc, &date)) {
    return BadSyntax("date", text);
  }
  const int64_t days = DaysFromCivil(date);
  if (days < kMinDate || days >= kEndDate) {
    return OutOfRange("date", text);
  }
  return static_cast<int32_t>(days);
}

std::string FormatTimestamp(int64_t micros_since_2000) {
  return FormatTimestampImpl(micros_since_2000, "");
}

std::string FormatTimestamptz(int64_t micros_since_2000) {
  return FormatTimestampImpl(micros_since_2000, "+00");
}

Result<int64_t> ParseTimestamp(std::string_view text) { return ParseTimestampImpl(text, false); }

Result<int64_t> ParseTimestamptz(std::string_view text) { return ParseTimestampImpl(text, true); }

}  // namespace blockdb::pgwire
