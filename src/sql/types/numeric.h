// NUMERIC: PostgreSQL's exact decimal, in PostgreSQL's own representation (base-10000 digits, a
// weight and a display scale), with its text form and its arithmetic.
//
// Why this representation: it is the one PostgreSQL stores and sends in binary, so the wire codec
// is a copy of the fields, and every rule of PostgreSQL's numeric.c (display scale of each
// operator, select_div_scale, rounding half away from zero, NaN and infinities) maps onto it
// without translation. Arithmetic works on decimal digit vectors internally (numeric_arith.cc):
// quadratic, simple and exact; NUMERIC's limits (131072 digits before the point, 16383 after)
// bound the cost.
//
// Errors: 22P02 for bad text, 22003 for values beyond numeric's range or a numeric(p,s) field
// overflow, 22012 for division by zero, 0A000 for NaN or infinity converted to an integer.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::sql {

// The value is sum(digits[i] * 10000^(weight - i)), negated when `negative`; `dscale` decimal
// digits are shown after the point. Invariants (every function here keeps them): no leading or
// trailing zero digit, zero has no digits, weight 0 and is never negative, no non-zero decimal
// digit beyond dscale.
struct Numeric {
  enum class Kind { kFinite, kNaN, kPosInfinity, kNegInfinity };

  Kind kind = Kind::kFinite;
  bool negative = false;        // never set for zero
  int16_t weight = 0;           // base-10000 exponent of digits[0]
  uint16_t dscale = 0;          // decimal digits after the point; at most kMaxDscale
  std::vector<int16_t> digits;  // 0..9999 each; no leading or trailing zero digits

  static constexpr uint16_t kMaxDscale = 0x3FFF;
  bool operator==(const Numeric&) const = default;

  bool is_finite() const { return kind == Kind::kFinite; }
  bool is_nan() const { return kind == Kind::kNaN; }
  bool is_zero() const { return kind == Kind::kFinite && digits.empty(); }
};

// NUMERIC's declared precision and scale limits (PostgreSQL 15: scale may be negative or exceed
// the precision).
inline constexpr int kNumericMaxPrecision = 1000;
inline constexpr int kNumericMinScale = -1000;
inline constexpr int kNumericMaxScale = 1000;

// Parses PostgreSQL's numeric input syntax: optional surrounding whitespace, optional sign,
// digits with an optional '.', optional exponent (e/E), or NaN / Infinity /
// inf (case-insensitive). 22P02 for bad syntax, 22003 when the value exceeds numeric's range.
Result<Numeric> ParseNumericText(std::string_view text);

// The text form as PostgreSQL prints it: exactly dscale digits after the point.
std::string FormatNumericText(const Numeric& n);

// Drops leading and trailing zero digits (normalising zero). False when the resulting weight no
// longer fits numeric's int16 weight. For decoders of external forms.
bool StripNumeric(Numeric* n);

// The smallest display scale that shows n exactly (1.50 -> 1, 2.00 -> 0).
// Inline: a scan checks it for every numeric it decodes.
inline uint16_t NumericMinimalScale(const Numeric& n) {
  if (!n.is_finite() || n.digits.empty()) {
    return 0;
  }
  const int64_t last_exp = int64_t{n.weight} - static_cast<int64_t>(n.digits.size()) + 1;
  if (last_exp >= 0) {
    return 0;
  }
  const int last = n.digits.back();  // 1..9999: four decimal digits, less its trailing zeros
  const int trailing = last % 1000 == 0 ? 3 : last % 100 == 0 ? 2 : last % 10 == 0 ? 1 : 0;
  return static_cast<uint16_t>(-last_exp * 4 - trailing);
}

// --- Conversions -------------------------------------------------------------------------------

Numeric NumericFromInt64(int64_t v);
// As PostgreSQL's float8_numeric: the value printed with 15 significant digits, then read back
// (so 0.1::float8 becomes 0.1). NaN and infinities map to their numeric counterparts.
Numeric NumericFromFloat8(double v);
// As float4_numeric: 6 significant digits.
Numeric NumericFromFloat4(float v);
// Rounds half away from zero to an integer and checks it fits [min, max]; `type` names the target
// in the error ("smallint", "integer", "bigint"): 22003 "<type> out of range", 0A000 for NaN
// ("cannot convert NaN to <type>") and infinities.
Result<int64_t> NumericToInt(const Numeric& n, int64_t min, int64_t max, std::string_view type);
// Correctly rounded (through the text form, as PostgreSQL's numeric_float8).
double NumericToFloat8(const Numeric& n);

// --- Arithmetic (PostgreSQL's result scales) ---------------------------------------------------

// Scale max(a, b).
Result<Numeric> NumericAdd(const Numeric& a, const Numeric& b);
Result<Numeric> NumericSub(const Numeric& a, const Numeric& b);
// Scale a + b (rounded if that exceeds kMaxDscale).
Result<Numeric> NumericMul(const Numeric& a, const Numeric& b);
// Scale from PostgreSQL's select_div_scale (at least 16 significant digits, at least the scale of
// either input, at most 1000), rounded half away from zero. 22012 for a zero divisor.
Result<Numeric> NumericDiv(const Numeric& a, const Numeric& b);
// Truncated division's remainder (sign of the dividend), scale max(a, b). 22012 for zero.
Result<Numeric> NumericMod(const Numeric& a, const Numeric& b);
// Division truncated to an integer (PostgreSQL's div(a, b)).
Result<Numeric> NumericDivTrunc(const Numeric& a, const Numeric& b);
Numeric NumericNegate(const Numeric& a);
Numeric NumericAbs(const Numeric& a);
// a ^ b as PostgreSQL 15's numeric_power. An integral exponent that fits int32 multiplies
// (result scale max(16, a's scale), at most 1000); any other is exp(b * ln(a)) with at least 16
// significant digits and at least either input's scale. 2201F for zero to a negative power and a
// negative number to a non-integer power; 22003 "value overflows numeric format" for a result
// beyond numeric's range; NaN and infinities as POSIX pow() (NaN ^ 0 = 1 ^ NaN = 1).
Result<Numeric> NumericPower(const Numeric& a, const Numeric& b);
// round(a, scale): half away from zero; a negative scale rounds left of the point; the result
// shows max(scale, 0) decimals. trunc(a, scale) drops the digits instead.
Result<Numeric> NumericRound(const Numeric& a, int scale);
Result<Numeric> NumericTrunc(const Numeric& a, int scale);

// -1, 0, 1 in PostgreSQL's order: -Infinity < finite values < Infinity < NaN, NaN = NaN. The
// display scale is ignored (1.0 = 1.00).
int NumericCompare(const Numeric& a, const Numeric& b);

// Enforces numeric(precision, scale) as PostgreSQL's apply_typmod: rounds to `scale`, then 22003
// "numeric field overflow" if the integer part has more than precision - scale digits (or the
// value is infinite). NaN passes.
Result<Numeric> ApplyNumericTypmod(const Numeric& n, int precision, int scale);

}  // namespace blockdb::sql
