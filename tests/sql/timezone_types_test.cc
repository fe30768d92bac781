// Time zones (sql/types/timezone.h): names, fixed offsets, PostgreSQL's rules at DST transitions,
// and timestamptz text in the session zone. Expected values were printed by PostgreSQL 15.
#include <doctest/doctest.h>

#include "sql/types/datetime.h"
#include "sql/types/timezone.h"

namespace blockdb::sql {
namespace {

// Microseconds since 2000-01-01 of a UTC wall-clock time.
int64_t Utc(const char* text) {
  TimeZone utc;
  ScopedSessionTimeZone scope(&utc);
  return ParseTimestamptz(std::string(text) + "+00").value();
}

int64_t Local(const char* text) { return ParseTimestamp(text).value(); }

TEST_CASE("timezone: names are found in any case and keep the tz database's spelling") {
  CHECK(TimeZone::FromName("europe/paris")->name() == "Europe/Paris");
  CHECK(TimeZone::FromName("UTC")->name() == "UTC");
  Result<TimeZone> bad = TimeZone::FromName("Nowhere/City");
  CHECK(bad.status().sqlstate() == "22023");
  CHECK(bad.status().message() == "time zone \"Nowhere/City\" not recognized");
  // The node's own zone is never a name a session can use.
  CHECK(!TimeZone::FromName("localtime").ok());
}

TEST_CASE("timezone: fixed offsets as PostgreSQL names and reads them") {
  CHECK(TimeZone::FixedOffset(7200).name() == "<+02>-02");
  CHECK(TimeZone::FixedOffset(-18000).name() == "<-05>+05");
  CHECK(TimeZone::FixedOffset(19800).name() == "<+05:30>-05:30");
  // POSIX strings count hours west: "+05" is UTC-5, "<+02>-02" is UTC+2.
  CHECK(TimeZone::FromName("+05")->OffsetAt(0) == -18000);
  CHECK(TimeZone::FromName("<+02>-02")->OffsetAt(0) == 7200);
  CHECK(FormatUtcOffset(7200) == "+02");
  CHECK(FormatUtcOffset(-19800) == "-05:30");
  CHECK(FormatUtcOffset(561) == "+00:09:21");
}

TEST_CASE("timezone: offsets follow the zone's transitions") {
  const TimeZone paris = TimeZone::FromName("Europe/Paris").value();
  CHECK(paris.OffsetAt(Utc("2024-01-17 10:00:00")) == 3600);
  CHECK(paris.OffsetAt(Utc("2024-05-17 10:00:00")) == 7200);
  CHECK(paris.OffsetAt(Utc("1850-01-01 00:00:00")) == 561);  // local mean time
  CHECK(paris.ToLocal(Utc("2024-05-17 10:00:00")) == Local("2024-05-17 12:00:00"));
}

TEST_CASE(
    "timezone: a skipped local time takes the offset before, a repeated one the offset after") {
  const TimeZone ny = TimeZone::FromName("America/New_York").value();
  // 2024-03-10 02:30 does not exist: read as EST (-05), it is 07:30 UTC (03:30 EDT).
  CHECK(ny.ToUtc(Local("2024-03-10 02:30:00")) == Utc("2024-03-10 07:30:00"));
  // 2024-11-03 01:30 happens twice: the second one, EST (-05), is 06:30 UTC.
  CHECK(ny.ToUtc(Local("2024-11-03 01:30:00")) == Utc("2024-11-03 06:30:00"));
  CHECK(ny.ToUtc(Local("2024-07-01 12:00:00")) == Utc("2024-07-01 16:00:00"));
}

TEST_CASE("timezone: beyond the files' 2037 horizon the yearly rule goes on") {
  const TimeZone paris = TimeZone::FromName("Europe/Paris").value();
  CHECK(paris.OffsetAt(Utc("2040-07-01 12:00:00")) == 7200);
  CHECK(paris.OffsetAt(Utc("2040-01-15 12:00:00")) == 3600);
  // 2050-03-27 is the last Sunday of March 2050: 01:00 UTC is the switch.
  CHECK(paris.OffsetAt(Utc("2050-03-27 00:59:59")) == 3600);
  CHECK(paris.OffsetAt(Utc("2050-03-27 01:00:00")) == 7200);
  const TimeZone ny = TimeZone::FromName("America/New_York").value();
  // 2050-03-13 is the second Sunday of March 2050: 02:30 does not exist.
  CHECK(ny.ToUtc(Local("2050-03-13 02:30:00")) == Utc("2050-03-13 07:30:00"));
  CHECK(ny.ToUtc(Local("2150-07-04 12:00:00")) == Utc("2150-07-04 16:00:00"));
  CHECK(TimeZone::FromName("Australia/Sydney")->OffsetAt(Utc("2045-01-10 00:00:00")) == 39600);
  // A zone without daylight saving keeps its offset.
  CHECK(TimeZone::FromName("Asia/Tokyo")->OffsetAt(Utc("2040-07-01 00:00:00")) == 32400);
  CHECK(paris.OffsetAt(Utc("294276-07-01 00:00:00")) == 7200);
}

TEST_CASE("timezone: timestamptz text uses the innermost session zone") {
  const int64_t t = Utc("2024-05-17 10:11:12");
  CHECK(FormatTimestamptz(t) == "2024-05-17 10:11:12+00");
  const TimeZone paris = TimeZone::FromName("Europe/Paris").value();
  TimeZone kolkata = TimeZone::FromName("Asia/Kolkata").value();
  {
    ScopedSessionTimeZone outer(&paris);
    CHECK(FormatTimestamptz(t) == "2024-05-17 12:11:12+02");
    CHECK(*ParseTimestamptz("2024-05-17 12:11:12") == t);
    {
      ScopedSessionTimeZone inner(&kolkata);
      CHECK(FormatTimestamptz(t) == "2024-05-17 15:41:12+05:30");
      // The zone is held by pointer: changing it in place (SET TimeZone) shows at once.
      kolkata = TimeZone::FixedOffset(-3600);
      CHECK(FormatTimestamptz(t) == "2024-05-17 09:11:12-01");
    }
    CHECK(FormatTimestamptz(t) == "2024-05-17 12:11:12+02");
  }
  CHECK(FormatTimestamptz(t) == "2024-05-17 10:11:12+00");
  CHECK(FormatTimestamptz(kTimestampPosInfinity) == "infinity");
}

}  // namespace
}  // namespace blockdb::sql
