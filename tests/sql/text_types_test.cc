// Text forms of date, timestamp, uuid, bytea, boolean and numeric, against PostgreSQL 15's output
// (the calendar and SQLSTATE details that the table-driven pg_io_types_test.cc does not spell out).
#include <doctest/doctest.h>

#include "common/coding.h"
#include "sql/types/datetime.h"
#include "sql/types/numeric.h"
#include "sql/types/scalar_text.h"

namespace blockdb::sql {
namespace {

std::string Unhex(std::string_view hex) { return FromHex(hex).value(); }

TEST_CASE("text: civil date conversion") {
  CHECK(DaysFromCivil({2000, 1, 1}) == 0);
  CHECK(DaysFromCivil({2024, 2, 29}) == 8825);
  CHECK(DaysFromCivil({1900, 3, 1}) == -36465);
  CHECK(DaysFromCivil({1999, 12, 31}) == -1);
  CHECK(DaysFromCivil({-4713, 11, 24}) == kMinDate);  // 4714-11-24 BC
  CHECK(DaysFromCivil({5874898, 1, 1}) == kEndDate);
  for (int64_t d = -800000; d < 800000; d += 997) {
    CHECK(DaysFromCivil(CivilFromDays(d)) == d);
  }
  CHECK(CivilFromDays(-746117) == CivilDate{-43, 3, 15});
}

TEST_CASE("text: dates") {
  CHECK(FormatDate(0) == "2000-01-01");
  CHECK(FormatDate(8825) == "2024-02-29");
  CHECK(FormatDate(-746117) == "0044-03-15 BC");
  CHECK(FormatDate(kDatePosInfinity) == "infinity");
  CHECK(FormatDate(kDateNegInfinity) == "-infinity");
  CHECK(FormatDate(kEndDate - 1) == "5874897-12-31");
  CHECK(*ParseDate("2024-02-29") == 8825);
  CHECK(*ParseDate(" 0044-03-15 BC ") == -746117);
  CHECK(*ParseDate("infinity") == kDatePosInfinity);
  CHECK(*ParseDate("-Infinity") == kDateNegInfinity);
  CHECK(*ParseDate("5874897-12-31") == kEndDate - 1);
  CHECK(*ParseDate("2024-1-1") == 8766);          // one-digit month and day
  CHECK(*ParseDate("124-01-01") == -685195);      // a three-digit year is a year
  CHECK(*ParseDate("1-01-01") == 366);            // M-D-YY (DateStyle MDY): 2001-01-01
  CHECK(*ParseDate("2024-01-01 12:00") == 8766);  // a time is read and ignored
  CHECK(*ParseDate("epoch") == -10957);
  // The other forms PostgreSQL 15 reads with DateStyle ISO, MDY.
  CHECK(*ParseDate("2024/01/01") == 8766);
  CHECK(*ParseDate("01/02/2024") == 8767);    // MDY
  CHECK(*ParseDate("20240101") == 8766);      // YYYYMMDD
  CHECK(*ParseDate("Jan 2, 2024") == 8767);
  CHECK(*ParseDate("2-January-2024") == 8767);
  CHECK(*ParseDate("2024-Jan-02") == 8767);
  for (const char* bad : {"", "2024/01-01", "2024-01-01x", "2024-001-01", "today", "Foo 2, 2024",
                          "Jan 2"}) {
    CAPTURE(bad);
    CHECK(ParseDate(bad).status().sqlstate() == "22007");
  }
  // Well-formed fields out of range are 22008, as in PostgreSQL.
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "24-01-01", "0000-01-01 BC"}) {
    CAPTURE(bad);
    CHECK(ParseDate(bad).status().sqlstate() == "22008");
  }
  CHECK(ParseDate("4714-11-23 BC").status().sqlstate() == "22008");
  CHECK(ParseDate("5874898-01-01").status().sqlstate() == "22008");
}

