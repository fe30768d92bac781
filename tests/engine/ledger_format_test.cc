// Golden bytes of the ledger's formats (docs/format/ledger.md): entries, leaf locators, record
// keys, block headers and genesis. The expected bytes are written out literally, as in the doc.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/coding.h"
#include "engine/ledger/block.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/merkle.h"
#include "engine/ledger/records.h"
#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

using testing::Bytes;
using testing::H;
using testing::Hex;

constexpr int64_t kTs = 1700000000000000;  // 0x00060a24181e4000

// The worked example of docs/format/ledger.md.
const char* const kEntryHex =
    "01"                // version
    "0700000000000000"  // log_index 7
    "2a00000000000000"  // txn_id 42
    "00401e18240a0600"  // timestamp_micros 1700000000000000
    "02000000"
    "6b31"  // key "k1"
    "02000000"
    "7631";  // value "v1"
const char* const kEntryLeafHash =
    "d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed";
const char* const kGenesisHash = "044b8bae2fba92b2f84c46393314d8b424d7f7ed4e72a38a3e60f9e52af0dd08";

TEST_CASE("ledger format: entry golden bytes and leaf hash") {
  const EntryView entry{7, 42, kTs, "k1", "v1"};
  std::string bytes;
  EncodeEntry(entry, &bytes);
  CHECK(ToHex(bytes) == kEntryHex);
  CHECK(bytes.size() == kEntryFixedBytes + 4);
  CHECK(Hex(EntryLeafHash(entry)) == kEntryLeafHash);
  CHECK(Hex(HashLeaf(bytes)) == kEntryLeafHash);
  // EntryLeafHash hashes the encoding in pieces: the same as hashing the encoded bytes, for empty,
  // short and long keys and values alike.
  const std::string long_key(300, 'k');
  const std::string long_value(70000, 'v');
  const std::vector<EntryView> entries = {EntryView{0, 0, -1, "", ""},
                                          EntryView{1, 2, 3, long_key, ""},
                                          EntryView{~0ull, 5, 6, "k", long_value}};
  for (const EntryView& e : entries) {
    std::string encoded;
    EncodeEntry(e, &encoded);
    CHECK(EntryLeafHash(e) == HashLeaf(encoded));
  }

  Entry decoded;
  REQUIRE(DecodeEntry(bytes, &decoded).ok());
  CHECK(decoded == Entry{7, 42, kTs, "k1", "v1"});

  // Negative timestamps are two's complement; empty key and value are allowed.
  std::string other;
  EncodeEntry(EntryView{0, 0, -1, "", ""}, &other);
  CHECK(ToHex(other) ==
        "01"
        "0000000000000000"
        "0000000000000000"
        "ffffffffffffffff"
        "00000000"
        "00000000");
  REQUIRE(DecodeEntry(other, &decoded).ok());
  CHECK(decoded.timestamp_micros == -1);
}

TEST_CASE("ledger format: entry decoding rejects every malformed input") {
  const std::string good = Bytes(kEntryHex);
  Entry entry;
  for (size_t len = 0; len < good.size(); ++len) {
    CAPTURE(len);
    CHECK(DecodeEntry(good.substr(0, len), &entry).IsCorruption());
  }
  CHECK(DecodeEntry(good + "x", &entry).IsCorruption());
  std::string bad_version = good;
  bad_version[0] = 2;
  CHECK(DecodeEntry(bad_version, &entry).IsCorruption());
  std::string long_key = good;
  long_key[25] = 0x7f;  // key length far beyond the input
  CHECK(DecodeEntry(long_key, &entry).IsCorruption());
}

TEST_CASE("ledger format: record keys") {
  CHECK(ToHex(NodeKey(8, 0)) == "ff4e080000000000000000");
  CHECK(ToHex(NodeKey(9, 0x0102)) == "ff4e090000000000000102");
  CHECK(ToHex(BlockKey(1)) == "ff420000000000000001");
  CHECK(ToHex(LeafGroupKey(0x1122334455667788)) == "ff451122334455667788");
  CHECK(ParseIndexedKey(kBlockTag, BlockKey(99)) == 99u);
  CHECK(ParseIndexedKey(kLeafGroupTag, BlockKey(99)) == std::nullopt);
  CHECK(ParseIndexedKey(kLeafGroupTag, LeafGroupKey(5) + "x") == std::nullopt);
  // Big-endian indexes sort numerically under bytewise comparison.
  CHECK(LeafGroupKey(255) < LeafGroupKey(256));
  CHECK(BlockKey(1) < BlockKey(uint64_t{1} << 40));
}

