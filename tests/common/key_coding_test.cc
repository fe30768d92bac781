#include "common/key_coding.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "common/coding.h"

namespace blockdb {
namespace {

using namespace std::string_literals;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Enc(const KeyColumn& column, const KeyValue& v) {
  std::string out;
  AppendKeyValue(&out, column, v);
  return out;
}

int Sign(int c) { return (c > 0) - (c < 0); }

int MemCompare(const std::string& a, const std::string& b) { return Sign(a.compare(b)); }

// The reference order: PostgreSQL's, written directly over the values.
int CompareDouble(double a, double b) {
  bool an = std::isnan(a);
  bool bn = std::isnan(b);
  if (an || bn) {
    return static_cast<int>(an) - static_cast<int>(bn);
  }
  return (a > b) - (a < b);  // -0 == +0
}

int CompareColumn(const KeyColumn& column, const KeyValue& a, const KeyValue& b) {
  bool a_null = std::holds_alternative<std::monostate>(a);
  bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) {
    int c = static_cast<int>(a_null) - static_cast<int>(b_null);  // NULL greatest
    return column.order.NullsFirst() ? -c : c;
  }
  int c = 0;
  if (column.type == KeyType::kDouble) {
    c = CompareDouble(std::get<double>(a), std::get<double>(b));
  } else if (column.type == KeyType::kString) {
    // Unsigned bytewise, as memcmp.
    c = Sign(std::get<std::string>(a).compare(std::get<std::string>(b)));
  } else {
    c = a < b ? -1 : (b < a ? 1 : 0);
  }
  return column.order.descending ? -c : c;
}

int CompareKeys(const std::vector<KeyColumn>& columns, const std::vector<KeyValue>& a,
                const std::vector<KeyValue>& b) {
  for (size_t i = 0; i < columns.size(); ++i) {
    int c = CompareColumn(columns[i], a[i], b[i]);
    if (c != 0) {
      return c;
    }
  }
  return 0;
}

std::string EncodeKey(const std::vector<KeyColumn>& columns, const std::vector<KeyValue>& values) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    AppendKeyValue(&out, columns[i], values[i]);
  }
  return out;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  uint64_t Uniform(uint64_t n) { return rng_() % n; }

  KeyColumn Column() {
    KeyColumn c;
    c.type = static_cast<KeyType>(Uniform(5));
    c.order.descending = Uniform(2) == 0;
    switch (Uniform(3)) {
      case 0:
        break;
      case 1:
        c.order.nulls_first = true;
        break;
      default:
        c.order.nulls_first = false;
    }
    return c;
  }

  KeyValue Value(KeyType type) {
    if (Uniform(10) == 0) {
      return std::monostate{};
    }
    switch (type) {
      case KeyType::kBool:
        return Uniform(2) == 0;
      case KeyType::kInt64:
      case KeyType::kTimestamp:
        return Int64();
      case KeyType::kDouble:
        return Double();
      case KeyType::kString:
        return String();
    }
    return std::monostate{};
  }

 private:
  int64_t Int64() {
    static constexpr int64_t kEdges[] = {std::numeric_limits<int64_t>::min(),
                                         std::numeric_limits<int64_t>::min() + 1,
                                         -256,
                                         -1,
                                         0,
                                         1,
                                         255,
                                         256,
                                         std::numeric_limits<int64_t>::max() - 1,
                                         std::numeric_limits<int64_t>::max()};
    switch (Uniform(3)) {
      case 0:
        return kEdges[Uniform(std::size(kEdges))];
      case 1:
        return static_cast<int64_t>(Uniform(21)) - 10;  // many ties
      default:
        return static_cast<int64_t>(rng_());
    }
  }

  double Double() {
    static const double kEdges[] = {-kInf,
                                    -std::numeric_limits<double>::max(),
                                    -1.5,
                                    -std::numeric_limits<double>::min(),
                                    -std::numeric_limits<double>::denorm_min(),
                                    -0.0,
                                    0.0,
                                    std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::min(),
                                    1.0,
                                    std::numeric_limits<double>::max(),
                                    kInf,
                                    kNaN,
                                    -kNaN,
                                    std::numeric_limits<double>::signaling_NaN()};
    switch (Uniform(4)) {
      case 0:
        return kEdges[Uniform(std::size(kEdges))];
      case 1:
        return static_cast<double>(static_cast<int>(Uniform(7)) - 3) / 2;  // many ties
      case 2: {
        // Any bit pattern: NaNs with payloads, denormals, both signs.
        uint64_t bits = rng_();
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        return d;
      }
      default:
        return std::ldexp(static_cast<double>(rng_() % 1000000) - 500000.0,
                          static_cast<int>(Uniform(40)) - 20);
    }
  }

  std::string String() {
    // A small alphabet full of the bytes that matter to the escaping, so that equal strings,
    // prefixes and embedded zeros are common.
    static constexpr char kAlphabet[] = {'\x00', '\x01', '\xfe', '\xff', 'a', 'b'};
    std::string s;
    size_t len = Uniform(6);
    for (size_t i = 0; i < len; ++i) {
      s += kAlphabet[Uniform(sizeof(kAlphabet))];
    }
    return s;
  }

  std::mt19937_64 rng_;
};