TEST_CASE("text: timestamps") {
  CHECK(FormatTimestamp(86400000000) == "2000-01-02 00:00:00");
  CHECK(FormatTimestamp(-946684799876544) == "1970-01-01 00:00:00.123456");
  CHECK(FormatTimestamp(500000) == "2000-01-01 00:00:00.5");
  CHECK(FormatTimestamp(-1) == "1999-12-31 23:59:59.999999");
  CHECK(FormatTimestamp(static_cast<int64_t>(0xff1fc63d1bb12000)) == "0001-01-01 00:00:00 BC");
  CHECK(FormatTimestamp(kTimestampPosInfinity) == "infinity");
  CHECK(FormatTimestamptz(762518096500000) == "2024-02-29 10:34:56.5+00");
  CHECK(FormatTimestamptz(kTimestampNegInfinity) == "-infinity");

  CHECK(*ParseTimestamp("2000-01-02 00:00:00") == 86400000000);
  CHECK(*ParseTimestamp("2000-01-02") == 86400000000);
  CHECK(*ParseTimestamp("2000-01-01 24:00:00") == 86400000000);
  CHECK(*ParseTimestamp("1970-01-01 00:00:00.123456") == -946684799876544);
  CHECK(*ParseTimestamp("2000-01-01T10:00:00.1234567") == 36000123457);  // rounded
  CHECK(*ParseTimestamp("2000-01-01 10:00") == 36000000000);
  CHECK(*ParseTimestamp("2000-01-01 10:00:00-05:30") == 36000000000);  // zone ignored
  CHECK(*ParseTimestamp("0001-01-01 00:00:00 BC") == static_cast<int64_t>(0xff1fc63d1bb12000));
  CHECK(*ParseTimestamptz("2024-02-29 12:34:56.5+02") == 762518096500000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00-05:30") == 55800000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00-0530") == 55800000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00Z") == 36000000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00") == 36000000000);
  CHECK(*ParseTimestamptz("infinity") == kTimestampPosInfinity);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00+1") == 32400000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00 +01") == 32400000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:00.") == 36000000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00 UTC") == 36000000000);
  CHECK(*ParseTimestamptz("2000-01-01 10:00 gmt") == 36000000000);
  CHECK(*ParseTimestamptz("2000-01-01 00:00:00.0000005") == 0);  // ties to even, as rint
  CHECK(*ParseTimestamptz("2000-01-01 00:00:00.0000015") == 2);
  CHECK(*ParseTimestamptz("2000-01-01 10:00:60") == 36060000000);  // a leap second rolls over
  CHECK(*ParseTimestamptz("2000-01-01 10:00 EST") == 54000000000);  // a tz database zone
  CHECK(*ParseTimestamptz("2000-01-01 10:00 Europe/Paris") == 32400000000);
  CHECK(ParseTimestamptz("2000-01-01 10:00 Nowhere/City").status().sqlstate() == "22023");
  for (const char* bad : {"", "2000-01-01 10", "2000-01-01 10:00:00+", "2000-01-01 10:00 E$T"}) {
    CAPTURE(bad);
    CHECK(ParseTimestamptz(bad).status().sqlstate() == "22007");
  }
  for (const char* bad :
       {"2000-01-01 25:00:00", "2000-01-01 24:00:01", "2000-01-01 10:60", "2000-01-01 10:00:61"}) {
    CAPTURE(bad);
    CHECK(ParseTimestamptz(bad).status().sqlstate() == "22008");
  }
  CHECK(ParseTimestamptz("2000-01-01 10:00:00+16").status().sqlstate() == "22009");
  CHECK(ParseTimestamp("294277-01-01 00:00:00").status().sqlstate() == "22008");
  CHECK(ParseTimestamp("294276-12-31 23:59:59.999999").ok());
}

