// Bloom filter over all keys of a table, answering "definitely absent" for most missing keys
// without reading a data block.
//
// Encoding (docs/format/sstable.md, "Filter block"): the bit array (bit i is bit i%8 of byte
// i/8), then one byte k, the number of probes. Key hashes come from Hash64 below; probe j of a
// key sets bit (h1 + j*h2) mod m, where h1 is the low 32 bits of the hash, h2 the high 32 bits
// with the lowest bit set, and m the number of bits (Kirsch-Mitzenmacher double hashing: two
// hashes simulate k). At 10 bits per key and k = 6 the false-positive rate is about 0.8%.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb {

// MurmurHash64A (Austin Appleby's public-domain design, reimplemented here) over bytes read as
// little-endian 64-bit words, with a fixed seed. Why not a library: the hash is part of the
// on-disk format (filters store its bits), so it must never change with a library upgrade or a
// platform's byte order, and it is twenty lines.
uint64_t Hash64(std::string_view data);

// Collects key hashes and encodes the filter. Not thread-safe.
class BloomFilterBuilder {
 public:
  // bits_per_key <= 0 builds an empty filter, which answers "may contain" for every key.
  explicit BloomFilterBuilder(int bits_per_key);

  void AddKey(std::string_view key);
  // Appends the encoded filter for every key added so far.
  void Finish(std::string* dst) const;
  size_t num_keys() const { return hashes_.size(); }

 private:
  const int bits_per_key_;
  std::vector<uint64_t> hashes_;
};

// A decoded filter; a view over bytes the caller keeps alive. Thread-safe (read-only).
class BloomFilter {
 public:
  BloomFilter() = default;
  // Corruption (naming file and offset) when k is outside 1..30 for a non-empty bit array, or
  // non-zero for an empty one.
  static Result<BloomFilter> Parse(std::string_view encoded, std::string_view file_name,
                                   uint64_t offset);

  // False only if key was certainly not added.
  bool KeyMayMatch(std::string_view key) const;

 private:
  BloomFilter(std::string_view bits, int k) : bits_(bits), k_(k) {}

  std::string_view bits_;
  int k_ = 0;
};

}  // namespace blockdb
