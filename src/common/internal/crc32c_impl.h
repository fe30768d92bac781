// The two CRC32C implementations behind crc32c::Extend, exposed so tests can check that they
// agree. Production code calls crc32c::Extend, which picks one at run time.
#pragma once

#include <cstddef>
#include <cstdint>

namespace blockdb::crc32c::internal {

// Slicing-by-8 tables; runs on any CPU.
uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n);

// The SSE4.2 crc32 instruction. REQUIRES: HardwareAvailable() (falls back to the portable code
// on non-x86 builds).
uint32_t ExtendHardware(uint32_t init_crc, const char* data, size_t n);

// True when the CPU has SSE4.2 (probed once, on first call).
bool HardwareAvailable();

}  // namespace blockdb::crc32c::internal
