// Byte coding: little-endian fixed-width integers and LEB128-style varints, as used by every
// on-disk and wire format of BlockDB (docs/format/). Decoders never read past the input and
// report truncated or overlong input by returning false / nullopt.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace blockdb {

void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);
// Varint length followed by the bytes.
void PutLengthPrefixed(std::string* dst, std::string_view value);

void EncodeFixed32(char* dst, uint32_t v);
void EncodeFixed64(char* dst, uint64_t v);
// Little-endian loads, inline: they run for every block entry and row column a scan reads.
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  }
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  }
  return v;
}

// Number of bytes PutVarint64 would write for v (1..10).
int VarintLength(uint64_t v);

// Consuming decoders: on success advance *in past the value and return true; on truncated or
// malformed input return false and leave *in unspecified.
bool GetFixed32(std::string_view* in, uint32_t* v);
bool GetFixed64(std::string_view* in, uint64_t* v);
inline bool GetVarint32(std::string_view* in, uint32_t* v);
inline bool GetVarint64(std::string_view* in, uint64_t* v);
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* value);

// Pointer-range varint decoder for hot loops: returns the byte after the varint, or nullptr if
// [p, limit) does not hold a complete, valid varint.
// The one-byte case (values < 128: almost every length prefix) is inlined, because these run
// inside memtable and block comparisons.
const char* DecodeVarint32Slow(const char* p, const char* limit, uint32_t* v);
const char* DecodeVarint64Slow(const char* p, const char* limit, uint64_t* v);
inline const char* DecodeVarint32(const char* p, const char* limit, uint32_t* v) {
  if (p < limit && (static_cast<uint8_t>(*p) & 0x80) == 0) {
    *v = static_cast<uint8_t>(*p);
    return p + 1;
  }
  return DecodeVarint32Slow(p, limit, v);
}
inline const char* DecodeVarint64(const char* p, const char* limit, uint64_t* v) {
  if (p < limit && (static_cast<uint8_t>(*p) & 0x80) == 0) {
    *v = static_cast<uint8_t>(*p);
    return p + 1;
  }
  return DecodeVarint64Slow(p, limit, v);
}

inline bool GetVarint32(std::string_view* in, uint32_t* v) {
  const char* q = DecodeVarint32(in->data(), in->data() + in->size(), v);
  if (q == nullptr) return false;
  in->remove_prefix(static_cast<size_t>(q - in->data()));
  return true;
}
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  const char* q = DecodeVarint64(in->data(), in->data() + in->size(), v);
  if (q == nullptr) return false;
  in->remove_prefix(static_cast<size_t>(q - in->data()));
  return true;
}
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* value) {
  uint64_t len = 0;
  if (!GetVarint64(in, &len) || len > in->size()) return false;
  *value = in->substr(0, static_cast<size_t>(len));
  in->remove_prefix(static_cast<size_t>(len));
  return true;
}

// Lowercase hex of bytes, and back (nullopt on odd length or a non-hex digit).
std::string ToHex(std::string_view bytes);
std::optional<std::string> FromHex(std::string_view hex);

}  // namespace blockdb
