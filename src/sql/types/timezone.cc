// The tz database comes from Howard Hinnant's date/tz library (the origin of C++20's
// std::chrono::tzdb, which g++ 12 lacks) built with USE_OS_TZDB: it reads the system's compiled
// zoneinfo files (Debian's tzdata package), so zones follow the OS's tzdata updates. Its headers
// stay in this file.
//
// The library reads only the transitions listed in the zoneinfo files (Debian's "fat" files list
// them up to 2037) and ignores their POSIX rule footer; beyond 2037 a zone whose offset still
// changes is extrapolated by calendar-identical years (ProxyShift), which matches PostgreSQL's
// rule for the yearly rules in use. "Slim" zoneinfo files (transitions only up to the last rule
// change) would lose later changes: tests/sql/timezone_types_test.cc checks summers up to 2050.
#include "sql/types/timezone.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>

#include "sql/types/datetime.h"
#include "sql/types/errors.h"

namespace blockdb::sql {
namespace {

// 1970-01-01 to 2000-01-01, in seconds: date/tz counts from the Unix epoch.
constexpr int64_t kUnixToPgEpochSeconds = kUnixToPgEpochDays * 86400;

thread_local const TimeZone* g_session_zone = nullptr;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Lowercased name -> zone, built once. Empty when the system has no readable tzdata. The
// "localtime" entry (the node's own zone) is left out: no result may depend on the node.
const std::map<std::string, const date::time_zone*>& ZonesByName() {
  static const auto* const zones = [] {
    auto* m = new std::map<std::string, const date::time_zone*>();
    try {
      for (const date::time_zone& z : date::get_tzdb().zones) {
        const std::string name(z.name());
        if (name == "localtime" || name == "posixrules" || name.rfind("posix/", 0) == 0 ||
            name.rfind("right/", 0) == 0) {
          continue;
        }
        m->emplace(Lower(name), &z);
      }
    } catch (const std::exception&) {
      // No tzdata: only UTC and fixed offsets are known.
    }
    return m;
  }();
  return *zones;
}

// [+-]hh[:mm[:ss]] at the start of *s (POSIX: positive is west); the seconds west.
bool ReadPosixOffset(std::string_view* s, int64_t* seconds_west) {
  int sign = 1;
  if (!s->empty() && (s->front() == '+' || s->front() == '-')) {
    sign = s->front() == '-' ? -1 : 1;
    s->remove_prefix(1);
  }
  int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (s->empty() || s->front() != ':') {
        break;
      }
      s->remove_prefix(1);
    }
    size_t n = 0;
    while (n < s->size() && n < 2 && std::isdigit(static_cast<unsigned char>((*s)[n]))) {
      parts[i] = parts[i] * 10 + ((*s)[n] - '0');
      ++n;
    }
    if (n == 0) {
      return false;
    }
    s->remove_prefix(n);
  }
  if (parts[0] > 24 || parts[1] > 59 || parts[2] > 59) {
    return false;
  }
  *seconds_west = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

// A POSIX TZ string without daylight-saving rules: an optional name (3+ letters, or <...>)
// and an offset. nullopt for anything else.
std::optional<int64_t> PosixFixedOffsetEast(std::string_view s) {
  if (!s.empty() && s.front() == '<') {
    const size_t close = s.find('>');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    s.remove_prefix(close + 1);
  } else {
    size_t letters = 0;
    while (letters < s.size() && std::isalpha(static_cast<unsigned char>(s[letters]))) {
      ++letters;
    }
    if (letters != 0 && letters < 3) {
      return std::nullopt;
    }
    s.remove_prefix(letters);
  }
  int64_t west = 0;
  if (s.empty() || !ReadPosixOffset(&s, &west) || !s.empty()) {
    return std::nullopt;
  }
  return -west;
}

// The zoneinfo files list transitions up to 2037 (Debian's are "fat"); date/tz reads only
// those, where PostgreSQL continues with the zone's rule. A zone that still changes offset in
// 2037 is taken to follow the same yearly rule afterwards: a later instant is looked up in a
// year with the same calendar (see ProxyShift).
constexpr int64_t kHorizonYear = 2037;
// 2038-01-01 00:00:00, microseconds since 2000-01-01.
constexpr int64_t kAfterHorizon = int64_t{13880} * kMicrosPerDay;

bool HasRulesAtHorizon(const date::time_zone* z) {
  const date::sys_seconds last{
      std::chrono::seconds{kAfterHorizon / kMicrosPerSecond - 1 + kUnixToPgEpochSeconds}};
  const date::sys_info info = z->get_info(last);
  return info.begin >= date::sys_days{date::year{kHorizonYear} / 1 / 1};
}

// Abbreviations from PostgreSQL's default timezone_abbreviations set, seconds east of UTC. They
// are fixed offsets: "CET" read as an abbreviation is +01 even in summer (the zone CET is not).
struct Abbreviation {
  const char* name;
  int32_t seconds_east;
};
constexpr Abbreviation kAbbreviations[] = {
    {"acdt", 37800},  {"acst", 34200},  {"adt", -10800}, {"aedt", 39600}, {"aest", 36000},
    {"akdt", -28800}, {"akst", -32400}, {"ast", -14400}, {"awst", 28800}, {"bst", 3600},
    {"cdt", -18000},  {"cest", 7200},   {"cet", 3600},   {"cst", -21600}, {"eat", 10800},
    {"edt", -14400},  {"eest", 10800},  {"eet", 7200},   {"est", -18000}, {"gmt", 0},
    {"hkt", 28800},   {"hst", -36000},  {"idt", 10800},  {"ist", 7200},   {"jst", 32400},
    {"kst", 32400},   {"mdt", -21600},  {"mest", 7200},  {"met", 3600},   {"mst", -25200},
    {"ndt", -9000},   {"nst", -12600},  {"nzdt", 46800}, {"nzst", 43200}, {"pdt", -25200},
    {"pst", -28800},  {"sast", 7200},   {"ut", 0},       {"utc", 0},      {"wat", 3600},
    {"wet", 0},       {"z", 0},         {"zulu", 0},
};

}  // namespace

