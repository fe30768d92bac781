// Order-preserving key encoding: primary keys and index keys as byte strings whose memcmp order
// is the SQL order of the values, column by column. The byte layout is specified in
// docs/format/key_encoding.md; changing it changes every stored key.
//
// Each column is one tag byte followed by a payload. A key of several columns is the
// concatenation of its columns' encodings; every column encoding is self-delimiting, so a key
// made of the first k columns is a byte prefix of every key that extends it, and a prefix scan
// over [prefix, KeyPrefixEnd(prefix)) visits exactly those keys.
//
// Order within a column (ascending):
//   bool       false < true
//   int64      numeric (SMALLINT, INTEGER, BIGINT all use it)
//   double     PostgreSQL's float8 order: -inf < ... < -0 == +0 < ... < +inf < NaN; -0 and +0
//              encode identically, every NaN encodes identically
//   string     unsigned bytewise, any bytes including 0x00 ("a" < "a\0" < "ab")
//   timestamp  int64 microseconds, numeric
// A descending column inverts its value bytes. NULL sorts last in an ascending column and first
// in a descending one (PostgreSQL's default), unless KeyOrder::nulls_first says otherwise.
//
// Encoding is canonical: equal values give equal bytes, and the decoder rejects every byte
// string the encoder cannot produce. All functions are pure and thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace blockdb {

enum class KeyType : uint8_t {
  kBool,
  kInt64,
  kDouble,
  kString,
  kTimestamp,
};

// Sort direction and NULL placement of one key column.
struct KeyOrder {
  bool descending = false;
  // Unset: PostgreSQL's default, NULLS LAST for ascending and NULLS FIRST for descending.
  std::optional<bool> nulls_first;

  bool NullsFirst() const { return nulls_first.value_or(descending); }

  static KeyOrder Ascending() { return KeyOrder(); }
  static KeyOrder Descending() {
    KeyOrder order;
    order.descending = true;
    return order;
  }
  // A copy with an explicit NULLS FIRST (true) or NULLS LAST (false).
  KeyOrder WithNullsFirst(bool first) const {
    KeyOrder order = *this;
    order.nulls_first = first;
    return order;
  }
};

// The declared type and order of one key column.
struct KeyColumn {
  KeyType type = KeyType::kInt64;
  KeyOrder order;
};

// A decoded column value. std::monostate is NULL; kInt64 and kTimestamp columns both give
// int64_t; kString gives the raw bytes.
using KeyValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

// Encoders: each appends one column to *dst.
void AppendKeyNull(std::string* dst, KeyOrder order = {});
void AppendKeyBool(std::string* dst, bool v, KeyOrder order = {});
void AppendKeyInt64(std::string* dst, int64_t v, KeyOrder order = {});
void AppendKeyDouble(std::string* dst, double v, KeyOrder order = {});
void AppendKeyString(std::string* dst, std::string_view v, KeyOrder order = {});
void AppendKeyTimestamp(std::string* dst, int64_t micros, KeyOrder order = {});

// Appends value as a column of the given type and order. REQUIRES: value is NULL or holds the
// alternative that column.type decodes to (bool, int64_t, double or std::string); anything else
// is a bug in the caller and aborts.
void AppendKeyValue(std::string* dst, const KeyColumn& column, const KeyValue& value);

// Walks an encoded key column by column. The caller supplies each column's type and order, which
// the key does not record (the tag byte is checked against them).
class KeyDecoder {
 public:
  explicit KeyDecoder(std::string_view key) : in_(key) {}

  // Decodes the next column into *value. Returns false, leaving the decoder unusable, if the
  // bytes are not a valid encoding of a value of `column` (wrong tag, truncated, bad escape,
  // non-canonical payload, NULL marker on the wrong side).
  bool Next(const KeyColumn& column, KeyValue* value);

  bool done() const { return in_.empty(); }
  // The bytes not decoded yet.
  std::string_view remaining() const { return in_; }

 private:
  bool DecodeString(bool descending, std::string* out);

  std::string_view in_;
};

// Decodes a whole key of exactly columns.size() columns into *values (replacing its contents).
// Returns false on malformed input or trailing bytes.
bool DecodeKey(std::string_view key, std::span<const KeyColumn> columns,
               std::vector<KeyValue>* values);

// The smallest byte string greater than every string that starts with prefix, or "" when there
// is none (prefix empty or all 0xff): the exclusive end of a prefix scan.
std::string KeyPrefixEnd(std::string_view prefix);

}  // namespace blockdb
