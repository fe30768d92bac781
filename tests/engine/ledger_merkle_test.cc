// RFC 6962 / RFC 9162 known answers and proof properties for engine/ledger/merkle.h.
#include "engine/ledger/merkle.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/ledger/frontier.h"
#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

using testing::Bytes;
using testing::H;
using testing::Hex;

// The reference tree used by Certificate Transparency implementations (certificate-transparency,
// Trillian, transparency-dev/merkle): its leaf data, and the published root of every prefix.
const char* const kReferenceLeafData[] = {"",
                                          "00",
                                          "10",
                                          "2021",
                                          "3031",
                                          "40414243",
                                          "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f"};
const char* const kReferenceRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  // size 0
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",  // size 8
};

std::vector<Hash256> ReferenceLeaves() {
  std::vector<Hash256> leaves;
  for (const char* hex : kReferenceLeafData) {
    leaves.push_back(HashLeaf(Bytes(hex)));
  }
  return leaves;
}

struct InclusionVector {
  uint64_t index;
  uint64_t size;
  std::vector<const char*> path;
};

// Published inclusion proofs of the reference tree.
const std::vector<InclusionVector> kInclusionVectors = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  uint64_t old_size;
  uint64_t new_size;
  std::vector<const char*> path;
};

// Published consistency proofs of the reference tree.
const std::vector<ConsistencyVector> kConsistencyVectors = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {2,
     8,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
};

std::vector<Hash256> Hashes(const std::vector<const char*>& hexes) {
  std::vector<Hash256> out;
  for (const char* hex : hexes) {
    out.push_back(H(hex));
  }
  return out;
}

Hash256 RootOf(std::span<const Hash256> leaves) {
  MemoryNodeReader reader(leaves);
  return TreeRoot(reader, leaves.size()).value();
}

TEST_CASE("ledger merkle: hashing primitives follow RFC 6962") {
  CHECK(Hex(EmptyTreeRoot()) == kReferenceRoots[0]);
  CHECK(HashLeaf("") == testing::NaiveLeaf(""));
  CHECK(HashLeaf("abc") == testing::NaiveLeaf("abc"));
  const Hash256 a = HashLeaf("a");
  const Hash256 b = HashLeaf("b");
  CHECK(HashChildren(a, b) == testing::NaiveNode(a, b));
  CHECK(HashChildren(a, b) != HashChildren(b, a));
  CHECK(SplitPoint(2) == 1);
  CHECK(SplitPoint(3) == 2);
  CHECK(SplitPoint(4) == 2);
  CHECK(SplitPoint(5) == 4);
  CHECK(SplitPoint(8) == 4);
  CHECK(SplitPoint(9) == 8);
  CHECK(SplitPoint(1000) == 512);
  CHECK(SplitPoint(uint64_t{1} << 40) == uint64_t{1} << 39);
  CHECK(SplitPoint((uint64_t{1} << 63) + 1) == uint64_t{1} << 63);
}

TEST_CASE("ledger merkle: roots of the reference tree match the published values") {
  const std::vector<Hash256> leaves = ReferenceLeaves();
  for (size_t n = 0; n <= leaves.size(); ++n) {
    CAPTURE(n);
    const std::span<const Hash256> prefix(leaves.data(), n);
    CHECK(Hex(RootOf(prefix)) == kReferenceRoots[n]);
    CHECK(Hex(testing::NaiveMth(prefix)) == kReferenceRoots[n]);
    MerkleFrontier frontier;
    for (size_t i = 0; i < n; ++i) {
      frontier.Append(leaves[i]);
    }
    CHECK(Hex(frontier.Root()) == kReferenceRoots[n]);
  }
}

TEST_CASE("ledger merkle: a frontier takes aligned subtrees as their leaves one by one") {
  std::vector<Hash256> leaves;
  for (int i = 0; i < 100; ++i) {
    leaves.push_back(testing::NaiveLeaf("leaf " + std::to_string(i)));
  }
  // Runs of 1, 2, 4 and 8 leaves, each at a multiple of its width.
  for (uint32_t level = 0; level <= 3; ++level) {
    CAPTURE(level);
    const size_t width = size_t{1} << level;
    for (size_t size = 0; size <= leaves.size(); size += width) {
      MerkleFrontier by_leaf;
      MerkleFrontier by_subtree;
      std::vector<std::string> leaf_nodes;
      std::vector<std::string> subtree_nodes;
      auto record = [](std::vector<std::string>* nodes, uint32_t min_level) {
        return [nodes, min_level](uint32_t l, uint64_t index, const Hash256& hash) {
          if (l >= min_level) {
            nodes->push_back(std::to_string(l) + "/" + std::to_string(index) + "=" + Hex(hash));
          }
        };
      };
      for (size_t i = 0; i + width <= size; i += width) {
        for (size_t j = i; j < i + width; ++j) {
          by_leaf.Append(leaves[j], record(&leaf_nodes, level));
        }
        by_subtree.AppendSubtree(
            level, testing::NaiveMth(std::span<const Hash256>(leaves.data() + i, width)),
            record(&subtree_nodes, 0));
      }
      CHECK(by_subtree.size() == by_leaf.size());
      CHECK(by_subtree.Root() == by_leaf.Root());
      CHECK(subtree_nodes == leaf_nodes);  // the same nodes from the subtree's level up
      // Leaves appended afterwards give the same tree too.
      by_leaf.Append(leaves[0]);
      by_subtree.Append(leaves[0]);
      CHECK(by_subtree.Root() == by_leaf.Root());
    }
  }
}