TEST_CASE("key encoding golden bytes") {
  // The worked example of docs/format/key_encoding.md:
  // (id BIGINT = 42, name TEXT DESC = "a\0b", price FLOAT8 = NULL, ok BOOL = true,
  //  at TIMESTAMP = -1, score FLOAT8 = -0.0)
  std::string key;
  AppendKeyInt64(&key, 42);
  AppendKeyString(&key, "a\0b"s, KeyOrder::Descending());
  AppendKeyNull(&key);
  AppendKeyBool(&key, true);
  AppendKeyTimestamp(&key, -1);
  AppendKeyDouble(&key, -0.0);
  const std::string expected =
      "\x20\x80\x00\x00\x00\x00\x00\x00\x2a"    // int64 42
      "\xbf\x9e\xff\x00\x9d\xff\xfe"            // string "a\0b", descending
      "\xfe"                                    // NULL, nulls last
      "\x10\x01"                                // bool true
      "\x50\x7f\xff\xff\xff\xff\xff\xff\xff"    // timestamp -1
      "\x30\x80\x00\x00\x00\x00\x00\x00\x00"s;  // double -0.0 (same as +0.0)
  CHECK(ToHex(key) == ToHex(expected));
  CHECK(ToHex(key) == "20800000000000002abf9eff009dfffefe1001507fffffffffffffff308000000000000000");

  std::vector<KeyColumn> columns = {
      {KeyType::kInt64, {}},     {KeyType::kString, KeyOrder::Descending()},
      {KeyType::kDouble, {}},    {KeyType::kBool, {}},
      {KeyType::kTimestamp, {}}, {KeyType::kDouble, {}},
  };
  std::vector<KeyValue> values;
  REQUIRE(DecodeKey(key, columns, &values));
  CHECK(std::get<int64_t>(values[0]) == 42);
  CHECK(std::get<std::string>(values[1]) == "a\0b"s);
  CHECK(std::holds_alternative<std::monostate>(values[2]));
  CHECK(std::get<bool>(values[3]) == true);
  CHECK(std::get<int64_t>(values[4]) == -1);
  CHECK(std::get<double>(values[5]) == 0.0);
  CHECK_FALSE(std::signbit(std::get<double>(values[5])));
}

TEST_CASE("key encoding golden bytes: doubles, NULL markers, descending ints") {
  auto hex = [](auto append) {
    std::string s;
    append(&s);
    return ToHex(s);
  };
  CHECK(hex([](std::string* s) { AppendKeyDouble(s, 1.0); }) == "30bff0000000000000");
  CHECK(hex([](std::string* s) { AppendKeyDouble(s, -1.0); }) == "30400fffffffffffff");
  CHECK(hex([](std::string* s) { AppendKeyDouble(s, kInf); }) == "30fff0000000000000");
  CHECK(hex([](std::string* s) { AppendKeyDouble(s, -kInf); }) == "30000fffffffffffff");
  CHECK(hex([](std::string* s) { AppendKeyDouble(s, kNaN); }) == "30fff8000000000000");
  CHECK(hex([](std::string* s) { AppendKeyDouble(s, -kNaN); }) == "30fff8000000000000");
  CHECK(hex([](std::string* s) { AppendKeyNull(s, KeyOrder::Descending()); }) == "01");
  CHECK(hex([](std::string* s) { AppendKeyNull(s, KeyOrder::Ascending().WithNullsFirst(true)); }) ==
        "01");
  CHECK(hex([](std::string* s) {
          AppendKeyNull(s, KeyOrder::Descending().WithNullsFirst(false));
        }) == "fe");
  CHECK(hex([](std::string* s) { AppendKeyInt64(s, 1, KeyOrder::Descending()); }) ==
        "df7ffffffffffffffe");
  CHECK(hex([](std::string* s) { AppendKeyString(s, ""); }) == "400001");
  CHECK(hex([](std::string* s) { AppendKeyBool(s, false, KeyOrder::Descending()); }) == "efff");
}

