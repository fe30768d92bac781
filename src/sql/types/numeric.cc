// Numeric text input and output. Arithmetic is in numeric_arith.cc.
#include <algorithm>
#include <limits>
#include <optional>

#include "sql/types/errors.h"
#include "sql/types/internal/numeric_internal.h"
#include "sql/types/internal/text_util.h"
#include "sql/types/numeric.h"

namespace blockdb::sql {

namespace {

using internal::EqualsIgnoreCase;
using internal::TrimSpace;

constexpr int kDecDigits = 4;  // decimal digits per base-10000 digit
// PostgreSQL rejects |exponent| >= INT_MAX / 2 outright; smaller ones overflow the weight or
// the scale later, with the same error.
constexpr int64_t kMaxExponent = 1073741823;

Status SyntaxError(std::string_view text) { return InvalidInputSyntax("numeric", text); }

std::optional<Numeric> ParseSpecial(std::string_view body, bool negative, bool has_sign) {
  Numeric n;
  if (!has_sign && EqualsIgnoreCase(body, "nan")) {
    n.kind = Numeric::Kind::kNaN;
    return n;
  }
  if (EqualsIgnoreCase(body, "infinity") || EqualsIgnoreCase(body, "inf")) {
    n.kind = negative ? Numeric::Kind::kNegInfinity : Numeric::Kind::kPosInfinity;
    return n;
  }
  return std::nullopt;
}

}  // namespace

bool StripNumeric(Numeric* n) {
  auto& d = n->digits;
  const auto first = std::find_if(d.begin(), d.end(), [](int16_t x) { return x != 0; });
  const int64_t weight = int64_t{n->weight} - (first - d.begin());
  d.erase(d.begin(), first);
  while (!d.empty() && d.back() == 0) {
    d.pop_back();
  }
  if (d.empty()) {
    n->weight = 0;
    n->negative = false;
    return true;
  }
  if (weight < std::numeric_limits<int16_t>::min()) {
    return false;
  }
  n->weight = static_cast<int16_t>(weight);
  return true;
}

namespace internal {

Status NumericOverflow() { return NumericOutOfRange("value overflows numeric format"); }

// Groups the decimal digit string `dec`, whose first digit has decimal weight `dweight`
// (10^dweight), into base-10000 digits.
Result<Numeric> FromDecimalDigits(std::string_view dec, int64_t dweight, int64_t dscale,
                                  bool negative) {
  const int64_t weight =
      dweight >= 0 ? (dweight + kDecDigits) / kDecDigits - 1 : -((-dweight - 1) / kDecDigits + 1);
  if (weight > std::numeric_limits<int16_t>::max() ||
      weight < std::numeric_limits<int16_t>::min() || dscale > Numeric::kMaxDscale) {
    return NumericOverflow();
  }
  // Pad so that the first decimal digit lands at its place inside digits[0].
  const int64_t offset = (weight + 1) * kDecDigits - (dweight + 1);
  std::string padded(static_cast<size_t>(offset), '0');
  padded.append(dec);
  padded.append((kDecDigits - padded.size() % kDecDigits) % kDecDigits, '0');
  Numeric n;
  n.negative = negative;
  n.weight = static_cast<int16_t>(weight);
  n.dscale = static_cast<uint16_t>(dscale);
  for (size_t i = 0; i < padded.size(); i += kDecDigits) {
    int16_t v = 0;
    for (int k = 0; k < kDecDigits; ++k) {
      v = static_cast<int16_t>(v * 10 + (padded[i + k] - '0'));
    }
    n.digits.push_back(v);
  }
  if (!StripNumeric(&n)) {
    return NumericOverflow();
  }
  return n;
}

}  // namespace internal

Result<Numeric> ParseNumericText(std::string_view text) {
  std::string_view s = TrimSpace(text);
  bool negative = false;
  bool has_sign = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    has_sign = true;
    s.remove_prefix(1);
  }
  if (std::optional<Numeric> special = ParseSpecial(s, negative, has_sign)) {
    return *special;
  }
  std::string dec;
  int64_t int_digits = 0;
  int64_t frac_digits = 0;
  bool seen_point = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      dec.push_back(s[i]);
      (seen_point ? frac_digits : int_digits)++;
    } else if (s[i] == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (dec.empty()) {
    return SyntaxError(text);
  }
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    const size_t exp_start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), kMaxExponent);
    }
    if (i == exp_start) {
      return SyntaxError(text);
    }
    if (exponent >= kMaxExponent) {
      return internal::NumericOverflow();
    }
    exponent = exp_negative ? -exponent : exponent;
  }
  if (i != s.size()) {
    return SyntaxError(text);
  }
  const int64_t dscale = std::max<int64_t>(0, frac_digits - exponent);
  // Leading zeros carry no value; dropping them keeps "000...0001" from looking huge.
  const size_t zeros = std::min(dec.find_first_not_of('0'), dec.size());
  const int64_t dweight = int_digits - 1 + exponent - static_cast<int64_t>(zeros);
  if (zeros == dec.size()) {
    return internal::FromDecimalDigits("", 0, dscale, false);
  }
  return internal::FromDecimalDigits(std::string_view(dec).substr(zeros), dweight, dscale,
                                     negative);
}

std::string FormatNumericText(const Numeric& n) {
  switch (n.kind) {
    case Numeric::Kind::kNaN:
      return "NaN";
    case Numeric::Kind::kPosInfinity:
      return "Infinity";
    case Numeric::Kind::kNegInfinity:
      return "-Infinity";
    case Numeric::Kind::kFinite:
      break;
  }
  const auto digit_at = [&n](int64_t i) -> int {
    return i >= 0 && i < static_cast<int64_t>(n.digits.size()) ? n.digits[i] : 0;
  };
  std::string s = n.negative ? "-" : "";
  if (n.weight < 0) {
    s += '0';
  } else {
    for (int64_t i = 0; i <= n.weight; ++i) {
      std::string group = std::to_string(digit_at(i));
      if (i > 0) {
        group.insert(0, kDecDigits - group.size(), '0');
      }
      s += group;
    }
  }
  if (n.dscale > 0) {
    s += '.';
    std::string frac;
    // Fraction digits start at base-10000 position weight + 1.
    for (int64_t i = n.weight + 1; frac.size() < n.dscale; ++i) {
      std::string group = std::to_string(digit_at(i));
      frac += std::string(kDecDigits - group.size(), '0') + group;
    }
    s += frac.substr(0, n.dscale);
  }
  return s;
}

}  // namespace blockdb::sql