TEST_CASE("ledger merkle: published inclusion proofs are generated and verify") {
  const std::vector<Hash256> leaves = ReferenceLeaves();
  MemoryNodeReader reader(leaves);
  for (const InclusionVector& v : kInclusionVectors) {
    CAPTURE(v.index);
    CAPTURE(v.size);
    const std::vector<Hash256> expected = Hashes(v.path);
    CHECK(InclusionPath(reader, v.index, v.size).value() == expected);
    CHECK(VerifyInclusion(leaves[v.index], v.index, v.size, H(kReferenceRoots[v.size]), expected)
              .ok());
  }
}

TEST_CASE("ledger merkle: published consistency proofs are generated and verify") {
  const std::vector<Hash256> leaves = ReferenceLeaves();
  MemoryNodeReader reader(leaves);
  for (const ConsistencyVector& v : kConsistencyVectors) {
    CAPTURE(v.old_size);
    CAPTURE(v.new_size);
    const std::vector<Hash256> expected = Hashes(v.path);
    CHECK(ConsistencyPath(reader, v.old_size, v.new_size).value() == expected);
    CHECK(VerifyConsistency(v.old_size, H(kReferenceRoots[v.old_size]), v.new_size,
                            H(kReferenceRoots[v.new_size]), expected)
              .ok());
  }
}

TEST_CASE("ledger merkle: every proof of the reference tree verifies and equals the RFC text") {
  const std::vector<Hash256> leaves = ReferenceLeaves();
  MemoryNodeReader reader(leaves);
  for (uint64_t n = 1; n <= 8; ++n) {
    const std::span<const Hash256> tree(leaves.data(), n);
    for (uint64_t i = 0; i < n; ++i) {
      CAPTURE(i);
      CAPTURE(n);
      const std::vector<Hash256> path = InclusionPath(reader, i, n).value();
      CHECK(path == testing::NaivePath(i, tree));
      CHECK(VerifyInclusion(leaves[i], i, n, H(kReferenceRoots[n]), path).ok());
    }
    for (uint64_t m = 0; m <= n; ++m) {
      CAPTURE(m);
      CAPTURE(n);
      const std::vector<Hash256> path = ConsistencyPath(reader, m, n).value();
      CHECK(path == testing::NaiveConsistency(m, tree));
      CHECK(VerifyConsistency(m, H(kReferenceRoots[m]), n, H(kReferenceRoots[n]), path).ok());
    }
  }
}

