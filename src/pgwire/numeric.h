// PostgreSQL's numeric in its binary wire form (base-10000 digits). The value type, its text form
// and its arithmetic are the SQL layer's (sql/types/numeric.h); this is only the binary codec.
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

#include "common/status.h"
#include "sql/types/numeric.h"

namespace blockdb::pgwire {

using sql::Numeric;

// Appends the binary form. Infinities carry dscale 32 on the wire, as PostgreSQL 15 sends them.
void EncodeNumericBinary(std::string* out, const Numeric& n);

// Parses the binary form. 22P03 for a bad length, sign, dscale or digit (PostgreSQL's checks);
// leading and trailing zero digits are stripped and digits hidden by dscale truncated away, as
// PostgreSQL's numeric_recv does (22003 if stripping pushes the weight below numeric's range).
Result<Numeric> DecodeNumericBinary(std::string_view bytes);

// The text form is the SQL layer's (sql/types/numeric.h).
using sql::FormatNumericText;
using sql::ParseNumericText;

}  // namespace blockdb::pgwire
