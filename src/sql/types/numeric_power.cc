// numeric ^ numeric, after PostgreSQL 15's numeric_power, power_var, power_var_int, ln_var and
// exp_var: the same result scales, the same special values and errors, and working precisions
// chosen so that the result is the exact power rounded half away from zero at the result scale
// (PostgreSQL's aim too; the two can differ only where the exact value lies within a few units
// of the last working digit of a rounding boundary).
//
// The result scale of a non-integral exponent depends on a low-precision estimate of the
// result's decimal weight (8 significant digits of b * ln(a)); that estimate is computed the way
// PostgreSQL computes it so that the scale agrees even when the weight is an integer (100 ^ 0.5).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "sql/types/errors.h"
#include "sql/types/internal/numeric_dec.h"
#include "sql/types/internal/numeric_internal.h"
#include "sql/types/numeric.h"

namespace blockdb::sql {
namespace {

using internal::AddDec;
using internal::CompareMag;
using internal::Dec;
using internal::Digits;
using internal::DivideMag;
using internal::DivMod;
using internal::FromDec;
using internal::kMaxDisplayScale;
using internal::kMinSigDigits;
using internal::MulMag;
using internal::Rescale;
using internal::ShiftUp;
using internal::Sign;
using internal::Special;
using internal::ToDec;
using Kind = Numeric::Kind;

constexpr int kDecDigits = 4;  // decimal digits per base-10000 digit
// exp_var's input limit (NUMERIC_MAX_RESULT_SCALE * 3): e^6000 overflows numeric.
constexpr double kMaxResultScale = 2000;
constexpr double kMaxExpArgument = kMaxResultScale * 3;
constexpr double kLog10E = 0.434294481903252;
constexpr double kLog10Two = 0.301029995663981;

Status ComplexResult() {
  return Status::InvalidArgument(
             "a negative number raised to a non-integer power yields a complex result")
      .WithSqlState("2201F");
}

Status ZeroToNegative() {
  return Status::InvalidArgument("zero raised to a negative power is undefined")
      .WithSqlState("2201F");
}

Numeric Small(int64_t v) { return NumericFromInt64(v); }

// numeric_is_integral: infinities count as integers, NaN does not.
bool IsIntegral(const Numeric& n) {
  if (!n.is_finite()) {
    return !n.is_nan();
  }
  return n.digits.empty() || static_cast<int64_t>(n.digits.size()) <= n.weight + 1;
}

// An integral finite n whose units digit is odd.
bool IsOddInteger(const Numeric& n) {
  return n.is_finite() && !n.digits.empty() &&
         static_cast<int64_t>(n.digits.size()) == n.weight + 1 && (n.digits.back() & 1) != 0;
}

Dec DecOf(int64_t v) { return ToDec(Small(v)); }

bool IsZero(const Dec& d) { return d.coef.empty(); }

// Decimal exponent of the leading digit (10^w <= |d| < 10^(w+1)). REQUIRES: d non-zero.
int64_t DecWeight(const Dec& d) { return static_cast<int64_t>(d.coef.size()) - 1 - d.scale; }

// |d| to about 17 significant digits (inf/0 beyond double's range).
double ToDouble(const Dec& d) {
  double m = 0;
  const size_t n = std::min<size_t>(d.coef.size(), 17);
  for (size_t i = 0; i < n; ++i) {
    m = m * 10 + d.coef[d.coef.size() - 1 - i];
  }
  const int64_t exp10 = static_cast<int64_t>(d.coef.size() - n) - d.scale;
  const double v = m * std::pow(10.0, static_cast<double>(std::clamp<int64_t>(exp10, -400, 400)));
  return d.negative ? -v : v;
}

// log10(|d|). REQUIRES: d non-zero.
double Log10(const Dec& d) {
  double m = 0;
  const size_t n = std::min<size_t>(d.coef.size(), 17);
  for (size_t i = 0; i < n; ++i) {
    m = m * 10 + d.coef[d.coef.size() - 1 - i];
  }
  return std::log10(m) + static_cast<double>(static_cast<int64_t>(d.coef.size() - n) - d.scale);
}

int Compare(const Dec& a, const Dec& b) {
  const int64_t scale = std::max(a.scale, b.scale);
  const Dec x = Rescale(a, scale, false);
  const Dec y = Rescale(b, scale, false);
  if (x.negative != y.negative) {
    return x.negative ? -1 : 1;
  }
  const int mag = CompareMag(x.coef, y.coef);
  return x.negative ? -mag : mag;
}

// `d` with at most `scale` decimals (scale < 0 counts as 0), rounded.
Dec RoundTo(Dec d, int64_t scale) {
  scale = std::max<int64_t>(scale, 0);
  return d.scale > scale ? Rescale(std::move(d), scale, true) : d;
}

Dec Neg(Dec d) {
  d.negative = !d.coef.empty() && !d.negative;
  return d;
}

Dec Sub(const Dec& a, const Dec& b) { return AddDec(a, Neg(b)); }

// a * b rounded to at most `scale` decimals.
Dec Mul(const Dec& a, const Dec& b, int64_t scale) {
  Dec r;
  r.coef = MulMag(a.coef, b.coef);
  r.scale = a.scale + b.scale;
  r.negative = !r.coef.empty() && a.negative != b.negative;
  return RoundTo(std::move(r), scale);
}

// a / b rounded to `scale` (>= 0) decimals. REQUIRES: b non-zero.
Dec Div(const Dec& a, const Dec& b, int64_t scale) {
  Dec q = DivideMag(a, b, std::max<int64_t>(scale, 0), true);
  q.negative = !q.coef.empty() && a.negative != b.negative;
  return q;
}

// floor(sqrt(n)) by Newton's iteration from above, started from the square root of n's top half
// (n < (top + 1) 10^2k <= (isqrt(top) + 1)^2 10^2k), which is already right to a quarter of n's
// digits, so that two or three full-length divisions finish it.
Digits IntegerSqrt(const Digits& n) {
  if (n.empty()) {
    return {};
  }
  Digits y;
  if (n.size() <= 32) {
    y = ShiftUp(Digits{1}, static_cast<int64_t>((n.size() + 1) / 2));  // > sqrt(n)
  } else {
    const int64_t k = static_cast<int64_t>(n.size() / 4);
    const Digits top = internal::DropDigits(n, 2 * k, false);
    y = ShiftUp(internal::AddMag(IntegerSqrt(top), Digits{1}), k);
  }
  const Digits two{2};
  for (;;) {
    Digits q;
    Digits r;
    DivMod(n, y, &q, &r);
    Digits z;
    DivMod(internal::AddMag(y, q), two, &z, &r);
    if (CompareMag(z, y) >= 0) {
      return y;
    }
    y = std::move(z);
  }
}

// sqrt(x) truncated to `scale` (>= 0) decimals. REQUIRES: x >= 0.
Dec Sqrt(const Dec& x, int64_t scale) {
  // sqrt(c * 10^-s) * 10^scale = sqrt(c * 10^(2 scale - s)).
  const int64_t k = 2 * scale - x.scale;
  const Digits radicand = k >= 0 ? ShiftUp(x.coef, k) : internal::DropDigits(x.coef, -k, false);
  Dec r;
  r.coef = IntegerSqrt(radicand);
  r.scale = scale;
  return r;
}

// ln(x) to about `rscale` decimals, as ln_var: square roots bring x into (0.9, 1.1), then the
// series 2 atanh(z) = 2 (z + z^3/3 + z^5/5 + ...) with z = (x - 1) / (x + 1). REQUIRES: x > 0.
Dec Ln(Dec x, int64_t rscale) {
  const Dec point_nine{false, Digits{9}, 1};
  const Dec one_point_one{false, Digits{1, 1}, 1};
  int nsqrt = 0;
  while (Compare(x, point_nine) <= 0 || Compare(x, one_point_one) >= 0) {
    x = Sqrt(x, rscale - DecWeight(x) / 2 + 10);
    ++nsqrt;
  }
  const int64_t scale = rscale + static_cast<int64_t>((nsqrt + 1) * kLog10Two) + 10;
  const Dec one = DecOf(1);
  Dec sum = Div(Sub(x, one), AddDec(x, one), scale);
  const Dec z2 = Mul(sum, sum, scale);
  Dec power = sum;
  for (int64_t n = 3;; n += 2) {
    power = Mul(power, z2, scale);
    const Dec term = Div(power, DecOf(n), scale);
    if (IsZero(term)) {
      break;
    }
    sum = AddDec(sum, term);
  }
  Dec factor = DecOf(2);
  for (int i = 0; i < nsqrt; ++i) {
    factor = Mul(factor, DecOf(2), 0);
  }
  return Mul(sum, factor, rscale);
}

// e^x rounded to `rscale` decimals, as exp_var: x halved until |x| <= 0.01, the Taylor series,
// then squared back. 22003 when the result overflows numeric; |x| >= 6000 negative gives zero.
Result<Dec> Exp(Dec x, int64_t rscale) {
  double val = ToDouble(x);
  if (std::fabs(val) >= kMaxExpArgument) {
    if (val > 0) {
      return internal::NumericOverflow();
    }
    return Dec{false, {}, rscale};
  }
  const int64_t dweight = static_cast<int64_t>(val * kLog10E);
  int ndiv2 = 0;
  while (std::fabs(val) > 0.01) {
    ++ndiv2;
    val /= 2;
  }
  if (ndiv2 > 0) {
    x = Div(x, DecOf(int64_t{1} << ndiv2), x.scale + ndiv2 + 10);
  }
  int64_t sig = 1 + dweight + rscale + static_cast<int64_t>(ndiv2 * kLog10Two);
  sig = std::max<int64_t>(sig, 0) + 10;
  const int64_t scale = sig - 1;
  Dec result = AddDec(DecOf(1), x);
  Dec term = Div(Mul(x, x, scale), DecOf(2), scale);
  for (int64_t n = 3; !IsZero(term); ++n) {
    result = AddDec(result, term);
    term = Div(Mul(term, x, scale), DecOf(n), scale);
  }
  for (int i = 0; i < ndiv2; ++i) {
    result = Mul(result, result, sig - 2 * DecWeight(result));
  }
  return Rescale(result, rscale, true);
}

// estimate_ln_dweight: the decimal weight of ln(x), from x - 1 near 1, else from the first two
// base-10000 digits. REQUIRES: x > 0.
int64_t EstimateLnDweight(const Numeric& x) {
  const Dec d = ToDec(x);
  const Dec point_nine{false, Digits{9}, 1};
  const Dec one_point_one{false, Digits{1, 1}, 1};
  if (Compare(d, point_nine) >= 0 && Compare(d, one_point_one) <= 0) {
    const Dec diff = Sub(d, DecOf(1));
    return IsZero(diff) ? 0 : DecWeight(diff);
  }
  int digits = x.digits[0];
  int64_t dweight = int64_t{x.weight} * kDecDigits;
  if (x.digits.size() > 1) {
    digits = digits * 10000 + x.digits[1];
    dweight -= kDecDigits;
  }
  const double ln = std::log(static_cast<double>(digits)) + dweight * 2.302585092994046;
  return static_cast<int64_t>(std::log10(std::fabs(ln)));
}

Result<Numeric> Finish(Dec d, bool negative) {
  d.negative = negative && !d.coef.empty();
  return FromDec(d);
}

// power_var_int: |exp| fits int32; repeated squaring keeping enough significant digits.
Result<Numeric> PowerInt(const Numeric& base, int64_t exp) {
  const int64_t rscale =
      std::min<int64_t>(std::max<int64_t>(kMinSigDigits, base.dscale), kMaxDisplayScale);
  const Dec b = ToDec(base);
  switch (exp) {
    case 0:
      return FromDec(Rescale(DecOf(1), rscale, false));
    case 1:
      return FromDec(Rescale(b, rscale, true));
    case -1:
      return FromDec(Div(DecOf(1), b, rscale));
    case 2:
      return FromDec(Rescale(Mul(b, b, INT64_MAX), rscale, true));
    default:
      break;
  }
  if (IsZero(b)) {
    return FromDec(Dec{false, {}, rscale});
  }
  Dec mag = b;
  mag.negative = false;
  const double f = static_cast<double>(exp) * Log10(mag);  // log10 of the result
  if (f > (SHRT_MAX + 1) * kDecDigits + 1) {
    return internal::NumericOverflow();
  }
  if (f + 1 < static_cast<double>(-rscale)) {
    return FromDec(Dec{false, {}, rscale});
  }
  const int64_t sig = 1 + rscale + static_cast<int64_t>(f) +
                      static_cast<int64_t>(std::log(std::fabs(static_cast<double>(exp)))) + 12;
  const auto keep = [sig](Dec d) { return IsZero(d) ? d : RoundTo(d, sig - 1 - DecWeight(d)); };
  uint64_t bits = static_cast<uint64_t>(std::llabs(exp));
  if (exp < 0) {
    // (1 / a)^|b|: one division by the short base instead of one by the long power. The
    // reciprocal carries enough digits that |b| multiplications of its error stay below the
    // guard digits.
    const int64_t digits = sig + static_cast<int64_t>(std::log10(static_cast<double>(bits))) + 4;
    mag = Div(DecOf(1), mag, digits + DecWeight(mag) + 1);
  }
  Dec square = mag;
  Dec result = (bits & 1) != 0 ? mag : DecOf(1);
  while ((bits >>= 1) > 0) {
    square = keep(Mul(square, square, INT64_MAX));
    if ((bits & 1) != 0) {
      result = keep(Mul(square, result, INT64_MAX));
    }
    if (DecWeight(square) > (SHRT_MAX + 1) * kDecDigits ||
        DecWeight(result) > (SHRT_MAX + 1) * kDecDigits) {
      return internal::NumericOverflow();
    }
  }
  const bool negative = base.negative && (exp & 1) != 0;
  return Finish(Rescale(result, rscale, true), negative);
}

// power_var's general case: exp(b * ln(a)).
Result<Numeric> PowerGeneral(const Numeric& base, const Numeric& exp) {
  if (base.is_zero()) {
    return FromDec(Dec{false, {}, kMinSigDigits});
  }
  if (base.negative && !IsIntegral(exp)) {
    return ComplexResult();
  }
  const bool negative = base.negative && IsOddInteger(exp);
  const Numeric abs_base = NumericAbs(base);
  const Dec b = ToDec(abs_base);
  const Dec e = ToDec(exp);
  const int64_t ln_dweight = EstimateLnDweight(abs_base);
  // The low-precision estimate that picks the result scale.
  int64_t scale = std::max<int64_t>(8 - ln_dweight, 0);
  double val = ToDouble(Mul(Ln(b, scale), e, scale));
  if (std::fabs(val) > kMaxResultScale * 3.01) {
    if (val > 0) {
      return internal::NumericOverflow();
    }
    return FromDec(Dec{false, {}, kMaxDisplayScale});
  }
  val *= kLog10E;
  int64_t rscale = kMinSigDigits - static_cast<int64_t>(val);
  rscale = std::max<int64_t>({rscale, base.dscale, exp.dscale, 0});
  rscale = std::min<int64_t>(rscale, kMaxDisplayScale);
  const int64_t sig = std::max<int64_t>(rscale + static_cast<int64_t>(val), 0);
  scale = std::max<int64_t>(sig - ln_dweight + 10, 0);
  ASSIGN_OR_RETURN(Dec r, Exp(Mul(Ln(b, scale), e, scale), rscale));
  return Finish(std::move(r), negative);
}

// The POSIX pow() rules for NaN and infinite operands (numeric_power's special cases).
// REQUIRES: a or b is not finite.
Result<Numeric> PowerSpecial(const Numeric& a, const Numeric& b) {
  if (a.is_nan()) {
    return b.is_zero() ? Small(1) : Special(Kind::kNaN);
  }
  if (b.is_nan()) {
    return a.is_finite() && NumericCompare(a, Small(1)) == 0 ? Small(1) : Special(Kind::kNaN);
  }
  const int sign_a = Sign(a);
  const int sign_b = Sign(b);
  if (sign_a == 0 && sign_b < 0) {
    return ZeroToNegative();
  }
  if (sign_a < 0 && !IsIntegral(b)) {
    return ComplexResult();
  }
  if (a.is_finite() && NumericCompare(a, Small(1)) == 0) {
    return Small(1);
  }
  if (sign_b == 0) {
    return Small(1);
  }
  if (sign_a == 0) {
    return Small(0);
  }
  if (!b.is_finite()) {
    bool abs_a_above_one = true;
    if (a.is_finite()) {
      if (NumericCompare(a, Small(-1)) == 0) {
        return Small(1);
      }
      abs_a_above_one = NumericCompare(NumericAbs(a), Small(1)) > 0;
    }
    return abs_a_above_one == (sign_b > 0) ? Special(Kind::kPosInfinity) : Small(0);
  }
  if (a.kind == Kind::kPosInfinity) {
    return sign_b > 0 ? Special(Kind::kPosInfinity) : Small(0);
  }
  if (sign_b < 0) {
    return Small(0);
  }
  return Special(IsOddInteger(b) ? Kind::kNegInfinity : Kind::kPosInfinity);
}

}  // namespace

Result<Numeric> NumericPower(const Numeric& a, const Numeric& b) {
  if (!a.is_finite() || !b.is_finite()) {
    return PowerSpecial(a, b);
  }
  if (a.is_zero() && Sign(b) < 0) {
    return ZeroToNegative();
  }
  if (IsIntegral(b) && (b.digits.empty() || b.weight < 3)) {  // |b| < 10^12 fits int64
    ASSIGN_OR_RETURN(const int64_t e, NumericToInt(b, INT64_MIN, INT64_MAX, "bigint"));
    if (e >= INT32_MIN && e <= INT32_MAX) {
      return PowerInt(a, e);
    }
  }
  return PowerGeneral(a, b);
}

}  // namespace blockdb::sql
