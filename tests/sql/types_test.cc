// Type descriptors, values, implicit coercion rules and hashing of sql/types.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "sql/types/cast.h"
#include "sql/types/compare.h"
#include "sql/types/number_text.h"
#include "sql/types/operators.h"
#include "sql/types/type.h"
#include "sql/types/value.h"
#include "sql/types_test_util.h"

namespace blockdb::sql {
namespace {

using testing::Outcome;
using testing::TypeOf;
using testing::ValueOf;

Type Named(std::string_view name, std::vector<int64_t> mods = {}) {
  Result<Type> t = TypeFromName(name, mods);
  REQUIRE_MESSAGE(t.ok(), (t.status().ToString()));
  return *t;
}

std::string NameError(std::string_view name, std::vector<int64_t> mods = {}) {
  Result<Type> t = TypeFromName(name, mods);
  return t.ok() ? "ok" : t.status().sqlstate();
}

TEST_CASE("types: PostgreSQL OIDs, names and typmods") {
  struct Row {
    const char* name;
    uint32_t oid;
    const char* format_type;
  };
  for (const Row& r :
       {Row{"bool", 16, "boolean"}, Row{"bytea", 17, "bytea"}, Row{"int8", 20, "bigint"},
        Row{"int2", 21, "smallint"}, Row{"int4", 23, "integer"}, Row{"text", 25, "text"},
        Row{"float4", 700, "real"}, Row{"float8", 701, "double precision"},
        Row{"varchar", 1043, "character varying"}, Row{"date", 1082, "date"},
        Row{"timestamp", 1114, "timestamp without time zone"},
        Row{"timestamptz", 1184, "timestamp with time zone"}, Row{"interval", 1186, "interval"},
        Row{"numeric", 1700, "numeric"}, Row{"uuid", 2950, "uuid"}, Row{"jsonb", 3802, "jsonb"},
        Row{"json", 114, "json"}}) {
    CAPTURE(r.name);
    const Type t = Named(r.name);
    CHECK(t.oid() == r.oid);
    CHECK(t.Name() == r.format_type);
    CHECK(t.typmod() == -1);
    CHECK(TypeIdFromOid(r.oid) == t.id());
  }
  CHECK(Type::Of(TypeId::kUnknown).oid() == 705);
  CHECK(TypeIdFromOid(0) == TypeId::kUnknown);
  CHECK(TypeIdFromOid(705) == TypeId::kUnknown);
  CHECK_FALSE(TypeIdFromOid(1083).has_value());  // time: not implemented

  const Type v = Named("character varying", {10});
  CHECK(v.Name() == "character varying(10)");
  CHECK(v.typmod() == 14);
  CHECK(v.varchar_length() == 10);
  const Type n = Named("numeric", {10, 2});
  CHECK(n.Name() == "numeric(10,2)");
  CHECK(n.typmod() == ((10 << 16) | 2) + 4);
  CHECK(Named("decimal", {10, -2}).Name() == "numeric(10,-2)");
  CHECK(Named("numeric", {5}).Name() == "numeric(5,0)");
}

TEST_CASE("types: aliases and modifier errors as PostgreSQL's") {
  CHECK(Named("int").id() == TypeId::kInt4);
  CHECK(Named("integer").id() == TypeId::kInt4);
  CHECK(Named("smallint").id() == TypeId::kInt2);
  CHECK(Named("bigint").id() == TypeId::kInt8);
  CHECK(Named("real").id() == TypeId::kFloat4);
  CHECK(Named("double precision").id() == TypeId::kFloat8);
  CHECK(Named("float").id() == TypeId::kFloat8);
  CHECK(Named("float", {24}).id() == TypeId::kFloat4);
  CHECK(Named("float", {25}).id() == TypeId::kFloat8);
  CHECK(Named("decimal").id() == TypeId::kNumeric);
  CHECK(Named("boolean").id() == TypeId::kBool);
  CHECK(Named("timestamp with time zone").id() == TypeId::kTimestamptz);
  CHECK(Named("timestamp without time zone").id() == TypeId::kTimestamp);
  CHECK(Named("char varying", {3}).varchar_length() == 3);
  CHECK(NameError("foo") == "42704");
  CHECK(NameError("varchar", {0}) == "22023");
  CHECK(NameError("varchar", {10485761}) == "22023");
  CHECK(NameError("numeric", {0}) == "22023");
  CHECK(NameError("numeric", {1001}) == "22023");
  CHECK(NameError("numeric", {5, 1001}) == "22023");
  CHECK(NameError("numeric", {5, -1001}) == "22023");
  CHECK(NameError("float", {0}) == "22023");
  CHECK(NameError("float", {54}) == "22023");
  CHECK(NameError("integer", {3}) == "42601");
}

TEST_CASE("types: values carry their type and payload") {
  CHECK(Value().is_null());
  CHECK(Value().type() == TypeId::kNull);
  const Value typed_null = Value::Null(TypeId::kInt4);
  CHECK(typed_null.is_null());
  CHECK(typed_null.type() == TypeId::kInt4);
  CHECK(Value::Int2(-5).int_value() == -5);
  CHECK(Value::Float4(0.1f).float_value() == static_cast<double>(0.1f));
  CHECK(Value::Date(1).date_value() == 1);
  CHECK(DebugString(Value::Int4(7)) == "integer '7'");
  CHECK(DebugString(Value()) == "NULL");
  CHECK(Value::Int4(1) == Value::Int4(1));
  CHECK_FALSE(Value::Int4(1) == Value::Int8(1));
}

TEST_CASE("types: varchar(n) input rejects, an explicit cast cuts") {
  const Type v3 = TypeOf("character varying(3)");
  CHECK(Outcome(ParseValue("abc", v3)) == "abc");
  CHECK(Outcome(ParseValue("abcd", v3)) == "ERROR 22001");
  CHECK(Outcome(ParseValue("ab   ", v3)) == "ab ");  // only spaces cut
  CHECK(Outcome(ParseValue("héé", v3)) == "héé");    // characters, not bytes
  CHECK(Outcome(ParseValue("héél", v3)) == "ERROR 22001");
  const Value text = Value::Text("abcdef");
  CHECK(Outcome(CastValue(text, v3, CastContext::kAssignment)) == "ERROR 22001");
  CHECK(Outcome(CastValue(text, v3, CastContext::kExplicit)) == "abc");
  CHECK(Outcome(ParseValue("\xff", Type::Of(TypeId::kText))) == "ERROR 22021");
}

TEST_CASE("types: numeric(p,s) on assignment") {
  const Type n52 = TypeOf("numeric(5,2)");
  CHECK(Outcome(ParseValue("1.005", n52)) == "1.01");
  CHECK(Outcome(ParseValue("999.995", n52)) == "ERROR 22003");
  CHECK(Outcome(CastValue(Value::Int4(1000), n52, CastContext::kAssignment)) == "ERROR 22003");
  CHECK(Outcome(CastValue(Value::Int4(12), n52, CastContext::kAssignment)) == "12.00");
  CHECK(Outcome(CastValue(Value::Float8(1.0 / 3), n52, CastContext::kAssignment)) == "0.33");
}

TEST_CASE("types: cast contexts follow pg_cast") {
  using C = CastContext;
  struct Row {
    TypeId from;
    TypeId to;
    std::optional<C> context;
  };
  for (const Row& r : {
           Row{TypeId::kInt2, TypeId::kInt4, C::kImplicit},
           Row{TypeId::kInt4, TypeId::kInt8, C::kImplicit},
           Row{TypeId::kInt8, TypeId::kInt4, C::kAssignment},
           Row{TypeId::kInt8, TypeId::kNumeric, C::kImplicit},
           Row{TypeId::kInt8, TypeId::kFloat4, C::kImplicit},
           Row{TypeId::kNumeric, TypeId::kFloat8, C::kImplicit},
           Row{TypeId::kNumeric, TypeId::kInt4, C::kAssignment},
           Row{TypeId::kFloat8, TypeId::kNumeric, C::kAssignment},
           Row{TypeId::kFloat8, TypeId::kFloat4, C::kAssignment},
           Row{TypeId::kFloat4, TypeId::kFloat8, C::kImplicit},
           Row{TypeId::kBool, TypeId::kInt4, C::kExplicit},
           Row{TypeId::kInt4, TypeId::kBool, C::kExplicit},
           Row{TypeId::kBool, TypeId::kInt8, std::nullopt},
           Row{TypeId::kDate, TypeId::kTimestamp, C::kImplicit},
           Row{TypeId::kTimestamp, TypeId::kTimestamptz, C::kImplicit},
           Row{TypeId::kTimestamptz, TypeId::kDate, C::kAssignment},
           Row{TypeId::kText, TypeId::kVarchar, C::kImplicit},
           Row{TypeId::kVarchar, TypeId::kText, C::kImplicit},
           Row{TypeId::kInt4, TypeId::kText, C::kAssignment},
           Row{TypeId::kText, TypeId::kInt4, C::kExplicit},
           Row{TypeId::kText, TypeId::kBytea, C::kExplicit},
           Row{TypeId::kJson, TypeId::kJsonb, C::kAssignment},
           Row{TypeId::kUuid, TypeId::kBytea, std::nullopt},
           Row{TypeId::kDate, TypeId::kInt4, std::nullopt},
           Row{TypeId::kUnknown, TypeId::kDate, C::kImplicit},
           Row{TypeId::kNull, TypeId::kJsonb, C::kImplicit},
       }) {
    CAPTURE(TypeIdName(r.from));
    CAPTURE(TypeIdName(r.to));
    CHECK(CastContextFor(r.from, r.to) == r.context);
  }
  Result<Value> r = CastValue(Value::Int8(1), Type::Of(TypeId::kInt4), CastContext::kImplicit);
  CHECK(r.status().sqlstate() == "42846");
  CHECK(Outcome(CastValue(Value::Null(TypeId::kText), Type::Of(TypeId::kInt4),
                          CastContext::kExplicit)) == "");
}

TEST_CASE("types: common types of UNION and CASE, and comparison types") {
  const auto common = [](TypeId a, TypeId b) {
    Result<TypeId> t = CommonType(a, b, "UNION");
    return t.ok() ? std::string(TypeIdName(*t)) : "ERROR " + t.status().sqlstate();
  };
  CHECK(common(TypeId::kInt4, TypeId::kInt8) == "bigint");
  CHECK(common(TypeId::kInt2, TypeId::kNumeric) == "numeric");
  CHECK(common(TypeId::kInt4, TypeId::kFloat4) == "real");
  CHECK(common(TypeId::kNumeric, TypeId::kFloat8) == "double precision");
  CHECK(common(TypeId::kUnknown, TypeId::kDate) == "date");
  CHECK(common(TypeId::kUnknown, TypeId::kUnknown) == "text");
  CHECK(common(TypeId::kNull, TypeId::kInt4) == "integer");
  CHECK(common(TypeId::kVarchar, TypeId::kText) == "text");
  CHECK(common(TypeId::kDate, TypeId::kTimestamptz) == "timestamp with time zone");
  CHECK(common(TypeId::kInt4, TypeId::kText) == "ERROR 42804");
  CHECK(CommonType(TypeId::kInt4, TypeId::kText, "UNION").status().message() ==
        "UNION types integer and text cannot be matched");
  CHECK(*ComparisonType(TypeId::kInt4, TypeId::kFloat4) == TypeId::kFloat8);
  CHECK(*ComparisonType(TypeId::kFloat4, TypeId::kFloat4) == TypeId::kFloat4);
  CHECK(*ComparisonType(TypeId::kInt2, TypeId::kInt8) == TypeId::kInt8);
  CHECK(*ComparisonType(TypeId::kUnknown, TypeId::kUuid) == TypeId::kUuid);
  CHECK(ComparisonType(TypeId::kUuid, TypeId::kText).status().sqlstate() == "42883");
}

TEST_CASE("types: NULL in comparisons and operators") {
  Result<std::optional<int>> c = CompareValues(Value::Null(TypeId::kInt4), Value::Int4(1));
  REQUIRE(c.ok());
  CHECK_FALSE(c->has_value());
  CHECK_FALSE(CompareValues(Value(), Value())->has_value());
  Result<Value> sum = EvalBinary(BinaryOp::kAdd, Value::Null(TypeId::kInt4), Value::Int8(1));
  REQUIRE(sum.ok());
  CHECK(sum->is_null());
  CHECK(sum->type() == TypeId::kInt8);
  CHECK(EvalBinary(BinaryOp::kConcat, Value::Text("a"), Value::Null(TypeId::kText))->is_null());
  // Sorting: NULLs last and equal to each other.
  CHECK(CompareForSort(Value::Null(TypeId::kInt4), Value::Int4(1)) == 1);
  CHECK(CompareForSort(Value::Int4(1), Value::Null(TypeId::kInt4)) == -1);
  CHECK(CompareForSort(Value::Null(TypeId::kInt4), Value()) == 0);
}

TEST_CASE("types: equal values hash alike across number types and related types") {
  const Value one[] = {Value::Int2(1),
                       Value::Int4(1),
                       Value::Int8(1),
                       ValueOf("numeric", "1.0"),
                       ValueOf("numeric", "1.000"),
                       Value::Float8(1.0),
                       Value::Float4(1.0f)};
  for (const Value& v : one) {
    CAPTURE(DebugString(v));
    CHECK(HashValue(v) == HashValue(one[0]));
    CHECK(CompareForSort(v, one[0]) == 0);
  }
  CHECK(HashValue(ValueOf("numeric", "123456789012345678901234567890.50")) ==
        HashValue(ValueOf("numeric", "123456789012345678901234567890.5")));
  CHECK(HashValue(Value::Float8(0.5)) == HashValue(ValueOf("numeric", "0.50")));
  CHECK(HashValue(Value::Float4(0.5f)) == HashValue(Value::Float8(0.5)));
  CHECK(HashValue(ValueOf("numeric", "NaN")) == HashValue(Value::Float4(NAN)));
  CHECK(HashValue(Value::Float8(-0.0)) == HashValue(Value::Float8(0.0)));
  CHECK(HashValue(Value::Float8(std::nan(""))) == HashValue(Value::Float8(-std::nan(""))));
  CHECK(HashValue(Value::Text("abc")) == HashValue(Value::Varchar("abc")));
  CHECK(HashValue(ValueOf("date", "2024-01-01")) ==
        HashValue(ValueOf("timestamp without time zone", "2024-01-01 00:00")));
  CHECK(HashValue(ValueOf("interval", "1 mon")) == HashValue(ValueOf("interval", "30 days")));
  CHECK(HashValue(ValueOf("jsonb", "[1.0, {\"a\": 2.50}]")) ==
        HashValue(ValueOf("jsonb", "[1, {\"a\": 2.5}]")));
  CHECK(HashValue(Value::Null(TypeId::kInt4)) == HashValue(Value::Null(TypeId::kText)));
  CHECK(HashValue(Value::Int4(1)) != HashValue(Value::Int4(2)));
}

TEST_CASE("types: float text output is the shortest round trip, as PostgreSQL 12+") {
  CHECK(FormatFloat8(0.1 + 0.2) == "0.30000000000000004");
  CHECK(FormatFloat8(1e20) == "1e+20");
  CHECK(FormatFloat8(1.5e-7) == "1.5e-07");
  CHECK(FormatFloat8(1e100) == "1e+100");
  CHECK(FormatFloat8(123456789012345.0) == "123456789012345");
  CHECK(FormatFloat8(-2.5) == "-2.5");
  CHECK(FormatFloat8(std::numeric_limits<double>::denorm_min()) == "5e-324");
  CHECK(FormatFloat8(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(FormatFloat4(0.1f) == "0.1");
  CHECK(FormatFloat4(1234567.0f) == "1.234567e+06");
  // extra_float_digits <= 0 uses %.*g with 15 (float8) or 6 (float4) digits plus the setting.
  CHECK(FormatFloat8(0.1 + 0.2, 0) == "0.3");
  CHECK(FormatFloat8(1.0 / 3, -3) == "0.333333333333");
  CHECK(FormatFloat4(1.0f / 3, 0) == "0.333333");
  // Every double prints and parses back to itself.
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    std::memcpy(&d, &x, sizeof(d));
    if (std::isnan(d)) {
      continue;
    }
    Result<double> back = ParseFloat8(FormatFloat8(d));
    REQUIRE(back.ok());
    CHECK(std::memcmp(&*back, &d, sizeof(d)) == 0);
  }
}

TEST_CASE("types: json nesting is bounded") {
  const auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '[') +
           std::string(static_cast<size_t>(depth), ']');
  };
  CHECK(Outcome(ParseValue(nested(999), TypeOf("jsonb"))).size() == 2 * 999 + 0);
  CHECK(Outcome(ParseValue(nested(1001), TypeOf("jsonb"))) == "ERROR 54001");
  CHECK(Outcome(ParseValue(nested(1001), TypeOf("json"))) == "ERROR 54001");
  CHECK(Outcome(ParseValue("[1, \"\\u0000\"]", TypeOf("json"))) == "[1, \"\\u0000\"]");
}

}  // namespace
}  // namespace blockdb::sql
