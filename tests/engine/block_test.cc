#include "engine/sstable/block.h"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/coding.h"
#include "engine/sstable/block_builder.h"
#include "engine/sstable/format.h"

namespace blockdb {
namespace {

using Entries = std::map<std::string, std::string>;

std::string Unhex(std::string_view hex) {
  std::optional<std::string> bytes = FromHex(hex);
  REQUIRE(bytes.has_value());
  return *bytes;
}

std::unique_ptr<Block> BuildBlock(const Entries& entries, int restart_interval) {
  BlockBuilder builder(restart_interval);
  for (const auto& [k, v] : entries) {
    builder.Add(k, v);
  }
  auto block = Block::Create(std::string(builder.Finish()), "test.sst", 0);
  REQUIRE(block.ok());
  return std::move(block).value();
}

// Keys of many shapes: empty key and values, binary bytes including 0x00 and 0xff, long shared
// prefixes, keys that are prefixes of others, long values.
Entries MixedEntries() {
  Entries e;
  e[""] = "empty key";
  e[std::string("\0", 1)] = "";
  e[std::string("\0\0", 2)] = std::string("\0x\0", 3);
  e[std::string("a\0b", 3)] = "v";
  e["a"] = "";
  e["ab"] = "prefix extension";
  e[std::string(300, 'p')] = "long key";
  for (int i = 0; i < 60; ++i) {
    e[std::string(200, 'p') + std::to_string(i)] = std::string(i, 'v');
  }
  e[std::string(3, '\xff')] = std::string(5000, 'x');
  e["\xff"] = "ff";
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string k(1 + rng() % 20, '\0');
    for (char& c : k) {
      c = static_cast<char>(rng() % 4);  // many 0x00 bytes and shared prefixes
    }
    e[k] = std::string(rng() % 30, static_cast<char>('a' + i % 26));
  }
  return e;
}

void CheckIteration(const Block& block, const Entries& entries) {
  auto it = block.NewIterator("test.sst");
  auto expected = entries.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    REQUIRE(expected != entries.end());
    CHECK(it->key() == expected->first);
    CHECK(it->value() == expected->second);
  }
  CHECK(expected == entries.end());
  CHECK(it->status().ok());
}

void CheckSeeks(const Block& block, const Entries& entries) {
  auto it = block.NewIterator("test.sst");
  for (auto e = entries.begin(); e != entries.end(); ++e) {
    it->Seek(e->first);
    REQUIRE(it->Valid());
    CHECK(it->key() == e->first);
    CHECK(it->value() == e->second);
    // key + "\0" is the smallest string after key: the seek lands on the next entry.
    it->Seek(e->first + std::string("\0", 1));
    auto next = std::next(e);
    if (next == entries.end()) {
      CHECK_FALSE(it->Valid());
    } else {
      REQUIRE(it->Valid());
      CHECK(it->key() == next->first);
    }
  }
  it->Seek(entries.rbegin()->first + "z");
  CHECK_FALSE(it->Valid());
  it->Seek("");
  REQUIRE(it->Valid());
  CHECK(it->key() == entries.begin()->first);
  CHECK(it->status().ok());
}

TEST_CASE("sstable block: round trip over restart intervals and key shapes") {
  Entries entries = MixedEntries();
  for (int interval : {1, 2, 3, 7, 16, 1000}) {
    CAPTURE(interval);
    auto block = BuildBlock(entries, interval);
    CheckIteration(*block, entries);
    CheckSeeks(*block, entries);
  }
}

TEST_CASE("sstable block: single entry and empty block") {
  auto one = BuildBlock({{"only", "value"}}, 16);
  CheckIteration(*one, {{"only", "value"}});
  CheckSeeks(*one, {{"only", "value"}});

  BlockBuilder builder(16);
  auto empty = Block::Create(std::string(builder.Finish()), "test.sst", 0);
  REQUIRE(empty.ok());
  auto it = (*empty)->NewIterator("test.sst");
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
  it->Seek("a");
  CHECK_FALSE(it->Valid());
  CHECK(it->status().ok());
}

TEST_CASE("sstable block: builder reset and size estimate") {
  BlockBuilder builder(4);
  CHECK(builder.empty());
  builder.Add("a", "1");
  builder.Add("b", "2");
  // Two entries of 3 header bytes + 1 key byte + 1 value byte, one restart, the count.
  CHECK(builder.CurrentSizeEstimate() == 10 + 4 + 4);
  std::string first(builder.Finish());
  CHECK(first.size() == 18);
  builder.Reset();
  CHECK(builder.empty());
  builder.Add("a", "1");
  builder.Add("b", "2");
  CHECK(std::string(builder.Finish()) == first);
}

TEST_CASE("sstable block: prefix compression stores shared bytes once") {
  BlockBuilder builder(16);
  builder.Add("prefix-aaaa", "1");
  builder.Add("prefix-aaab", "2");
  std::string contents(builder.Finish());
  // Second entry: shared 10, non-shared 1, value length 1, "b", "2".
  CHECK(contents.substr(3 + 11 + 1, 5) == Unhex("0a0101") + "b2");
}

