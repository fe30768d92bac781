#include "common/sha256_lanes.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "common/check.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace blockdb {

namespace {

// -1 until the CPU's features are read on first use, then 1 (interleave) or 0 (OpenSSL); tests
// may set it to 0 to exercise the fallback.
std::atomic<int> g_interleave{-1};

#if defined(__x86_64__)

// FIPS 180-4, 4.2.2 and 5.3.3.
alignas(16) constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t kInitialHash[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

bool CpuHasShaExtensions() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) {
    return false;
  }
  const bool ssse3 = (ecx & (1u << 9)) != 0;
  const bool sse41 = (ecx & (1u << 19)) != 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) {
    return false;
  }
  const bool sha = (ebx & (1u << 29)) != 0;
  return ssse3 && sse41 && sha;
}

// One message laid out as 64-byte blocks: the whole blocks of the message in place, then one or
// two blocks holding its last bytes and the padding (0x80, zeros, the bit length big-endian).
struct PaddedMessage {
  const uint8_t* body = nullptr;
  size_t body_blocks = 0;
  size_t blocks = 0;  // body_blocks + 1 or 2
  alignas(16) uint8_t tail[128];

  void Reset(std::string_view m) {
    body = reinterpret_cast<const uint8_t*>(m.data());
    body_blocks = m.size() / 64;
    const size_t rest = m.size() % 64;
    const size_t tail_blocks = rest + 9 <= 64 ? 1 : 2;
    blocks = body_blocks + tail_blocks;
    std::memset(tail, 0, tail_blocks * 64);
    if (rest > 0) {
      std::memcpy(tail, body + body_blocks * 64, rest);
    }
    tail[rest] = 0x80;
    const uint64_t bits = static_cast<uint64_t>(m.size()) * 8;
    uint8_t* len = tail + tail_blocks * 64 - 8;
    for (int i = 0; i < 8; ++i) {
      len[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    }
  }

  const uint8_t* block(size_t i) const {
    return i < body_blocks ? body + i * 64 : tail + (i - body_blocks) * 64;
  }
};

// The SHA extensions keep the eight working variables as two vectors, ABEF and CDGH (dword 3 of
// ABEF is A). These convert from and to the standard order h0..h7.
struct LaneState {
  __m128i abef;
  __m128i cdgh;
};

__attribute__((target("sha,sse4.1,ssse3"))) inline LaneState LoadInitialState() {
  const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialHash[0]));
  const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kInitialHash[4]));
  const __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);
  const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  return {_mm_alignr_epi8(badc, efgh, 8), _mm_blend_epi16(efgh, badc, 0xF0)};
}

__attribute__((target("sha,sse4.1,ssse3"))) inline void StoreDigest(const LaneState& s,
                                                                     Hash256* out) {
  const __m128i feba = _mm_shuffle_epi32(s.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(s.cdgh, 0xB1);
  const __m128i dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  const __m128i hgfe = _mm_alignr_epi8(dchg, feba, 8);
  // The digest is the state words big-endian.
  const __m128i swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out->data()), _mm_shuffle_epi8(dcba, swap));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out->data() + 16), _mm_shuffle_epi8(hgfe, swap));
}

// Compresses one 64-byte block into each of kLanes states, the lanes' rounds interleaved so that
// the CPU overlaps their SHA256RNDS2 chains. Message words are kept as groups of four
// (W[4g..4g+3]); group g >= 4 comes from groups g-4..g-1 through SHA256MSG1/MSG2.
template <int kLanes>
__attribute__((target("sha,sse4.1,ssse3"))) inline void CompressBlocks(
    LaneState* state, const uint8_t* const* block) {
  const __m128i byte_swap =
      _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);  // big-endian words
  LaneState saved[kLanes];
  __m128i w[kLanes][4];
  for (int l = 0; l < kLanes; ++l) {
    saved[l] = state[l];
  }
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    const __m128i k =
        _mm_load_si128(reinterpret_cast<const __m128i*>(&kRoundConstants[4 * g]));
