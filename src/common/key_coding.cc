#include "common/key_coding.h"

#include <bit>
#include <cmath>
#include <iterator>
#include <limits>

#include "common/check.h"

namespace blockdb {

namespace {

// Tag bytes (docs/format/key_encoding.md). NULL markers are written as they are; value tags are
// given in ascending form and inverted with the rest of a descending column, so that a decoder
// can tell a descending column from an ascending one and reject the wrong one.
constexpr uint8_t kNullFirst = 0x01;
constexpr uint8_t kNullLast = 0xfe;
constexpr uint8_t kTagBool = 0x10;
constexpr uint8_t kTagInt64 = 0x20;
constexpr uint8_t kTagDouble = 0x30;
constexpr uint8_t kTagString = 0x40;
constexpr uint8_t kTagTimestamp = 0x50;

// Inside a string payload: 0x00 is escaped as 0x00 0xff, and 0x00 0x01 ends the string.
constexpr uint8_t kEscape = 0x00;
constexpr uint8_t kEscapedZero = 0xff;
constexpr uint8_t kTerminator = 0x01;

constexpr uint64_t kSignBit = uint64_t{1} << 63;

uint8_t TagFor(KeyType type) {
  // Indexed by KeyType.
  static constexpr uint8_t kTags[] = {kTagBool, kTagInt64, kTagDouble, kTagString, kTagTimestamp};
  auto index = static_cast<size_t>(type);
  BLOCKDB_CHECK_MSG(index < std::size(kTags), "unknown KeyType");
  return kTags[index];
}

// Byte as stored: ascending bytes as is, descending bytes inverted.
char Stored(uint8_t b, bool descending) { return static_cast<char>(descending ? ~b : b); }

void PutByte(std::string* dst, uint8_t b, bool descending) {
  dst->push_back(Stored(b, descending));
}

void PutBigEndian64(std::string* dst, uint64_t v, bool descending) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    PutByte(dst, static_cast<uint8_t>(v >> shift), descending);
  }
}

// Flipping the sign bit maps int64 two's complement onto unsigned order.
uint64_t OrderedInt64(int64_t v) { return static_cast<uint64_t>(v) ^ kSignBit; }

// IEEE 754 bits ordered as unsigned integers: negative numbers have all bits inverted (larger
// magnitude sorts first), non-negative ones get the sign bit set. -0 is folded into +0 and every
// NaN into the positive quiet NaN, which then lands above +inf.
uint64_t OrderedDouble(double v) {
  if (v == 0.0) {
    v = 0.0;
  }
  if (std::isnan(v)) {
    v = std::numeric_limits<double>::quiet_NaN();
  }
  uint64_t bits = std::bit_cast<uint64_t>(v);
  if (std::isnan(v)) {
    bits &= ~kSignBit;  // quiet_NaN()'s sign is unspecified on some platforms
  }
  return (bits & kSignBit) ? ~bits : bits | kSignBit;
}

double DoubleFromOrdered(uint64_t e) {
  uint64_t bits = (e & kSignBit) ? e & ~kSignBit : ~e;
  return std::bit_cast<double>(bits);
}

}  // namespace

void AppendKeyNull(std::string* dst, KeyOrder order) {
  dst->push_back(static_cast<char>(order.NullsFirst() ? kNullFirst : kNullLast));
}

void AppendKeyBool(std::string* dst, bool v, KeyOrder order) {
  PutByte(dst, kTagBool, order.descending);
  PutByte(dst, v ? 1 : 0, order.descending);
}

void AppendKeyInt64(std::string* dst, int64_t v, KeyOrder order) {
  PutByte(dst, kTagInt64, order.descending);
  PutBigEndian64(dst, OrderedInt64(v), order.descending);
}

void AppendKeyDouble(std::string* dst, double v, KeyOrder order) {
  PutByte(dst, kTagDouble, order.descending);
  PutBigEndian64(dst, OrderedDouble(v), order.descending);
}

void AppendKeyString(std::string* dst, std::string_view v, KeyOrder order) {
  PutByte(dst, kTagString, order.descending);
  for (char c : v) {
    uint8_t b = static_cast<uint8_t>(c);
    PutByte(dst, b, order.descending);
    if (b == kEscape) {
      PutByte(dst, kEscapedZero, order.descending);
    }
  }
  PutByte(dst, kEscape, order.descending);
  PutByte(dst, kTerminator, order.descending);
}

void AppendKeyTimestamp(std::string* dst, int64_t micros, KeyOrder order) {
  PutByte(dst, kTagTimestamp, order.descending);
  PutBigEndian64(dst, OrderedInt64(micros), order.descending);
}

