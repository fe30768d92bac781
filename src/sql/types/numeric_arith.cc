// Numeric arithmetic, conversions, comparison and typmod, after PostgreSQL's numeric.c.
//
// Finite values are computed on Dec: a coefficient of decimal digits and a decimal scale
// (value = coefficient * 10^-scale, scale = the display scale). Decimal digits rather than
// base-10000 limbs keep scaling and rounding at any decimal position trivial; the operations are
// schoolbook and exact.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "sql/types/errors.h"
#include "sql/types/internal/numeric_dec.h"
#include "sql/types/internal/numeric_internal.h"
#include "sql/types/number_text.h"
#include "sql/types/numeric.h"

namespace blockdb::sql {

namespace internal {

void Trim(Digits* d) {
  while (!d->empty() && d->back() == 0) {
    d->pop_back();
  }
}

int CompareMag(const Digits& a, const Digits& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

Digits AddMag(const Digits& a, const Digits& b) {
  Digits r(std::max(a.size(), b.size()) + 1, 0);
  int carry = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const int s = (i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0) + carry;
    r[i] = static_cast<uint8_t>(s % 10);
    carry = s / 10;
  }
  Trim(&r);
  return r;
}

// REQUIRES: a >= b.
Digits SubMag(const Digits& a, const Digits& b) {
  Digits r(a.size(), 0);
  int borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int s = a[i] - (i < b.size() ? b[i] : 0) - borrow;
    borrow = s < 0 ? 1 : 0;
    r[i] = static_cast<uint8_t>(s + 10 * borrow);
  }
  Trim(&r);
  return r;
}

Digits ShiftUp(const Digits& a, int64_t k);

size_t TrailingZeros(const Digits& a) {
  size_t n = 0;
  while (n < a.size() && a[n] == 0) {
    ++n;
  }
  return n;
}

// Groups little-endian decimal digits [from, size) into little-endian base-10000 limbs.
std::vector<uint32_t> ToLimbs(const Digits& a, size_t from) {
  std::vector<uint32_t> limbs((a.size() - from + 3) / 4, 0);
  static constexpr uint32_t kPow[] = {1, 10, 100, 1000};
  for (size_t i = from; i < a.size(); ++i) {
    limbs[(i - from) / 4] += a[i] * kPow[(i - from) % 4];
  }
  return limbs;
}

// Schoolbook on base-10000 limbs, after setting aside the trailing zeros of both factors
// (1e100000 has one significant digit) and skipping zero limbs. A limb product is below 10^8, so
// a uint64 column sum holds 10^11 of them before it could overflow; carries are propagated once.
Digits MulMag(const Digits& a, const Digits& b) {
  if (a.empty() || b.empty()) {
    return {};
  }
  const size_t za = TrailingZeros(a);
  const size_t zb = TrailingZeros(b);
  const std::vector<uint32_t> x = ToLimbs(a, za);
  const std::vector<uint32_t> y = ToLimbs(b, zb);
  std::vector<uint64_t> acc(x.size() + y.size() + 1, 0);
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] == 0) {
      continue;
    }
    for (size_t j = 0; j < y.size(); ++j) {
      acc[i + j] += static_cast<uint64_t>(x[i]) * y[j];
    }
  }
  Digits r(acc.size() * 4, 0);
  uint64_t carry = 0;
  for (size_t i = 0; i < acc.size(); ++i) {
    uint64_t limb = acc[i] + carry;
    carry = limb / 10000;
    limb %= 10000;
    for (size_t k = 0; k < 4; ++k) {
      r[i * 4 + k] = static_cast<uint8_t>(limb % 10);
      limb /= 10;
    }
  }
  Trim(&r);
  return ShiftUp(r, static_cast<int64_t>(za + zb));
}

// a * 10^k.
Digits ShiftUp(const Digits& a, int64_t k) {
  if (a.empty() || k <= 0) {
    return a;
  }
  Digits r(static_cast<size_t>(k), 0);
  r.insert(r.end(), a.begin(), a.end());
  return r;
}