TEST_CASE("text: uuid") {
  const std::string bytes = Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11");
  CHECK(FormatUuid(bytes) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  for (const char* ok :
       {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}"}) {
    CAPTURE(ok);
    auto r = ParseUuid(ok);
    REQUIRE(r.ok());
    CHECK(*r == bytes);
  }
  for (const char* bad :
       {"", "a0eebc99", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111", "-a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11-", "a0eebc99--9c0b4ef8bb6d6bb9bd380a11",
        "a0e-ebc999c0b4ef8bb6d6bb9bd380a11", "{a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "g0eebc999c0b4ef8bb6d6bb9bd380a11"}) {
    CAPTURE(bad);
    CHECK(ParseUuid(bad).status().sqlstate() == "22P02");
  }
}

TEST_CASE("text: bytea") {
  CHECK(FormatByteaHex(std::string("\0\xff", 2)) == "\\x00ff");
  CHECK(FormatByteaHex("") == "\\x");
  CHECK(*ParseBytea("\\x00ff") == std::string("\0\xff", 2));
  CHECK(*ParseBytea("\\x00 FF\n10") == std::string("\0\xff\x10", 3));
  CHECK(*ParseBytea("a\\\\b\\001") == "a\\b\x01");
  CHECK(*ParseBytea("plain") == "plain");
  for (const char* bad : {"\\", "a\\b", "\\400", "\\01"}) {
    CAPTURE(bad);
    CHECK(ParseBytea(bad).status().sqlstate() == "22P02");
  }
  // Bad hex digits are 22023 in PostgreSQL, unlike bad escapes.
  CHECK(ParseBytea("\\x0").status().sqlstate() == "22023");
  CHECK(ParseBytea("\\x0g").status().sqlstate() == "22023");
}

TEST_CASE("text: boolean") {
  CHECK(FormatBool(true) == "t");
  CHECK(FormatBool(false) == "f");
  for (const char* t : {"t", "true", "TRUE", "tr", "y", "yes", "on", "1", " True "}) {
    CAPTURE(t);
    CHECK(*ParseBool(t) == true);
  }
  for (const char* f : {"f", "false", "n", "no", "off", "of", "0", "FALSE"}) {
    CAPTURE(f);
    CHECK(*ParseBool(f) == false);
  }
  for (const char* bad : {"", "o", "truee", "2", "yess", "nope", "t r"}) {
    CAPTURE(bad);
    CHECK(ParseBool(bad).status().sqlstate() == "22P02");
  }
}

TEST_CASE("text: numeric in PostgreSQL's base-10000 form") {
  auto n = ParseNumericText("12345.678");
  REQUIRE(n.ok());
  CHECK(n->weight == 1);
  CHECK(n->dscale == 3);
  CHECK(n->digits == std::vector<int16_t>{1, 2345, 6780});
  CHECK_FALSE(n->negative);
}

TEST_CASE("text: bad numeric text is 22P02, too large is 22003") {
  for (const char* bad : {"", " ", "abc", "1.2.3", "--1", "+-1", "1e", "1e+", "1x", "e5", ".",
                          "+NaN", "1 2", "0x10"}) {
    CAPTURE(bad);
    CHECK(ParseNumericText(bad).status().sqlstate() == "22P02");
  }
  CHECK(ParseNumericText("1e1000").ok());
  CHECK(ParseNumericText("1e1001").ok());  // PostgreSQL limits the weight, not the exponent
  CHECK(ParseNumericText("1e131071").ok());
  CHECK(ParseNumericText("1e131072").status().sqlstate() == "22003");
  CHECK(ParseNumericText("1e-16383").ok());
  CHECK(ParseNumericText("1e-16384").status().sqlstate() == "22003");
  CHECK(ParseNumericText("1e9999999999").status().sqlstate() == "22003");
  CHECK(ParseNumericText("0e9999999").ok());
  CHECK(ParseNumericText("1" + std::string(200000, '0')).status().sqlstate() == "22003");
  CHECK(ParseNumericText("0." + std::string(20000, '1')).status().sqlstate() == "22003");
  CHECK(ParseNumericText(std::string(100000, '0') + "1").ok());
}

}  // namespace
}  // namespace blockdb::sql
