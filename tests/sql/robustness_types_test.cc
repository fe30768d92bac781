// Seeded robustness: random text through every input function, random bytes through the row and
// key decoders, and random operand pairs through every operator and comparison. Nothing may
// abort; every failure must be a Status with a SQLSTATE (input, operators) or Corruption
// (decoders); whatever parses must print and parse back to the same text.
#include <doctest/doctest.h>

#include <random>

#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/key_codec.h"
#include "sql/types/operators.h"
#include "sql/types/row_codec.h"
#include "sql/types_test_util.h"

namespace blockdb::sql {
namespace {

using testing::TypeOf;

const char* const kTypes[] = {"boolean",
                              "smallint",
                              "integer",
                              "bigint",
                              "real",
                              "double precision",
                              "numeric",
                              "numeric(6,2)",
                              "text",
                              "character varying(4)",
                              "bytea",
                              "date",
                              "timestamp without time zone",
                              "timestamp with time zone",
                              "interval",
                              "uuid",
                              "json",
                              "jsonb"};

std::string RandomText(std::mt19937_64& rng) {
  static const std::string kAlphabet = "0123456789-+.:eE ,{}[]\"\\xabcdfINFnaBCTtruyo/_\t@";
  std::string s;
  const size_t n = rng() % 24;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kAlphabet[rng() % kAlphabet.size()]);
  }
  return s;
}

TEST_CASE("robustness: random text through every input function") {
  std::mt19937_64 rng(1);
  for (const char* spec : kTypes) {
    CAPTURE(spec);
    const Type type = TypeOf(spec);
    for (int i = 0; i < 3000; ++i) {
      const std::string text = RandomText(rng);
      CAPTURE(text);
      Result<Value> v = ParseValue(text, type);
      if (!v.ok()) {
        CHECK(v.status().sqlstate().size() == 5);
        continue;
      }
      const std::string out = FormatValue(*v);
      Result<Value> back = ParseValue(out, type);
      REQUIRE(back.ok());
      CHECK(FormatValue(*back) == out);
    }
  }
}

// A pool of values of every type, including NULLs and unknown literals.
std::vector<Value> ValuePool() {
  const char* const samples[][4] = {
      {"boolean", "t", "f", "t"},
      {"smallint", "-32768", "32767", "0"},
      {"integer", "2147483647", "-2147483648", "-1"},
      {"bigint", "9223372036854775807", "-9223372036854775808", "3"},
      {"real", "NaN", "3.4e38", "-0"},
      {"double precision", "1e308", "-Infinity", "5e-324"},
      {"numeric", "NaN", "-1e-100", "99999999999999999999.5"},
      {"text", "", "x", "2024-01-01"},
      {"bytea", "\\x00", "\\x", "\\xff"},
      {"date", "infinity", "4714-11-24 BC", "5874897-12-31"},
      {"timestamp without time zone", "294276-12-31 23:59:59.999999", "-infinity", "2000-01-01"},
      {"timestamp with time zone", "4714-11-24 00:00:00+00 BC", "infinity", "2024-02-29 12:00+00"},
      {"interval", "-178956970 years -7 mons", "2147483647 days", "-00:00:00.000001"},
      {"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000",
       "ffffffff-ffff-ffff-ffff-ffffffffffff"},
      {"jsonb", "{}", "[1, \"a\"]", "null"},
  };
  std::vector<Value> pool;
  for (const auto& row : samples) {
    const Type type = TypeOf(row[0]);
    pool.push_back(Value::Null(type.id()));
    for (int i = 1; i < 4; ++i) {
      pool.push_back(testing::ValueOf(row[0], row[i]));
    }
  }
  for (const char* literal : {"1", "x", "2024-01-01", "1 day", "NaN", ""}) {
    pool.push_back(Value::Unknown(literal));
  }
  pool.push_back(Value());
  return pool;
}

TEST_CASE("robustness: every operator and comparison on every pair of values") {
  const std::vector<Value> pool = ValuePool();
  const BinaryOp ops[] = {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul,
                          BinaryOp::kDiv, BinaryOp::kMod, BinaryOp::kConcat};
  for (const Value& a : pool) {
    for (const Value& b : pool) {
      CAPTURE(DebugString(a));
      CAPTURE(DebugString(b));
      for (const BinaryOp op : ops) {
        Result<Value> r = EvalBinary(op, a, b);
        if (!r.ok()) {
          CHECK(r.status().sqlstate().size() == 5);
        } else if (!r->is_null()) {
          const bool empty_non_text = FormatValue(*r).empty() && r->type() != TypeId::kText;
          CHECK_FALSE(empty_non_text);
        }
      }
      Result<std::optional<int>> c = CompareValues(a, b);
      if (!c.ok()) {
        CHECK(c.status().sqlstate().size() == 5);
      } else if (c->has_value()) {
        Result<std::optional<int>> reverse = CompareValues(b, a);
        REQUIRE(reverse.ok());
        CHECK(**reverse == -**c);
        if (**c == 0 && a.type() != TypeId::kUnknown && b.type() != TypeId::kUnknown) {
          CHECK(HashValue(a) == HashValue(b));
        }
      }
    }
    (void)EvalNegate(a);
    (void)EvalAbs(a);
    (void)EvalRound(a);
    (void)EvalRound(a, -3);
    for (const char* field : {"year", "epoch", "julian", "second", "week", "dow", "foo"}) {
      (void)EvalExtract(field, a);
      (void)EvalDateTrunc(field, a);
    }
    for (const char* spec : kTypes) {
      Result<Value> r = CastValue(a, TypeOf(spec), CastContext::kExplicit);
      if (!r.ok()) {
        CHECK(r.status().sqlstate().size() == 5);
      }
    }
  }
}

TEST_CASE("robustness: random bytes through the row and key decoders") {
  std::vector<Type> columns;
  for (const char* spec : kTypes) {
    columns.push_back(TypeOf(spec));
  }
  std::mt19937_64 rng(2);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) {
      c = static_cast<char>(rng() % 4 == 0 ? 0 : rng());
    }
    if (i % 2 == 0 && !bytes.empty()) {
      bytes[0] = 1;  // a plausible schema version
      if (bytes.size() > 1) {
        bytes[1] = static_cast<char>(rng() % 3);  // and column count
      }
    }
    const size_t n = static_cast<uint8_t>(bytes.size() > 1 ? bytes[1] : 0);
    Result<std::vector<Value>> row =
        DecodeRow(bytes, std::span<const Type>(columns).first(std::min(n, columns.size())));
    CHECK((row.ok() || row.status().IsCorruption()));
    for (const Type& type : columns) {
      if (!CheckKeyType(type).ok()) {
        continue;
      }
      KeyDecoder decoder(bytes);
      Result<Value> v = DecodeKeyColumn(&decoder, type);
      CHECK((v.ok() || v.status().IsCorruption()));
    }
  }
}

}  // namespace
}  // namespace blockdb::sql
