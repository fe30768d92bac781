// Interval text input and output (IntervalStyle=postgres), after PostgreSQL's DecodeInterval
// and EncodeInterval. Hand-written: no library knows PostgreSQL's interval syntax.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "sql/types/datetime.h"
#include "sql/types/errors.h"
#include "sql/types/internal/text_util.h"

namespace blockdb::sql {

namespace {

using internal::EqualsIgnoreCase;
using internal::IsDigit;
using internal::IsSpace;

constexpr char kSqlStateIntervalFieldOverflow[] = "22015";
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;

Status BadSyntax(std::string_view text) {
  return Status::InvalidArgument("invalid input syntax for type interval: \"" + std::string(text) +
                                 "\"")
      .WithSqlState(kSqlStateInvalidDatetimeFormat);
}

Status FieldOverflow(std::string_view text) {
  return Status::OutOfRange("interval field value out of range: \"" + std::string(text) + "\"")
      .WithSqlState(kSqlStateIntervalFieldOverflow);
}

enum class Unit {
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kYear,
  kDecade,
  kCentury,
  kMillennium,
};

struct UnitName {
  std::string_view name;
  Unit unit;
};

// PostgreSQL's deltatktbl spellings.
constexpr UnitName kUnitNames[] = {
    {"microsecond", Unit::kMicrosecond},
    {"microseconds", Unit::kMicrosecond},
    {"us", Unit::kMicrosecond},
    {"usec", Unit::kMicrosecond},
    {"usecs", Unit::kMicrosecond},
    {"useconds", Unit::kMicrosecond},
    {"usecond", Unit::kMicrosecond},
    {"millisecond", Unit::kMillisecond},
    {"milliseconds", Unit::kMillisecond},
    {"ms", Unit::kMillisecond},
    {"msec", Unit::kMillisecond},
    {"msecs", Unit::kMillisecond},
    {"mseconds", Unit::kMillisecond},
    {"msecond", Unit::kMillisecond},
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
};

bool LookupUnit(std::string_view word, Unit* unit) {
  for (const UnitName& u : kUnitNames) {
    if (EqualsIgnoreCase(word, u.name)) {
      *unit = u.unit;
      return true;
    }
  }
  return false;
}

// ".ddd" as a double, the way PostgreSQL reads fractions (strtod of the digits).
double ParseFraction(std::string_view dot_digits) {
  std::string s = "0";
  s += dot_digits;
  return std::strtod(s.c_str(), nullptr);
}

// A signed decimal number split into its integer part and fraction (same sign).
struct Number {
  int64_t whole = 0;
  double fraction = 0;
};

// The interval being accumulated, in wide fields checked for overflow at the end.
struct Accumulator {
  __int128 months = 0;
  __int128 days = 0;
  __int128 micros = 0;
  unsigned seen = 0;  // bit per Unit, to reject a unit given twice

  // PostgreSQL's AdjustFractMicroseconds: `fraction` (|fraction| < 1) of `scale` microseconds,
  // a remainder above half a microsecond rounding away from zero.
  void AddFractionalMicros(double fraction, int64_t scale) {
    const double total = fraction * static_cast<double>(scale);
    auto us = static_cast<int64_t>(total);
    const double rest = total - static_cast<double>(us);
    us += rest > 0.5 ? 1 : (rest < -0.5 ? -1 : 0);
    micros += us;
  }