TEST_CASE("ledger format: leaf group golden bytes") {
  // The worked example's group: leaf 0, log index 7, txn 42, key "k1".
  LeafGroup group;
  group.log_index = 7;
  group.txn_id = 42;
  group.timestamp_micros = kTs;
  group.leaves.push_back(
      {H("d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed"), "k1"});
  std::string bytes;
  EncodeLeafGroup(group, &bytes);
  CHECK(ToHex(bytes) ==
        "01"
        "0700000000000000"
        "2a00000000000000"
        "00401e18240a0600"
        "01000000"
        "d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed"
        "02000000"
        "6b31");
  LeafGroup decoded;
  REQUIRE(DecodeLeafGroup(0, bytes, &decoded).ok());
  CHECK(decoded == group);
  CHECK(decoded.locator(0) == LeafLocator{7, 42, kTs, "k1"});
  for (size_t len = 0; len < bytes.size(); ++len) {
    CHECK(DecodeLeafGroup(0, bytes.substr(0, len), &decoded).IsCorruption());
  }
  CHECK(DecodeLeafGroup(0, bytes + "x", &decoded).IsCorruption());
  // Two leaves ending at leaf 9 are leaves 8 and 9; they cannot end at leaf 0.
  group.leaves.push_back(
      {H("0000000000000000000000000000000000000000000000000000000000000001"), "k2"});
  bytes.clear();
  EncodeLeafGroup(group, &bytes);
  REQUIRE(DecodeLeafGroup(9, bytes, &decoded).ok());
  CHECK(decoded.first_leaf == 8);
  CHECK(decoded.last_leaf() == 9);
  CHECK(DecodeLeafGroup(0, bytes, &decoded).IsCorruption());
  std::string empty = bytes.substr(0, 29);
  empty[25] = 0;  // a count of 0
  empty[26] = 0;
  CHECK(DecodeLeafGroup(9, empty, &decoded).IsCorruption());
}

TEST_CASE("ledger format: the leaf group view decodes in place like DecodeLeafGroup") {
  LeafGroup group;
  group.log_index = 7;
  group.txn_id = 42;
  group.timestamp_micros = kTs;
  group.leaves.push_back(
      {H("d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed"), "k1"});
  group.leaves.push_back({H("0000000000000000000000000000000000000000000000000000000000000001"),
                          std::string(40, 'k')});
  std::string bytes;
  EncodeLeafGroup(group, &bytes);
  LeafGroupView view;
  REQUIRE(DecodeLeafGroupView(9, bytes, &view).ok());
  CHECK(view.first_leaf == 8);
  CHECK(view.last_leaf() == 9);
  CHECK(view.log_index == 7);
  CHECK(view.txn_id == 42);
  CHECK(view.timestamp_micros == kTs);
  REQUIRE(view.leaves.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    // Views into the encoded bytes, not copies.
    CHECK(view.leaves[i].hash >= bytes.data());
    CHECK(view.leaves[i].key.data() < bytes.data() + bytes.size());
    CHECK(std::string_view(view.leaves[i].hash, 32) == AsBytes(group.leaves[i].hash));
    CHECK(view.leaves[i].key == group.leaves[i].key);
  }
  // Every malformed input fails both decoders with the same message.
  LeafGroup decoded;
  std::vector<std::string> bad = {bytes + "x", ""};
  for (size_t len = 1; len < bytes.size(); ++len) {
    bad.push_back(bytes.substr(0, len));
  }
  bad.push_back(bytes);
  bad.back()[0] = 2;  // another version
  for (const std::string& in : bad) {
    const Status a = DecodeLeafGroupView(9, in, &view);
    const Status b = DecodeLeafGroup(9, in, &decoded);
    CHECK(a.IsCorruption());
    CHECK(a.ToString() == b.ToString());
  }
  CHECK(DecodeLeafGroupView(0, bytes, &view).IsCorruption());  // 2 leaves cannot end at leaf 0
}

TEST_CASE("ledger format: genesis block") {
  const BlockHeader& genesis = GenesisBlock();
  std::string bytes;
  EncodeBlockHeader(genesis, &bytes);
  CHECK(ToHex(bytes) ==
        "01"
        "0000000000000000"
        "0000000000000000"
        "0000000000000000"
        "0000000000000000"
        "0000000000000000"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        "0000000000000000000000000000000000000000000000000000000000000000");
  CHECK(Hex(BlockHash(genesis)) == kGenesisHash);
  CHECK(genesis.tree_size() == 0);
}