TEST_CASE("key encoding: strings with zero bytes order as the spec requires") {
  auto enc = [](std::string_view v, bool desc) {
    std::string s;
    AppendKeyString(&s, v, desc ? KeyOrder::Descending() : KeyOrder::Ascending());
    return s;
  };
  CHECK(enc("a", false) < enc("a\0"s, false));
  CHECK(enc("a\0"s, false) < enc("ab", false));
  CHECK(enc("", false) < enc("\0"s, false));
  CHECK(enc("\0"s, false) < enc("\x01"s, false));
  CHECK(enc("a", true) > enc("a\0"s, true));
  CHECK(enc("a\0"s, true) > enc("ab", true));
  // A composite prefix: ("a", anything) sorts before ("a\0", anything).
  std::string k1 = enc("a", false);
  AppendKeyInt64(&k1, std::numeric_limits<int64_t>::max());
  std::string k2 = enc("a\0"s, false);
  AppendKeyInt64(&k2, std::numeric_limits<int64_t>::min());
  CHECK(k1 < k2);
}

TEST_CASE("key encoding: doubles follow PostgreSQL's total order") {
  std::vector<double> ordered = {-kInf, -std::numeric_limits<double>::max(),
                                 -1.0,  -std::numeric_limits<double>::denorm_min(),
                                 0.0,   std::numeric_limits<double>::denorm_min(),
                                 1.0,   std::numeric_limits<double>::max(),
                                 kInf,  kNaN};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    std::string a;
    std::string b;
    AppendKeyDouble(&a, ordered[i]);
    AppendKeyDouble(&b, ordered[i + 1]);
    CHECK(a < b);
  }
  std::string neg_zero;
  std::string pos_zero;
  AppendKeyDouble(&neg_zero, -0.0);
  AppendKeyDouble(&pos_zero, 0.0);
  CHECK(neg_zero == pos_zero);
  std::string nan1;
  std::string nan2;
  AppendKeyDouble(&nan1, -kNaN);
  AppendKeyDouble(&nan2, std::numeric_limits<double>::signaling_NaN());
  CHECK(nan1 == nan2);
}

TEST_CASE("key encoding: decoder rejects malformed keys") {
  KeyColumn i64{KeyType::kInt64, {}};
  KeyColumn str{KeyType::kString, {}};
  KeyColumn dbl{KeyType::kDouble, {}};
  KeyColumn bln{KeyType::kBool, {}};
  KeyColumn desc_i64{KeyType::kInt64, KeyOrder::Descending()};
  auto bad = [](const KeyColumn& c, const std::string& bytes) {
    KeyDecoder d(bytes);
    KeyValue v;
    return !d.Next(c, &v);
  };
  CHECK(bad(i64, ""));
  CHECK(bad(i64, "\x20\x80\x00"s));                               // truncated
  CHECK(bad(i64, "\x50\x80\x00\x00\x00\x00\x00\x00\x00"s));       // timestamp tag
  CHECK(bad(desc_i64, "\x20\x80\x00\x00\x00\x00\x00\x00\x00"s));  // ascending bytes
  CHECK(bad(i64, "\x01"s));  // NULLS FIRST marker in a NULLS LAST column
  CHECK_FALSE(bad(i64, "\xfe"s));
  CHECK(bad(desc_i64, "\xfe"s));
  CHECK(bad(str,
            "\x40"
            "abc"s));  // no terminator
  CHECK(bad(str,
            "\x40"
            "a\x00"s));  // escape cut short
  CHECK(bad(str,
            "\x40"
            "a\x00\x02\x00\x01"s));  // unknown escape
  CHECK(bad(bln, "\x10\x02"s));
  CHECK(bad(dbl, "\x30\x7f\xff\xff\xff\xff\xff\xff\xff"s));  // -0 (non-canonical)
  CHECK(bad(dbl, "\x30\xff\xf8\x00\x00\x00\x00\x00\x01"s));  // NaN with a payload
  CHECK(bad(dbl, "\x30\x00\x07\xff\xff\xff\xff\xff\xff"s));  // a negative NaN
  CHECK_FALSE(bad(dbl, "\x30\xff\xf8\x00\x00\x00\x00\x00\x00"s));

  std::vector<KeyValue> values;
  std::vector<KeyColumn> one = {i64};
  std::string key;
  AppendKeyInt64(&key, 5);
  CHECK(DecodeKey(key, one, &values));
  CHECK_FALSE(DecodeKey(key + "x", one, &values));  // trailing bytes
}

