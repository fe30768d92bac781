#include "common/crc32c.h"

#include <array>
#include <cstring>

#include "common/internal/crc32c_impl.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace blockdb::crc32c {

namespace {

// Reflected Castagnoli polynomial (0x1EDC6F41 bit-reversed).
constexpr uint32_t kPoly = 0x82f63b78u;

// Slicing-by-8 tables: table[0] is the classic byte-at-a-time table; table[k][b] is the CRC of
// byte b followed by k zero bytes, so eight table look-ups consume eight input bytes at once.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int i = 0; i < 8; ++i) {
      crc = (crc >> 1) ^ ((crc & 1) ? kPoly : 0);
    }
    t[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) {
      t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
  return t;
}

constexpr Tables kTables = MakeTables();

uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(p[i]) << (8 * i);
  }
  return v;
}

#if defined(__x86_64__)
bool DetectHardware() {
  // Checksums may be computed from static initialisers, before libgcc has probed the CPU.
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#else
bool DetectHardware() { return false; }
#endif

}  // namespace

namespace internal {

uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  uint32_t crc = ~init_crc;
  for (; n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0; --n) {
    crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  }
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word = LoadLE64(p) ^ crc;
    crc = kTables[7][word & 0xff] ^ kTables[6][(word >> 8) & 0xff] ^
          kTables[5][(word >> 16) & 0xff] ^ kTables[4][(word >> 24) & 0xff] ^
          kTables[3][(word >> 32) & 0xff] ^ kTables[2][(word >> 40) & 0xff] ^
          kTables[1][(word >> 48) & 0xff] ^ kTables[0][word >> 56];
  }
  for (; n > 0; --n) {
    crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xff];
  }
  return ~crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t ExtendHardware(uint32_t init_crc, const char* data,
                                                          size_t n) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  uint64_t crc = ~init_crc;
  for (; n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0; --n) {
    crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p++);
  }
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // x86 is little-endian, as the instruction expects
    crc = _mm_crc32_u64(crc, word);
  }
  for (; n > 0; --n) {
    crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p++);
  }
  return ~static_cast<uint32_t>(crc);
}
#else
uint32_t ExtendHardware(uint32_t init_crc, const char* data, size_t n) {
  return ExtendPortable(init_crc, data, n);
}
#endif

bool HardwareAvailable() {
  // A function-local static rather than a namespace-scope one: decided once, on first use, which
  // is safe even when the first checksum is taken during another file's static initialisation.
  static const bool have = DetectHardware();
  return have;
}

}  // namespace internal

uint32_t Extend(uint32_t init_crc, const char* data, size_t n) {
  if (internal::HardwareAvailable()) {
    return internal::ExtendHardware(init_crc, data, n);
  }
  return internal::ExtendPortable(init_crc, data, n);
}

}  // namespace blockdb::crc32c
