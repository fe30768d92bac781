// TreeStore (engine/ledger/tree_store.h): stored nodes, roots and proofs for every size, reopening,
// read counts, and a property test over 10^5 leaves against the RFC's recursive definitions. The
// leaf hashes are stored as one-leaf groups, as the ledger stores a batch of one row.
#include "engine/ledger/tree_store.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <random>
#include <vector>

#include "engine/ledger/mem_record_store.h"
#include "engine/ledger/merkle.h"
#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

// The leaf group record of leaf `index` alone (the ledger's caller stores leaf hashes this way).
std::pair<std::string, std::string> OneLeafGroup(uint64_t index, const Hash256& leaf) {
  LeafGroup group;
  group.first_leaf = index;
  group.leaves.push_back(LeafGroup::Leaf{leaf, "row" + std::to_string(index)});
  std::string bytes;
  EncodeLeafGroup(group, &bytes);
  return {LeafGroupKey(index), bytes};
}

// Appends one leaf, storing its group and the tree's records; returns the tree's records.
RecordWrites AppendOne(TreeStore* tree, MemRecordStore* store, const Hash256& leaf) {
  RecordWrites writes;
  const uint64_t index = tree->size();
  tree->Append(leaf, &writes);
  RecordWrites all = writes;
  all.push_back(OneLeafGroup(index, leaf));
  REQUIRE(store->Apply(all).ok());
  return writes;
}

// Appends leaves to a store, storing each append's records; returns the tree's records per append.
std::vector<RecordWrites> AppendAll(TreeStore* tree, MemRecordStore* store,
                                    const std::vector<Hash256>& leaves) {
  std::vector<RecordWrites> per_append;
  for (const Hash256& leaf : leaves) {
    per_append.push_back(AppendOne(tree, store, leaf));
  }
  return per_append;
}

std::unique_ptr<TreeStore> OpenTree(const MemRecordStore& store, uint64_t size) {
  Result<std::unique_ptr<TreeStore>> tree = TreeStore::Open(size, store.source());
  REQUIRE(tree.ok());
  return std::move(tree).value();
}

TEST_CASE("ledger tree store: each append stores the nodes of 64 leaves and more it completes") {
  MemRecordStore store;
  auto tree = OpenTree(store, 0);
  const std::vector<Hash256> leaves = testing::MakeLeaves(2100);
  const std::vector<RecordWrites> writes = AppendAll(tree.get(), &store, leaves);
  MemoryNodeReader reference(leaves);
  size_t nodes = 0;
  for (size_t i = 0; i < leaves.size(); ++i) {
    CAPTURE(i);
    // Leaf i completes one node per trailing one bit of i; those of level 6 and up are stored.
    const int completed = std::countr_one(i);
    REQUIRE(writes[i].size() ==
            static_cast<size_t>(std::max(0, completed - static_cast<int>(kChunkLevel) + 1)));
    for (size_t k = 0; k < writes[i].size(); ++k) {
      const uint32_t level = kChunkLevel + static_cast<uint32_t>(k);
      const uint64_t index = i >> level;
      CHECK(writes[i][k].first == NodeKey(level, index));
      CHECK(writes[i][k].second == AsBytes(reference.ReadNode(level, index).value()));
    }
    nodes += writes[i].size();
  }
  // 2100 leaves: 32 chunks of 64 complete, 16 pairs of them, ..., one subtree of 2048.
  CHECK(nodes == 32 + 16 + 8 + 4 + 2 + 1);
  // Every node, stored or recomputed from the leaves of its chunk, reads back right.
  for (uint32_t level = 0; level <= 11; ++level) {
    for (uint64_t index = 0; (index + 1) << level <= leaves.size(); index += 1 + index % 7) {
      CAPTURE(level);
      CAPTURE(index);
      CHECK(tree->ReadNode(level, index).value() == reference.ReadNode(level, index).value());
    }
  }
}

TEST_CASE("ledger tree store: roots of every size, and reopening at any size") {
  MemRecordStore store;
  auto tree = OpenTree(store, 0);
  const std::vector<Hash256> leaves = testing::MakeLeaves(600, 7);
  const std::vector<RecordWrites> writes = AppendAll(tree.get(), &store, leaves);
  CHECK(tree->Root() == testing::NaiveMth(leaves));
  for (uint64_t n = 0; n <= leaves.size(); ++n) {
    CAPTURE(n);
    const Hash256 expected = testing::NaiveMth(std::span<const Hash256>(leaves.data(), n));
    CHECK(tree->Root(n).value() == expected);
    // Reopened at size n, the store continues exactly as the original did.
    if (n % 61 == 0 || std::has_single_bit(n) || n + 1 == leaves.size()) {
      auto reopened = OpenTree(store, n);
      CHECK(reopened->size() == n);
      CHECK(reopened->Root() == expected);
      for (size_t i = n; i < leaves.size(); ++i) {
        RecordWrites w;
        reopened->Append(leaves[i], &w);
        REQUIRE(w == writes[i]);
      }
      CHECK(reopened->Root() == tree->Root());
    }
  }
  CHECK(tree->Root(leaves.size() + 1).status().IsInvalidArgument());
  CHECK(tree->InclusionPath(0, leaves.size() + 1).status().IsInvalidArgument());
  CHECK(tree->ConsistencyPath(1, leaves.size() + 1).status().IsInvalidArgument());
  // A size beyond the stored leaves cannot be opened.
  CHECK_FALSE(TreeStore::Open(leaves.size() + 1, store.source()).ok());
}