// Long division: *q = a / b, *r = a % b. REQUIRES: b non-zero.
void DivMod(const Digits& a, const Digits& b, Digits* q, Digits* r) {
  q->assign(a.size(), 0);
  r->clear();
  if (b.size() <= 17) {  // the divisor fits a uint64 and remainder * 10 + 9 does too
    uint64_t divisor = 0;
    for (size_t i = b.size(); i-- > 0;) {
      divisor = divisor * 10 + b[i];
    }
    uint64_t rem = 0;
    for (size_t i = a.size(); i-- > 0;) {
      const uint64_t cur = rem * 10 + a[i];
      (*q)[i] = static_cast<uint8_t>(cur / divisor);
      rem = cur % divisor;
    }
    for (; rem != 0; rem /= 10) {
      r->push_back(static_cast<uint8_t>(rem % 10));
    }
    Trim(q);
    return;
  }
  for (size_t i = a.size(); i-- > 0;) {
    r->insert(r->begin(), a[i]);
    Trim(r);
    uint8_t count = 0;
    while (CompareMag(*r, b) >= 0) {
      // In place: *r -= b (r >= b).
      int borrow = 0;
      for (size_t k = 0; k < r->size(); ++k) {
        int d = (*r)[k] - (k < b.size() ? b[k] : 0) - borrow;
        if (k >= b.size() && borrow == 0) {
          break;
        }
        borrow = d < 0 ? 1 : 0;
        (*r)[k] = static_cast<uint8_t>(d + 10 * borrow);
      }
      Trim(r);
      ++count;
    }
    (*q)[i] = count;
  }
  Trim(q);
}

// Drops `k` low digits, rounding half away from zero (magnitude) or truncating.
Digits DropDigits(const Digits& a, int64_t k, bool round) {
  if (k <= 0) {
    return a;
  }
  if (static_cast<size_t>(k) > a.size()) {
    return {};
  }
  Digits r(a.begin() + k, a.end());
  if (round && a[static_cast<size_t>(k) - 1] >= 5) {
    r = AddMag(r, Digits{1});
  }
  return r;
}

Dec ToDec(const Numeric& n) {
  Dec d;
  d.negative = n.negative;
  d.scale = n.dscale;
  if (n.digits.empty()) {
    return d;
  }
  const int64_t top = 4 * int64_t{n.weight} + 3;  // decimal exponent of the highest digit
  const int64_t low = -int64_t{n.dscale};
  if (top < low) {
    return d;
  }
  d.coef.resize(static_cast<size_t>(top - low + 1), 0);
  static constexpr int kPow[] = {1, 10, 100, 1000};
  for (int64_t e = low; e <= top; ++e) {
    const int64_t limb_exp = e >= 0 ? e / 4 : -((-e + 3) / 4);  // floor(e / 4)
    const int64_t i = n.weight - limb_exp;
    if (i < 0 || i >= static_cast<int64_t>(n.digits.size())) {
      continue;
    }
    d.coef[static_cast<size_t>(e - low)] =
        static_cast<uint8_t>(n.digits[static_cast<size_t>(i)] / kPow[e - limb_exp * 4] % 10);
  }
  Trim(&d.coef);
  if (d.coef.empty()) {
    d.negative = false;
  }
  return d;
}

Result<Numeric> FromDec(const Dec& d) {
  if (d.scale > Numeric::kMaxDscale) {
    return internal::NumericOverflow();
  }
  if (d.coef.empty()) {
    return internal::FromDecimalDigits("", 0, d.scale, false);
  }
  std::string dec(d.coef.size(), '0');
  for (size_t i = 0; i < d.coef.size(); ++i) {
    dec[d.coef.size() - 1 - i] = static_cast<char>('0' + d.coef[i]);
  }
  const int64_t dweight = static_cast<int64_t>(d.coef.size()) - 1 - d.scale;
  return internal::FromDecimalDigits(dec, dweight, d.scale, d.negative);
}

// Sets the scale of `d` to `scale` (>= 0), rounding or truncating dropped digits.
Dec Rescale(Dec d, int64_t scale, bool round) {
  if (scale >= d.scale) {
    d.coef = ShiftUp(d.coef, scale - d.scale);
  } else {
    d.coef = DropDigits(d.coef, d.scale - scale, round);
  }
  d.scale = scale;
  if (d.coef.empty()) {
    d.negative = false;
  }
  return d;
}