TEST_CASE("sstable block: bad restart arrays are corruption") {
  auto create = [](std::string contents) {
    return Block::Create(std::move(contents), "000012.sst", 8192).status();
  };
  CHECK(create("").IsCorruption());
  CHECK(create("ab").IsCorruption());
  std::string zero_restarts;
  PutFixed32(&zero_restarts, 0);
  CHECK(create(zero_restarts).IsCorruption());
  std::string too_many;
  PutFixed32(&too_many, 0);
  PutFixed32(&too_many, 5);
  CHECK(create(too_many).IsCorruption());
  std::string huge;
  PutFixed32(&huge, 0xffffffffu);
  CHECK(create(huge).IsCorruption());

  BlockBuilder builder(1);
  builder.Add("a", "1");
  builder.Add("b", "2");
  std::string good(builder.Finish());
  REQUIRE(create(good).ok());
  std::string first_not_zero = good;
  EncodeFixed32(first_not_zero.data() + good.size() - 12, 1);
  std::string decreasing = good;
  EncodeFixed32(decreasing.data() + good.size() - 8, 0);
  std::string past_entries = good;
  EncodeFixed32(past_entries.data() + good.size() - 8, 100);
  for (const std::string& bad : {first_not_zero, decreasing, past_entries}) {
    Status s = create(bad);
    CHECK(s.IsCorruption());
    CHECK(s.message().find("000012.sst offset 8192") != std::string::npos);
  }
}

TEST_CASE("sstable block: malformed entries end iteration with corruption") {
  // One entry claiming a 100-byte key in a block holding 3 bytes of entries.
  std::string contents = Unhex("006400");
  PutFixed32(&contents, 0);
  PutFixed32(&contents, 1);
  auto block = Block::Create(contents, "000012.sst", 4096);
  REQUIRE(block.ok());
  auto it = (*block)->NewIterator("000012.sst");
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
  CHECK(it->status().IsCorruption());
  CHECK(it->status().message().find("000012.sst offset 4096") != std::string::npos);
  it->Seek("");
  CHECK_FALSE(it->Valid());

  // A non-first entry whose shared length exceeds the previous key.
  std::string shared_too_long;
  shared_too_long += Unhex("000100") + "a";
  shared_too_long += Unhex("050100") + "b";
  PutFixed32(&shared_too_long, 0);
  PutFixed32(&shared_too_long, 1);
  auto block2 = Block::Create(shared_too_long, "f.sst", 0);
  REQUIRE(block2.ok());
  auto it2 = (*block2)->NewIterator("f.sst");
  it2->SeekToFirst();
  REQUIRE(it2->Valid());
  CHECK(it2->key() == "a");
  it2->Next();
  CHECK_FALSE(it2->Valid());
  CHECK(it2->status().IsCorruption());
}

// Random damage to the entries (the restart array kept valid or not) must never crash or read out
// of bounds; it may only yield some entries and then corruption. Run under ASan in `make sanitize`.
TEST_CASE("sstable block: mutated contents never crash") {
  Entries entries = MixedEntries();
  BlockBuilder builder(4);
  for (const auto& [k, v] : entries) {
    builder.Add(k, v);
  }
  const std::string good(builder.Finish());
  std::mt19937 rng(1234);
  for (int round = 0; round < 3000; ++round) {
    std::string bad = good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    if (round % 10 == 0) {
      bad.resize(rng() % bad.size());
    }
    auto block = Block::Create(bad, "f.sst", 0);
    if (!block.ok()) {
      CHECK(block.status().IsCorruption());
      continue;
    }
    auto it = (*block)->NewIterator("f.sst");
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid() && n < 10000; it->Next()) {
      ++n;
    }
    it->Seek(std::string(200, 'p'));
    CHECK((it->status().ok() || it->status().IsCorruption()));
  }
}

TEST_CASE("sstable block: index separators") {
  auto sep = [](std::string start, std::string_view limit) {
    ShortestSeparator(&start, limit);
    return start;
  };
  CHECK(sep("abc", "abe") == "abd");
  CHECK(sep("abc", "abd") == "abc");  // no room between c and d
  CHECK(sep("abcdef", "abzz") == "abd");
  CHECK(sep("ab", "abc") == "ab");  // prefix: unchanged
  CHECK(sep(std::string("a\xff", 2), "b") == std::string("a\xff", 2));
  CHECK(sep(std::string("\xff\x01", 2), std::string("\xff\x05", 2)) == std::string("\xff\x02", 2));
  auto succ = [](std::string key) {
    ShortSuccessor(&key);
    return key;
  };
  CHECK(succ("k2") == "l");
  CHECK(succ(Unhex("ffff61")) == Unhex("ffff62"));
  CHECK(succ(std::string("\xff\xff", 2)) == std::string("\xff\xff", 2));
  CHECK(succ("") == "");
}

TEST_CASE("sstable block: LZ4 payloads are checked before allocation") {
  std::string raw(10000, 'z');
  std::string compressed;
  REQUIRE(Lz4Compress(raw, &compressed));
  CHECK(compressed.size() < raw.size() / 8);
  auto back = UncompressBlock(compressed, 1, "f.sst", 0);
  REQUIRE(back.ok());
  CHECK(*back == raw);

  // A length prefix claiming 4 GB for a few bytes of payload is rejected up front.
  std::string liar;
  PutVarint32(&liar, 0xfffffff0u);
  liar += compressed.substr(VarintLength(10000));
  auto s = UncompressBlock(liar, 1, "f.sst", 77).status();
  CHECK(s.IsCorruption());
  CHECK(s.message().find("f.sst offset 77") != std::string::npos);
  // A plausible but wrong length fails decompression.
  std::string off_by_one;
  PutVarint32(&off_by_one, 10001);
  off_by_one += compressed.substr(VarintLength(10000));
  CHECK(UncompressBlock(off_by_one, 1, "f.sst", 0).status().IsCorruption());
  CHECK(UncompressBlock("\x80", 1, "f.sst", 0).status().IsCorruption());
  CHECK(UncompressBlock("abc", 9, "f.sst", 0).status().IsCorruption());
}

}  // namespace
}  // namespace blockdb