// Every way of damaging an inclusion proof must fail: each bit of each path element, of the leaf
// and of the root; a wrong index or size; a path one element too short or too long.
void CheckInclusionTamperingFails(const std::vector<Hash256>& leaves, uint64_t i, uint64_t n,
                                  const Hash256& root, std::vector<Hash256> path, int bits) {
  std::mt19937_64 rng(i * 1000003 + n);
  auto pick_bit = [&](int b) { return bits >= 256 ? b : static_cast<int>(rng() % 256); };
  for (int b = 0; b < std::min(bits, 256); ++b) {
    const int bit = pick_bit(b);
    for (size_t e = 0; e < path.size(); ++e) {
      path[e][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
      CHECK_FALSE(VerifyInclusion(leaves[i], i, n, root, path).ok());
      path[e][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    }
    Hash256 leaf = leaves[i];
    leaf[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    CHECK_FALSE(VerifyInclusion(leaf, i, n, root, path).ok());
    Hash256 bad_root = root;
    bad_root[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    CHECK_FALSE(VerifyInclusion(leaves[i], i, n, bad_root, path).ok());
  }
  for (uint64_t other = 0; other < n; ++other) {
    if (other != i && leaves[other] != leaves[i]) {
      CHECK_FALSE(VerifyInclusion(leaves[i], other, n, root, path).ok());
    }
  }
  // A wrong size fails unless it gives the leaf the very same position pattern (then the size is
  // only as trustworthy as the root, which is why clients take both from one digest).
  for (uint64_t other_size : {n - 1, n + 1, n + 2, 2 * n, 3 * n + 1}) {
    if (other_size > i && other_size != n) {
      CAPTURE(other_size);
      const bool same_shape =
          testing::NaiveDirections(i, other_size) == testing::NaiveDirections(i, n);
      CHECK(VerifyInclusion(leaves[i], i, other_size, root, path).ok() == same_shape);
    }
  }
  CHECK(VerifyInclusion(leaves[i], n, n, root, path).IsInvalidArgument());
  if (!path.empty()) {
    std::vector<Hash256> shorter(path.begin(), path.end() - 1);
    CHECK_FALSE(VerifyInclusion(leaves[i], i, n, root, shorter).ok());
  }
  std::vector<Hash256> longer = path;
  longer.push_back(root);
  CHECK_FALSE(VerifyInclusion(leaves[i], i, n, root, longer).ok());
}

void CheckConsistencyTamperingFails(uint64_t m, const Hash256& old_root, uint64_t n,
                                    const Hash256& new_root, std::vector<Hash256> path, int bits) {
  std::mt19937_64 rng(m * 1000003 + n);
  for (int b = 0; b < std::min(bits, 256); ++b) {
    const int bit = bits >= 256 ? b : static_cast<int>(rng() % 256);
    for (size_t e = 0; e < path.size(); ++e) {
      path[e][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
      CHECK_FALSE(VerifyConsistency(m, old_root, n, new_root, path).ok());
      path[e][bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    }
    Hash256 bad = old_root;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    CHECK_FALSE(VerifyConsistency(m, bad, n, new_root, path).ok());
    bad = new_root;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    CHECK_FALSE(VerifyConsistency(m, old_root, n, bad, path).ok());
  }
  if (!path.empty()) {
    std::vector<Hash256> shorter(path.begin(), path.end() - 1);
    CHECK_FALSE(VerifyConsistency(m, old_root, n, new_root, shorter).ok());
  }
  std::vector<Hash256> longer = path;
  longer.push_back(new_root);
  CHECK_FALSE(VerifyConsistency(m, old_root, n, new_root, longer).ok());
  // Wrong sizes that call for a path of another length must fail.
  const std::vector<Hash256> dummy = testing::MakeLeaves(n + 1, 99);
  const std::pair<uint64_t, uint64_t> others[] = {{m, n + 1}, {m - 1, n}, {m + 1, n}};
  for (const auto& [m2, n2] : others) {
    if (m2 == 0 || m2 >= n2 || (m2 == m && n2 == n)) {
      continue;
    }
    const size_t expected_len =
        testing::NaiveConsistency(m2, std::span<const Hash256>(dummy.data(), n2)).size();
    if (expected_len != path.size()) {
      CAPTURE(m2);
      CAPTURE(n2);
      CHECK_FALSE(VerifyConsistency(m2, old_root, n2, new_root, path).ok());
    }
  }
}

TEST_CASE("ledger merkle: tampering with any part of a reference proof fails") {
  const std::vector<Hash256> leaves = ReferenceLeaves();
  MemoryNodeReader reader(leaves);
  for (uint64_t n = 1; n <= 8; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      CAPTURE(i);
      CAPTURE(n);
      CheckInclusionTamperingFails(leaves, i, n, H(kReferenceRoots[n]),
                                   InclusionPath(reader, i, n).value(), 256);
    }
    for (uint64_t m = 1; m < n; ++m) {
      CAPTURE(m);
      CAPTURE(n);
      CheckConsistencyTamperingFails(m, H(kReferenceRoots[m]), n, H(kReferenceRoots[n]),
                                     ConsistencyPath(reader, m, n).value(), 256);
    }
  }
}

TEST_CASE("ledger merkle: degenerate and malformed questions") {
  const std::vector<Hash256> leaves = ReferenceLeaves();
  MemoryNodeReader reader(leaves);
  const Hash256 root8 = H(kReferenceRoots[8]);
  // Equal sizes: empty path and equal roots.
  CHECK(VerifyConsistency(8, root8, 8, root8, {}).ok());
  CHECK_FALSE(VerifyConsistency(8, root8, 8, H(kReferenceRoots[7]), {}).ok());
  CHECK_FALSE(VerifyConsistency(8, root8, 8, root8, std::vector<Hash256>{root8}).ok());
  // Old size 0: empty path, and the old root must be that of the empty tree.
  CHECK(VerifyConsistency(0, EmptyTreeRoot(), 8, root8, {}).ok());
  CHECK_FALSE(VerifyConsistency(0, root8, 8, root8, {}).ok());
  CHECK_FALSE(VerifyConsistency(0, EmptyTreeRoot(), 8, root8, std::vector<Hash256>{root8}).ok());
  // m < n needs a non-empty path.
  CHECK_FALSE(VerifyConsistency(4, H(kReferenceRoots[4]), 8, root8, {}).ok());
  CHECK(VerifyConsistency(9, root8, 8, root8, {}).IsInvalidArgument());
  CHECK(VerifyInclusion(leaves[0], 8, 8, root8, {}).IsInvalidArgument());
  CHECK(VerifyInclusion(leaves[0], 0, 0, EmptyTreeRoot(), {}).IsInvalidArgument());
  CHECK(InclusionPath(reader, 8, 8).status().IsInvalidArgument());
  CHECK(InclusionPath(reader, 0, 0).status().IsInvalidArgument());
  CHECK(ConsistencyPath(reader, 5, 4).status().IsInvalidArgument());
  CHECK(ConsistencyPath(reader, 0, 8).value().empty());
  // Asking beyond the reader's leaves reports the missing node instead of inventing one.
  CHECK(InclusionPath(reader, 0, 9).status().IsNotFound());
  // A failed verification says why.
  Status s = VerifyInclusion(leaves[1], 0, 8, root8, InclusionPath(reader, 0, 8).value());
  CHECK(s.IsCorruption());
  CHECK(s.message().find("proof does not verify") != std::string::npos);
}

TEST_CASE("ledger merkle: proofs for every index and size up to 70 equal the RFC text") {
  const std::vector<Hash256> leaves = testing::MakeLeaves(70);
  MemoryNodeReader reader(leaves);
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    const std::span<const Hash256> tree(leaves.data(), n);
    const Hash256 root = testing::NaiveMth(tree);
    REQUIRE(RootOf(tree) == root);
    for (uint64_t i = 0; i < n; ++i) {
      const std::vector<Hash256> path = InclusionPath(reader, i, n).value();
      REQUIRE(path == testing::NaivePath(i, tree));
      REQUIRE(VerifyInclusion(leaves[i], i, n, root, path).ok());
    }
    for (uint64_t m = 0; m <= n; ++m) {
      const std::vector<Hash256> path = ConsistencyPath(reader, m, n).value();
      REQUIRE(path == testing::NaiveConsistency(m, tree));
      REQUIRE(VerifyConsistency(m, testing::NaiveMth(tree.subspan(0, m)), n, root, path).ok());
    }
  }
}

TEST_CASE("ledger merkle: tampered proofs fail for random trees up to 300 leaves") {
  const uint64_t seed = testing::TestSeed();
  INFO("BLOCKDB_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<Hash256> leaves = testing::MakeLeaves(300, 1);
  MemoryNodeReader reader(leaves);
  for (int round = 0; round < 60; ++round) {
    const uint64_t n = 1 + rng() % leaves.size();
    const uint64_t i = rng() % n;
    const uint64_t m = 1 + rng() % n;
    CAPTURE(n);
    CAPTURE(i);
    CAPTURE(m);
    const Hash256 root = RootOf(std::span<const Hash256>(leaves.data(), n));
    CheckInclusionTamperingFails(leaves, i, n, root, InclusionPath(reader, i, n).value(), 16);
    if (m < n) {
      const Hash256 old_root = RootOf(std::span<const Hash256>(leaves.data(), m));
      CheckConsistencyTamperingFails(m, old_root, n, root, ConsistencyPath(reader, m, n).value(),
                                     16);
    }
  }
}

TEST_CASE("ledger merkle: OctetRoots equals HashChildren over each 8 leaves") {
  std::vector<Hash256> leaves;
  for (int i = 0; i < 8 * 7; ++i) {
    leaves.push_back(HashLeaf(std::string(1, static_cast<char>(i))));
  }
  std::vector<const Hash256*> pointers;
  for (const Hash256& h : leaves) {
    pointers.push_back(&h);
  }
  for (size_t count = 0; count <= 7; ++count) {
    std::vector<Hash256> roots(count);
    OctetRoots(pointers.data(), count, roots.data());
    for (size_t o = 0; o < count; ++o) {
      const Hash256* h = &leaves[8 * o];
      const Hash256 want =
          HashChildren(HashChildren(HashChildren(h[0], h[1]), HashChildren(h[2], h[3])),
                       HashChildren(HashChildren(h[4], h[5]), HashChildren(h[6], h[7])));
      CAPTURE(count);
      CAPTURE(o);
      CHECK(roots[o] == want);
      CHECK(roots[o] == RootOf(std::span<const Hash256>(h, 8)));
    }
  }
}

}  // namespace
}  // namespace blockdb::ledger
