// Casts, operators, comparisons, extract and date_trunc against PostgreSQL 15. Every row holds
// the operands and what PostgreSQL 15 printed for them (a value, "value|result type", "t|f|f" for
// <, =, >, or "ERROR <sqlstate>"), captured from a PostgreSQL 15 server with TimeZone UTC.
#include <doctest/doctest.h>

#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/operators.h"
#include "sql/types_test_util.h"

namespace blockdb::sql {
namespace {

using testing::Outcome;
using testing::TypeOf;
using testing::ValueOf;

struct CastCase {
  const char* from;
  const char* input;
  const char* to;
  const char* expected;
};

// SELECT '<input>'::<from>::<to>
constexpr CastCase kCastCases[] = {
    {"double precision", "1.5", "integer", "2"},
    {"double precision", "2.5", "integer", "2"},
    {"double precision", "-2.5", "integer", "-2"},
    {"double precision", "0.5", "smallint", "0"},
    {"double precision", "2147483647.4", "integer", "2147483647"},
    {"double precision", "2147483647.5", "integer", "ERROR 22003"},
    {"double precision", "NaN", "integer", "ERROR 22003"},
    {"double precision", "Infinity", "bigint", "ERROR 22003"},
    {"double precision", "9223372036854775807", "bigint", "ERROR 22003"},
    {"double precision", "-9223372036854775808", "bigint", "-9223372036854775808"},
    {"double precision", "32767.5", "smallint", "ERROR 22003"},
    {"numeric", "2.5", "integer", "3"},
    {"numeric", "-2.5", "integer", "-3"},
    {"numeric", "NaN", "integer", "ERROR 0A000"},
    {"numeric", "Infinity", "integer", "ERROR 0A000"},
    {"numeric", "NaN", "bigint", "ERROR 0A000"},
    {"numeric", "-Infinity", "smallint", "ERROR 0A000"},
    {"numeric", "32767.49", "smallint", "32767"},
    {"numeric", "32767.5", "smallint", "ERROR 22003"},
    {"numeric", "9223372036854775807.4", "bigint", "9223372036854775807"},
    {"numeric", "9223372036854775807.5", "bigint", "ERROR 22003"},
    {"double precision", "0.1", "numeric", "0.1"},
    {"double precision", "0.30000000000000004", "numeric", "0.3"},
    {"double precision", "1e20", "numeric", "100000000000000000000"},
    {"double precision", "1.5e-7", "numeric", "0.00000015"},
    {"double precision", "NaN", "numeric", "NaN"},
    {"double precision", "-Infinity", "numeric", "-Infinity"},
    {"double precision", "123456789012345678", "numeric", "123456789012346000"},
    {"real", "1.23456789", "numeric", "1.23457"},
    {"real", "0.1", "numeric", "0.1"},
    {"real", "1e30", "numeric", "1000000000000000000000000000000"},
    {"double precision", "3e38", "real", "3e+38"},
    {"double precision", "3e39", "real", "ERROR 22003"},
    {"double precision", "1e-46", "real", "ERROR 22003"},
    {"double precision", "0.1", "real", "0.1"},
    {"real", "0.1", "double precision", "0.10000000149011612"},
    {"numeric", "1e400", "double precision", "ERROR 22003"},
    {"numeric", "0.1", "double precision", "0.1"},
    {"numeric", "1e39", "real", "ERROR 22003"},
    {"numeric", "123.456", "numeric(5,2)", "123.46"},
    {"numeric", "1234.5", "numeric(5,2)", "ERROR 22003"},
    {"integer", "32768", "smallint", "ERROR 22003"},
    {"bigint", "2147483648", "integer", "ERROR 22003"},
    {"integer", "5", "numeric(3,1)", "5.0"},
    {"integer", "100", "numeric(3,1)", "ERROR 22003"},
    {"bigint", "9007199254740993", "double precision", "9.007199254740992e+15"},
    {"bigint", "16777217", "real", "1.6777216e+07"},
    {"integer", "0", "boolean", "f"},
    {"integer", "-7", "boolean", "t"},
    {"boolean", "true", "integer", "1"},
    {"boolean", "false", "text", "false"},
    {"boolean", "true", "character varying(2)", "tr"},
    {"text", "abcdef", "character varying(3)", "abc"},
    {"character varying", "héllo", "character varying(2)", "hé"},
    {"integer", "12345", "character varying(3)", "123"},
    {"numeric", "1.50", "text", "1.50"},
    {"text", "2024-01-02", "date", "2024-01-02"},
    {"text", " 42 ", "integer", "42"},
    {"text", "4x", "integer", "ERROR 22P02"},
    {"text", "yes", "boolean", "t"},
    {"text", "\\x6869", "bytea", "\\x6869"},
    {"bytea", "\\x6869", "text", "\\x6869"},
    {"date", "2024-05-17", "timestamp without time zone", "2024-05-17 00:00:00"},
    {"date", "2024-05-17", "timestamp with time zone", "2024-05-17 00:00:00+00"},
    {"date", "infinity", "timestamp without time zone", "infinity"},
    {"timestamp without time zone", "2024-05-17 23:59:59.999999", "date", "2024-05-17"},
    {"timestamp without time zone", "0044-03-15 12:00 BC", "date", "0044-03-15 BC"},
    {"timestamp with time zone", "2024-05-17 10:00+00", "timestamp without time zone",
     "2024-05-17 10:00:00"},
    {"timestamp without time zone", "2024-05-17 10:00", "timestamp with time zone",
     "2024-05-17 10:00:00+00"},
    {"timestamp with time zone", "-infinity", "date", "-infinity"},
    {"date", "5874897-12-31", "timestamp without time zone", "ERROR 22008"},
    {"json", "{\"b\":1,\"a\":2}", "jsonb", "{\"a\": 2, \"b\": 1}"},
    {"jsonb", "{\"b\":1,\"a\":2}", "json", "{\"a\": 2, \"b\": 1}"},
    {"jsonb", "{\"b\":1,\"a\":2}", "text", "{\"a\": 2, \"b\": 1}"},
    {"uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "text",
     "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"interval", "1 day 02:00", "text", "1 day 02:00:00"},
    {"timestamp with time zone", "2024-01-02 03:04:05+00", "text", "2024-01-02 03:04:05+00"},
    {"double precision", "1e20", "text", "1e+20"},
    {"real", "0.1", "text", "0.1"},
    {"text", "1 day", "interval", "1 day"},
    {"text", "{\"x\": [1, 2]}", "jsonb", "{\"x\": [1, 2]}"},
    {"text", "a0eebc999c0b4ef8bb6d6bb9bd380a11", "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"jsonb", "1", "integer", "1"},
    {"jsonb", "1.5", "integer", "2"},
    {"jsonb", "2.50", "numeric", "2.50"},
    {"jsonb", "true", "boolean", "t"},
    {"jsonb", "1e2", "double precision", "100"},
    {"jsonb", "1.5", "real", "1.5"},
    {"jsonb", "99999", "smallint", "ERROR 22003"},
    {"jsonb", "1.5", "bigint", "2"},
    {"jsonb", "\"a\"", "integer", "ERROR 22023"},
    {"jsonb", "null", "integer", "ERROR 22023"},
    {"jsonb", "[1]", "numeric", "ERROR 22023"},
    {"jsonb", "{}", "boolean", "ERROR 22023"},
    {"jsonb", "1", "boolean", "ERROR 22023"},
    {"jsonb", "true", "integer", "ERROR 22023"},
    {"jsonb", "1e400", "double precision", "ERROR 22003"},
    {"jsonb", "12.345", "numeric(4,2)", "12.35"},

};

struct OpCase {
  const char* op;
  const char* left_type;
  const char* left;
  const char* right_type;
  const char* right;
  const char* expected;  // "value|pg_typeof" or "ERROR <sqlstate>"
};

// SELECT <left> <op> <right>, pg_typeof(<left> <op> <right>); "unknown" is a bare quoted literal.
constexpr OpCase kOpCases[] = {
    {"+", "integer", "2147483647", "integer", "1", "ERROR 22003"},
    {"-", "integer", "-2147483648", "integer", "1", "ERROR 22003"},
    {"*", "integer", "65536", "integer", "32768", "ERROR 22003"},
    {"/", "integer", "-2147483648", "integer", "-1", "ERROR 22003"},
    {"/", "integer", "1", "integer", "0", "ERROR 22012"},
    {"%", "integer", "7", "integer", "0", "ERROR 22012"},
    {"/", "bigint", "-9223372036854775808", "bigint", "-1", "ERROR 22003"},
    {"%", "bigint", "-9223372036854775808", "bigint", "-1", "0|bigint"},
    {"*", "bigint", "4611686018427387904", "bigint", "2", "ERROR 22003"},
    {"+", "smallint", "32767", "smallint", "1", "ERROR 22003"},
    {"+", "smallint", "2", "smallint", "3", "5|smallint"},
    {"*", "smallint", "-32768", "smallint", "-1", "ERROR 22003"},
    {"/", "integer", "-7", "integer", "2", "-3|integer"},
    {"%", "integer", "-7", "integer", "3", "-1|integer"},
    {"/", "integer", "7", "integer", "-2", "-3|integer"},
    {"%", "integer", "7", "integer", "-3", "1|integer"},
    {"+", "smallint", "1", "bigint", "2", "3|bigint"},
    {"*", "integer", "3", "bigint", "4000000000", "12000000000|bigint"},
    {"+", "numeric", "1.50", "numeric", "2.5", "4.00|numeric"},
    {"-", "numeric", "1.50", "numeric", "1.5", "0.00|numeric"},
    {"*", "numeric", "2", "numeric", "1.50", "3.00|numeric"},
    {"*", "numeric", "1.25", "numeric", "-0.02", "-0.0250|numeric"},
    {"/", "numeric", "1", "numeric", "3", "0.33333333333333333333|numeric"},
    {"/", "numeric", "10", "numeric", "4", "2.5000000000000000|numeric"},
    {"/", "numeric", "1.000", "numeric", "3", "0.33333333333333333333|numeric"},
    {"/", "numeric", "123456789", "numeric", "0.001", "123456789000.00000000|numeric"},
    {"/", "numeric", "0.0", "numeric", "7", "0.00000000000000000000|numeric"},
    {"/", "numeric", "1e-20", "numeric", "3", "0.0000000000000000000033333333333333333333|numeric"},
    {"/", "numeric", "99999", "numeric", "0.0001", "999990000.00000000|numeric"},
    {"/", "numeric", "1", "numeric", "7e10", "0.0000000000142857142857142857|numeric"},
    {"/", "numeric", "12345678901234567890", "numeric", "7", "1763668414462081127|numeric"},
    {"/", "numeric", "2", "numeric", "3", "0.66666666666666666667|numeric"},
    {"/", "numeric", "-2", "numeric", "3", "-0.66666666666666666667|numeric"},
    {"/", "numeric", "1", "numeric", "0", "ERROR 22012"},
    {"/", "numeric", "1e-1000", "numeric", "3",
     "0."
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000|numeric"},
    {"/", "numeric", "7", "numeric", "1e-1000",
     "700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000000000000000000000000000000000000000000000."
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000000|numeric"},
    {"%", "numeric", "1.5", "numeric", "0.7", "0.1|numeric"},
    {"%", "numeric", "-7.5", "numeric", "2", "-1.5|numeric"},
    {"%", "numeric", "7", "numeric", "0", "ERROR 22012"},
    {"+", "numeric", "NaN", "numeric", "1", "NaN|numeric"},
    {"+", "numeric", "Infinity", "numeric", "-Infinity", "NaN|numeric"},
    {"*", "numeric", "Infinity", "numeric", "0", "NaN|numeric"},
    {"/", "numeric", "Infinity", "numeric", "0", "ERROR 22012"},
    {"/", "numeric", "1", "numeric", "Infinity", "0|numeric"},
    {"%", "numeric", "Infinity", "numeric", "1", "NaN|numeric"},
    {"%", "numeric", "5", "numeric", "-Infinity", "5|numeric"},
    {"-", "numeric", "Infinity", "numeric", "Infinity", "NaN|numeric"},
    {"*", "numeric", "-Infinity", "numeric", "-2", "Infinity|numeric"},
    {"+", "integer", "1", "numeric", "0.5", "1.5|numeric"},
    {"*", "bigint", "3", "numeric", "1.1", "3.3|numeric"},
    {"/", "integer", "1", "numeric", "3", "0.33333333333333333333|numeric"},
    {"+", "double precision", "0.1", "double precision", "0.2",
     "0.30000000000000004|double precision"},
    {"*", "double precision", "1e300", "double precision", "1e300", "ERROR 22003"},
    {"*", "double precision", "1e-300", "double precision", "1e-300", "ERROR 22003"},
    {"/", "double precision", "1", "double precision", "0", "ERROR 22012"},
    {"/", "double precision", "0", "double precision", "0", "ERROR 22012"},
    {"/", "double precision", "NaN", "double precision", "0", "NaN|double precision"},
    {"+", "double precision", "Infinity", "double precision", "-Infinity", "NaN|double precision"},
    {"*", "double precision", "Infinity", "double precision", "0", "NaN|double precision"},
    {"/", "double precision", "1", "double precision", "Infinity", "0|double precision"},
    {"-", "double precision", "1e308", "double precision", "-1e308", "ERROR 22003"},
    {"+", "real", "0.1", "real", "0.2", "0.3|real"},
    {"*", "real", "1e30", "real", "1e30", "ERROR 22003"},
    {"*", "real", "1e-45", "real", "0.1", "ERROR 22003"},
    {"/", "real", "5", "real", "0", "ERROR 22012"},
    {"+", "real", "1.5", "integer", "1", "2.5|double precision"},
    {"+", "numeric", "0.1", "double precision", "0.2", "0.30000000000000004|double precision"},
    {"*", "smallint", "2", "real", "1.5", "3|double precision"},
    {"%", "double precision", "1.5", "double precision", "1", "ERROR 42883"},
    {"+", "real", "16777216", "real", "1", "1.6777216e+07|real"},
    {"+", "integer", "1", "unknown", "2", "3|integer"},
    {"+", "numeric", "1.5", "unknown", "2", "3.5|numeric"},
    {"+", "unknown", "1", "unknown", "2", "ERROR 42725"},
    {"+", "integer", "1", "unknown", "x", "ERROR 22P02"},
    {"+", "date", "2024-01-31", "interval", "1 month",
     "2024-02-29 00:00:00|timestamp without time zone"},
    {"+", "timestamp without time zone", "2024-02-29 12:00", "interval", "1 year",
     "2025-02-28 12:00:00|timestamp without time zone"},
    {"-", "date", "2024-03-01", "date", "2024-02-01", "29|integer"},
    {"+", "date", "2024-01-01", "integer", "5", "2024-01-06|date"},
    {"+", "integer", "5", "date", "2024-01-01", "2024-01-06|date"},
    {"-", "date", "2024-01-01", "integer", "1", "2023-12-31|date"},
    {"-", "timestamp without time zone", "2024-01-02 03:00", "timestamp without time zone",
     "2024-01-01", "1 day 03:00:00|interval"},
    {"-", "timestamp without time zone", "2024-01-01", "timestamp without time zone",
     "2024-01-02 03:00:00.5", "-1 days -03:00:00.5|interval"},
    {"+", "date", "2024-01-01", "interval", "1 hour",
     "2024-01-01 01:00:00|timestamp without time zone"},
    {"-", "date", "2024-01-01", "interval", "1 day",
     "2023-12-31 00:00:00|timestamp without time zone"},
    {"+", "date", "2024-01-01", "bigint", "1", "ERROR 42883"},
    {"+", "timestamp with time zone", "2024-01-31 10:00+00", "interval", "1 mon 1 day 1 hour",
     "2024-03-01 11:00:00+00|timestamp with time zone"},
    {"-", "timestamp with time zone", "2024-03-31 10:00+00", "interval", "1 mon",
     "2024-02-29 10:00:00+00|timestamp with time zone"},
    {"+", "interval", "1 day", "timestamp without time zone", "2024-01-01",
     "2024-01-02 00:00:00|timestamp without time zone"},
    {"-", "timestamp with time zone", "2024-01-02 00:00+00", "timestamp with time zone",
     "2024-01-01 12:00+00", "12:00:00|interval"},
    {"-", "date", "2024-01-02", "timestamp without time zone", "2024-01-01 12:00",
     "12:00:00|interval"},
    {"+", "interval", "1 day 02:00", "interval", "-3 hours", "1 day -01:00:00|interval"},
    {"-", "interval", "1 mon", "interval", "1 day", "1 mon -1 days|interval"},
    {"+", "timestamp without time zone", "infinity", "interval", "1 day",
     "infinity|timestamp without time zone"},
    {"-", "timestamp without time zone", "infinity", "timestamp without time zone", "2024-01-01",
     "ERROR 22008"},
    {"-", "date", "infinity", "date", "2024-01-01", "ERROR 22008"},
    {"+", "date", "5874897-12-31", "integer", "1", "ERROR 22008"},
    {"+", "timestamp without time zone", "294276-12-31 23:59:59", "interval", "1 day",
     "ERROR 22008"},
    {"+", "interval", "2147483647 days", "interval", "1 day", "ERROR 22008"},
    {"-", "timestamp without time zone", "2024-03-31", "interval", "1 mon",
     "2024-02-29 00:00:00|timestamp without time zone"},
    {"-", "timestamp without time zone", "2000-01-01", "timestamp without time zone",
     "1900-01-01 00:00:00.000001", "36523 days 23:59:59.999999|interval"},
    {"+", "timestamp without time zone", "2023-01-31 12:00", "interval", "-1 mon -1 day",
     "2022-12-30 12:00:00|timestamp without time zone"},
    {"+", "date", "0001-03-01 BC", "interval", "-1 day",
     "0001-02-29 00:00:00 BC|timestamp without time zone"},
    {"*", "interval", "1 mon 2 days 03:00", "double precision", "1.5",
     "1 mon 18 days 04:30:00|interval"},
    {"*", "interval", "1 mon", "integer", "3", "3 mons|interval"},
    {"*", "numeric", "0.5", "interval", "1 year 1 day", "6 mons 12:00:00|interval"},
    {"/", "interval", "1 day", "integer", "3", "08:00:00|interval"},
    {"/", "interval", "1 mon", "double precision", "7", "4 days 06:51:25.6896|interval"},
    {"/", "interval", "1 day", "integer", "0", "ERROR 22012"},
    {"*", "interval", "-1 mon -1 hour", "double precision", "0.3333",
     "-9 days -24:18:33.48|interval"},
    {"*", "interval", "2147483647 days", "integer", "2", "ERROR 22008"},
    {"*", "interval", "1 day", "text", "2", "ERROR 42883"},
    {"||", "text", "abc", "text", "def", "abcdef|text"},
    {"||", "integer", "1", "unknown", "a", "1a|text"},
    {"||", "unknown", "a", "numeric", "1.50", "a1.50|text"},
    {"||", "bytea", "\\x01", "bytea", "\\x02", "\\x0102|bytea"},
    {"||", "text", "a", "integer", "1", "a1|text"},
    {"||", "integer", "1", "integer", "2", "ERROR 42883"},
    {"||", "date", "2024-01-01", "text", "!", "2024-01-01!|text"},

};

struct CompareCase {
  const char* left_type;
  const char* left;
  const char* right_type;
  const char* right;
  const char* expected;  // "<|=|>" as t/f, or "ERROR <sqlstate>"
};

// SELECT <left> < <right>, <left> = <right>, <left> > <right>
constexpr CompareCase kCompareCases[] = {
    {"integer", "1", "bigint", "1", "f|t|f"},
    {"integer", "1", "numeric", "1.0", "f|t|f"},
    {"numeric", "1.0", "numeric", "1.00", "f|t|f"},
    {"bigint", "9007199254740993", "double precision", "9007199254740992", "f|t|f"},
    {"integer", "16777217", "real", "16777216", "f|f|t"},
    {"numeric", "0.1", "double precision", "0.1", "f|t|f"},
    {"double precision", "NaN", "double precision", "Infinity", "f|f|t"},
    {"double precision", "NaN", "double precision", "NaN", "f|t|f"},
    {"double precision", "-0", "double precision", "0", "f|t|f"},
    {"real", "NaN", "double precision", "NaN", "f|t|f"},
    {"numeric", "NaN", "numeric", "Infinity", "f|f|t"},
    {"numeric", "-Infinity", "numeric", "-1e100", "t|f|f"},
    {"numeric", "-1.5", "numeric", "-1", "t|f|f"},
    {"numeric", "0.00001", "numeric", "0", "f|f|t"},
    {"smallint", "-32768", "bigint", "-32768", "f|t|f"},
    {"text", "B", "text", "a", "t|f|f"},
    {"text", "a", "text", "a ", "t|f|f"},
    {"text", "", "text", "a", "t|f|f"},
    {"text", "abc", "character varying", "abc", "f|t|f"},
    {"character varying", "ab", "text", "abc", "t|f|f"},
    {"text", "é", "text", "z", "f|f|t"},
    {"bytea", "\\x00", "bytea", "\\x", "f|f|t"},
    {"bytea", "\\xff", "bytea", "\\x0100", "f|f|t"},
    {"date", "2024-01-01", "timestamp without time zone", "2024-01-01 00:00", "f|t|f"},
    {"date", "2024-01-01", "timestamp without time zone", "2024-01-01 00:00:00.000001", "t|f|f"},
    {"timestamp without time zone", "2024-01-01 10:00", "timestamp with time zone",
     "2024-01-01 10:00+00", "f|t|f"},
    {"date", "infinity", "timestamp without time zone", "infinity", "f|t|f"},
    {"date", "-infinity", "timestamp with time zone", "2024-01-01 00:00+00", "t|f|f"},
    {"interval", "1 mon", "interval", "30 days", "f|t|f"},
    {"interval", "1 day", "interval", "24 hours", "f|t|f"},
    {"interval", "1 year", "interval", "360 days", "f|t|f"},
    {"interval", "-1 day", "interval", "1 hour", "t|f|f"},
    {"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "uuid", "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
     "t|f|f"},
    {"boolean", "false", "boolean", "true", "t|f|f"},
    {"jsonb", "1.0", "jsonb", "1.00", "f|t|f"},
    {"jsonb", "[1]", "jsonb", "{}", "t|f|f"},
    {"jsonb", "null", "jsonb", "\"a\"", "t|f|f"},
    {"jsonb", "\"a\"", "jsonb", "1", "t|f|f"},
    {"jsonb", "1", "jsonb", "true", "t|f|f"},
    {"jsonb", "true", "jsonb", "[]", "f|f|t"},
    {"jsonb", "[1,2]", "jsonb", "[3]", "f|f|t"},
    {"jsonb", "{\"b\":1}", "jsonb", "{\"aa\":1}", "f|f|t"},
    {"jsonb", "[]", "jsonb", "null", "t|f|f"},
    {"jsonb", "[1]", "jsonb", "1", "f|f|t"},
    {"jsonb", "{\"a\":1,\"b\":2}", "jsonb", "{\"a\":1,\"c\":0}", "t|f|f"},
    {"jsonb", "\"ab\"", "jsonb", "\"b\"", "t|f|f"},
    {"jsonb", "{\"a\":[1]}", "jsonb", "{\"a\":{}}", "t|f|f"},
    {"jsonb", "[[1]]", "jsonb", "[1]", "f|f|t"},
    {"integer", "5", "unknown", "5", "f|t|f"},
    {"unknown", "2024-01-01", "date", "2024-01-02", "t|f|f"},
    {"unknown", "abc", "unknown", "abd", "t|f|f"},
    {"integer", "1", "unknown", "x", "ERROR 22P02"},
    {"integer", "1", "text", "1", "ERROR 42883"},
    {"date", "2024-01-01", "integer", "1", "ERROR 42883"},

};

struct FunctionCase {
  const char* function;  // "extract" or "date_trunc"
  const char* field;
  const char* type;
  const char* input;
  const char* expected;  // "" for NULL
};

// SELECT extract(<field> from '<input>'::<type>) / SELECT date_trunc('<field>', '<input>'::<type>)
constexpr FunctionCase kFunctionCases[] = {
    {"extract", "microseconds", "timestamp without time zone", "2024-01-02 03:04:05.12", "5120000"},
    {"extract", "microseconds", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "5120000"},
    {"extract", "milliseconds", "timestamp without time zone", "2024-01-02 03:04:05.12",
     "5120.000"},
    {"extract", "milliseconds", "timestamp with time zone", "2024-01-02 03:04:05.12+00",
     "5120.000"},
    {"extract", "second", "timestamp without time zone", "2024-01-02 03:04:05.12", "5.120000"},
    {"extract", "second", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "5.120000"},
    {"extract", "minute", "timestamp without time zone", "2024-01-02 03:04:05.12", "4"},
    {"extract", "minute", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "4"},
    {"extract", "hour", "timestamp without time zone", "2024-01-02 03:04:05.12", "3"},
    {"extract", "hour", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "3"},
    {"extract", "day", "timestamp without time zone", "2024-01-02 03:04:05.12", "2"},
    {"extract", "day", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "2"},
    {"extract", "week", "timestamp without time zone", "2024-01-02 03:04:05.12", "1"},
    {"extract", "week", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "1"},
    {"extract", "month", "timestamp without time zone", "2024-01-02 03:04:05.12", "1"},
    {"extract", "month", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "1"},
    {"extract", "quarter", "timestamp without time zone", "2024-01-02 03:04:05.12", "1"},
    {"extract", "quarter", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "1"},
    {"extract", "year", "timestamp without time zone", "2024-01-02 03:04:05.12", "2024"},
    {"extract", "year", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "2024"},
    {"extract", "decade", "timestamp without time zone", "2024-01-02 03:04:05.12", "202"},
    {"extract", "decade", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "202"},
    {"extract", "century", "timestamp without time zone", "2024-01-02 03:04:05.12", "21"},
    {"extract", "century", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "21"},
    {"extract", "millennium", "timestamp without time zone", "2024-01-02 03:04:05.12", "3"},
    {"extract", "millennium", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "3"},
    {"extract", "epoch", "timestamp without time zone", "2024-01-02 03:04:05.12",
     "1704164645.120000"},
    {"extract", "epoch", "timestamp with time zone", "2024-01-02 03:04:05.12+00",
     "1704164645.120000"},
    {"extract", "dow", "timestamp without time zone", "2024-01-02 03:04:05.12", "2"},
    {"extract", "dow", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "2"},
    {"extract", "isodow", "timestamp without time zone", "2024-01-02 03:04:05.12", "2"},
    {"extract", "isodow", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "2"},
    {"extract", "doy", "timestamp without time zone", "2024-01-02 03:04:05.12", "2"},
    {"extract", "doy", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "2"},
    {"extract", "isoyear", "timestamp without time zone", "2024-01-02 03:04:05.12", "2024"},
    {"extract", "isoyear", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "2024"},
    {"extract", "julian", "timestamp without time zone", "2024-01-02 03:04:05.12",
     "2460312.12783703703703703704"},
    {"extract", "julian", "timestamp with time zone", "2024-01-02 03:04:05.12+00",
     "2460312.12783703703703703704"},
    {"extract", "timezone", "timestamp without time zone", "2024-01-02 03:04:05.12", "ERROR 0A000"},
    {"extract", "timezone", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "0"},
    {"extract", "foo", "timestamp without time zone", "2024-01-02 03:04:05.12", "ERROR 22023"},
    {"extract", "foo", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "ERROR 22023"},
    {"extract", "MONTH", "timestamp without time zone", "2024-01-02 03:04:05.12", "1"},
    {"extract", "MONTH", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "1"},
    {"extract", "secs", "timestamp without time zone", "2024-01-02 03:04:05.12", "5.120000"},
    {"extract", "secs", "timestamp with time zone", "2024-01-02 03:04:05.12+00", "5.120000"},
    {"extract", "day", "date", "2024-12-31", "31"},
    {"extract", "day", "date", "2021-01-01", "1"},
    {"extract", "day", "date", "0044-03-15 BC", "15"},
    {"extract", "day", "date", "0001-01-01 BC", "1"},
    {"extract", "day", "date", "infinity", ""},
    {"extract", "week", "date", "2024-12-31", "1"},
    {"extract", "week", "date", "2021-01-01", "53"},
    {"extract", "week", "date", "0044-03-15 BC", "11"},
    {"extract", "week", "date", "0001-01-01 BC", "52"},
    {"extract", "week", "date", "infinity", ""},
    {"extract", "year", "date", "2024-12-31", "2024"},
    {"extract", "year", "date", "2021-01-01", "2021"},
    {"extract", "year", "date", "0044-03-15 BC", "-44"},
    {"extract", "year", "date", "0001-01-01 BC", "-1"},
    {"extract", "year", "date", "infinity", "Infinity"},
    {"extract", "isoyear", "date", "2024-12-31", "2025"},
    {"extract", "isoyear", "date", "2021-01-01", "2020"},
    {"extract", "isoyear", "date", "0044-03-15 BC", "-44"},
    {"extract", "isoyear", "date", "0001-01-01 BC", "-2"},
    {"extract", "isoyear", "date", "infinity", "Infinity"},
    {"extract", "dow", "date", "2024-12-31", "2"},
    {"extract", "dow", "date", "2021-01-01", "5"},
    {"extract", "dow", "date", "0044-03-15 BC", "5"},
    {"extract", "dow", "date", "0001-01-01 BC", "6"},
    {"extract", "dow", "date", "infinity", ""},
    {"extract", "doy", "date", "2024-12-31", "366"},
    {"extract", "doy", "date", "2021-01-01", "1"},
    {"extract", "doy", "date", "0044-03-15 BC", "74"},
    {"extract", "doy", "date", "0001-01-01 BC", "1"},
    {"extract", "doy", "date", "infinity", ""},
    {"extract", "julian", "date", "2024-12-31", "2460676"},
    {"extract", "julian", "date", "2021-01-01", "2459216"},
    {"extract", "julian", "date", "0044-03-15 BC", "1705428"},
    {"extract", "julian", "date", "0001-01-01 BC", "1721060"},
    {"extract", "julian", "date", "infinity", "Infinity"},
    {"extract", "epoch", "date", "2024-12-31", "1735603200"},
    {"extract", "epoch", "date", "2021-01-01", "1609459200"},
    {"extract", "epoch", "date", "0044-03-15 BC", "-63517824000"},
    {"extract", "epoch", "date", "0001-01-01 BC", "-62167219200"},
    {"extract", "epoch", "date", "infinity", "Infinity"},
    {"extract", "century", "date", "2024-12-31", "21"},
    {"extract", "century", "date", "2021-01-01", "21"},
    {"extract", "century", "date", "0044-03-15 BC", "-1"},
    {"extract", "century", "date", "0001-01-01 BC", "-1"},
    {"extract", "century", "date", "infinity", "Infinity"},
    {"extract", "millennium", "date", "2024-12-31", "3"},
    {"extract", "millennium", "date", "2021-01-01", "3"},
    {"extract", "millennium", "date", "0044-03-15 BC", "-1"},
    {"extract", "millennium", "date", "0001-01-01 BC", "-1"},
    {"extract", "millennium", "date", "infinity", "Infinity"},
    {"extract", "decade", "date", "2024-12-31", "202"},
    {"extract", "decade", "date", "2021-01-01", "202"},
    {"extract", "decade", "date", "0044-03-15 BC", "-5"},
    {"extract", "decade", "date", "0001-01-01 BC", "0"},
    {"extract", "decade", "date", "infinity", "Infinity"},
    {"extract", "hour", "date", "2024-12-31", "ERROR 0A000"},
    {"extract", "hour", "date", "2021-01-01", "ERROR 0A000"},
    {"extract", "hour", "date", "0044-03-15 BC", "ERROR 0A000"},
    {"extract", "hour", "date", "0001-01-01 BC", "ERROR 0A000"},
    {"extract", "hour", "date", "infinity", "ERROR 0A000"},
    {"extract", "quarter", "date", "2024-12-31", "4"},
    {"extract", "quarter", "date", "2021-01-01", "1"},
    {"extract", "quarter", "date", "0044-03-15 BC", "1"},
    {"extract", "quarter", "date", "0001-01-01 BC", "1"},
    {"extract", "quarter", "date", "infinity", ""},
    {"extract", "epoch", "interval", "1 year 14 mons 40 days 100:01:02.5", "72115262.500000"},
    {"extract", "epoch", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-37015506.700000"},
    {"extract", "year", "interval", "1 year 14 mons 40 days 100:01:02.5", "2"},
    {"extract", "year", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-1"},
    {"extract", "month", "interval", "1 year 14 mons 40 days 100:01:02.5", "2"},
    {"extract", "month", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-2"},
    {"extract", "day", "interval", "1 year 14 mons 40 days 100:01:02.5", "40"},
    {"extract", "day", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-3"},
    {"extract", "hour", "interval", "1 year 14 mons 40 days 100:01:02.5", "100"},
    {"extract", "hour", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-4"},
    {"extract", "minute", "interval", "1 year 14 mons 40 days 100:01:02.5", "1"},
    {"extract", "minute", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-5"},
    {"extract", "second", "interval", "1 year 14 mons 40 days 100:01:02.5", "2.500000"},
    {"extract", "second", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-6.700000"},
    {"extract", "milliseconds", "interval", "1 year 14 mons 40 days 100:01:02.5", "2500.000"},
    {"extract", "milliseconds", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-6700.000"},
    {"extract", "microseconds", "interval", "1 year 14 mons 40 days 100:01:02.5", "2500000"},
    {"extract", "microseconds", "interval", "-1 year -2 mons -3 days -04:05:06.7", "-6700000"},
    {"extract", "quarter", "interval", "1 year 14 mons 40 days 100:01:02.5", "1"},
    {"extract", "quarter", "interval", "-1 year -2 mons -3 days -04:05:06.7", "1"},
    {"extract", "decade", "interval", "1 year 14 mons 40 days 100:01:02.5", "0"},
    {"extract", "decade", "interval", "-1 year -2 mons -3 days -04:05:06.7", "0"},
    {"extract", "century", "interval", "1 year 14 mons 40 days 100:01:02.5", "0"},
    {"extract", "century", "interval", "-1 year -2 mons -3 days -04:05:06.7", "0"},
    {"extract", "millennium", "interval", "1 year 14 mons 40 days 100:01:02.5", "0"},
    {"extract", "millennium", "interval", "-1 year -2 mons -3 days -04:05:06.7", "0"},
    {"extract", "dow", "interval", "1 year 14 mons 40 days 100:01:02.5", "ERROR 0A000"},
    {"extract", "dow", "interval", "-1 year -2 mons -3 days -04:05:06.7", "ERROR 0A000"},
    {"extract", "year", "timestamp without time zone", "infinity", "Infinity"},
    {"extract", "year", "timestamp without time zone", "-infinity", "-Infinity"},
    {"extract", "epoch", "timestamp without time zone", "infinity", "Infinity"},
    {"extract", "epoch", "timestamp without time zone", "-infinity", "-Infinity"},
    {"extract", "day", "timestamp without time zone", "infinity", ""},
    {"extract", "day", "timestamp without time zone", "-infinity", ""},
    {"extract", "julian", "timestamp without time zone", "infinity", "Infinity"},
    {"extract", "julian", "timestamp without time zone", "-infinity", "-Infinity"},
    {"extract", "month", "timestamp without time zone", "infinity", ""},
    {"extract", "month", "timestamp without time zone", "-infinity", ""},
    {"extract", "julian", "timestamp without time zone", "2024-01-02 12:00",
     "2460312.50000000000000000000"},
    {"extract", "second", "timestamp without time zone", "0001-01-01 00:00:07.5 BC", "7.500000"},
    {"date_trunc", "microseconds", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-17 10:11:12.123456"},
    {"date_trunc", "microseconds", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-17 10:11:12.123456+00"},
    {"date_trunc", "milliseconds", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-17 10:11:12.123"},
    {"date_trunc", "milliseconds", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-17 10:11:12.123+00"},
    {"date_trunc", "second", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-17 10:11:12"},
    {"date_trunc", "second", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-17 10:11:12+00"},
    {"date_trunc", "minute", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-17 10:11:00"},
    {"date_trunc", "minute", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-17 10:11:00+00"},
    {"date_trunc", "hour", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-17 10:00:00"},
    {"date_trunc", "hour", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-17 10:00:00+00"},
    {"date_trunc", "day", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-17 00:00:00"},
    {"date_trunc", "day", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-17 00:00:00+00"},
    {"date_trunc", "week", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-13 00:00:00"},
    {"date_trunc", "week", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-13 00:00:00+00"},
    {"date_trunc", "month", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-05-01 00:00:00"},
    {"date_trunc", "month", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-05-01 00:00:00+00"},
    {"date_trunc", "quarter", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-04-01 00:00:00"},
    {"date_trunc", "quarter", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-04-01 00:00:00+00"},
    {"date_trunc", "year", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2024-01-01 00:00:00"},
    {"date_trunc", "year", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2024-01-01 00:00:00+00"},
    {"date_trunc", "decade", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2020-01-01 00:00:00"},
    {"date_trunc", "decade", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2020-01-01 00:00:00+00"},
    {"date_trunc", "century", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2001-01-01 00:00:00"},
    {"date_trunc", "century", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2001-01-01 00:00:00+00"},
    {"date_trunc", "millennium", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "2001-01-01 00:00:00"},
    {"date_trunc", "millennium", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "2001-01-01 00:00:00+00"},
    {"date_trunc", "dow", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "ERROR 22023"},
    {"date_trunc", "dow", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "ERROR 22023"},
    {"date_trunc", "foo", "timestamp without time zone", "2024-05-17 10:11:12.123456",
     "ERROR 22023"},
    {"date_trunc", "foo", "timestamp with time zone", "2024-05-17 10:11:12.123456+00",
     "ERROR 22023"},
    {"date_trunc", "week", "date", "2024-05-17", "2024-05-13 00:00:00+00"},
    {"date_trunc", "month", "date", "2024-05-17", "2024-05-01 00:00:00+00"},
    {"date_trunc", "day", "date", "2024-05-17", "2024-05-17 00:00:00+00"},
    {"date_trunc", "year", "timestamp without time zone", "0044-03-15 12:00 BC",
     "0044-01-01 00:00:00 BC"},
    {"date_trunc", "year", "timestamp without time zone", "2021-01-01 12:00",
     "2021-01-01 00:00:00"},
    {"date_trunc", "year", "timestamp without time zone", "2000-06-01", "2000-01-01 00:00:00"},
    {"date_trunc", "decade", "timestamp without time zone", "0044-03-15 12:00 BC",
     "0051-01-01 00:00:00 BC"},
    {"date_trunc", "decade", "timestamp without time zone", "2021-01-01 12:00",
     "2020-01-01 00:00:00"},
    {"date_trunc", "decade", "timestamp without time zone", "2000-06-01", "2000-01-01 00:00:00"},
    {"date_trunc", "century", "timestamp without time zone", "0044-03-15 12:00 BC",
     "0100-01-01 00:00:00 BC"},
    {"date_trunc", "century", "timestamp without time zone", "2021-01-01 12:00",
     "2001-01-01 00:00:00"},
    {"date_trunc", "century", "timestamp without time zone", "2000-06-01", "1901-01-01 00:00:00"},
    {"date_trunc", "millennium", "timestamp without time zone", "0044-03-15 12:00 BC",
     "1000-01-01 00:00:00 BC"},
    {"date_trunc", "millennium", "timestamp without time zone", "2021-01-01 12:00",
     "2001-01-01 00:00:00"},
    {"date_trunc", "millennium", "timestamp without time zone", "2000-06-01",
     "1001-01-01 00:00:00"},
    {"date_trunc", "week", "timestamp without time zone", "0044-03-15 12:00 BC",
     "0044-03-11 00:00:00 BC"},
    {"date_trunc", "week", "timestamp without time zone", "2021-01-01 12:00",
     "2020-12-28 00:00:00"},
    {"date_trunc", "week", "timestamp without time zone", "2000-06-01", "2000-05-29 00:00:00"},
    {"date_trunc", "millennium", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1000 years"},
    {"date_trunc", "century", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1200 years"},
    {"date_trunc", "decade", "interval", "1234 years 11 mons 40 days 100:01:02.5678", "1230 years"},
    {"date_trunc", "year", "interval", "1234 years 11 mons 40 days 100:01:02.5678", "1234 years"},
    {"date_trunc", "quarter", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 9 mons"},
    {"date_trunc", "month", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 11 mons"},
    {"date_trunc", "day", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 11 mons 40 days"},
    {"date_trunc", "hour", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 11 mons 40 days 100:00:00"},
    {"date_trunc", "minute", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 11 mons 40 days 100:01:00"},
    {"date_trunc", "second", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 11 mons 40 days 100:01:02"},
    {"date_trunc", "milliseconds", "interval", "1234 years 11 mons 40 days 100:01:02.5678",
     "1234 years 11 mons 40 days 100:01:02.567"},
    {"date_trunc", "week", "interval", "1234 years 11 mons 40 days 100:01:02.5678", "ERROR 0A000"},
    {"date_trunc", "day", "timestamp without time zone", "infinity", "infinity"},

};

BinaryOp OpOf(std::string_view op) {
  if (op == "+") {
    return BinaryOp::kAdd;
  }
  if (op == "-") {
    return BinaryOp::kSub;
  }
  if (op == "*") {
    return BinaryOp::kMul;
  }
  if (op == "/") {
    return BinaryOp::kDiv;
  }
  if (op == "%") {
    return BinaryOp::kMod;
  }
  return BinaryOp::kConcat;
}

TEST_CASE("types: explicit casts match PostgreSQL 15") {
  for (const CastCase& c : kCastCases) {
    const std::string what = std::string(c.input) + "::" + c.from + "::" + c.to;
    CAPTURE(what);
    const Value v = ValueOf(c.from, c.input);
    CHECK(Outcome(CastValue(v, TypeOf(c.to), CastContext::kExplicit)) == std::string(c.expected));
  }
}

TEST_CASE("types: operators match PostgreSQL 15, result types included") {
  for (const OpCase& c : kOpCases) {
    const std::string what =
        std::string(c.left) + "::" + c.left_type + " " + c.op + " " + c.right + "::" + c.right_type;
    CAPTURE(what);
    Result<Value> r =
        EvalBinary(OpOf(c.op), ValueOf(c.left_type, c.left), ValueOf(c.right_type, c.right));
    std::string got = Outcome(r);
    if (r.ok()) {
      got += '|';
      got += TypeIdName(r->type());
    }
    CHECK(got == std::string(c.expected));
  }
}

TEST_CASE("types: comparisons match PostgreSQL 15") {
  for (const CompareCase& c : kCompareCases) {
    const std::string what =
        std::string(c.left) + "::" + c.left_type + " vs " + c.right + "::" + c.right_type;
    CAPTURE(what);
    Result<std::optional<int>> r =
        CompareValues(ValueOf(c.left_type, c.left), ValueOf(c.right_type, c.right));
    std::string got;
    if (!r.ok()) {
      got = "ERROR " + r.status().sqlstate();
    } else {
      REQUIRE(r->has_value());
      const int cmp = **r;
      got = std::string(cmp < 0 ? "t" : "f") + "|" + (cmp == 0 ? "t" : "f") + "|" +
            (cmp > 0 ? "t" : "f");
    }
    CHECK(got == std::string(c.expected));
  }
}

TEST_CASE("types: extract and date_trunc match PostgreSQL 15") {
  for (const FunctionCase& c : kFunctionCases) {
    const std::string what =
        std::string(c.function) + "(" + c.field + ", '" + c.input + "'::" + c.type + ")";
    CAPTURE(what);
    const Value v = ValueOf(c.type, c.input);
    const Result<Value> r = std::string_view(c.function) == "extract" ? EvalExtract(c.field, v)
                                                                      : EvalDateTrunc(c.field, v);
    CHECK(Outcome(r) == std::string(c.expected));
  }
}

}  // namespace
}  // namespace blockdb::sql
