// Helpers for the ledger tests: the naive recursive definitions of RFC 6962 / RFC 9162 (written
// straight from the RFC text, independent of merkle.cc), hex helpers and seeded randomness.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "common/coding.h"
#include "common/sha256.h"

namespace blockdb::ledger::testing {

inline Hash256 H(std::string_view hex) {
  auto bytes = FromHex(hex);
  REQUIRE(bytes.has_value());
  REQUIRE(bytes->size() == 32);
  Hash256 h;
  std::memcpy(h.data(), bytes->data(), 32);
  return h;
}

inline std::string Hex(const Hash256& h) { return ToHex(AsBytes(h)); }

inline std::string Bytes(std::string_view hex) {
  auto bytes = FromHex(hex);
  REQUIRE(bytes.has_value());
  return *bytes;
}

// RFC 6962 section 2.1, literally.
inline Hash256 NaiveLeaf(std::string_view data) {
  return Sha256(std::string(1, '\0') + std::string(data));
}
inline Hash256 NaiveNode(const Hash256& l, const Hash256& r) {
  return Sha256(std::string(1, '\1') + std::string(AsBytes(l)) + std::string(AsBytes(r)));
}
inline uint64_t NaiveSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) {
    k *= 2;
  }
  return k;
}
inline Hash256 NaiveMth(std::span<const Hash256> d) {
  if (d.empty()) {
    return Sha256(std::string_view());
  }
  if (d.size() == 1) {
    return d[0];
  }
  const uint64_t k = NaiveSplit(d.size());
  return NaiveNode(NaiveMth(d.subspan(0, k)), NaiveMth(d.subspan(k)));
}
// PATH(m, D[n]).
inline std::vector<Hash256> NaivePath(uint64_t m, std::span<const Hash256> d) {
  if (d.size() <= 1) {
    return {};
  }
  const uint64_t k = NaiveSplit(d.size());
  std::vector<Hash256> path;
  if (m < k) {
    path = NaivePath(m, d.subspan(0, k));
    path.push_back(NaiveMth(d.subspan(k)));
  } else {
    path = NaivePath(m - k, d.subspan(k));
    path.push_back(NaiveMth(d.subspan(0, k)));
  }
  return path;
}
// SUBPROOF(m, D[n], b).
inline std::vector<Hash256> NaiveSubproof(uint64_t m, std::span<const Hash256> d, bool b) {
  const uint64_t n = d.size();
  if (m == n) {
    if (b) {
      return {};
    }
    return {NaiveMth(d)};
  }
  const uint64_t k = NaiveSplit(n);
  std::vector<Hash256> proof;
  if (m <= k) {
    proof = NaiveSubproof(m, d.subspan(0, k), b);
    proof.push_back(NaiveMth(d.subspan(k)));
  } else {
    proof = NaiveSubproof(m - k, d.subspan(k), false);
    proof.push_back(NaiveMth(d.subspan(0, k)));
  }
  return proof;
}
inline std::vector<Hash256> NaiveConsistency(uint64_t m, std::span<const Hash256> d) {
  if (m == 0 || m == d.size()) {
    return {};
  }
  return NaiveSubproof(m, d, true);
}

// The left/right decisions PATH(m, D[n]) takes, deepest first (true: the sibling is on the right).
// Two (index, size) pairs with the same decisions accept the same audit paths: the size is only
// authenticated by the root the verifier trusts.
inline std::vector<bool> NaiveDirections(uint64_t m, uint64_t n) {
  if (n <= 1) {
    return {};
  }
  const uint64_t k = NaiveSplit(n);
  std::vector<bool> d = m < k ? NaiveDirections(m, k) : NaiveDirections(m - k, n - k);
  d.push_back(m < k);
  return d;
}

// Distinct pseudo-random leaf hashes.
inline std::vector<Hash256> MakeLeaves(uint64_t n, uint64_t salt = 0) {
  std::vector<Hash256> leaves;
  leaves.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    leaves.push_back(NaiveLeaf("leaf " + std::to_string(salt) + "/" + std::to_string(i)));
  }
  return leaves;
}

// BLOCKDB_SEED when set, else a fresh seed; callers INFO() it so a failure prints it.
inline uint64_t TestSeed() {
  if (const char* env = std::getenv("BLOCKDB_SEED")) {
    return std::strtoull(env, nullptr, 10);
  }
  return std::random_device{}();
}

}  // namespace blockdb::ledger::testing