#pragma GCC unroll 3
    for (int l = 0; l < kLanes; ++l) {
      __m128i& cur = w[l][g % 4];
      if (g < 4) {
        cur = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(block[l] + 16 * g)), byte_swap);
      } else {
        const __m128i& prev1 = w[l][(g + 3) % 4];  // group g-1
        const __m128i& prev2 = w[l][(g + 2) % 4];  // group g-2
        const __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(cur, w[l][(g + 1) % 4]),
                                              _mm_alignr_epi8(prev1, prev2, 4));
        cur = _mm_sha256msg2_epu32(partial, prev1);
      }
      const __m128i wk = _mm_add_epi32(cur, k);
      state[l].cdgh = _mm_sha256rnds2_epu32(state[l].cdgh, state[l].abef, wk);
      state[l].abef =
          _mm_sha256rnds2_epu32(state[l].abef, state[l].cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
  }
  for (int l = 0; l < kLanes; ++l) {
    state[l].abef = _mm_add_epi32(state[l].abef, saved[l].abef);
    state[l].cdgh = _mm_add_epi32(state[l].cdgh, saved[l].cdgh);
  }
}

// Hashes kLanes messages together: all lanes for the blocks every message has, then each longer
// message's remaining blocks alone.
template <int kLanes>
__attribute__((target("sha,sse4.1,ssse3"))) void HashLanes(const std::string_view* messages,
                                                            Hash256* out) {
  PaddedMessage padded[kLanes];
  LaneState state[kLanes];
  size_t shared = SIZE_MAX;
  for (int l = 0; l < kLanes; ++l) {
    padded[l].Reset(messages[l]);
    state[l] = LoadInitialState();
    shared = std::min(shared, padded[l].blocks);
  }
  for (size_t i = 0; i < shared; ++i) {
    const uint8_t* blocks[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      blocks[l] = padded[l].block(i);
    }
    CompressBlocks<kLanes>(state, blocks);
  }
  for (int l = 0; l < kLanes; ++l) {
    for (size_t i = shared; i < padded[l].blocks; ++i) {
      const uint8_t* block = padded[l].block(i);
      CompressBlocks<1>(&state[l], &block);
    }
    StoreDigest(state[l], &out[l]);
  }
}

void HashInterleaved(std::span<const std::string_view> messages, Hash256* out) {
  size_t i = 0;
  for (; i + kSha256Lanes <= messages.size(); i += kSha256Lanes) {
    HashLanes<kSha256Lanes>(&messages[i], &out[i]);
  }
  static_assert(kSha256Lanes == 3, "the tail below covers one or two messages");
  if (messages.size() - i == 2) {
    HashLanes<2>(&messages[i], &out[i]);
  } else if (messages.size() - i == 1) {
    HashLanes<1>(&messages[i], &out[i]);
  }
}

#endif  // __x86_64__

bool DetectInterleave() {
#if defined(__x86_64__)
  return CpuHasShaExtensions();
#else
  return false;
#endif
}

bool InterleaveEnabled() {
  int mode = g_interleave.load(std::memory_order_relaxed);
  if (mode < 0) {
    mode = DetectInterleave() ? 1 : 0;
    g_interleave.store(mode, std::memory_order_relaxed);
  }
  return mode == 1;
}

}  // namespace

void Sha256Many(std::span<const std::string_view> messages, std::span<Hash256> out) {
  BLOCKDB_CHECK(out.size() >= messages.size());
#if defined(__x86_64__)
  if (InterleaveEnabled()) {
    HashInterleaved(messages, out.data());
    return;
  }
#endif
  for (size_t i = 0; i < messages.size(); ++i) {
    out[i] = Sha256(messages[i]);
  }
}

bool Sha256ManyIsInterleaved() { return InterleaveEnabled(); }

void SetSha256ManyInterleavedForTesting(bool on) {
  g_interleave.store(on && DetectInterleave() ? 1 : 0, std::memory_order_relaxed);
}

}  // namespace blockdb
