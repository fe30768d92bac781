// Decimal working form of finite numerics, shared by numeric_arith.cc and numeric_power.cc.
// Private to sql/types.
//
// A Dec is a coefficient of decimal digits and a decimal scale: value = coef * 10^-scale, negated
// when `negative`. The operations are schoolbook and exact unless they say they round; rounding
// is half away from zero, as PostgreSQL's round_var.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "sql/types/numeric.h"

namespace blockdb::sql::internal {

inline constexpr int kMinSigDigits = 16;       // NUMERIC_MIN_SIG_DIGITS
inline constexpr int kMaxDisplayScale = 1000;  // NUMERIC_MAX_DISPLAY_SCALE

// Little-endian decimal digits (index 0 is the units digit), no most-significant zeros; zero is
// empty.
using Digits = std::vector<uint8_t>;

struct Dec {
  bool negative = false;  // never set for zero
  Digits coef;
  int64_t scale = 0;
};

// A numeric of a special kind (NaN or an infinity).
inline Numeric Special(Numeric::Kind kind) {
  Numeric n;
  n.kind = kind;
  return n;
}

// -1, 0 or 1; infinities count as their sign. REQUIRES: not NaN.
inline int Sign(const Numeric& n) {
  if (n.kind == Numeric::Kind::kPosInfinity) return 1;
  if (n.kind == Numeric::Kind::kNegInfinity) return -1;
  return n.digits.empty() ? 0 : (n.negative ? -1 : 1);
}

// Drops most-significant zero digits.
void Trim(Digits* d);
// Compares magnitudes: -1, 0, 1.
int CompareMag(const Digits& a, const Digits& b);
Digits AddMag(const Digits& a, const Digits& b);
// a - b. REQUIRES: a >= b.
Digits SubMag(const Digits& a, const Digits& b);
Digits MulMag(const Digits& a, const Digits& b);
// a * 10^k (k <= 0: a unchanged).
Digits ShiftUp(const Digits& a, int64_t k);
// Long division: *q = a / b, *r = a % b. REQUIRES: b non-zero.
void DivMod(const Digits& a, const Digits& b, Digits* q, Digits* r);
// Drops `k` low digits, rounding half away from zero or truncating.
Digits DropDigits(const Digits& a, int64_t k, bool round);

// The value of a finite numeric, at its display scale.
Dec ToDec(const Numeric& n);
// The numeric of `d`, showing d.scale decimals. 22003 when it exceeds numeric's range.
Result<Numeric> FromDec(const Dec& d);
// `d` at `scale` (>= 0) decimals, rounding or truncating dropped digits.
Dec Rescale(Dec d, int64_t scale, bool round);
// Exact sum at the larger scale.
Dec AddDec(const Dec& a, const Dec& b);
// |a| / |b| at `scale` decimals, rounded or truncated; the caller sets the sign. REQUIRES: b
// non-zero.
Dec DivideMag(const Dec& a, const Dec& b, int64_t scale, bool round);

}  // namespace blockdb::sql::internal