Dec AddDec(const Dec& a, const Dec& b) {
  const int64_t scale = std::max(a.scale, b.scale);
  const Dec x = Rescale(a, scale, false);
  const Dec y = Rescale(b, scale, false);
  Dec r;
  r.scale = scale;
  if (x.negative == y.negative) {
    r.coef = AddMag(x.coef, y.coef);
    r.negative = x.negative;
  } else if (CompareMag(x.coef, y.coef) >= 0) {
    r.coef = SubMag(x.coef, y.coef);
    r.negative = x.negative;
  } else {
    r.coef = SubMag(y.coef, x.coef);
    r.negative = y.negative;
  }
  if (r.coef.empty()) {
    r.negative = false;
  }
  return r;
}

// |a| / |b| at `scale` decimals, rounded or truncated; the sign is set by the caller.
Dec DivideMag(const Dec& a, const Dec& b, int64_t scale, bool round) {
  // a.coef * 10^-sa / (b.coef * 10^-sb) * 10^scale = a.coef * 10^(scale + sb - sa) / b.coef.
  const int64_t k = scale + b.scale - a.scale;
  const Digits num = ShiftUp(a.coef, k);
  const Digits den = ShiftUp(b.coef, -k);
  Digits q;
  Digits r;
  DivMod(num, den, &q, &r);
  if (round && CompareMag(AddMag(r, r), den) >= 0) {
    q = AddMag(q, Digits{1});
  }
  Dec d;
  d.coef = q;
  d.scale = scale;
  return d;
}

}  // namespace internal

namespace {

using Kind = Numeric::Kind;
using internal::AddDec;
using internal::AddMag;
using internal::CompareMag;
using internal::Dec;
using internal::Digits;
using internal::DivideMag;
using internal::DivMod;
using internal::DropDigits;
using internal::FromDec;
using internal::kMaxDisplayScale;
using internal::kMinSigDigits;
using internal::MulMag;
using internal::Rescale;
using internal::ShiftUp;
using internal::Sign;
using internal::Special;
using internal::ToDec;

Numeric NaN() { return Special(Kind::kNaN); }

Numeric Inf(bool negative) { return Special(negative ? Kind::kNegInfinity : Kind::kPosInfinity); }

bool IsInf(const Numeric& n) {
  return n.kind == Kind::kPosInfinity || n.kind == Kind::kNegInfinity;
}

// PostgreSQL's select_div_scale.
int64_t SelectDivScale(const Numeric& a, const Numeric& b) {
  const int64_t weight1 = a.digits.empty() ? 0 : a.weight;
  const int first1 = a.digits.empty() ? 0 : a.digits[0];
  const int64_t weight2 = b.digits.empty() ? 0 : b.weight;
  const int first2 = b.digits.empty() ? 0 : b.digits[0];
  int64_t qweight = weight1 - weight2;
  if (first1 <= first2) {
    --qweight;
  }
  int64_t rscale = kMinSigDigits - qweight * 4;
  rscale = std::max<int64_t>(rscale, a.dscale);
  rscale = std::max<int64_t>(rscale, b.dscale);
  rscale = std::max<int64_t>(rscale, 0);
  return std::min<int64_t>(rscale, kMaxDisplayScale);
}

std::string_view NumericTypeForInt(int64_t max) {
  return max == std::numeric_limits<int16_t>::max()   ? "smallint"
         : max == std::numeric_limits<int32_t>::max() ? "integer"
                                                      : "bigint";
}

}  // namespace

Numeric NumericFromInt64(int64_t v) {
  const std::string s = std::to_string(v);
  Result<Numeric> n = ParseNumericText(s);
  return std::move(n).value();  // an int64 always parses
}

