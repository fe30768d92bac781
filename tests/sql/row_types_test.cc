// Row encoding (docs/format/row.md): golden bytes of the worked example, round trips of every
// type, and Corruption for every malformed byte string.
#include <doctest/doctest.h>

#include <random>

#include "common/coding.h"
#include "sql/types/compare.h"
#include "sql/types/row_codec.h"
#include "sql/types_test_util.h"

namespace blockdb::sql {
namespace {

using testing::TypeOf;
using testing::ValueOf;

std::string Unhex(std::string_view hex) {
  std::string clean;
  for (const char c : hex) {
    if (c != ' ') {
      clean.push_back(c);
    }
  }
  return FromHex(clean).value();
}

// The worked example of docs/format/row.md.
struct Example {
  std::vector<Type> columns = {TypeOf("integer"),       TypeOf("text"),
                               TypeOf("numeric(10,2)"), TypeOf("boolean"),
                               TypeOf("date"),          TypeOf("timestamp with time zone")};
  std::vector<Value> values = {Value::Int4(42),
                               Value::Text("hi"),
                               ValueOf("numeric(10,2)", "12.5"),
                               Value::Null(TypeId::kBool),
                               ValueOf("date", "2024-02-29"),
                               ValueOf("timestamp with time zone", "2024-02-29 10:34:56.5+00")};
};

constexpr char kExampleHex[] =
    "03 06 08"                   // schema version 3, 6 columns, column 3 NULL
    "2a000000"                   // integer 42
    "02 6869"                    // text 'hi'
    "09 00 0200 0000 0c00 8813"  // numeric 12.50: positive, dscale 2, weight 0, 12 5000
    "79220000"                   // date 2024-02-29 = day 8825
    "20d5469481b50200";          // timestamptz 762518096500000 us

TEST_CASE("rows: golden bytes of the worked example") {
  const Example ex;
  std::string row;
  EncodeRow(3, ex.columns, ex.values, &row);
  CHECK(ToHex(row) == ToHex(Unhex(kExampleHex)));
  CHECK(*DecodeRowSchemaVersion(row) == 3);
  Result<std::vector<Value>> back = DecodeRow(row, ex.columns);
  REQUIRE(back.ok());
  REQUIRE(back->size() == ex.values.size());
  for (size_t i = 0; i < ex.values.size(); ++i) {
    CHECK((*back)[i] == ex.values[i]);
  }
  CHECK(FormatValue((*back)[2]) == "12.50");
}

TEST_CASE("rows: every type round-trips, with NULLs anywhere") {
  const std::vector<Type> columns = {TypeOf("boolean"),
                                     TypeOf("smallint"),
                                     TypeOf("integer"),
                                     TypeOf("bigint"),
                                     TypeOf("real"),
                                     TypeOf("double precision"),
                                     TypeOf("numeric"),
                                     TypeOf("text"),
                                     TypeOf("character varying(5)"),
                                     TypeOf("bytea"),
                                     TypeOf("date"),
                                     TypeOf("timestamp without time zone"),
                                     TypeOf("timestamp with time zone"),
                                     TypeOf("interval"),
                                     TypeOf("uuid"),
                                     TypeOf("jsonb"),
                                     TypeOf("json")};
  const std::vector<std::vector<std::string>> samples = {
      {"t", "f"},
      {"-32768", "32767", "0"},
      {"-2147483648", "7"},
      {"-9223372036854775808", "9223372036854775807"},
      {"-0", "NaN", "3.4e38", "1e-45"},
      {"-Infinity", "0.30000000000000004", "5e-324"},
      {"NaN", "-Infinity", "0", "0.000", "-123456789012345678901234567890.123456789"},
      {"", "héllo"},
      {"abcde", ""},
      {"\\x", "\\x00ff00"},
      {"infinity", "-infinity", "4714-11-24 BC", "5874897-12-31"},
      {"294276-12-31 23:59:59.999999", "-infinity", "2000-01-01"},
      {"1999-12-31 23:59:59.999999+00", "infinity"},
      {"-1 years -2 mons +3 days -04:05:06.789", "0"},
      {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
      {"{\"a\": [1, 2.50, null]}", "\"x\""},
      {" [1,  2] "}};
  std::mt19937 rng(5);
  for (int round = 0; round < 300; ++round) {
    std::vector<Value> values;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (rng() % 4 == 0) {
        values.push_back(Value::Null(columns[c].id()));
      } else {
        const auto& s = samples[c];
        values.push_back(ValueOf(columns[c].Name(), s[rng() % s.size()]));
      }
    }
    std::string row;
    EncodeRow(static_cast<uint32_t>(round), columns, values, &row);
    Result<std::vector<Value>> back = DecodeRow(row, columns);
    REQUIRE_MESSAGE(back.ok(), (back.status().ToString()));
    for (size_t c = 0; c < columns.size(); ++c) {
      CAPTURE(DebugString(values[c]));
      CHECK((*back)[c].type() == columns[c].id());
      CHECK((*back)[c].is_null() == values[c].is_null());
      if (!values[c].is_null()) {
        CHECK(FormatValue((*back)[c]) == FormatValue(values[c]));
        CHECK(CompareForSort((*back)[c], values[c]) == 0);
      }
    }
    CHECK(*DecodeRowSchemaVersion(row) == static_cast<uint32_t>(round));
  }
}

TEST_CASE("rows: malformed bytes are Corruption") {
  const Example ex;
  std::string row;
  EncodeRow(3, ex.columns, ex.values, &row);
  // Every truncation and every extension fails.
  for (size_t n = 0; n < row.size(); ++n) {
    CAPTURE(n);
    CHECK(DecodeRow(row.substr(0, n), ex.columns).status().IsCorruption());
  }
  CHECK(DecodeRow(row + "x", ex.columns).status().IsCorruption());
  // Wrong column count for the schema.
  CHECK(DecodeRow(row, std::span<const Type>(ex.columns).first(5)).status().IsCorruption());
  // Padding bits of the bitmap.
  std::string padded = row;
  padded[2] = static_cast<char>(padded[2] | 0x80);
  CHECK(DecodeRow(padded, ex.columns).status().IsCorruption());
  const auto decode_one = [](const Type& type, std::string_view payload) {
    std::string r = Unhex("01 01 00");
    r.append(payload);
    return DecodeRow(r, std::vector<Type>{type}).status();
  };
  CHECK(decode_one(TypeOf("boolean"), Unhex("02")).IsCorruption());
  CHECK(decode_one(TypeOf("text"), Unhex("01 ff")).IsCorruption());               // not UTF-8
  CHECK(decode_one(TypeOf("date"), Unhex("00000080")).IsCorruption() == false);   // -infinity
  CHECK(decode_one(TypeOf("date"), Unhex("01000080")).IsCorruption());            // out of range
  CHECK(decode_one(TypeOf("numeric"), Unhex("05 00 0000 0000")).ok());            // zero
  CHECK(decode_one(TypeOf("numeric"), Unhex("05 01 0000 0000")).IsCorruption());  // -0
  CHECK(decode_one(TypeOf("numeric"), Unhex("05 00 0000 0100")).IsCorruption());  // weight 1
  CHECK(decode_one(TypeOf("numeric"), Unhex("07 00 0000 0000 0000")).IsCorruption());  // zero digit
  CHECK(decode_one(TypeOf("numeric"), Unhex("07 00 0000 0000 1027")).IsCorruption());  // 10000
  CHECK(
      decode_one(TypeOf("numeric"), Unhex("07 00 0000 ffff 8813")).IsCorruption());  // 0.5 shown 0
  CHECK(decode_one(TypeOf("numeric"), Unhex("07 05 0000 0000 0100")).IsCorruption());  // bad kind
  CHECK(decode_one(TypeOf("numeric"), Unhex("02 02 00")).IsCorruption());    // NaN with payload
  CHECK(decode_one(TypeOf("numeric"), Unhex("07 00 0400 ffff 8813")).ok());  // 0.5000
}

}  // namespace
}  // namespace blockdb::sql
