#include "engine/sstable/bloom.h"

#include <algorithm>

#include "common/coding.h"
#include "engine/sstable/format.h"

namespace blockdb {
namespace {

constexpr uint64_t kHashSeed = 0x1d8e4e27c47d124full;
constexpr uint64_t kMurmurMul = 0xc6a4a7935bd1e995ull;
constexpr int kMurmurShift = 47;
constexpr int kMaxProbes = 30;
constexpr size_t kMinFilterBits = 64;

// The bit probe j of a key hash tests in a filter of m bits. h2 is forced odd: m is a multiple of
// 8, and an even step would make the probes of some keys repeat after m / gcd(h2, m) steps (with
// the 64-bit minimum, a key with h2 = 32 mod 64 would set only two bits). h1 + j * h2 < 2^37.
uint64_t ProbeBit(uint64_t hash, int j, uint64_t m) {
  uint64_t h1 = hash & 0xffffffffu;
  uint64_t h2 = (hash >> 32) | 1;
  return (h1 + static_cast<uint64_t>(j) * h2) % m;
}

}  // namespace

uint64_t Hash64(std::string_view data) {
  const size_t n = data.size();
  uint64_t h = kHashSeed ^ (static_cast<uint64_t>(n) * kMurmurMul);
  const char* p = data.data();
  const char* end = p + (n & ~size_t{7});
  for (; p != end; p += 8) {
    uint64_t k = DecodeFixed64(p);
    k *= kMurmurMul;
    k ^= k >> kMurmurShift;
    k *= kMurmurMul;
    h ^= k;
    h *= kMurmurMul;
  }
  size_t tail = n & 7;
  if (tail != 0) {
    for (size_t i = tail; i-- > 0;) {
      h ^= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    }
    h *= kMurmurMul;
  }
  h ^= h >> kMurmurShift;
  h *= kMurmurMul;
  h ^= h >> kMurmurShift;
  return h;
}

BloomFilterBuilder::BloomFilterBuilder(int bits_per_key) : bits_per_key_(bits_per_key) {}

void BloomFilterBuilder::AddKey(std::string_view key) { hashes_.push_back(Hash64(key)); }

void BloomFilterBuilder::Finish(std::string* dst) const {
  if (bits_per_key_ <= 0) {
    dst->push_back('\0');  // no bits, k = 0: every key may match
    return;
  }
  size_t bits = std::max(hashes_.size() * static_cast<size_t>(bits_per_key_), kMinFilterBits);
  size_t bytes = (bits + 7) / 8;
  bits = bytes * 8;
  // k = bits_per_key * ln 2 minimises the false-positive rate.
  int k = std::clamp(bits_per_key_ * 69 / 100, 1, kMaxProbes);
  size_t start = dst->size();
  dst->resize(start + bytes, '\0');
  char* array = dst->data() + start;
  for (uint64_t hash : hashes_) {
    for (int j = 0; j < k; ++j) {
      uint64_t bit = ProbeBit(hash, j, bits);
      array[bit / 8] = static_cast<char>(array[bit / 8] | (1 << (bit % 8)));
    }
  }
  dst->push_back(static_cast<char>(k));
}

Result<BloomFilter> BloomFilter::Parse(std::string_view encoded, std::string_view file_name,
                                       uint64_t offset) {
  if (encoded.empty()) {
    return CorruptionAt(file_name, offset, "empty filter block");
  }
  int k = static_cast<uint8_t>(encoded.back());
  std::string_view bits = encoded.substr(0, encoded.size() - 1);
  bool ok = bits.empty() ? k == 0 : (k >= 1 && k <= kMaxProbes);
  if (!ok) {
    return CorruptionAt(file_name, offset, "bad filter probe count " + std::to_string(k));
  }
  return BloomFilter(bits, k);
}

bool BloomFilter::KeyMayMatch(std::string_view key) const {
  if (bits_.empty()) {
    return true;
  }
  const uint64_t m = static_cast<uint64_t>(bits_.size()) * 8;
  const uint64_t hash = Hash64(key);
  for (int j = 0; j < k_; ++j) {
    uint64_t bit = ProbeBit(hash, j, m);
    if (((static_cast<uint8_t>(bits_[bit / 8]) >> (bit % 8)) & 1) == 0) {
      return false;
    }
  }
  return true;
}

}  // namespace blockdb
