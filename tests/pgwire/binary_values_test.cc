// Binary formats against bytes produced by PostgreSQL 15's *_send functions.
#include <doctest/doctest.h>

#include <cmath>

#include "pgwire/binary_values.h"
#include "pgwire/hex_util.h"
#include "pgwire/numeric.h"

namespace blockdb::pgwire {
namespace {

using testing::SpacedHex;
using testing::Unhex;

template <typename F>
std::string Hex(F f) {
  std::string out;
  f(&out);
  return SpacedHex(out);
}

TEST_CASE("binary: integers, floats, bool") {
  CHECK(Hex([](std::string* o) { EncodeInt2Binary(o, -2); }) == "ff fe");
  CHECK(Hex([](std::string* o) { EncodeInt4Binary(o, 0x01020304); }) == "01 02 03 04");
  CHECK(Hex([](std::string* o) { EncodeInt8Binary(o, -1); }) == "ff ff ff ff ff ff ff ff");
  CHECK(Hex([](std::string* o) { EncodeFloat8Binary(o, 1.5); }) == "3f f8 00 00 00 00 00 00");
  CHECK(Hex([](std::string* o) { EncodeFloat4Binary(o, -2.5f); }) == "c0 20 00 00");
  CHECK(Hex([](std::string* o) { EncodeBoolBinary(o, true); }) == "01");
  CHECK(*DecodeInt2Binary(Unhex("ff fe")) == -2);
  CHECK(*DecodeInt4Binary(Unhex("80 00 00 00")) == INT32_MIN);
  CHECK(*DecodeInt8Binary(Unhex("7f ff ff ff ff ff ff ff")) == INT64_MAX);
  CHECK(*DecodeFloat8Binary(Unhex("3f f8 00 00 00 00 00 00")) == 1.5);
  CHECK(*DecodeFloat4Binary(Unhex("c0 20 00 00")) == -2.5f);
  CHECK(std::isnan(*DecodeFloat8Binary(Unhex("7f f8 00 00 00 00 00 00"))));
  CHECK(*DecodeBoolBinary(Unhex("00")) == false);
  CHECK(*DecodeBoolBinary(Unhex("01")) == true);
  CHECK(*DecodeBoolBinary(Unhex("07")) == true);
}

TEST_CASE("binary: wrong lengths are 22P03") {
  CHECK(DecodeInt2Binary("").status().sqlstate() == "22P03");
  CHECK(DecodeInt4Binary("abc").status().sqlstate() == "22P03");
  CHECK(DecodeInt4Binary("abcde").status().sqlstate() == "22P03");
  CHECK(DecodeInt8Binary("abcd").status().sqlstate() == "22P03");
  CHECK(DecodeFloat4Binary("abcdefgh").status().sqlstate() == "22P03");
  CHECK(DecodeFloat8Binary("abcd").status().sqlstate() == "22P03");
  CHECK(DecodeBoolBinary("").status().sqlstate() == "22P03");
  CHECK(DecodeBoolBinary("\1\1").status().sqlstate() == "22P03");
  CHECK(DecodeDateBinary("abc").status().sqlstate() == "22P03");
  CHECK(DecodeTimestampBinary("abc").status().sqlstate() == "22P03");
  CHECK(DecodeIntervalBinary("abc").status().sqlstate() == "22P03");
  CHECK(DecodeUuidBinary(std::string(15, 'a')).status().sqlstate() == "22P03");
}

TEST_CASE("binary: date and timestamp") {
  // timestamp '2000-01-02 00:00:00' = 86400000000 microseconds.
  CHECK(Hex([](std::string* o) { EncodeTimestampBinary(o, 86400000000); }) ==
        "00 00 00 14 1d d7 60 00");
  CHECK(*DecodeTimestampBinary(Unhex("00 00 00 14 1d d7 60 00")) == 86400000000);
  // timestamp '1970-01-01 00:00:00.123456'
  CHECK(*DecodeTimestampBinary(Unhex("ff fc a2 fe c4 ca 02 40")) == -946684799876544);
  // date '1999-12-31' = -1; date '0044-03-15 BC' = -746117.
  CHECK(Hex([](std::string* o) { EncodeDateBinary(o, -1); }) == "ff ff ff ff");
  CHECK(*DecodeDateBinary(Unhex("ff f4 9d 7b")) == -746117);
  CHECK(*DecodeDateBinary(Unhex("7f ff ff ff")) == kDatePosInfinity);
  CHECK(*DecodeDateBinary(Unhex("80 00 00 00")) == kDateNegInfinity);
  CHECK(*DecodeTimestampBinary(Unhex("7f ff ff ff ff ff ff ff")) == kTimestampPosInfinity);
  CHECK(*DecodeTimestampBinary(Unhex("80 00 00 00 00 00 00 00")) == kTimestampNegInfinity);
}

TEST_CASE("binary: dates and timestamps outside PostgreSQL's range are 22008") {
  std::string s;
  EncodeDateBinary(&s, kEndDate);
  CHECK(DecodeDateBinary(s).status().sqlstate() == "22008");
  s.clear();
  EncodeDateBinary(&s, kEndDate - 1);
  CHECK(DecodeDateBinary(s).ok());
  s.clear();
  EncodeDateBinary(&s, kMinDate - 1);
  CHECK(DecodeDateBinary(s).status().sqlstate() == "22008");
  s.clear();
  EncodeTimestampBinary(&s, kEndTimestamp);
  CHECK(DecodeTimestampBinary(s).status().sqlstate() == "22008");
  s.clear();
  EncodeTimestampBinary(&s, kMinTimestamp);
  CHECK(DecodeTimestampBinary(s).ok());
  s.clear();
  EncodeTimestampBinary(&s, kMinTimestamp - 1);
  CHECK(DecodeTimestampBinary(s).status().sqlstate() == "22008");
}

TEST_CASE("binary: interval, uuid, jsonb, text") {
  // interval '1 mon 2 days 00:00:03'
  const Interval iv{3000000, 2, 1};
  CHECK(Hex([&](std::string* o) { EncodeIntervalBinary(o, iv); }) ==
        "00 00 00 00 00 2d c6 c0 00 00 00 02 00 00 00 01");
  CHECK(*DecodeIntervalBinary(Unhex("00 00 00 00 00 2d c6 c0 00 00 00 02 00 00 00 01")) == iv);
  const std::string uuid = Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11");
  CHECK(*DecodeUuidBinary(uuid) == uuid);
  CHECK(Hex([&](std::string* o) { EncodeUuidBinary(o, uuid); }) ==
        "a0 ee bc 99 9c 0b 4e f8 bb 6d 6b b9 bd 38 0a 11");
  // jsonb '{"a": 1}'
  CHECK(Hex([](std::string* o) { EncodeJsonbBinary(o, "{\"a\": 1}"); }) ==
        "01 7b 22 61 22 3a 20 31 7d");
  CHECK(*DecodeJsonbBinary(Unhex("01 7b 22 61 22 3a 20 31 7d")) == "{\"a\": 1}");
  CHECK(DecodeJsonbBinary("").status().sqlstate() == "22P03");
  CHECK(DecodeJsonbBinary("\x02{}").status().sqlstate() == "22P03");
  CHECK(*DecodeTextBinary("h\xc3\xa9llo") == "h\xc3\xa9llo");
  CHECK(DecodeTextBinary(std::string("a\0b", 3)).status().sqlstate() == "22021");
  CHECK(DecodeTextBinary("\xff").status().sqlstate() == "22021");
  std::string bytes;
  EncodeBytesBinary(&bytes, std::string("\0\xff", 2));
  CHECK(bytes == std::string("\0\xff", 2));
}

TEST_CASE("binary: UTF-8 validation") {
  CHECK(IsValidUtf8Text(""));
  CHECK(IsValidUtf8Text("ascii"));
  CHECK(IsValidUtf8Text("\xc2\x80"));                  // U+0080
  CHECK(IsValidUtf8Text("\xe2\x82\xac"));              // U+20AC
  CHECK(IsValidUtf8Text("\xf0\x9f\x98\x80"));          // U+1F600
  CHECK(IsValidUtf8Text("\xf4\x8f\xbf\xbf"));          // U+10FFFF
  CHECK_FALSE(IsValidUtf8Text(std::string(1, '\0')));  // NUL
  CHECK_FALSE(IsValidUtf8Text("\xc0\xaf"));            // overlong '/'
  CHECK_FALSE(IsValidUtf8Text("\xe0\x80\xaf"));        // overlong
  CHECK_FALSE(IsValidUtf8Text("\xed\xa0\x80"));        // surrogate U+D800
  CHECK_FALSE(IsValidUtf8Text("\xf4\x90\x80\x80"));    // above U+10FFFF
  CHECK_FALSE(IsValidUtf8Text("\xe2\x82"));            // truncated
  CHECK_FALSE(IsValidUtf8Text("\x80"));                // lone continuation
  CHECK_FALSE(IsValidUtf8Text("\xf8\x88\x80\x80\x80"));
}

// Each case: text in, PostgreSQL 15 numeric_send bytes, PostgreSQL's text out.
struct NumericCase {
  const char* in;
  const char* hex;
  const char* out;
};

TEST_CASE("numeric: text -> binary -> text against PostgreSQL 15") {
  const NumericCase cases[] = {
      {"12345.678", "0003000100000003000109291a7c", "12345.678"},
      {"0.00", "0000000000000002", "0.00"},
      {"-0.000", "0000000000000003", "0.000"},
      {"-0.0001", "0001ffff400000040001", "-0.0001"},
      {"100000000", "00010002000000000001", "100000000"},
      {"1e-20", "0001fffb000000140001", "0.00000000000000000001"},
      {"123.45e10", "000200030000000000010929", "1234500000000"},
      {"-1.5", "000200004000000100011388", "-1.5"},
      {"9999.9999", "0002000000000004270f270f", "9999.9999"},
      {"0.5", "0001ffff000000011388", "0.5"},
      {"  12.50e1 ", "0001000000000001007d", "125.0"},
      {"1234567.00000", "0002000100000005007b11d7", "1234567.00000"},
      {"NaN", "00000000c0000000", "NaN"},
      {"Infinity", "00000000d0000020", "Infinity"},
      {"-Infinity", "00000000f0000020", "-Infinity"},
      {"-inf", "00000000f0000020", "-Infinity"},
      {"+00042", "0001000000000000002a", "42"},
      {".5", "0001ffff000000011388", "0.5"},
      {"5.", "00010000000000000005", "5"},
  };
  for (const NumericCase& c : cases) {
    CAPTURE(c.in);
    auto n = ParseNumericText(c.in);
    REQUIRE_MESSAGE(n.ok(), n.status().ToString());
    std::string bytes;
    EncodeNumericBinary(&bytes, *n);
    CHECK(SpacedHex(bytes) == SpacedHex(Unhex(c.hex)));
    auto back = DecodeNumericBinary(bytes);
    REQUIRE(back.ok());
    CHECK(*back == *n);
    CHECK(FormatNumericText(*back) == c.out);
  }
}

TEST_CASE("numeric: malformed binary is 22P03, denormalised digits are accepted") {
  CHECK(DecodeNumericBinary("").status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("0001000000000000")).status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("ffff000000000000")).status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("0bb9000000000000")).status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("0000000012340000")).status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("000000000000c000")).status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("00010000000000002710")).status().sqlstate() == "22P03");
  CHECK(DecodeNumericBinary(Unhex("00010000000000000001ff")).status().sqlstate() == "22P03");
  auto n = DecodeNumericBinary(Unhex("0003000100000000 0000 0007 0000"));
  REQUIRE(n.ok());
  CHECK(n->weight == 0);
  CHECK(n->digits == std::vector<int16_t>{7});
  CHECK(FormatNumericText(*n) == "7");
  // weight -32768 with a leading zero digit: the stripped weight would not fit.
  CHECK(DecodeNumericBinary(Unhex("0002 8000 0000 0000 0000 0001")).status().sqlstate() == "22003");
  // Digits that dscale hides are truncated away, as PostgreSQL's numeric_recv does.
  auto hidden = DecodeNumericBinary(Unhex("0002 0000 4000 0001 0001 1388"));
  REQUIRE(hidden.ok());
  CHECK(FormatNumericText(*hidden) == "-1.5");
  auto truncated = DecodeNumericBinary(Unhex("0002 0000 0000 0000 0001 1388"));
  REQUIRE(truncated.ok());
  CHECK(FormatNumericText(*truncated) == "1");
  auto neg_zero = DecodeNumericBinary(Unhex("00010000400000010000"));
  REQUIRE(neg_zero.ok());
  CHECK(FormatNumericText(*neg_zero) == "0.0");
}

}  // namespace
}  // namespace blockdb::pgwire
