// PostgreSQL's numeric in its wire forms: the binary form (base-10000 digits) and the text form,
// and conversions between them. Arithmetic is the SQL engine's business; this is only the codec.
//
// Binary layout (all big-endian): int16 ndigits, int16 weight, uint16 sign, uint16 dscale, then
// ndigits int16 digits in 0..9999. The value is sum(digits[i] * 10000^(weight - i)); dscale is
// the number of decimal digits shown after the point. Sign: 0x0000 positive, 0x4000 negative,
// 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity. 12345.678 is ndigits 3, weight 1, sign 0,
// dscale 3, digits {1, 2345, 6780}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::pgwire {

struct Numeric {
  enum class Kind { kFinite, kNaN, kPosInfinity, kNegInfinity };

  Kind kind = Kind::kFinite;
  bool negative = false;        // never set for zero
  int16_t weight = 0;           // base-10000 exponent of digits[0]
  uint16_t dscale = 0;          // decimal digits after the point; at most kMaxDscale
  std::vector<int16_t> digits;  // 0..9999 each; no leading or trailing zero digits

  static constexpr uint16_t kMaxDscale = 0x3FFF;
  bool operator==(const Numeric&) const = default;
};

// Appends the binary form. Infinities carry dscale 32 on the wire, as PostgreSQL 15 sends them.
void EncodeNumericBinary(std::string* out, const Numeric& n);

// Parses the binary form. 22P03 for a bad length, sign, dscale or digit (PostgreSQL's checks);
// leading and trailing zero digits are stripped, as PostgreSQL does on receipt (22003 if that
// pushes the weight below numeric's range).
Result<Numeric> DecodeNumericBinary(std::string_view bytes);

// Parses PostgreSQL's numeric input syntax: optional surrounding whitespace, optional sign,
// digits with an optional '.', optional exponent (e/E, |exponent| <= 1000), or NaN / Infinity /
// inf (case-insensitive). 22P02 for bad syntax, 22003 when the value exceeds numeric's range.
Result<Numeric> ParseNumericText(std::string_view text);

// The text form as PostgreSQL prints it: exactly dscale digits after the point.
std::string FormatNumericText(const Numeric& n);

}  // namespace blockdb::pgwire