TEST_CASE("key encoding: KeyPrefixEnd bounds a prefix scan") {
  CHECK(KeyPrefixEnd("abc") == "abd");
  CHECK(KeyPrefixEnd("a\xff\xff"s) == "b");
  CHECK(KeyPrefixEnd("\xff\xff"s).empty());
  CHECK(KeyPrefixEnd("").empty());
  std::string prefix;
  AppendKeyInt64(&prefix, 7, KeyOrder::Descending());
  std::string end = KeyPrefixEnd(prefix);
  std::string inside = prefix;
  AppendKeyString(&inside, "\xff\xff\xff"s);
  std::string next;
  AppendKeyInt64(&next, 6, KeyOrder::Descending());
  CHECK(prefix <= inside);
  CHECK(inside < end);
  CHECK(end <= next);
}

TEST_CASE("key encoding property: memcmp order equals value order, single columns") {
  Generator gen(1);
  for (int type = 0; type < 5; ++type) {
    for (int variant = 0; variant < 4; ++variant) {
      KeyColumn column{static_cast<KeyType>(type), KeyOrder()};
      column.order.descending = variant % 2 == 1;
      if (variant >= 2) {
        column.order.nulls_first = variant == 3;
      }
      CAPTURE(type);
      CAPTURE(variant);
      std::vector<KeyValue> values;
      for (int i = 0; i < 300; ++i) {
        values.push_back(gen.Value(column.type));
      }
      for (size_t i = 0; i < values.size(); ++i) {
        std::string ei = Enc(column, values[i]);
        KeyValue back;
        KeyDecoder d(ei);
        REQUIRE(d.Next(column, &back));
        CHECK(d.done());
        CHECK(CompareColumn(column, back, values[i]) == 0);
        for (size_t j = i; j < values.size(); j += 7) {
          int expected = CompareColumn(column, values[i], values[j]);
          if (MemCompare(ei, Enc(column, values[j])) != expected) {
            FAIL_CHECK("order mismatch at " << i << " vs " << j);
          }
        }
      }
    }
  }
}

TEST_CASE("key encoding property: composite keys sort like their values") {
  Generator gen(2);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<KeyColumn> columns;
    size_t ncols = 1 + gen.Uniform(4);
    for (size_t c = 0; c < ncols; ++c) {
      columns.push_back(gen.Column());
    }
    std::vector<std::vector<KeyValue>> rows;
    for (int i = 0; i < 200; ++i) {
      std::vector<KeyValue> row;
      for (const KeyColumn& c : columns) {
        row.push_back(gen.Value(c.type));
      }
      rows.push_back(std::move(row));
    }
    std::vector<std::pair<std::string, size_t>> encoded;
    for (size_t i = 0; i < rows.size(); ++i) {
      encoded.emplace_back(EncodeKey(columns, rows[i]), i);
    }
    std::sort(encoded.begin(), encoded.end());
    for (size_t i = 0; i + 1 < encoded.size(); ++i) {
      const auto& a = rows[encoded[i].second];
      const auto& b = rows[encoded[i + 1].second];
      int by_value = CompareKeys(columns, a, b);
      bool same_bytes = encoded[i].first == encoded[i + 1].first;
      CHECK(by_value <= 0);
      CHECK(same_bytes == (by_value == 0));
    }
    // Round trip, and every column prefix is a byte prefix that bounds its extensions.
    for (const auto& [key, index] : encoded) {
      std::vector<KeyValue> back;
      REQUIRE(DecodeKey(key, columns, &back));
      CHECK(CompareKeys(columns, back, rows[index]) == 0);
      std::string prefix;
      AppendKeyValue(&prefix, columns[0], rows[index][0]);
      CHECK(key.compare(0, prefix.size(), prefix) == 0);
      std::string end = KeyPrefixEnd(prefix);
      CHECK((end.empty() || key < end));
    }
  }
}

}  // namespace
}  // namespace blockdb