void AppendKeyValue(std::string* dst, const KeyColumn& column, const KeyValue& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    AppendKeyNull(dst, column.order);
    return;
  }
  switch (column.type) {
    case KeyType::kBool:
      BLOCKDB_CHECK(std::holds_alternative<bool>(value));
      AppendKeyBool(dst, std::get<bool>(value), column.order);
      return;
    case KeyType::kInt64:
      BLOCKDB_CHECK(std::holds_alternative<int64_t>(value));
      AppendKeyInt64(dst, std::get<int64_t>(value), column.order);
      return;
    case KeyType::kDouble:
      BLOCKDB_CHECK(std::holds_alternative<double>(value));
      AppendKeyDouble(dst, std::get<double>(value), column.order);
      return;
    case KeyType::kString:
      BLOCKDB_CHECK(std::holds_alternative<std::string>(value));
      AppendKeyString(dst, std::get<std::string>(value), column.order);
      return;
    case KeyType::kTimestamp:
      BLOCKDB_CHECK(std::holds_alternative<int64_t>(value));
      AppendKeyTimestamp(dst, std::get<int64_t>(value), column.order);
      return;
  }
  BLOCKDB_CHECK_MSG(false, "unknown KeyType");
}

bool KeyDecoder::DecodeString(bool descending, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in_.size(); ++i) {
    uint8_t b = static_cast<uint8_t>(Stored(static_cast<uint8_t>(in_[i]), descending));
    if (b != kEscape) {
      out->push_back(static_cast<char>(b));
      continue;
    }
    if (++i == in_.size()) {
      return false;
    }
    uint8_t next = static_cast<uint8_t>(Stored(static_cast<uint8_t>(in_[i]), descending));
    if (next == kTerminator) {
      in_.remove_prefix(i + 1);
      return true;
    }
    if (next != kEscapedZero) {
      return false;
    }
    out->push_back('\0');
  }
  return false;  // no terminator
}

bool KeyDecoder::Next(const KeyColumn& column, KeyValue* value) {
  if (in_.empty()) {
    return false;
  }
  const bool desc = column.order.descending;
  uint8_t first = static_cast<uint8_t>(in_[0]);
  if (first == kNullFirst || first == kNullLast) {
    // A marker on the side this column does not put NULLs would break the order.
    if ((first == kNullFirst) != column.order.NullsFirst()) {
      return false;
    }
    in_.remove_prefix(1);
    *value = std::monostate{};
    return true;
  }
  if (first != static_cast<uint8_t>(Stored(TagFor(column.type), desc))) {
    return false;
  }
  in_.remove_prefix(1);
  auto read_u64 = [&](uint64_t* v) {
    if (in_.size() < 8) {
      return false;
    }
    *v = 0;
    for (int i = 0; i < 8; ++i) {
      *v = (*v << 8) | static_cast<uint8_t>(Stored(static_cast<uint8_t>(in_[i]), desc));
    }
    in_.remove_prefix(8);
    return true;
  };
  uint64_t u = 0;
  switch (column.type) {
    case KeyType::kBool: {
      if (in_.empty()) {
        return false;
      }
      uint8_t b = static_cast<uint8_t>(Stored(static_cast<uint8_t>(in_[0]), desc));
      if (b > 1) {
        return false;
      }
      in_.remove_prefix(1);
      *value = b == 1;
      return true;
    }
    case KeyType::kInt64:
    case KeyType::kTimestamp:
      if (!read_u64(&u)) {
        return false;
      }
      *value = static_cast<int64_t>(u ^ kSignBit);
      return true;
    case KeyType::kDouble: {
      if (!read_u64(&u)) {
        return false;
      }
      double d = DoubleFromOrdered(u);
      if (OrderedDouble(d) != u) {
        return false;  // -0 or a NaN other than the canonical one
      }
      *value = d;
      return true;
    }
    case KeyType::kString: {
      std::string s;
      if (!DecodeString(desc, &s)) {
        return false;
      }
      *value = std::move(s);
      return true;
    }
  }
  return false;
}

bool DecodeKey(std::string_view key, std::span<const KeyColumn> columns,
               std::vector<KeyValue>* values) {
  values->clear();
  values->reserve(columns.size());
  KeyDecoder decoder(key);
  for (const KeyColumn& column : columns) {
    KeyValue v;
    if (!decoder.Next(column, &v)) {
      return false;
    }
    values->push_back(std::move(v));
  }
  return decoder.done();
}

std::string KeyPrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) {
    end.pop_back();
  }
  if (!end.empty()) {
    end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  }
  return end;
}

}  // namespace blockdb
