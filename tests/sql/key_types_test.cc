// Key encoding of SQL values: the bytewise order of encoded keys is CompareForSort's order for
// random values of every key type, in both directions; keys decode back to equal values; the
// numeric key form has fixed golden bytes.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include "common/coding.h"
#include "sql/types/compare.h"
#include "sql/types/key_codec.h"
#include "sql/types/scalar_text.h"
#include "sql/types_test_util.h"

namespace blockdb::sql {
namespace {

using testing::TypeOf;
using testing::ValueOf;

int Sign(int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

std::string Key(const Type& type, const Value& v, KeyOrder order = {}) {
  std::string key;
  AppendKeyColumn(&key, type, v, order);
  return key;
}

// Random values of one type, with the edge cases each type has.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Value Next(const Type& type) {
    if (Pick(12) == 0) {
      return Value::Null(type.id());
    }
    switch (type.id()) {
      case TypeId::kBool:
        return Value::Bool(Pick(2) == 1);
      case TypeId::kInt2:
        return Value::Int2(static_cast<int16_t>(Edge<int16_t>()));
      case TypeId::kInt4:
        return Value::Int4(static_cast<int32_t>(Edge<int32_t>()));
      case TypeId::kInt8:
        return Value::Int8(Edge<int64_t>());
      case TypeId::kFloat8:
        return Value::Float8(RandomDouble());
      case TypeId::kFloat4:
        return Value::Float4(static_cast<float>(RandomDouble()));
      case TypeId::kNumeric:
        return RandomNumeric(type);
      case TypeId::kText:
        return Value::Text(RandomString("ab\x01z\xc3\xa9"));
      case TypeId::kVarchar:
        return Value::Varchar(RandomString("ab\x01z\xc3\xa9"));
      case TypeId::kBytea:
        return Value::Bytea(RandomString(std::string("a\0\xff\x01", 4)));
      case TypeId::kUuid: {
        std::string b(16, '\0');
        for (char& c : b) {
          c = static_cast<char>(Pick(3) == 0 ? 0 : rng_());
        }
        return Value::Uuid(b);
      }
      case TypeId::kDate: {
        const int r = Pick(20);
        return Value::Date(r == 0   ? kDatePosInfinity
                           : r == 1 ? kDateNegInfinity
                           : r == 2 ? kMinDate
                                    : static_cast<int32_t>(Range(-800000, 800000)));
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestamptz: {
        const int r = Pick(20);
        const int64_t t = r == 0   ? kTimestampPosInfinity
                          : r == 1 ? kTimestampNegInfinity
                          : r == 2 ? kMinTimestamp
                                   : Range(-1000000000000000, 1000000000000000);
        return type.id() == TypeId::kTimestamp ? Value::Timestamp(t) : Value::Timestamptz(t);
      }
      default:
        FAIL("no generator for " << type.Name());
        return Value();
    }
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }

  template <typename Int>
  int64_t Edge() {
    switch (Pick(6)) {
      case 0:
        return std::numeric_limits<Int>::min();
      case 1:
        return std::numeric_limits<Int>::max();
      case 2:
        return Range(-3, 3);
      default:
        return static_cast<Int>(rng_());
    }
  }

  double RandomDouble() {
    switch (Pick(10)) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return Pick(2) ? std::numeric_limits<double>::infinity()
                       : -std::numeric_limits<double>::infinity();
      case 2:
        return Pick(2) ? 0.0 : -0.0;
      case 3:
        return static_cast<double>(Range(-5, 5)) / 2;
      default: {
        const uint64_t bits = rng_();
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        return d;
      }
    }
  }

  std::string RandomString(std::string_view alphabet) {
    std::string s;
    const int n = Pick(5);
    for (int i = 0; i < n; ++i) {
      s.push_back(alphabet[static_cast<size_t>(Pick(static_cast<int>(alphabet.size())))]);
    }
    return s;
  }

  Value RandomNumeric(const Type& type) {
    const int r = Pick(16);
    std::string text;
    if (r == 0) {
      text = "NaN";
    } else if (r == 1) {
      text = Pick(2) == 1 ? std::string("Infinity") : std::string("-Infinity");
    } else if (r == 2) {
      text = "0";
    } else {
      if (Pick(2) == 1) {
        text.push_back('-');
      }
      const int digits = 1 + Pick(12);
      for (int i = 0; i < digits; ++i) {
        text.push_back(static_cast<char>('0' + (Pick(3) == 0 ? 0 : Pick(10))));
      }
      char exponent[16];
      std::snprintf(exponent, sizeof(exponent), "e%d", static_cast<int>(Range(-12, 12)));
      text += exponent;
    }
    Result<Value> v = ParseValue(text, Type::Of(TypeId::kNumeric));
    REQUIRE(v.ok());
    if (!type.has_modifier()) {
      return *v;
    }
    Result<Value> fitted = ParseValue(FormatValue(*v), type);
    return fitted.ok() ? *fitted : Value::Null(TypeId::kNumeric);
  }

