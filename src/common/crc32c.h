// CRC32C (Castagnoli), the checksum of every BlockDB record and block.
//
// Debian ships no CRC32C library for C++, so BlockDB carries its own: the SSE4.2 crc32
// instruction when the CPU has it (checked once at start-up), slicing-by-8 tables otherwise.
// Stored checksums are masked (as in LevelDB) so that a CRC computed over data that itself
// contains CRCs does not degenerate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace blockdb::crc32c {

// CRC32C of concat(A, data) where init_crc is the CRC32C of some string A.
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace blockdb::crc32c
