#include "pgwire/numeric.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "pgwire/internal/wire.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

constexpr int kDecDigits = 4;  // decimal digits per base-10000 digit
constexpr int16_t kBase = 10000;
constexpr uint16_t kSignPos = 0x0000;
constexpr uint16_t kSignNeg = 0x4000;
constexpr uint16_t kSignNaN = 0xC000;
constexpr uint16_t kSignPInf = 0xD000;
constexpr uint16_t kSignNInf = 0xF000;
// PostgreSQL 15 reads the dscale of an infinity from header bits that hold 0x1000, which it
// sends as 32; matching it keeps BlockDB's bytes identical to PostgreSQL's.
constexpr uint16_t kInfinityWireDscale = 32;
constexpr int kMaxBinaryDigits = 1000 + 2000;  // NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE
constexpr int kMaxExponent = 1000;             // NUMERIC_MAX_PRECISION

Status SyntaxError(std::string_view text) {
  return InvalidTextRepresentation("invalid input syntax for type numeric: \"" + std::string(text) +
                                   "\"");
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view TrimSpace(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Drops leading zero digits (lowering the weight) and trailing ones; zero becomes weight 0.
// False when the lowered weight no longer fits numeric's int16 weight.
bool Strip(Numeric* n) {
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

Status Overflow() {
  return Status::OutOfRange("value overflows numeric format")
      .WithSqlState(kSqlStateNumericValueOutOfRange);
}

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

// Groups the decimal digit string `dec`, whose first digit has decimal weight `dweight`
// (10^dweight), into base-10000 digits.
Result<Numeric> FromDecimalDigits(std::string_view dec, int64_t dweight, int64_t dscale,
                                  bool negative) {
  const int64_t weight =
      dweight >= 0 ? (dweight + kDecDigits) / kDecDigits - 1 : -((-dweight - 1) / kDecDigits + 1);
  if (weight > std::numeric_limits<int16_t>::max() ||
      weight < std::numeric_limits<int16_t>::min() || dscale > Numeric::kMaxDscale) {
    return Status::OutOfRange("value overflows numeric format")
        .WithSqlState(kSqlStateNumericValueOutOfRange);
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
  if (!Strip(&n)) {
    return Overflow();
  }
  return n;
}

}  // namespace

void EncodeNumericBinary(std::string* out, const Numeric& n) {
  uint16_t sign = n.negative ? kSignNeg : kSignPos;
  uint16_t dscale = n.dscale;
  switch (n.kind) {
    case Numeric::Kind::kNaN:
      sign = kSignNaN;
      dscale = 0;
      break;
    case Numeric::Kind::kPosInfinity:
      sign = kSignPInf;
      dscale = kInfinityWireDscale;
      break;
    case Numeric::Kind::kNegInfinity:
      sign = kSignNInf;
      dscale = kInfinityWireDscale;
      break;
    case Numeric::Kind::kFinite:
      break;
  }
  const bool finite = n.kind == Numeric::Kind::kFinite;
  const size_t ndigits = finite ? n.digits.size() : 0;
  internal::PutInt16(out, static_cast<int16_t>(ndigits));
  internal::PutInt16(out, finite ? n.weight : int16_t{0});
  internal::PutInt16(out, static_cast<int16_t>(sign));
  internal::PutInt16(out, static_cast<int16_t>(dscale));
  for (size_t i = 0; i < ndigits; ++i) {
    internal::PutInt16(out, n.digits[i]);
  }
}

Result<Numeric> DecodeNumericBinary(std::string_view bytes) {
  internal::WireReader r(bytes);
  int16_t ndigits;
  Numeric n;
  uint16_t sign;
  if (!r.ReadInt16(&ndigits) || !r.ReadInt16(&n.weight) || !r.ReadUint16(&sign) ||
      !r.ReadUint16(&n.dscale)) {
    return InvalidBinaryRepresentation("insufficient data for numeric");
  }
  if (ndigits < 0 || ndigits > kMaxBinaryDigits) {
    return InvalidBinaryRepresentation("invalid length in external \"numeric\" value");
  }
  if (sign != kSignPos && sign != kSignNeg && sign != kSignNaN && sign != kSignPInf &&
      sign != kSignNInf) {
    return InvalidBinaryRepresentation("invalid sign in external \"numeric\" value");
  }
  if ((n.dscale & Numeric::kMaxDscale) != n.dscale) {
    return InvalidBinaryRepresentation("invalid scale in external \"numeric\" value");
  }
  if (r.remaining() != 2 * static_cast<size_t>(ndigits)) {
    return InvalidBinaryRepresentation("incorrect binary data format for numeric");
  }
  n.digits.resize(static_cast<size_t>(ndigits));
  for (int16_t& d : n.digits) {
    r.ReadInt16(&d);  // cannot fail: length checked above
    if (d < 0 || d >= kBase) {
      return InvalidBinaryRepresentation("invalid digit in external \"numeric\" value");
    }
  }
  if (sign == kSignNaN || sign == kSignPInf || sign == kSignNInf) {
    Numeric special;
    special.kind = sign == kSignNaN    ? Numeric::Kind::kNaN
                   : sign == kSignPInf ? Numeric::Kind::kPosInfinity
                                       : Numeric::Kind::kNegInfinity;
    return special;
  }
  n.negative = sign == kSignNeg;
  if (!Strip(&n)) {
    return Overflow();
  }
  return n;
}

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
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > kMaxExponent) {
        return SyntaxError(text);
      }
    }
    if (i == exp_start) {
      return SyntaxError(text);
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
    return FromDecimalDigits("", 0, dscale, false);
  }
  return FromDecimalDigits(std::string_view(dec).substr(zeros), dweight, dscale, negative);
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

}  // namespace blockdb::pgwire