  std::mt19937_64 rng_;
};

TEST_CASE("keys: encoded order is CompareForSort order, both directions, all key types") {
  const char* const types[] = {"boolean",
                               "smallint",
                               "integer",
                               "bigint",
                               "real",
                               "double precision",
                               "numeric",
                               "numeric(12,3)",
                               "text",
                               "character varying(8)",
                               "bytea",
                               "uuid",
                               "date",
                               "timestamp without time zone",
                               "timestamp with time zone"};
  Generator gen(42);
  for (const char* spec : types) {
    CAPTURE(spec);
    const Type type = TypeOf(spec);
    std::vector<Value> values;
    for (int i = 0; i < 300; ++i) {
      values.push_back(gen.Next(type));
    }
    for (size_t i = 0; i < values.size(); ++i) {
      const Value& a = values[i];
      const Value& b = values[(i * 7 + 3) % values.size()];
      const int want = CompareForSort(a, b);
      CAPTURE(DebugString(a));
      CAPTURE(DebugString(b));
      CHECK(Sign(Key(type, a).compare(Key(type, b))) == want);
      const KeyOrder desc = KeyOrder::Descending();
      CHECK(Sign(Key(type, a, desc).compare(Key(type, b, desc))) == -want);
      // Round trip.
      for (const KeyOrder order : {KeyOrder(), desc}) {
        const std::string key = Key(type, a, order);
        KeyDecoder decoder(key);
        Result<Value> back = DecodeKeyColumn(&decoder, type, order);
        REQUIRE(back.ok());
        CHECK(decoder.done());
        CHECK(CompareForSort(*back, a) == 0);
        CHECK(back->type() == type.id());
        // Keys canonicalise -0 to 0 (they compare equal) and numerics to their value.
        const bool negative_zero = (type.id() == TypeId::kFloat4 || type.id() == TypeId::kFloat8) &&
                                   !a.is_null() && a.float_value() == 0;
        if (!a.is_null() && type.id() != TypeId::kNumeric && !negative_zero) {
          CHECK(FormatValue(*back) == FormatValue(a));
        }
        if (!a.is_null() && type.has_modifier() && type.id() == TypeId::kNumeric) {
          CHECK(FormatValue(*back) == FormatValue(a));  // the declared scale comes back
        }
      }
    }
  }
}

TEST_CASE("keys: equal numerics share one key, composite keys keep column order") {
  CHECK(Key(Type::Of(TypeId::kNumeric), ValueOf("numeric", "1.0")) ==
        Key(Type::Of(TypeId::kNumeric), ValueOf("numeric", "1.000")));
  const Type n = Type::Of(TypeId::kNumeric);
  const Type t = Type::Of(TypeId::kText);
  std::string k1 = Key(n, ValueOf("numeric", "-1.5")) + Key(t, Value::Text("b"));
  std::string k2 = Key(n, ValueOf("numeric", "-1")) + Key(t, Value::Text("a"));
  CHECK(k1 < k2);
  KeyDecoder decoder(k1);
  Result<Value> first = DecodeKeyColumn(&decoder, n);
  Result<Value> second = DecodeKeyColumn(&decoder, t);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(FormatValue(*first) == "-1.5");
  CHECK(FormatValue(*second) == "b");
  CHECK(decoder.done());
}

TEST_CASE("keys: numeric key bytes (golden)") {
  const auto hex = [](std::string_view text) {
    return ToHex(NumericKeyBytes(ValueOf("numeric", text).numeric_value()));
  };
  CHECK(hex("-Infinity") == "10");
  CHECK(hex("0") == "30");
  CHECK(hex("0.000") == "30");
  CHECK(hex("Infinity") == "50");
  CHECK(hex("NaN") == "60");
  // 12345.678: weight 1, digits 1 2345 6780.
  CHECK(hex("12345.678") ==
        "40"
        "8001"
        "0001"
        "0929"
        "1a7c");
  CHECK(hex("0.5") ==
        "40"
        "7fff"
        "1388");
  // Negative: class 20, weight and digits inverted, then ffff.
  CHECK(hex("-1") ==
        "20"
        "7fff"
        "fffe"
        "ffff");
  CHECK(hex("-1.5") ==
        "20"
        "7fff"
        "fffe"
        "ec77"
        "ffff");
  // The whole column (ascending): string tag 40, payload with 00 escaped as 00 ff, then 00 01.
  std::string key;
  AppendKeyColumn(&key, Type::Of(TypeId::kNumeric), ValueOf("numeric", "1"));
  // Payload 40 8000 0001; each 00 byte escaped as 00 ff.
  CHECK(ToHex(key) ==
        "40"
        "40"
        "80"
        "00ff"
        "00ff"
        "01"
        "0001");
}

TEST_CASE("keys: json, jsonb and interval are not key types") {
  for (const char* spec : {"json", "jsonb", "interval"}) {
    CAPTURE(spec);
    CHECK(CheckKeyType(TypeOf(spec)).sqlstate() == "0A000");
  }
  CHECK(CheckKeyType(TypeOf("numeric(5,2)")).ok());
}

TEST_CASE("keys: malformed key bytes are Corruption") {
  const Type n = Type::Of(TypeId::kNumeric);
  for (const std::string& payload :
       {std::string(""), std::string("\x70", 1), std::string("\x40\x80", 2),
        std::string("\x40\x80\x00\x00\x00", 5) /* leading zero digit */,
        std::string("\x40\x80\x00\x27\x10", 5) /* digit 10000 */,
        std::string("\x20\x7f\xff\xff\xfe", 5) /* negative without terminator */,
        std::string("\x30\x00", 2)}) {
    std::string key;
    AppendKeyString(&key, payload);
    KeyDecoder decoder(key);
    CHECK(DecodeKeyColumn(&decoder, n).status().IsCorruption());
  }
  std::string key;
  AppendKeyInt64(&key, 70000);
  KeyDecoder decoder(key);
  CHECK(DecodeKeyColumn(&decoder, Type::Of(TypeId::kInt2)).status().IsCorruption());
  std::string uuid_key;
  AppendKeyString(&uuid_key, "short");
  KeyDecoder uuid_decoder(uuid_key);
  CHECK(DecodeKeyColumn(&uuid_decoder, Type::Of(TypeId::kUuid)).status().IsCorruption());
}

}  // namespace
}  // namespace blockdb::sql
