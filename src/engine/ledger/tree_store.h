// TreeStore: the ledger's persistent, append-only Merkle tree.
//
// Appending a leaf hands the caller the record of every perfect subtree of 64 leaves or more that
// the leaf completes ('N' records, records.h): one record per 32 leaves on average. Leaf hashes
// are stored by the caller in its leaf groups, and nodes below a whole chunk are recomputed from
// them when read. The caller (the
// engine's apply step) stores them in the same atomic batch as the rows, so the tree is always
// exactly as durable as the rows it covers and is rebuilt by the engine's own log replay. Roots
// and proofs for any size up to the current one are then computed from stored nodes with O(log n)
// reads (merkle.h); the frontier of the current size is kept in memory.
//
// Thread safety: Append and the accessors of the current state (size, Root()) belong to one
// thread. The read methods taking sizes only read stored nodes through the lookup and are safe
// from any thread when the lookup is, for sizes whose records the lookup already sees.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/ledger/frontier.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

class TreeStore : public NodeReader {
 public:
  // Opens the tree of the first `size` stored leaves: reads one node per set bit of size (the
  // nodes below a chunk from one scan of the last chunk).
  // Corruption/NotFound when those nodes are not stored.
  static Result<std::unique_ptr<TreeStore>> Open(uint64_t size, RecordSource source);

  // Appends a leaf hash, adding to *writes the 'N' records of the stored nodes it completes.
  void Append(const Hash256& leaf_hash, RecordWrites* writes);

  uint64_t size() const { return frontier_.size(); }
  // Root of the current tree, from memory (O(log n) hashes).
  Hash256 Root() const { return frontier_.Root(); }
  // The right edge of the current tree.
  const MerkleFrontier& frontier() const { return frontier_; }

  // Root of the first `size` leaves. REQUIRES (else InvalidArgument): size <= size().
  Result<Hash256> Root(uint64_t size) const;
  // Audit path of leaf `leaf_index` in the tree of `tree_size` leaves (merkle.h InclusionPath).
  // REQUIRES (else InvalidArgument): leaf_index < tree_size <= size().
  Result<std::vector<Hash256>> InclusionPath(uint64_t leaf_index, uint64_t tree_size) const;
  // Consistency path between two sizes. REQUIRES: old_size <= new_size <= size().
  Result<std::vector<Hash256>> ConsistencyPath(uint64_t old_size, uint64_t new_size) const;

  // NodeReader over the stored nodes.
  Result<Hash256> ReadNode(uint32_t level, uint64_t index) const override;

 private:
  TreeStore(MerkleFrontier frontier, RecordSource source)
      : frontier_(frontier), reader_(std::move(source)) {}

  Status CheckSize(uint64_t size) const;

  MerkleFrontier frontier_;
  StoredNodeReader reader_;
};

}  // namespace blockdb::ledger