TEST_CASE("ledger tree store: proofs cost O(log n) reads") {
  MemRecordStore store;
  auto tree = OpenTree(store, 0);
  const uint64_t n = 5000;
  AppendAll(tree.get(), &store, testing::MakeLeaves(n, 3));
  // A read is a point lookup or a scan (one iterator, which reads at most one chunk of leaves).
  std::atomic<int> reads{0};
  RecordSource counting;
  counting.get = [&](std::string_view key, std::string* value) {
    ++reads;
    return store.Get(key, value);
  };
  counting.new_iterator = [&] {
    ++reads;
    return store.NewIterator();
  };
  auto counted = TreeStore::Open(n, counting).value();
  // 5000 = 4096 + 512 + 256 + 128 + 8: four stored nodes, the rest from one scan of a chunk.
  CHECK(reads == 5);
  const int log_n = std::bit_width(n);
  for (uint64_t size : {n, n - 1, uint64_t{4096}, uint64_t{3333}, uint64_t{1}}) {
    for (uint64_t i : {uint64_t{0}, size / 2, size - 1}) {
      reads = 0;
      REQUIRE(counted->InclusionPath(i, size).ok());
      CHECK(reads <= 2 * log_n);
    }
    for (uint64_t m : {uint64_t{1}, size / 3, size - 1}) {
      reads = 0;
      REQUIRE(counted->ConsistencyPath(m, size).ok());
      CHECK(reads <= 3 * log_n);
    }
    reads = 0;
    REQUIRE(counted->Root(size).ok());
    CHECK(reads <= log_n);
  }
}

TEST_CASE("ledger tree store: property test over 100000 leaves") {
  const uint64_t seed = testing::TestSeed();
  INFO("BLOCKDB_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const uint64_t total = 100000;
  const std::vector<Hash256> leaves = testing::MakeLeaves(total, seed);

  // Sizes to test, with their roots taken from an independent frontier while appending.
  std::vector<uint64_t> sizes = {1, 2, 3, 1023, 1024, 1025, 65536, 65537, total - 1, total};
  while (sizes.size() < 120) {
    sizes.push_back(1 + rng() % total);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  std::vector<Hash256> roots;
  MemRecordStore store;
  auto tree = OpenTree(store, 0);
  {
    MerkleFrontier independent;
    size_t next = 0;
    for (uint64_t i = 0; i < total; ++i) {
      AppendOne(tree.get(), &store, leaves[i]);
      independent.Append(leaves[i]);
      while (next < sizes.size() && sizes[next] == i + 1) {
        roots.push_back(independent.Root());
        ++next;
      }
    }
  }
  REQUIRE(roots.size() == sizes.size());
  const std::span<const Hash256> all(leaves);

  for (size_t s = 0; s < sizes.size(); ++s) {
    const uint64_t n = sizes[s];
    CAPTURE(n);
    REQUIRE(tree->Root(n).value() == roots[s]);
    for (int k = 0; k < 5; ++k) {
      const uint64_t i = rng() % n;
      CAPTURE(i);
      std::vector<Hash256> path = tree->InclusionPath(i, n).value();
      REQUIRE(VerifyInclusion(leaves[i], i, n, roots[s], path).ok());
      // One random bit of the proof, the leaf or the root flipped: rejected.
      const int bit = static_cast<int>(rng() % 256);
      const uint8_t mask = static_cast<uint8_t>(1 << (bit % 8));
      if (!path.empty()) {
        const size_t e = rng() % path.size();
        path[e][bit / 8] ^= mask;
        CHECK_FALSE(VerifyInclusion(leaves[i], i, n, roots[s], path).ok());
        path[e][bit / 8] ^= mask;
      }
      Hash256 leaf = leaves[i];
      leaf[bit / 8] ^= mask;
      CHECK_FALSE(VerifyInclusion(leaf, i, n, roots[s], path).ok());
      Hash256 root = roots[s];
      root[bit / 8] ^= mask;
      CHECK_FALSE(VerifyInclusion(leaves[i], i, n, root, path).ok());
      if (n > 1) {
        CHECK_FALSE(
            VerifyInclusion(leaves[i], (i + 1 + rng() % (n - 1)) % n, n, roots[s], path).ok());
      }
    }
    for (size_t t = 0; t <= s; t += 1 + rng() % 8) {
      const uint64_t m = sizes[t];
      std::vector<Hash256> path = tree->ConsistencyPath(m, n).value();
      REQUIRE(VerifyConsistency(m, roots[t], n, roots[s], path).ok());
      if (!path.empty()) {
        const int bit = static_cast<int>(rng() % 256);
        path[rng() % path.size()][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
        CHECK_FALSE(VerifyConsistency(m, roots[t], n, roots[s], path).ok());
      }
    }
  }

  // Proofs from the store equal the RFC's recursive definitions (each costs O(n) hashes there,
  // so a handful of samples, biased toward large trees).
  for (int k = 0; k < 12; ++k) {
    const uint64_t n = total - rng() % 1000 - (k % 3) * 30000;
    const uint64_t i = rng() % n;
    const uint64_t m = 1 + rng() % n;
    CAPTURE(n);
    CAPTURE(i);
    CAPTURE(m);
    CHECK(tree->InclusionPath(i, n).value() == testing::NaivePath(i, all.subspan(0, n)));
    CHECK(tree->ConsistencyPath(m, n).value() == testing::NaiveConsistency(m, all.subspan(0, n)));
  }
}

}  // namespace
}  // namespace blockdb::ledger
