#include "engine/sstable/bloom.h"

#include <doctest/doctest.h>

#include <string>

namespace blockdb {
namespace {

std::string Key(int i) { return "key" + std::to_string(i); }

BloomFilter Parse(const std::string& encoded) {
  auto f = BloomFilter::Parse(encoded, "f.sst", 0);
  REQUIRE(f.ok());
  return *f;
}

TEST_CASE("sstable bloom: hash is frozen (part of the file format)") {
  // MurmurHash64A with BlockDB's seed; changing any of these breaks every existing filter.
  CHECK(Hash64("") == 0xcf457683853906c5ull);
  CHECK(Hash64("a") == 0xe0382231728dfbb8ull);
  CHECK(Hash64("k1") == 0xb7b6b5ea0f768792ull);
  CHECK(Hash64("0123456789abcdef") == 0x78dafbe4c53e84bdull);
  CHECK(Hash64(std::string("\0\0\0", 3)) != Hash64(std::string("\0\0", 2)));
}

TEST_CASE("sstable bloom: no false negatives at any size") {
  for (int n : {0, 1, 2, 10, 100, 1000, 10000}) {
    CAPTURE(n);
    BloomFilterBuilder builder(10);
    for (int i = 0; i < n; ++i) {
      builder.AddKey(Key(i));
    }
    std::string encoded;
    builder.Finish(&encoded);
    CHECK(encoded.size() >= 9);  // at least 64 bits + k
    CHECK(encoded.back() == 6);
    BloomFilter filter = Parse(encoded);
    for (int i = 0; i < n; ++i) {
      REQUIRE(filter.KeyMayMatch(Key(i)));
    }
  }
}

TEST_CASE("sstable bloom: false-positive rate about 1% at 10 bits per key") {
  const int n = 100000;
  BloomFilterBuilder builder(10);
  for (int i = 0; i < n; ++i) {
    builder.AddKey(Key(i));
  }
  std::string encoded;
  builder.Finish(&encoded);
  CHECK(encoded.size() == n * 10 / 8 + 1);
  BloomFilter filter = Parse(encoded);
  for (int i = 0; i < n; ++i) {
    REQUIRE(filter.KeyMayMatch(Key(i)));
  }
  int false_positives = 0;
  const int probes = 100000;
  for (int i = 0; i < probes; ++i) {
    if (filter.KeyMayMatch(Key(n + i) + "-absent")) {
      ++false_positives;
    }
  }
  double rate = static_cast<double>(false_positives) / probes;
  MESSAGE("bloom false-positive rate at 10 bits/key: " << rate);
  CHECK(rate > 0.002);  // a filter that never says yes would be suspicious too
  CHECK(rate < 0.02);
}

TEST_CASE("sstable bloom: disabled filter matches everything") {
  BloomFilterBuilder builder(0);
  builder.AddKey("a");
  std::string encoded;
  builder.Finish(&encoded);
  CHECK(encoded == std::string(1, '\0'));
  BloomFilter filter = Parse(encoded);
  CHECK(filter.KeyMayMatch("a"));
  CHECK(filter.KeyMayMatch("anything"));
}

TEST_CASE("sstable bloom: bad probe counts are corruption") {
  CHECK(BloomFilter::Parse("", "f.sst", 10).status().IsCorruption());
  CHECK(BloomFilter::Parse(std::string(1, '\x03'), "f.sst", 10).status().IsCorruption());
  std::string bits(8, '\xff');
  CHECK(BloomFilter::Parse(bits + '\0', "f.sst", 10).status().IsCorruption());
  auto s = BloomFilter::Parse(bits + '\x1f', "000007.sst", 123).status();
  CHECK(s.IsCorruption());
  CHECK(s.message().find("000007.sst offset 123") != std::string::npos);
  CHECK(BloomFilter::Parse(bits + '\x1e', "f.sst", 10).ok());
}

}  // namespace
}  // namespace blockdb