  // PostgreSQL's AdjustFractDays: `fraction` of `scale` days as whole days and microseconds.
  void AddFractionalDays(double fraction, int scale) {
    const double total = fraction * scale;
    const auto whole = static_cast<int64_t>(total);
    days += whole;
    AddFractionalMicros(total - static_cast<double>(whole), kMicrosPerDay);
  }
};

int64_t UnitMicros(Unit unit) {
  switch (unit) {
    case Unit::kMicrosecond:
      return 1;
    case Unit::kMillisecond:
      return 1000;
    case Unit::kSecond:
      return kMicrosPerSecond;
    case Unit::kMinute:
      return kMicrosPerMinute;
    case Unit::kHour:
      return kMicrosPerHour;
    default:
      return 0;
  }
}

int64_t UnitMonths(Unit unit) {
  switch (unit) {
    case Unit::kMonth:
      return 1;
    case Unit::kYear:
      return 12;
    case Unit::kDecade:
      return 120;
    case Unit::kCentury:
      return 1200;
    case Unit::kMillennium:
      return 12000;
    default:
      return 0;
  }
}

void AddUnit(Accumulator* acc, const Number& n, Unit unit) {
  if (unit == Unit::kMicrosecond) {
    acc->micros += n.whole;  // a fraction of a microsecond is dropped, as PostgreSQL does
  } else if (const int64_t us = UnitMicros(unit); us != 0) {
    acc->micros += static_cast<__int128>(n.whole) * us;
    acc->AddFractionalMicros(n.fraction, us);
  } else if (unit == Unit::kDay) {
    acc->days += n.whole;
    acc->AddFractionalMicros(n.fraction, kMicrosPerDay);
  } else if (unit == Unit::kWeek) {
    acc->days += static_cast<__int128>(n.whole) * 7;
    acc->AddFractionalDays(n.fraction, 7);
  } else if (unit == Unit::kMonth) {
    acc->months += n.whole;
    acc->AddFractionalDays(n.fraction, 30);
  } else {
    // Years and longer: a fraction becomes whole months, rounded (PostgreSQL's rint).
    const int64_t m = UnitMonths(unit);
    acc->months += static_cast<__int128>(n.whole) * m +
                   static_cast<int64_t>(std::rint(n.fraction * static_cast<double>(m)));
  }
}

// Parses "[+|-]digits[.digits]" or "[+|-].digits" at the front of *s. False if no number.
bool ReadNumber(std::string_view* s, Number* n, bool* overflow) {
  std::string_view in = *s;
  bool negative = false;
  if (!in.empty() && (in[0] == '+' || in[0] == '-')) {
    negative = in[0] == '-';
    in.remove_prefix(1);
  }
  size_t i = 0;
  __int128 whole = 0;
  for (; i < in.size() && IsDigit(in[i]); ++i) {
    whole = whole * 10 + (in[i] - '0');
    if (whole > std::numeric_limits<int64_t>::max()) {
      *overflow = true;
      whole = std::numeric_limits<int64_t>::max();
    }
  }
  const size_t int_digits = i;
  double fraction = 0;
  size_t frac_digits = 0;
  if (i < in.size() && in[i] == '.') {
    const size_t start = i;
    for (++i; i < in.size() && IsDigit(in[i]); ++i, ++frac_digits) {
    }
    fraction = ParseFraction(in.substr(start, i - start));
  }
  if (int_digits == 0 && frac_digits == 0) {
    return false;
  }
  n->whole = negative ? -static_cast<int64_t>(whole) : static_cast<int64_t>(whole);
  n->fraction = negative ? -fraction : fraction;
  s->remove_prefix(in.data() + i - s->data());
  return true;
}

// "[+|-]H+:MM[:SS[.fraction]]" (the whole token) into microseconds.
bool ParseTimeToken(std::string_view tok, __int128* micros) {
  bool negative = false;
  if (!tok.empty() && (tok[0] == '+' || tok[0] == '-')) {
    negative = tok[0] == '-';
    tok.remove_prefix(1);
  }
  int64_t fields[3] = {0, 0, 0};
  int nfields = 0;
  while (nfields < 3) {
    size_t i = 0;
    int64_t v = 0;
    for (; i < tok.size() && IsDigit(tok[i]) && i < 12; ++i) {
      v = v * 10 + (tok[i] - '0');
    }
    if (i == 0) {
      return false;
    }
    fields[nfields++] = v;
    tok.remove_prefix(i);
    if (tok.empty() || tok[0] != ':') {
      break;
    }
    tok.remove_prefix(1);
  }
  int64_t frac = 0;
  if (nfields == 3 && !tok.empty() && tok[0] == '.') {
    size_t i = 1;
    while (i < tok.size() && IsDigit(tok[i])) {
      ++i;
    }
    // PostgreSQL's ParseFractionalSecond: rint(fraction * 1e6), ties to even.
    frac = static_cast<int64_t>(std::rint(ParseFraction(tok.substr(0, i)) * kMicrosPerSecond));
    tok.remove_prefix(i);
  }
  if (!tok.empty() || nfields < 2 || fields[1] > 59 || fields[2] > 59) {
    return false;
  }
  const __int128 v = static_cast<__int128>(fields[0]) * kMicrosPerHour +
                     fields[1] * kMicrosPerMinute + fields[2] * kMicrosPerSecond + frac;
  *micros = negative ? -v : v;
  return true;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) {
      ++i;
    }
    const size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) {
      ++i;
    }
    if (i > start) {
      words.push_back(s.substr(start, i - start));
    }
  }
  return words;
}

bool MarkSeen(Accumulator* acc, unsigned bits) {
  if ((acc->seen & bits) != 0) {
    return false;
  }
  acc->seen |= bits;
  return true;
}

unsigned Bit(Unit u) { return 1u << static_cast<int>(u); }