Numeric NumericFromFloat8(double v) {
  if (std::isnan(v)) {
    return NaN();
  }
  if (std::isinf(v)) {
    return Inf(v < 0);
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", std::numeric_limits<double>::digits10, v);
  return std::move(ParseNumericText(buf)).value();  // %g output of a finite double parses
}

Numeric NumericFromFloat4(float v) {
  if (std::isnan(v)) {
    return NaN();
  }
  if (std::isinf(v)) {
    return Inf(v < 0);
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", std::numeric_limits<float>::digits10,
                static_cast<double>(v));
  return std::move(ParseNumericText(buf)).value();
}

Result<int64_t> NumericToInt(const Numeric& n, int64_t min, int64_t max, std::string_view type) {
  const std::string_view name = type.empty() ? NumericTypeForInt(max) : type;
  if (n.is_nan()) {
    return FeatureNotSupported("cannot convert NaN to " + std::string(name));
  }
  if (IsInf(n)) {
    return FeatureNotSupported("cannot convert infinity to " + std::string(name));
  }
  const Dec d = Rescale(ToDec(n), 0, true);
  const Status out_of_range = NumericOutOfRange(std::string(name) + " out of range");
  if (d.coef.size() > 19) {
    return out_of_range;
  }
  __int128 v = 0;
  for (size_t i = d.coef.size(); i-- > 0;) {
    v = v * 10 + d.coef[i];
  }
  v = d.negative ? -v : v;
  if (v < min || v > max) {
    return out_of_range;
  }
  return static_cast<int64_t>(v);
}

double NumericToFloat8(const Numeric& n) {
  switch (n.kind) {
    case Kind::kNaN:
      return std::numeric_limits<double>::quiet_NaN();
    case Kind::kPosInfinity:
      return std::numeric_limits<double>::infinity();
    case Kind::kNegInfinity:
      return -std::numeric_limits<double>::infinity();
    case Kind::kFinite:
      break;
  }
  // Values beyond double's range become +-inf here; PostgreSQL reports 22003 for those, which the
  // cast layer does by checking for infinity.
  return std::strtod(FormatNumericText(n).c_str(), nullptr);
}

Result<Numeric> NumericAdd(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) {
    return NaN();
  }
  if (IsInf(a) || IsInf(b)) {
    if (IsInf(a) && IsInf(b) && a.kind != b.kind) {
      return NaN();
    }
    return IsInf(a) ? a : b;
  }
  return FromDec(AddDec(ToDec(a), ToDec(b)));
}

Result<Numeric> NumericSub(const Numeric& a, const Numeric& b) {
  return NumericAdd(a, NumericNegate(b));
}

Result<Numeric> NumericMul(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) {
    return NaN();
  }
  if (IsInf(a) || IsInf(b)) {
    const int sign = Sign(a) * Sign(b);
    return sign == 0 ? NaN() : Inf(sign < 0);
  }
  const Dec x = ToDec(a);
  const Dec y = ToDec(b);
  Dec r;
  r.coef = MulMag(x.coef, y.coef);
  r.scale = x.scale + y.scale;
  r.negative = !r.coef.empty() && x.negative != y.negative;
  if (r.scale > Numeric::kMaxDscale) {
    r = Rescale(r, Numeric::kMaxDscale, true);
  }
  return FromDec(r);
}

Result<Numeric> NumericDiv(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) {
    return NaN();
  }
  if (IsInf(a)) {
    if (IsInf(b)) {
      return NaN();
    }
    if (Sign(b) == 0) {
      return DivisionByZero();
    }
    return Inf(Sign(a) * Sign(b) < 0);
  }
  if (IsInf(b)) {
    return NumericFromInt64(0);
  }
  if (b.is_zero()) {
    return DivisionByZero();
  }
  Dec q = DivideMag(ToDec(a), ToDec(b), SelectDivScale(a, b), true);
  q.negative = !q.coef.empty() && a.negative != b.negative;
  return FromDec(q);
}

Result<Numeric> NumericDivTrunc(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) {
    return NaN();
  }
  if (IsInf(a) || IsInf(b)) {
    if (IsInf(a) && IsInf(b)) {
      return NaN();
    }
    if (IsInf(a)) {
      if (Sign(b) == 0) {
        return DivisionByZero();
      }
      return Inf(Sign(a) * Sign(b) < 0);
    }
    return NumericFromInt64(0);
  }
  if (b.is_zero()) {
    return DivisionByZero();
  }
  Dec q = DivideMag(ToDec(a), ToDec(b), 0, false);
  q.negative = !q.coef.empty() && a.negative != b.negative;
  return FromDec(q);
}

