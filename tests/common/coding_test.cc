#include "common/coding.h"

#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <vector>

namespace blockdb {
namespace {

using namespace std::string_literals;

TEST_CASE("fixed-width integers are little-endian") {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  CHECK(s == "\x01\x02\x03\x04\x01\x02\x03\x04\x05\x06\x07\x08"s);
  std::string_view in = s;
  uint32_t a = 0;
  uint64_t b = 0;
  REQUIRE(GetFixed32(&in, &a));
  REQUIRE(GetFixed64(&in, &b));
  CHECK(a == 0x04030201u);
  CHECK(b == 0x0807060504030201ull);
  CHECK(in.empty());
  CHECK_FALSE(GetFixed32(&in, &a));
  std::string_view seven = std::string_view(s).substr(0, 7);
  CHECK_FALSE(GetFixed64(&seven, &b));
  CHECK(DecodeFixed32("\xff\xff\xff\xff") == 0xffffffffu);
}

TEST_CASE("varint golden bytes") {
  struct Case {
    uint64_t v;
    std::string bytes;
  };
  std::vector<Case> cases = {
      {0, "\x00"s},
      {1, "\x01"s},
      {127, "\x7f"s},
      {128, "\x80\x01"s},
      {300, "\xac\x02"s},
      {16383, "\xff\x7f"s},
      {16384, "\x80\x80\x01"s},
      {0xffffffffull, "\xff\xff\xff\xff\x0f"s},
      {std::numeric_limits<uint64_t>::max(), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s},
  };
  for (const Case& c : cases) {
    std::string s;
    PutVarint64(&s, c.v);
    CHECK(s == c.bytes);
    CHECK(VarintLength(c.v) == static_cast<int>(c.bytes.size()));
    std::string_view in = s;
    uint64_t got = 0;
    REQUIRE(GetVarint64(&in, &got));
    CHECK(got == c.v);
    CHECK(in.empty());
  }
}

TEST_CASE("varints round-trip across all lengths") {
  std::mt19937_64 rng(42);
  std::string s;
  std::vector<uint64_t> values;
  for (int bits = 0; bits <= 64; ++bits) {
    for (int i = 0; i < 8; ++i) {
      uint64_t v = bits == 0 ? 0 : (rng() >> (64 - bits)) | (uint64_t{1} << (bits - 1));
      values.push_back(v);
      PutVarint64(&s, v);
    }
  }
  const char* p = s.data();
  const char* limit = s.data() + s.size();
  for (uint64_t v : values) {
    uint64_t got = 0;
    p = DecodeVarint64(p, limit, &got);
    REQUIRE(p != nullptr);
    CHECK(got == v);
  }
  CHECK(p == limit);

  std::string s32;
  for (uint32_t v : {0u, 1u, 127u, 128u, 1u << 21, 0xffffffffu}) {
    s32.clear();
    PutVarint32(&s32, v);
    std::string_view in = s32;
    uint32_t got = 0;
    REQUIRE(GetVarint32(&in, &got));
    CHECK(got == v);
    CHECK(in.empty());
  }
}

TEST_CASE("varint decoders reject truncated, overlong and overflowing input") {
  auto bad64 = [](const std::string& bytes) {
    std::string_view in = bytes;
    uint64_t v = 0;
    bool get = GetVarint64(&in, &v);
    bool dec = DecodeVarint64(bytes.data(), bytes.data() + bytes.size(), &v) != nullptr;
    CHECK(get == dec);
    return !get;
  };
  auto bad32 = [](const std::string& bytes) {
    std::string_view in = bytes;
    uint32_t v = 0;
    bool get = GetVarint32(&in, &v);
    bool dec = DecodeVarint32(bytes.data(), bytes.data() + bytes.size(), &v) != nullptr;
    CHECK(get == dec);
    return !get;
  };
  CHECK(bad64(""));
  CHECK(bad64("\x80"s));
  CHECK(bad64("\xff\xff"s));
  // Non-minimal encodings of 0 and 1.
  CHECK(bad64("\x80\x00"s));
  CHECK(bad64("\x81\x80\x00"s));
  CHECK(bad32("\x80\x00"s));
  // Eleven bytes, and a tenth byte carrying bits beyond 64.
  CHECK(bad64("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x81\x00"s));
  CHECK(bad64("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02"s));
  CHECK_FALSE(bad64("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s));
  // 32-bit: a fifth byte above 0x0f overflows, a sixth byte is too long.
  CHECK(bad32("\xff\xff\xff\xff\x10"s));
  CHECK(bad32("\xff\xff\xff\xff\x8f\x00"s));
  CHECK_FALSE(bad32("\xff\xff\xff\xff\x0f"s));
  // A 64-bit value does not fit a 32-bit decoder.
  std::string big;
  PutVarint64(&big, uint64_t{1} << 32);
  CHECK(bad32(big));
  // The decoder never reads past limit even when the buffer continues.
  std::string two = "\x80\x01"s;
  uint64_t v = 0;
  CHECK(DecodeVarint64(two.data(), two.data() + 1, &v) == nullptr);
}

TEST_CASE("length-prefixed strings") {
  std::string s;
  PutLengthPrefixed(&s, "");
  PutLengthPrefixed(&s, "abc");
  PutLengthPrefixed(&s, std::string(200, 'x'));
  CHECK(s.substr(0, 5) ==
        "\x00\x03"
        "abc"s);
  std::string_view in = s;
  std::string_view v;
  REQUIRE(GetLengthPrefixed(&in, &v));
  CHECK(v.empty());
  REQUIRE(GetLengthPrefixed(&in, &v));
  CHECK(v == "abc");
  REQUIRE(GetLengthPrefixed(&in, &v));
  CHECK(v == std::string(200, 'x'));
  CHECK(in.empty());
  std::string shorter =
      "\x04"
      "abc"s;
  in = shorter;
  CHECK_FALSE(GetLengthPrefixed(&in, &v));
}

TEST_CASE("hex helpers") {
  CHECK(ToHex("") == "");
  CHECK(ToHex("\x00\x01\xab\xff"s) == "0001abff");
  CHECK(FromHex("0001abff") == "\x00\x01\xab\xff"s);
  CHECK(FromHex("0001ABFF") == "\x00\x01\xab\xff"s);
  CHECK(FromHex("") == "");
  CHECK_FALSE(FromHex("abc").has_value());
  CHECK_FALSE(FromHex("zz").has_value());
  CHECK_FALSE(FromHex("0g").has_value());
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all += static_cast<char>(i);
  }
  CHECK(FromHex(ToHex(all)) == all);
}

}  // namespace
}  // namespace blockdb
