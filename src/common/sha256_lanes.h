// SHA-256 of many independent messages at once (VERIFY's entries and tree nodes, a write batch's
// leaves).
//
// Why BlockDB has SHA-256 code of its own here: OpenSSL hashes one message at a time. With the
// CPU's SHA extensions a 64-byte block is a chain of 32 dependent SHA256RNDS2 instructions, so one
// message runs at that instruction's latency and leaves the unit idle most cycles. Interleaving
// the rounds of independent messages fills those cycles: on the AMD EPYC machines BlockDB is
// measured on, three lanes hash 150-byte messages about 1.8x as fast as OpenSSL one at a time
// (docs/PERFORMANCE.md; a fourth lane runs out of SSE registers and is slower). OpenSSL 3 has no
// multi-message interface, so the interleaved compression function is written here with the
// compiler's SHA intrinsics; single messages, incremental hashing and CPUs without SHA
// extensions stay with OpenSSL. Tests compare every lane with OpenSSL over the message lengths
// that matter (every padding case up to several blocks, lanes of different lengths).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "common/sha256.h"

namespace blockdb {

// How many messages Sha256Many hashes together; callers batch at least this many for full speed.
// Three measured fastest: each lane keeps six vectors live (state, four message-word groups) in 16
// SSE registers, and a fourth lane spills more than it gains.
inline constexpr size_t kSha256Lanes = 3;

// out[i] = Sha256(messages[i]) for every i. REQUIRES: out.size() >= messages.size(). Messages may
// differ in length (lanes run together for the blocks they share).
void Sha256Many(std::span<const std::string_view> messages, std::span<Hash256> out);

// Whether Sha256Many interleaves on this CPU (false: it calls OpenSSL once per message).
bool Sha256ManyIsInterleaved();

// Test hook: `false` forces Sha256Many onto OpenSSL, `true` restores the CPU's choice. Not to be
// called while other threads hash.
void SetSha256ManyInterleavedForTesting(bool on);

}  // namespace blockdb
