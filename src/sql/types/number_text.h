// Text input and output of the integer and floating-point types, as PostgreSQL 15 does them.
//
// Integers: surrounding whitespace and a sign allowed, decimal digits only (PostgreSQL 15 knows no
// underscores or hex); 22P02 for bad syntax, 22003 when out of range for the type.
// Floats: what strtod accepts (PostgreSQL uses it too) plus NaN / Infinity / inf in any case;
// 22P02 for bad syntax, 22003 for overflow or underflow to zero. Output is PostgreSQL 12+'s
// shortest exact round-trip form when extra_float_digits > 0 (the default 1 and the 3 that
// pgjdbc sets): "0.30000000000000004", "1e+20", "1.5e-07", "NaN", "Infinity", "-0".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace blockdb::sql {

Result<int16_t> ParseInt2(std::string_view text);
Result<int32_t> ParseInt4(std::string_view text);
Result<int64_t> ParseInt8(std::string_view text);

Result<double> ParseFloat8(std::string_view text);
Result<float> ParseFloat4(std::string_view text);

// extra_float_digits as the PostgreSQL setting: > 0 gives the shortest round-trip form, <= 0
// the older "%.{15+extra}g" (float8) or "%.{6+extra}g" (float4) form.
std::string FormatFloat8(double v, int extra_float_digits = 1);
std::string FormatFloat4(float v, int extra_float_digits = 1);

}  // namespace blockdb::sql