// Appends ", <n> <unit>[s]" as PostgreSQL's AddPostgresIntPart.
void AddIntPart(std::string* out, int64_t value, std::string_view unit, bool* is_zero,
                bool* is_before) {
  if (value == 0) {
    return;
  }
  if (!*is_zero) {
    out->push_back(' ');
  }
  if (*is_before && value > 0) {
    out->push_back('+');
  }
  *out += std::to_string(value);
  out->push_back(' ');
  *out += unit;
  if (value != 1) {
    out->push_back('s');
  }
  *is_before = value < 0;
  *is_zero = false;
}

}  // namespace

Result<Interval> ParseInterval(std::string_view text) {
  std::vector<std::string_view> words = SplitWords(text);
  if (!words.empty() && words.front() == "@") {
    words.erase(words.begin());
  }
  bool ago = false;
  if (!words.empty() && EqualsIgnoreCase(words.back(), "ago")) {
    ago = true;
    words.pop_back();
  }
  if (words.empty()) {
    return BadSyntax(text);
  }
  Accumulator acc;
  bool overflow = false;
  const unsigned time_bits = Bit(Unit::kHour) | Bit(Unit::kMinute) | Bit(Unit::kSecond);
  for (size_t w = 0; w < words.size(); ++w) {
    std::string_view word = words[w];
    if (word.find(':') != std::string_view::npos) {
      __int128 micros;
      if (!ParseTimeToken(word, &micros) || !MarkSeen(&acc, time_bits)) {
        return BadSyntax(text);
      }
      acc.micros += micros;
      continue;
    }
    Number n;
    if (!ReadNumber(&word, &n, &overflow)) {
      return BadSyntax(text);
    }
    Unit unit;
    if (word.empty()) {
      if (w + 1 < words.size() && words[w + 1].find(':') != std::string_view::npos) {
        unit = Unit::kDay;  // "1 02:00:00": a number before a time is days
      } else if (w + 1 < words.size()) {
        word = words[++w];
        if (!LookupUnit(word, &unit)) {
          return BadSyntax(text);
        }
      } else {
        unit = Unit::kSecond;  // a trailing bare number is seconds
      }
    } else if (!LookupUnit(word, &unit)) {
      return BadSyntax(text);
    }
    if (!MarkSeen(&acc, Bit(unit))) {
      return BadSyntax(text);
    }
    AddUnit(&acc, n, unit);
  }
  if (ago) {
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
  }
  if (overflow || acc.months < std::numeric_limits<int32_t>::min() ||
      acc.months > std::numeric_limits<int32_t>::max() ||
      acc.days < std::numeric_limits<int32_t>::min() ||
      acc.days > std::numeric_limits<int32_t>::max() ||
      acc.micros < std::numeric_limits<int64_t>::min() ||
      acc.micros > std::numeric_limits<int64_t>::max()) {
    return FieldOverflow(text);
  }
  Interval v;
  v.months = static_cast<int32_t>(acc.months);
  v.days = static_cast<int32_t>(acc.days);
  v.microseconds = static_cast<int64_t>(acc.micros);
  return v;
}

std::string FormatInterval(const Interval& v) {
  std::string out;
  bool is_zero = true;
  bool is_before = false;
  AddIntPart(&out, v.months / 12, "year", &is_zero, &is_before);
  AddIntPart(&out, v.months % 12, "mon", &is_zero, &is_before);
  AddIntPart(&out, v.days, "day", &is_zero, &is_before);
  int64_t time = v.microseconds;
  const int64_t hour = time / kMicrosPerHour;
  time -= hour * kMicrosPerHour;
  const int64_t min = time / kMicrosPerMinute;
  time -= min * kMicrosPerMinute;
  const int64_t sec = time / kMicrosPerSecond;
  const int64_t fsec = time - sec * kMicrosPerSecond;
  if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
    const bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
    if (!is_zero) {
      out.push_back(' ');
    }
    if (minus) {
      out.push_back('-');
    } else if (is_before) {
      out.push_back('+');
    }
    // |hour| fits: |int64 micros| / 3.6e9 is far below 2^63.
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%02llu:%02lld:%02lld",
                  static_cast<unsigned long long>(hour < 0 ? -hour : hour),
                  static_cast<long long>(std::llabs(min)), static_cast<long long>(std::llabs(sec)));
    out += buf;
    if (fsec != 0) {
      std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(std::llabs(fsec)));
      std::string f = buf;
      f.erase(f.find_last_not_of('0') + 1);
      out += f;
    }
  }
  return out;
}

__int128 IntervalSpan(const Interval& v) {
  return (static_cast<__int128>(v.months) * 30 + v.days) * kMicrosPerDay + v.microseconds;
}

}  // namespace blockdb::sql
