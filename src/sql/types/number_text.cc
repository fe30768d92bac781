#include "sql/types/number_text.h"

#include <locale.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "common/check.h"
#include "sql/types/errors.h"
#include "sql/types/internal/text_util.h"

namespace blockdb::sql {

namespace {

using internal::EqualsIgnoreCase;
using internal::IsDigit;
using internal::TrimSpace;

template <typename Int>
Result<Int> ParseInt(std::string_view text, std::string_view type) {
  std::string_view s = TrimSpace(text);
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return InvalidInputSyntax(type, text);
  }
  // Accumulate negatively so that the most negative value parses without overflow.
  int64_t v = 0;
  bool overflow = false;
  for (const char c : s) {
    if (!IsDigit(c)) {
      return InvalidInputSyntax(type, text);
    }
    if (v < (std::numeric_limits<Int>::min() + (c - '0')) / 10) {
      overflow = true;
    } else if (!overflow) {
      v = v * 10 - (c - '0');
    }
  }
  if (!negative) {
    if (v < -int64_t{std::numeric_limits<Int>::max()}) {
      overflow = true;
    } else {
      v = -v;
    }
  }
  if (overflow) {
    return NumericOutOfRange("value \"" + std::string(text) + "\" is out of range for type " +
                             std::string(type));
  }
  return static_cast<Int>(v);
}

// The C locale, so that parsing never depends on the process's LC_NUMERIC.
locale_t CLocale() {
  static const locale_t kLocale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  BLOCKDB_CHECK(kLocale != static_cast<locale_t>(nullptr));
  return kLocale;
}

// NaN, [+-]Infinity, [+-]inf: what PostgreSQL's float input checks for itself.
bool ParseSpecialFloat(std::string_view s, double* v) {
  if (EqualsIgnoreCase(s, "nan")) {
    *v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "inf")) {
    *v = negative ? -std::numeric_limits<double>::infinity()
                  : std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}

// Parses with strtod/strtof as PostgreSQL's float8in/float4in.
template <typename Float>
Result<Float> ParseFloat(std::string_view text, std::string_view type) {
  const std::string s(TrimSpace(text));
  double special;
  if (ParseSpecialFloat(s, &special)) {
    return static_cast<Float>(special);
  }
  if (s.empty()) {
    return InvalidInputSyntax(type, text);
  }
  char* end = nullptr;
  errno = 0;
  Float v;
  if constexpr (std::is_same_v<Float, float>) {
    v = strtof_l(s.c_str(), &end, CLocale());
  } else {
    v = strtod_l(s.c_str(), &end, CLocale());
  }
  if (end != s.c_str() + s.size() || end == s.c_str()) {
    return InvalidInputSyntax(type, text);
  }
  // ERANGE with a denormal result is accepted, as PostgreSQL does; zero or infinity is not.
  if (errno == ERANGE && (v == 0 || std::isinf(v))) {
    std::string msg = "\"";  // appended piecewise: g++ 12 warns falsely on a chain of +
    msg += text;
    msg += "\" is out of range for type ";
    msg += type;
    return NumericOutOfRange(std::move(msg));
  }
  return v;
}

// Shortest round-trip digits through std::to_chars (same digits as PostgreSQL's Ryu), laid out
// as PostgreSQL does: positional when -4 <= exponent < max_fixed_exponent, else "d.ddde+XX".
template <typename Float>
std::string FormatShortest(Float v, int max_fixed_exponent) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  BLOCKDB_CHECK(res.ec == std::errc());
  const std::string_view sci(buf, res.ptr - buf);
  const size_t e = sci.find('e');
  std::string_view mantissa = sci.substr(0, e);
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                  exponent);
  std::string out;
  if (!mantissa.empty() && mantissa[0] == '-') {
    out.push_back('-');
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (const char c : mantissa) {
    if (c != '.') {
      digits.push_back(c);
    }
  }
  if (exponent < -4 || exponent >= max_fixed_exponent) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof(exp_buf), "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    out += exp_buf;
  } else if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
  } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
    out += digits;
    out.append(static_cast<size_t>(exponent) + 1 - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(exponent) + 1);
    out += '.';
    out += digits.substr(static_cast<size_t>(exponent) + 1);
  }
  return out;
}

template <typename Float>
std::string FormatFloat(Float v, int extra_float_digits, int digits10) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "Infinity" : "-Infinity";
  }
  if (extra_float_digits > 0) {
    return FormatShortest(v, digits10);
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", std::max(1, digits10 + extra_float_digits),
                static_cast<double>(v));
  return buf;
}

}  // namespace

Result<int16_t> ParseInt2(std::string_view text) { return ParseInt<int16_t>(text, "smallint"); }
Result<int32_t> ParseInt4(std::string_view text) { return ParseInt<int32_t>(text, "integer"); }
Result<int64_t> ParseInt8(std::string_view text) { return ParseInt<int64_t>(text, "bigint"); }

Result<double> ParseFloat8(std::string_view text) {
  return ParseFloat<double>(text, "double precision");
}

Result<float> ParseFloat4(std::string_view text) { return ParseFloat<float>(text, "real"); }

std::string FormatFloat8(double v, int extra_float_digits) {
  return FormatFloat(v, extra_float_digits, std::numeric_limits<double>::digits10);
}

std::string FormatFloat4(float v, int extra_float_digits) {
  return FormatFloat(v, extra_float_digits, std::numeric_limits<float>::digits10);
}

}  // namespace blockdb::sql
