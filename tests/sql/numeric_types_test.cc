// NUMERIC arithmetic: exactness against 128-bit integer arithmetic on random operands, and the
// display scales and rounding PostgreSQL 15 uses (values from a PostgreSQL 15 server).
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "sql/types/numeric.h"

namespace blockdb::sql {
namespace {

Numeric N(std::string_view text) {
  Result<Numeric> n = ParseNumericText(text);
  REQUIRE_MESSAGE(n.ok(), (n.status().ToString()));
  return *n;
}

std::string Text(const Result<Numeric>& r) {
  return r.ok() ? FormatNumericText(*r) : "ERROR " + r.status().sqlstate();
}

std::string Int128Text(__int128 v) {
  if (v == 0) {
    return "0";
  }
  const bool neg = v < 0;
  unsigned __int128 m = neg ? -static_cast<unsigned __int128>(v) : v;
  std::string s;
  while (m != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  if (neg) {
    s.insert(s.begin(), '-');
  }
  return s;
}

// A decimal text of `v` scaled by 10^-scale, with exactly `scale` decimals.
std::string Scaled(__int128 v, int scale) {
  const std::string digits = Int128Text(v < 0 ? -v : v);
  const size_t width = std::max(digits.size(), static_cast<size_t>(scale) + 1);
  std::string padded(width - digits.size(), '0');
  padded += digits;
  std::string out = v < 0 ? "-" : "";
  out.append(padded, 0, width - static_cast<size_t>(scale));
  if (scale > 0) {
    out += '.';
    out.append(padded, width - static_cast<size_t>(scale), std::string::npos);
  }
  return out;
}

TEST_CASE("numeric: add, subtract, multiply are exact (random operands against int128)") {
  std::mt19937_64 rng(20240229);
  std::uniform_int_distribution<int64_t> mag(-999999999999, 999999999999);
  std::uniform_int_distribution<int> scale(0, 8);
  for (int i = 0; i < 3000; ++i) {
    const int64_t a = mag(rng);
    const int64_t b = mag(rng);
    const int sa = scale(rng);
    const int sb = scale(rng);
    const Numeric x = N(Scaled(a, sa));
    const Numeric y = N(Scaled(b, sb));
    const int s = std::max(sa, sb);
    __int128 pow_a = 1;
    __int128 pow_b = 1;
    for (int k = sa; k < s; ++k) {
      pow_a *= 10;
    }
    for (int k = sb; k < s; ++k) {
      pow_b *= 10;
    }
    CAPTURE(Scaled(a, sa));
    CAPTURE(Scaled(b, sb));
    CHECK(Text(NumericAdd(x, y)) == Scaled(a * pow_a + b * pow_b, s));
    CHECK(Text(NumericSub(x, y)) == Scaled(a * pow_a - b * pow_b, s));
    CHECK(Text(NumericMul(x, y)) == Scaled(static_cast<__int128>(a) * b, sa + sb));
    const int cmp = NumericCompare(x, y);
    const __int128 diff = a * pow_a - b * pow_b;
    CHECK(cmp == (diff < 0 ? -1 : diff > 0 ? 1 : 0));
  }
}

TEST_CASE("numeric: division rounds half away from zero at PostgreSQL's scale") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> mag(-99999999, 99999999);
  for (int i = 0; i < 2000; ++i) {
    const int64_t a = mag(rng);
    int64_t b = mag(rng);
    if (b == 0) {
      b = 1;
    }
    const Result<Numeric> q = NumericDiv(N(std::to_string(a)), N(std::to_string(b)));
    REQUIRE(q.ok());
    // Recompute a / b at the result's scale with integers.
    const int scale = q->dscale;
    __int128 num = a;
    for (int k = 0; k < scale; ++k) {
      num *= 10;
    }
    __int128 quot = num / b;
    const __int128 rem = num % b;
    if (2 * (rem < 0 ? -rem : rem) >= (b < 0 ? -b : b)) {
      quot += (num < 0) != (b < 0) ? -1 : 1;
    }
    CAPTURE(a);
    CAPTURE(b);
    CHECK(FormatNumericText(*q) == Scaled(quot, scale));
    CHECK(scale >= 16 - 8);  // at least 16 significant digits for these magnitudes
  }
}

TEST_CASE("numeric: scales and special values as PostgreSQL 15 prints them") {
  CHECK(Text(NumericDiv(N("1"), N("3"))) == "0.33333333333333333333");
  CHECK(Text(NumericDiv(N("10"), N("4"))) == "2.5000000000000000");
  CHECK(Text(NumericDiv(N("1.000"), N("3"))) == "0.33333333333333333333");
  CHECK(Text(NumericDiv(N("123456789"), N("0.001"))) == "123456789000.00000000");
  CHECK(Text(NumericDiv(N("1e-20"), N("3"))) == "0.0000000000000000000033333333333333333333");
  CHECK(Text(NumericDiv(N("12345678901234567890"), N("7"))) == "1763668414462081127");
  CHECK(Text(NumericMul(N("2"), N("1.50"))) == "3.00");
  CHECK(Text(NumericMod(N("1.5"), N("0.7"))) == "0.1");
  CHECK(Text(NumericMod(N("-7.5"), N("2"))) == "-1.5");
  CHECK(Text(NumericDivTrunc(N("-7.5"), N("2"))) == "-3");
  CHECK(Text(NumericRound(N("2.345"), 2)) == "2.35");
  CHECK(Text(NumericRound(N("-2.345"), 2)) == "-2.35");
  CHECK(Text(NumericRound(N("1234.5"), -2)) == "1200");
  CHECK(Text(NumericRound(N("1250"), -2)) == "1300");
  CHECK(Text(NumericRound(N("49"), -2)) == "0");
  CHECK(Text(NumericRound(N("2.5"), 0)) == "3");
  CHECK(Text(NumericRound(N("1.5"), 3)) == "1.500");
  CHECK(Text(NumericTrunc(N("-2.789"), 1)) == "-2.7");
  CHECK(Text(NumericRound(N("9.995"), 2)) == "10.00");
  CHECK(Text(NumericAbs(N("-1.50"))) == "1.50");
  CHECK(Text(NumericNegate(N("0.00"))) == "0.00");
  CHECK(Text(NumericDiv(N("1"), N("0"))) == "ERROR 22012");
  CHECK(Text(NumericMod(N("1"), N("0.00"))) == "ERROR 22012");
  CHECK(Text(NumericAdd(N("NaN"), N("1"))) == "NaN");
  CHECK(Text(NumericSub(N("Infinity"), N("Infinity"))) == "NaN");
  CHECK(Text(NumericMul(N("-Infinity"), N("-2"))) == "Infinity");
  CHECK(Text(NumericDiv(N("5"), N("-Infinity"))) == "0");
  CHECK(NumericCompare(N("NaN"), N("Infinity")) == 1);
  CHECK(NumericCompare(N("NaN"), N("NaN")) == 0);
  CHECK(NumericCompare(N("-Infinity"), N("-1e1000")) == -1);
  CHECK(NumericCompare(N("1.0"), N("1.00")) == 0);
  // Results beyond numeric's range.
  CHECK(Text(NumericMul(N("1e100000"), N("1e100000"))) == "ERROR 22003");
  CHECK(Text(NumericMul(N("1e-10000"), N("1e-10000"))).size() == 2 + 16383);  // rounded scale
}

TEST_CASE("numeric: conversions to integers and floats") {
  CHECK(*NumericToInt(N("2.5"), INT32_MIN, INT32_MAX, "integer") == 3);
  CHECK(*NumericToInt(N("-2.5"), INT32_MIN, INT32_MAX, "integer") == -3);
  CHECK(*NumericToInt(N("-9223372036854775808"), INT64_MIN, INT64_MAX, "bigint") == INT64_MIN);
  CHECK(NumericToInt(N("2147483647.5"), INT32_MIN, INT32_MAX, "integer").status().message() ==
        "integer out of range");
  CHECK(NumericToInt(N("NaN"), INT32_MIN, INT32_MAX, "integer").status().message() ==
        "cannot convert NaN to integer");
  CHECK(NumericToFloat8(N("0.1")) == 0.1);
  CHECK(FormatNumericText(NumericFromFloat8(0.1 + 0.2)) == "0.3");
  std::string tiny = "0.";
  tiny.append(299, '0');
  tiny += '1';
  CHECK(FormatNumericText(NumericFromFloat8(1e-300)) == tiny);
  CHECK(FormatNumericText(NumericFromInt64(INT64_MIN)) == "-9223372036854775808");
}

TEST_CASE("numeric: numeric(p,s) as PostgreSQL's apply_typmod") {
  CHECK(Text(ApplyNumericTypmod(N("123.456"), 5, 2)) == "123.46");
  CHECK(Text(ApplyNumericTypmod(N("1234.5"), 5, 2)) == "ERROR 22003");
  CHECK(Text(ApplyNumericTypmod(N("999.995"), 5, 2)) == "ERROR 22003");
  CHECK(Text(ApplyNumericTypmod(N("0"), 1, 0)) == "0");
  CHECK(Text(ApplyNumericTypmod(N("123456"), 4, -2)) == "123500");
  CHECK(Text(ApplyNumericTypmod(N("0.0995"), 2, 3)) == "ERROR 22003");
  CHECK(Text(ApplyNumericTypmod(N("0.0994"), 2, 3)) == "0.099");
  CHECK(Text(ApplyNumericTypmod(N("NaN"), 3, 1)) == "NaN");
  CHECK(Text(ApplyNumericTypmod(N("Infinity"), 3, 1)) == "ERROR 22003");
}

TEST_CASE("numeric: power as PostgreSQL 15's numeric_power") {
  // Integral exponents: scale max(16, the base's scale).
  CHECK(Text(NumericPower(N("123.456"), N("-1"))) == "0.0081000518403318");
  CHECK(Text(NumericPower(N("123.456"), N("-3"))) == "0.0000005314512038");
  CHECK(Text(NumericPower(N("123.456"), N("10"))) == "822473693827674765061.9440915196359168");
  CHECK(Text(NumericPower(N("123.456"), N("2.000"))) == "15241.3839360000000000");
  CHECK(Text(NumericPower(N("1.00000000000000000001"), N("1000"))) == "1.00000000000000001000");
  CHECK(Text(NumericPower(N("0"), N("0"))) == "1.0000000000000000");
  CHECK(Text(NumericPower(N("0.1"), N("100"))) == "0.0000000000000000");
  // Other exponents: exp(b * ln(a)), at least 16 significant digits.
  CHECK(Text(NumericPower(N("123.456"), N("0.5"))) == "11.111075555498666");
  CHECK(Text(NumericPower(N("123.456"), N("-0.5"))) == "0.09000028800138241");
  CHECK(Text(NumericPower(N("123.456"), N("12.345"))) == "66026477611242567146257878.558");
  CHECK(Text(NumericPower(N("100"), N("0.5"))) == "10.000000000000000");
  CHECK(Text(NumericPower(N("-2"), N("10000000001"))) == "ERROR 22003");
  // Errors and special values.
  CHECK(Text(NumericPower(N("0"), N("-1"))) == "ERROR 2201F");
  CHECK(Text(NumericPower(N("-2"), N("0.5"))) == "ERROR 2201F");
  CHECK(Text(NumericPower(N("10"), N("200000"))) == "ERROR 22003");
  CHECK(Text(NumericPower(N("NaN"), N("0"))) == "1");
  CHECK(Text(NumericPower(N("1"), N("NaN"))) == "1");
  CHECK(Text(NumericPower(N("123.456"), N("-Infinity"))) == "0");
  CHECK(Text(NumericPower(N("-Infinity"), N("3"))) == "-Infinity");
}

TEST_CASE("numeric: integral powers are the exact product rounded (random operands)") {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 200; ++i) {
    const std::string base = std::to_string(static_cast<int64_t>(rng() % 20001) - 10000) + "." +
                             std::to_string(rng() % 1000);
    const int exp = static_cast<int>(rng() % 12) + 1;
    Numeric exact = N("1");
    for (int k = 0; k < exp; ++k) {
      exact = *NumericMul(exact, N(base));
    }
    const int scale = std::max<int>(16, N(base).dscale);
    CAPTURE(base);
    CAPTURE(exp);
    CHECK(Text(NumericPower(N(base), NumericFromInt64(exp))) == Text(NumericRound(exact, scale)));
  }
}

}  // namespace
}  // namespace blockdb::sql
