// Merkle tree hashing and proofs exactly as RFC 6962 / RFC 9162 section 2.1, so that a proof
// produced by BlockDB can be checked by any Certificate Transparency style verifier and the other
// way round. Byte layouts are described in docs/format/ledger.md.
//
//   leaf hash      = SHA-256(0x00 || leaf data)
//   interior node  = SHA-256(0x01 || left || right)
//   MTH(D[n])      = MTH(D[0:k]) and MTH(D[k:n]) joined, k = largest power of two < n
//   empty tree     = SHA-256("")
//
// Everything here is a pure function: generation reads tree nodes through NodeReader (so a proof
// costs O(log n) node reads whatever stores the nodes), and verification trusts nothing but its
// arguments. Thread-safe as long as the NodeReader is.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"

namespace blockdb::ledger {

inline constexpr uint8_t kLeafHashPrefix = 0x00;
inline constexpr uint8_t kNodeHashPrefix = 0x01;
// Trees hold at most 2^63 leaves, so every level fits in 0..63 and sizes never overflow.
inline constexpr uint64_t kMaxTreeSize = uint64_t{1} << 63;

// SHA-256(0x00 || data).
Hash256 HashLeaf(std::string_view data);
// SHA-256(0x01 || left || right).
Hash256 HashChildren(const Hash256& left, const Hash256& right);
// SHA-256 of the empty string: the root of a tree with no leaves.
Hash256 EmptyTreeRoot();

// Roots of perfect subtrees of 8 leaves: out[i] = the root over *leaves[8 * i] ... *leaves[8 * i +
// 7], for i < count. The same hashes as HashChildren, kSha256Lanes nodes at a time.
void OctetRoots(const Hash256* const* leaves, size_t count, Hash256* out);

// The largest power of two strictly smaller than n. REQUIRES: n >= 2.
uint64_t SplitPoint(uint64_t n);

// Read access to the perfect subtrees of one tree.
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // Hash of the perfect subtree of height `level` that covers leaves
  // [index * 2^level, (index + 1) * 2^level); level 0 is the leaf hash itself. Callers ask only for
  // subtrees that lie entirely inside the tree. Returns NotFound, Corruption or IOError when the
  // node cannot be produced.
  virtual Result<Hash256> ReadNode(uint32_t level, uint64_t index) const = 0;
};

// MTH(D[begin:end]) for a range that occurs as a subtree in the RFC 6962 recursion: end > begin and
// begin a multiple of the smallest power of two >= end - begin (a proof's ranges always are).
// Costs one node read per set bit of end - begin.
Result<Hash256> RangeRoot(const NodeReader& reader, uint64_t begin, uint64_t end);

// Root of a tree of `size` leaves (EmptyTreeRoot() for 0). O(log size) reads.
Result<Hash256> TreeRoot(const NodeReader& reader, uint64_t size);

// The audit path of RFC 9162 2.1.3.1 (PATH(m, D[n])), deepest node first.
// REQUIRES (else InvalidArgument): leaf_index < tree_size <= kMaxTreeSize. O(log n) reads.
Result<std::vector<Hash256>> InclusionPath(const NodeReader& reader, uint64_t leaf_index,
                                           uint64_t tree_size);

// The consistency proof of RFC 9162 2.1.4.1 (PROOF(m, D[n])). Empty when old_size is 0 or equals
// new_size. REQUIRES (else InvalidArgument): old_size <= new_size <= kMaxTreeSize. O(log n) reads.
Result<std::vector<Hash256>> ConsistencyPath(const NodeReader& reader, uint64_t old_size,
                                             uint64_t new_size);

// RFC 9162 2.1.3.2. Returns OK when `path` proves that `leaf_hash` is leaf number `leaf_index` of
// the tree of `tree_size` leaves whose root is `root`. Every path element is consumed and shapes
// the result, and a path of the wrong length fails. Errors: InvalidArgument when leaf_index >=
// tree_size (the question itself is malformed); Corruption("proof does not verify: ...") otherwise.
Status VerifyInclusion(const Hash256& leaf_hash, uint64_t leaf_index, uint64_t tree_size,
                       const Hash256& root, std::span<const Hash256> path);

// RFC 9162 2.1.4.2. Returns OK when `path` proves that the tree (old_size, old_root) is a prefix of
// (new_size, new_root). Equal sizes need an empty path and equal roots; old_size 0 needs an empty
// path and old_root == EmptyTreeRoot(). Errors as for VerifyInclusion; old_size > new_size is
// InvalidArgument.
Status VerifyConsistency(uint64_t old_size, const Hash256& old_root, uint64_t new_size,
                         const Hash256& new_root, std::span<const Hash256> path);

// A NodeReader over leaf hashes held in memory, computing each node on demand (O(2^level) hashes
// per read). For tests and for small trees such as one block's leaves.
class MemoryNodeReader : public NodeReader {
 public:
  explicit MemoryNodeReader(std::span<const Hash256> leaves) : leaves_(leaves) {}
  Result<Hash256> ReadNode(uint32_t level, uint64_t index) const override;

 private:
  std::span<const Hash256> leaves_;
};

}  // namespace blockdb::ledger