Result<Numeric> NumericMod(const Numeric& a, const Numeric& b) {
  if (a.is_nan() || b.is_nan()) {
    return NaN();
  }
  if (IsInf(a)) {
    if (Sign(b) == 0) {
      return DivisionByZero();
    }
    return NaN();
  }
  if (IsInf(b)) {
    return a;
  }
  if (b.is_zero()) {
    return DivisionByZero();
  }
  const int64_t scale = std::max<int64_t>(a.dscale, b.dscale);
  const Dec x = Rescale(ToDec(a), scale, false);
  const Dec y = Rescale(ToDec(b), scale, false);
  Dec r;
  Digits q;
  DivMod(x.coef, y.coef, &q, &r.coef);
  r.scale = scale;
  r.negative = !r.coef.empty() && x.negative;
  return FromDec(r);
}

Numeric NumericNegate(const Numeric& a) {
  Numeric r = a;
  switch (a.kind) {
    case Kind::kPosInfinity:
      r.kind = Kind::kNegInfinity;
      break;
    case Kind::kNegInfinity:
      r.kind = Kind::kPosInfinity;
      break;
    case Kind::kNaN:
      break;
    case Kind::kFinite:
      r.negative = !a.digits.empty() && !a.negative;
      break;
  }
  return r;
}

Numeric NumericAbs(const Numeric& a) {
  Numeric r = a;
  r.negative = false;
  if (a.kind == Kind::kNegInfinity) {
    r.kind = Kind::kPosInfinity;
  }
  return r;
}

namespace {

Result<Numeric> RoundOrTrunc(const Numeric& a, int scale, bool round) {
  if (!a.is_finite()) {
    return a;
  }
  scale = std::clamp(scale, -2000, 2000);
  const Dec d = ToDec(a);
  if (scale >= 0) {
    return FromDec(Rescale(d, scale, round));
  }
  // Round to a multiple of 10^-scale, then show no decimals.
  Dec r;
  r.coef = ShiftUp(DropDigits(d.coef, d.scale - scale, round), -scale);
  r.scale = 0;
  r.negative = !r.coef.empty() && d.negative;
  return FromDec(r);
}

}  // namespace

Result<Numeric> NumericRound(const Numeric& a, int scale) { return RoundOrTrunc(a, scale, true); }

Result<Numeric> NumericTrunc(const Numeric& a, int scale) { return RoundOrTrunc(a, scale, false); }

int NumericCompare(const Numeric& a, const Numeric& b) {
  const auto rank = [](const Numeric& n) {
    switch (n.kind) {
      case Kind::kNegInfinity:
        return 0;
      case Kind::kFinite:
        return 1;
      case Kind::kPosInfinity:
        return 2;
      case Kind::kNaN:
        return 3;
    }
    return 3;
  };
  if (rank(a) != rank(b)) {
    return rank(a) < rank(b) ? -1 : 1;
  }
  if (!a.is_finite()) {
    return 0;
  }
  const int sa = Sign(a);
  const int sb = Sign(b);
  if (sa != sb) {
    return sa < sb ? -1 : 1;
  }
  if (sa == 0) {
    return 0;
  }
  // Same sign, both non-zero and stripped: compare magnitudes by weight, then digit by digit.
  int mag = 0;
  if (a.weight != b.weight) {
    mag = a.weight < b.weight ? -1 : 1;
  } else {
    const size_t n = std::min(a.digits.size(), b.digits.size());
    for (size_t i = 0; i < n && mag == 0; ++i) {
      if (a.digits[i] != b.digits[i]) {
        mag = a.digits[i] < b.digits[i] ? -1 : 1;
      }
    }
    if (mag == 0 && a.digits.size() != b.digits.size()) {
      mag = a.digits.size() < b.digits.size() ? -1 : 1;
    }
  }
  return sa < 0 ? -mag : mag;
}

Result<Numeric> ApplyNumericTypmod(const Numeric& n, int precision, int scale) {
  // PostgreSQL adds a DETAIL ("A field with precision 5, scale 2 must round to an absolute value
  // less than 10^3."); a Status carries the primary message only.
  if (n.is_nan()) {
    return n;
  }
  if (!n.is_finite()) {
    return NumericOutOfRange("numeric field overflow");
  }
  ASSIGN_OR_RETURN(Numeric rounded, NumericRound(n, scale));
  const Dec d = ToDec(rounded);
  const int64_t int_digits = static_cast<int64_t>(d.coef.size()) - d.scale;
  if (!d.coef.empty() && int_digits > precision - scale) {
    return NumericOutOfRange("numeric field overflow");
  }
  return rounded;
}

}  // namespace blockdb::sql
