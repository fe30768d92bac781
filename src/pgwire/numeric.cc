#include "pgwire/numeric.h"

#include "pgwire/internal/wire.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

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

Status Overflow() {
  return Status::OutOfRange("value overflows numeric format")
      .WithSqlState(kSqlStateNumericValueOutOfRange);
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
  if (!sql::StripNumeric(&n)) {
    return Overflow();
  }
  if (sql::NumericMinimalScale(n) > n.dscale) {
    return sql::NumericTrunc(n, n.dscale);  // digits the scale hides are dropped
  }
  return n;
}

}  // namespace blockdb::pgwire