Result<TimeZone> TimeZone::ForInput(std::string_view name) {
  const std::string key = Lower(name);
  for (const Abbreviation& a : kAbbreviations) {
    if (key == a.name) {
      TimeZone z;
      z.fixed_seconds_ = a.seconds_east;
      z.name_ = std::string(name);
      return z;
    }
  }
  return FromName(name);
}

// Microseconds to add to a time after the horizon to land on the same date, weekday and time
// in a year of 2009..2036 with the same weekday on January 1st and the same length, where the
// files list every transition: rules such as "last Sunday of March" give the same dates there.
int64_t TimeZone::ProxyShift(int64_t micros) {
  if (micros < kAfterHorizon) {
    return 0;
  }
  const int64_t year = CivilFromDays(micros / kMicrosPerDay).year;
  const int64_t jan1 = DaysFromCivil({year, 1, 1});
  for (int64_t y = 2009; y <= 2036; ++y) {
    const int64_t d = DaysFromCivil({y, 1, 1});
    if (IsLeapYear(y) == IsLeapYear(year) && (jan1 - d) % 7 == 0) {
      return (d - jan1) * kMicrosPerDay;
    }
  }
  return 0;  // not reached: every (weekday, length) pair occurs in any 28 consecutive years
}

Result<TimeZone> TimeZone::FromName(std::string_view name) {
  const std::string key = Lower(name);
  const auto& zones = ZonesByName();
  if (auto it = zones.find(key); it != zones.end()) {
    TimeZone z;
    z.zone_ = it->second;
    z.name_ = std::string(it->second->name());
    z.extrapolate_ = HasRulesAtHorizon(it->second);
    return z;
  }
  if (key == "utc" || key == "gmt" || key == "etc/utc") {  // even without tzdata
    TimeZone z;
    z.name_ = std::string(name);
    return z;
  }
  if (std::optional<int64_t> east = PosixFixedOffsetEast(name)) {
    TimeZone z;
    z.fixed_seconds_ = *east;
    z.name_ = std::string(name);
    return z;
  }
  return InvalidParameterValue("time zone \"" + std::string(name) + "\" not recognized");
}

