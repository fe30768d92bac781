#include "common/coding.h"

namespace blockdb {

namespace {

constexpr uint8_t kContinuation = 0x80;
constexpr uint8_t kPayload = 0x7f;

// Shared varint decoder. A varint of type T holds at most ceil(bits/7) bytes, and its last byte
// may only use the bits that still fit in T: anything else (an eleventh byte for 64 bits, or a
// final byte whose high payload bits would overflow) is rejected rather than silently wrapped.
// "Overlong" also covers a non-minimal encoding that ends in a 0x00 byte after a continuation
// ("\x80\x00" for 0): every value has exactly one accepted encoding, so encoded records can be
// compared and hashed byte for byte.
template <typename T>
const char* DecodeVarint(const char* p, const char* limit, T* v) {
  constexpr int kBits = sizeof(T) * 8;
  T result = 0;
  for (int shift = 0; shift < kBits && p < limit; shift += 7) {
    uint8_t byte = static_cast<uint8_t>(*p++);
    T payload = byte & kPayload;
    if (kBits - shift < 7 && (payload >> (kBits - shift)) != 0) {
      return nullptr;  // overflow: payload bits beyond the width of T
    }
    result |= payload << shift;
    if ((byte & kContinuation) == 0) {
      if (byte == 0 && shift > 0) {
        return nullptr;  // non-minimal: a trailing zero group
      }
      *v = result;
      return p;
    }
  }
  return nullptr;  // truncated, or too many bytes
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

void EncodeFixed32(char* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    dst[i] = static_cast<char>(v >> (8 * i));
  }
}

void EncodeFixed64(char* dst, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    dst[i] = static_cast<char>(v >> (8 * i));
  }
}

void PutFixed32(std::string* dst, uint32_t v) {
  char buf[4];
  EncodeFixed32(buf, v);
  dst->append(buf, sizeof(buf));
}

void PutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  EncodeFixed64(buf, v);
  dst->append(buf, sizeof(buf));
}

void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= kContinuation) {
    buf[n++] = static_cast<char>((v & kPayload) | kContinuation);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, static_cast<size_t>(n));
}

void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

void PutLengthPrefixed(std::string* dst, std::string_view value) {
  PutVarint64(dst, value.size());
  dst->append(value);
}

int VarintLength(uint64_t v) {
  int len = 1;
  while (v >= kContinuation) {
    v >>= 7;
    ++len;
  }
  return len;
}

bool GetFixed32(std::string_view* in, uint32_t* v) {
  if (in->size() < 4) {
    return false;
  }
  *v = DecodeFixed32(in->data());
  in->remove_prefix(4);
  return true;
}

bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) {
    return false;
  }
  *v = DecodeFixed64(in->data());
  in->remove_prefix(8);
  return true;
}

const char* DecodeVarint32Slow(const char* p, const char* limit, uint32_t* v) {
  return DecodeVarint<uint32_t>(p, limit, v);
}

const char* DecodeVarint64Slow(const char* p, const char* limit, uint64_t* v) {
  return DecodeVarint<uint64_t>(p, limit, v);
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    uint8_t b = static_cast<uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigit(hex[i]);
    int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out += static_cast<char>((hi << 4) | lo);
  }
  return out;
}

}  // namespace blockdb
