// MerkleFrontier: the right edge of an append-only RFC 6962 tree kept in memory.
//
// A tree of n leaves is the join of one perfect subtree per set bit of n (largest first); the
// frontier holds exactly those subtree roots, so appending a leaf costs O(1) amortized hashes (one
// per subtree it completes) and the root costs O(log n) hashes with no reads. Every node an append
// completes is reported to a callback, which is how TreeStore persists nodes and how the verifier
// checks stored ones.
//
// Not thread-safe; a frontier is owned by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/ledger/merkle.h"

namespace blockdb::ledger {

class MerkleFrontier {
 public:
  // Receives each node an append completes: the leaf itself at level 0, then every interior node
  // (level >= 1) whose subtree the leaf fills, bottom up. `index` counts subtrees of that level
  // from the left.
  using NodeSink = std::function<void(uint32_t level, uint64_t index, const Hash256& hash)>;

  MerkleFrontier() = default;

  // Rebuilds the frontier of the first `size` leaves of the tree behind `reader`: one node read per
  // set bit of size.
  static Result<MerkleFrontier> Load(const NodeReader& reader, uint64_t size);

  // Appends a leaf hash. REQUIRES: size() < kMaxTreeSize.
  void Append(const Hash256& leaf_hash, const NodeSink& sink = nullptr);
  // Appends the 2^level leaves whose perfect subtree has root `root`: the same state as appending
  // them one by one, without their lower nodes; the sink receives `root` and the nodes above it.
  // REQUIRES: size() is a multiple of 2^level, and size() + 2^level <= kMaxTreeSize.
  void AppendSubtree(uint32_t level, const Hash256& root, const NodeSink& sink = nullptr);

  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far; EmptyTreeRoot() when there are none.
  Hash256 Root() const;

 private:
  uint64_t size_ = 0;
  // roots_[level] is the root of the perfect subtree of 2^level leaves that is part of the right
  // edge; meaningful only where bit `level` of size_ is set.
  std::array<Hash256, 64> roots_{};
};

}  // namespace blockdb::ledger