TEST_CASE("ledger format: block header golden bytes and hash") {
  BlockHeader header;
  header.index = 1;
  header.log_index = 7;
  header.timestamp_micros = kTs;
  header.first_leaf = 0;
  header.leaf_count = 1;
  header.data_root = H(kEntryLeafHash);
  header.tree_root = H(kEntryLeafHash);
  header.prev_hash = H(kGenesisHash);
  std::string bytes;
  EncodeBlockHeader(header, &bytes);
  CHECK(bytes.size() == kBlockHeaderSize);
  CHECK(ToHex(bytes) ==
        "01"
        "0100000000000000"                                                    // index 1
        "0700000000000000"                                                    // log_index 7
        "00401e18240a0600"                                                    // timestamp_micros
        "0000000000000000"                                                    // first_leaf 0
        "0100000000000000"                                                    // leaf_count 1
        "d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed"    // data_root
        "d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed"    // tree_root
        "044b8bae2fba92b2f84c46393314d8b424d7f7ed4e72a38a3e60f9e52af0dd08");  // prev_hash
  CHECK(Hex(BlockHash(header)) ==
        "b9044e14b56986cb1317f5fe14496f564c16be7c358c837b229e5452af4be5e8");

  BlockHeader decoded;
  REQUIRE(DecodeBlockHeader(bytes, &decoded).ok());
  CHECK(decoded == header);
  CHECK(DecodeBlockHeader(bytes.substr(0, 136), &decoded).IsCorruption());
  CHECK(DecodeBlockHeader(bytes + "x", &decoded).IsCorruption());
  std::string bad = bytes;
  bad[0] = 2;
  CHECK(DecodeBlockHeader(bad, &decoded).IsCorruption());
  bad = bytes;
  bad[40] = static_cast<char>(0xff);  // leaf_count's top byte: the range overflows 2^63
  CHECK(DecodeBlockHeader(bad, &decoded).IsCorruption());
}

TEST_CASE("ledger format: the block sealer closes at the batch size and chains hashes") {
  BlockSealer sealer(3, GenesisBlock(), MerkleFrontier());
  const std::vector<Hash256> leaves = testing::MakeLeaves(7);
  MerkleFrontier tree;
  std::vector<BlockHeader> blocks;
  for (size_t i = 0; i < leaves.size(); ++i) {
    tree.Append(leaves[i]);
    if (sealer.AddLeaf(leaves[i])) {
      blocks.push_back(sealer.Seal(100 + i, 1000 + i, tree.Root()));
    }
  }
  REQUIRE(blocks.size() == 2);
  CHECK(sealer.pending() == 1);
  CHECK(blocks[0].index == 1);
  CHECK(blocks[0].first_leaf == 0);
  CHECK(blocks[0].leaf_count == 3);
  CHECK(blocks[0].log_index == 102);
  CHECK(blocks[0].timestamp_micros == 1002);
  CHECK(blocks[0].prev_hash == H(kGenesisHash));
  CHECK(blocks[0].data_root == testing::NaiveMth(std::span(leaves.data(), 3)));
  CHECK(blocks[0].tree_root == testing::NaiveMth(std::span(leaves.data(), 3)));
  CHECK(blocks[1].first_leaf == 3);
  CHECK(blocks[1].prev_hash == BlockHash(blocks[0]));
  CHECK(blocks[1].data_root == testing::NaiveMth(std::span(leaves.data() + 3, 3)));
  CHECK(blocks[1].tree_root == testing::NaiveMth(std::span(leaves.data(), 6)));
  CHECK(sealer.last() == blocks[1]);
  CHECK(sealer.last_hash() == BlockHash(blocks[1]));
}

TEST_CASE("ledger format: batched leaf hashes and LeafHashChecker agree with EntryLeafHash") {
  const std::string long_value(70000, 'v');
  std::vector<std::string> keys;
  std::vector<EntryView> entries;
  for (int i = 0; i < 14; ++i) {
    keys.push_back("key" + std::to_string(i));
  }
  for (int i = 0; i < 14; ++i) {
    // Lengths vary within one batch of lanes: short, entry-sized and a 70000-byte value.
    const std::string_view value =
        i == 5 ? std::string_view(long_value) : std::string_view(long_value).substr(0, 10 * i);
    entries.push_back(EntryView{static_cast<uint64_t>(i), 42, kTs + i, keys[i], value});
  }
  for (size_t count = 0; count <= entries.size(); ++count) {
    std::vector<Hash256> batched(count);
    EntryLeafHashes(std::span<const EntryView>(entries.data(), count), batched);
    for (size_t i = 0; i < count; ++i) {
      CHECK(batched[i] == EntryLeafHash(entries[i]));
    }
  }
  std::vector<Hash256> expected;
  for (const EntryView& e : entries) {
    expected.push_back(EntryLeafHash(e));
  }
  SUBCASE("all match") {
    LeafHashChecker checker;
    bool ok = true;
    for (size_t i = 0; i < entries.size(); ++i) {
      ok = checker.Add(entries[i], reinterpret_cast<const char*>(expected[i].data())) && ok;
    }
    CHECK(ok);
    CHECK(checker.Flush());
    CHECK(checker.Flush());  // nothing queued
  }
  // One wrong expected hash, at each position: reported by the Add that fills the queue holding
  // it, or by the final Flush.
  for (size_t bad = 0; bad < entries.size(); ++bad) {
    CAPTURE(bad);
    std::vector<Hash256> wrong = expected;
    wrong[bad][31] ^= 1;
    LeafHashChecker checker;
    bool ok = true;
    for (size_t i = 0; i < entries.size(); ++i) {
      ok = checker.Add(entries[i], reinterpret_cast<const char*>(wrong[i].data())) && ok;
    }
    ok = checker.Flush() && ok;
    CHECK_FALSE(ok);
  }
}

}  // namespace
}  // namespace blockdb::ledger