TimeZone TimeZone::FixedOffset(int64_t seconds_east) {
  // PostgreSQL's pg_tzset_offset: "<+HH[:MM[:SS]]>-HH[:MM[:SS]]" (the POSIX sign is reversed).
  const int64_t abs = seconds_east < 0 ? -seconds_east : seconds_east;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld", static_cast<long long>(abs / 3600));
  std::string digits = buf;
  if (abs % 3600 != 0) {
    std::snprintf(buf, sizeof(buf), ":%02lld", static_cast<long long>(abs / 60 % 60));
    digits += buf;
    if (abs % 60 != 0) {
      std::snprintf(buf, sizeof(buf), ":%02lld", static_cast<long long>(abs % 60));
      digits += buf;
    }
  }
  TimeZone z;
  z.fixed_seconds_ = seconds_east;
  z.name_ = seconds_east < 0 ? "<-" + digits + ">+" + digits : "<+" + digits + ">-" + digits;
  return z;
}

int64_t TimeZone::OffsetAt(int64_t utc_micros) const {
  if (zone_ == nullptr) {
    return fixed_seconds_;
  }
  if (!IsFiniteTimestamp(utc_micros)) {
    return 0;
  }
  const int64_t shift = extrapolate_ ? ProxyShift(utc_micros) : 0;
  const auto* z = static_cast<const date::time_zone*>(zone_);
  const date::sys_seconds t{
      std::chrono::seconds{FloorDiv(utc_micros + shift, kMicrosPerSecond) + kUnixToPgEpochSeconds}};
  return z->get_info(t).offset.count();
}

int64_t TimeZone::ToLocal(int64_t utc_micros) const {
  if (!IsFiniteTimestamp(utc_micros)) {
    return utc_micros;
  }
  return utc_micros + OffsetAt(utc_micros) * kMicrosPerSecond;
}

int64_t TimeZone::ToUtc(int64_t local_micros) const {
  if (!IsFiniteTimestamp(local_micros)) {
    return local_micros;
  }
  if (zone_ == nullptr) {
    return local_micros - fixed_seconds_ * kMicrosPerSecond;
  }
  const int64_t shift = extrapolate_ ? ProxyShift(local_micros) : 0;
  const auto* z = static_cast<const date::time_zone*>(zone_);
  const date::local_seconds t{std::chrono::seconds{
      FloorDiv(local_micros + shift, kMicrosPerSecond) + kUnixToPgEpochSeconds}};
  const date::local_info info = z->get_info(t);
  int64_t offset = info.first.offset.count();
  if (info.result != date::local_info::unique) {
    // Nonexistent: first is the offset before the jump, second after; ambiguous: first is the
    // earlier (before) and second the later. PostgreSQL keeps the later instant in both cases.
    offset = std::min<int64_t>(offset, info.second.offset.count());
  }
  return local_micros - offset * kMicrosPerSecond;
}

std::string FormatUtcOffset(int64_t seconds_east) {
  const int64_t abs = seconds_east < 0 ? -seconds_east : seconds_east;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%c%02lld", seconds_east < 0 ? '-' : '+',
                static_cast<long long>(abs / 3600));
  std::string s = buf;
  if (abs % 3600 != 0) {
    std::snprintf(buf, sizeof(buf), ":%02lld", static_cast<long long>(abs / 60 % 60));
    s += buf;
    if (abs % 60 != 0) {
      std::snprintf(buf, sizeof(buf), ":%02lld", static_cast<long long>(abs % 60));
      s += buf;
    }
  }
  return s;
}

const TimeZone& SessionTimeZone() {
  static const TimeZone kUtc;
  return g_session_zone != nullptr ? *g_session_zone : kUtc;
}

ScopedSessionTimeZone::ScopedSessionTimeZone(const TimeZone* zone) : previous_(g_session_zone) {
  g_session_zone = zone;
}

ScopedSessionTimeZone::~ScopedSessionTimeZone() { g_session_zone = previous_; }

}  // namespace blockdb::sql
