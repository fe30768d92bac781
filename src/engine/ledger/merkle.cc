#include "engine/ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "common/check.h"
#include "common/coding.h"
#include "common/sha256_lanes.h"

namespace blockdb::ledger {
namespace {

Status NotVerified(std::string why) { return Status::Corruption("proof does not verify: " + why); }

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Shifts fn and sn right together until fn's lowest bit is set or fn is 0 (RFC 9162 2.1.3.2 and
// 2.1.4.2 use this step in both algorithms).
void ShiftUntilOddOrZero(uint64_t* fn, uint64_t* sn) {
  while (*fn != 0 && (*fn & 1) == 0) {
    *fn >>= 1;
    *sn >>= 1;
  }
}

}  // namespace

Hash256 HashLeaf(std::string_view data) {
  const char prefix = static_cast<char>(kLeafHashPrefix);
  return Sha256({std::string_view(&prefix, 1), data});
}

Hash256 HashChildren(const Hash256& left, const Hash256& right) {
  const char prefix = static_cast<char>(kNodeHashPrefix);
  return Sha256({std::string_view(&prefix, 1), AsBytes(left), AsBytes(right)});
}

Hash256 EmptyTreeRoot() {
  static const Hash256 kEmpty = Sha256(std::string_view());
  return kEmpty;
}

namespace {

// out[i] = HashChildren(*children[2 * i], *children[2 * i + 1]) for i < nodes, kSha256Lanes at a
// time. REQUIRES: nodes <= kMaxNodes (the level-1 nodes of kSha256Lanes octets).
constexpr size_t kMaxNodes = 4 * kSha256Lanes;
void HashNodes(const Hash256* const* children, size_t nodes, Hash256* out) {
  BLOCKDB_CHECK(nodes <= kMaxNodes);
  char bytes[kMaxNodes][65];
  std::string_view messages[kMaxNodes];
  for (size_t i = 0; i < nodes; ++i) {
    bytes[i][0] = static_cast<char>(kNodeHashPrefix);
    std::memcpy(&bytes[i][1], children[2 * i]->data(), 32);
    std::memcpy(&bytes[i][33], children[2 * i + 1]->data(), 32);
    messages[i] = std::string_view(bytes[i], 65);
  }
  Sha256Many(std::span<const std::string_view>(messages, nodes), std::span<Hash256>(out, nodes));
}

}  // namespace

void OctetRoots(const Hash256* const* leaves, size_t count, Hash256* out) {
  // Up to kSha256Lanes octets per round, so that every level fills the lanes: 4, 2 and 1 nodes
  // per octet.
  constexpr size_t kPerRound = kSha256Lanes;
  for (size_t first = 0; first < count; first += kPerRound) {
    const size_t n = std::min(kPerRound, count - first);
    Hash256 level1[kMaxNodes];
    Hash256 level2[kMaxNodes / 2];
    const Hash256* children[kMaxNodes];
    HashNodes(leaves + 8 * first, 4 * n, level1);
    for (size_t i = 0; i < 4 * n; ++i) {
      children[i] = &level1[i];
    }
    HashNodes(children, 2 * n, level2);
    for (size_t i = 0; i < 2 * n; ++i) {
      children[i] = &level2[i];
    }
    HashNodes(children, n, out + first);
  }
}

uint64_t SplitPoint(uint64_t n) {
  BLOCKDB_CHECK(n >= 2);
  return std::bit_floor(n - 1);
}

Result<Hash256> RangeRoot(const NodeReader& reader, uint64_t begin, uint64_t end) {
  BLOCKDB_CHECK(end > begin);
  const uint64_t size = end - begin;
  BLOCKDB_CHECK(begin % std::bit_ceil(size) == 0);
  // The range splits into perfect subtrees, one per set bit of its size, largest on the left; the
  // RFC recursion joins them right to left.
  Hash256 acc{};
  bool have_acc = false;
  for (int level = 0; level < 64; ++level) {
    const uint64_t bit = uint64_t{1} << level;
    if ((size & bit) == 0) {
      continue;
    }
    const uint64_t start = begin + (size & ~((bit << 1) - 1));  // leaves left of this piece
    ASSIGN_OR_RETURN(Hash256 piece, reader.ReadNode(level, start >> level));
    acc = have_acc ? HashChildren(piece, acc) : piece;
    have_acc = true;
  }
  return acc;
}

Result<Hash256> TreeRoot(const NodeReader& reader, uint64_t size) {
  if (size == 0) {
    return EmptyTreeRoot();
  }
  return RangeRoot(reader, 0, size);
}

Result<std::vector<Hash256>> InclusionPath(const NodeReader& reader, uint64_t leaf_index,
                                           uint64_t tree_size) {
  if (leaf_index >= tree_size || tree_size > kMaxTreeSize) {
    return Status::InvalidArgument("inclusion proof: need leaf_index < tree_size <= 2^63, got " +
                                   std::to_string(leaf_index) + " and " +
                                   std::to_string(tree_size));
  }
  // Walk down from the root of D[begin:begin+n], collecting the sibling of the subtree that holds
  // the leaf; the RFC lists them from the bottom up.
  std::vector<Hash256> top_down;
  uint64_t begin = 0;
  uint64_t n = tree_size;
  uint64_t m = leaf_index;
  while (n > 1) {
    const uint64_t k = SplitPoint(n);
    if (m < k) {
      ASSIGN_OR_RETURN(Hash256 right, RangeRoot(reader, begin + k, begin + n));
      top_down.push_back(right);
      n = k;
    } else {
      ASSIGN_OR_RETURN(Hash256 left, RangeRoot(reader, begin, begin + k));
      top_down.push_back(left);
      begin += k;
      m -= k;
      n -= k;
    }
  }
  std::reverse(top_down.begin(), top_down.end());
  return top_down;
}

Result<std::vector<Hash256>> ConsistencyPath(const NodeReader& reader, uint64_t old_size,
                                             uint64_t new_size) {
  if (old_size > new_size || new_size > kMaxTreeSize) {
    return Status::InvalidArgument("consistency proof: need old_size <= new_size <= 2^63, got " +
                                   std::to_string(old_size) + " and " + std::to_string(new_size));
  }
  std::vector<Hash256> top_down;
  if (old_size == 0 || old_size == new_size) {
    return top_down;
  }
  // SUBPROOF(m, D[begin:begin+n], whole_old_tree), unrolled.
  uint64_t begin = 0;
  uint64_t n = new_size;
  uint64_t m = old_size;
  bool whole_old_tree = true;
  while (m != n) {
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      ASSIGN_OR_RETURN(Hash256 right, RangeRoot(reader, begin + k, begin + n));
      top_down.push_back(right);
      n = k;
    } else {
      ASSIGN_OR_RETURN(Hash256 left, RangeRoot(reader, begin, begin + k));
      top_down.push_back(left);
      begin += k;
      m -= k;
      n -= k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    ASSIGN_OR_RETURN(Hash256 subtree, RangeRoot(reader, begin, begin + m));
    top_down.push_back(subtree);
  }
  std::reverse(top_down.begin(), top_down.end());
  return top_down;
}

Status VerifyInclusion(const Hash256& leaf_hash, uint64_t leaf_index, uint64_t tree_size,
                       const Hash256& root, std::span<const Hash256> path) {
  if (leaf_index >= tree_size) {
    return Status::InvalidArgument("inclusion proof: leaf index " + std::to_string(leaf_index) +
                                   " is not below tree size " + std::to_string(tree_size));
  }
  uint64_t fn = leaf_index;
  uint64_t sn = tree_size - 1;
  Hash256 r = leaf_hash;
  for (const Hash256& p : path) {
    if (sn == 0) {
      return NotVerified("the path is longer than a tree of size " + std::to_string(tree_size) +
                         " allows");
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      ShiftUntilOddOrZero(&fn, &sn);
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return NotVerified("the path is shorter than a tree of size " + std::to_string(tree_size) +
                       " needs");
  }
  if (r != root) {
    return NotVerified("the path leads to root " + ToHex(AsBytes(r)) + ", not " +
                       ToHex(AsBytes(root)));
  }
  return Status::OK();
}

Status VerifyConsistency(uint64_t old_size, const Hash256& old_root, uint64_t new_size,
                         const Hash256& new_root, std::span<const Hash256> path) {
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof: old size " + std::to_string(old_size) +
                                   " is larger than new size " + std::to_string(new_size));
  }
  if (old_size == new_size || old_size == 0) {
    if (!path.empty()) {
      return NotVerified("the path must be empty when the old size is 0 or equals the new size");
    }
    if (old_size == 0 && old_root != EmptyTreeRoot()) {
      return NotVerified("the root of the empty tree is SHA-256 of the empty string");
    }
    if (old_size == new_size && old_root != new_root) {
      return NotVerified("equal sizes but different roots");
    }
    return Status::OK();
  }
  if (path.empty()) {
    return NotVerified("the path is empty");
  }
  // When the old tree is a perfect subtree of the new one its root is the path's implicit start.
  size_t next = 0;
  Hash256 seed;
  if (IsPowerOfTwo(old_size)) {
    seed = old_root;
  } else {
    seed = path[next++];
  }
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash256 fr = seed;
  Hash256 sr = seed;
  for (; next < path.size(); ++next) {
    const Hash256& c = path[next];
    if (sn == 0) {
      return NotVerified("the path is longer than sizes " + std::to_string(old_size) + " -> " +
                         std::to_string(new_size) + " allow");
    }
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      ShiftUntilOddOrZero(&fn, &sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return NotVerified("the path is shorter than sizes " + std::to_string(old_size) + " -> " +
                       std::to_string(new_size) + " need");
  }
  if (fr != old_root) {
    return NotVerified("the path leads to old root " + ToHex(AsBytes(fr)) + ", not " +
                       ToHex(AsBytes(old_root)));
  }
  if (sr != new_root) {
    return NotVerified("the path leads to new root " + ToHex(AsBytes(sr)) + ", not " +
                       ToHex(AsBytes(new_root)));
  }
  return Status::OK();
}

Result<Hash256> MemoryNodeReader::ReadNode(uint32_t level, uint64_t index) const {
  if (level >= 64) {
    return Status::InvalidArgument("node level out of range");
  }
  const uint64_t width = uint64_t{1} << level;
  const uint64_t begin = index << level;
  if ((begin >> level) != index || begin >= leaves_.size() || leaves_.size() - begin < width) {
    return Status::NotFound("node (" + std::to_string(level) + ", " + std::to_string(index) +
                            ") is outside a tree of " + std::to_string(leaves_.size()) + " leaves");
  }
  if (level == 0) {
    return leaves_[begin];
  }
  ASSIGN_OR_RETURN(Hash256 left, ReadNode(level - 1, 2 * index));
  ASSIGN_OR_RETURN(Hash256 right, ReadNode(level - 1, 2 * index + 1));
  return HashChildren(left, right);
}

}  // namespace blockdb::ledger
