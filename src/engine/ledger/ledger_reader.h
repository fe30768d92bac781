// LedgerReader: read-only access to a ledger through a RecordSource, typically one bound to an
// engine snapshot. It keeps no state of its own beyond a cache of write-once leaf hashes, so
// everything it returns describes exactly the records the source sees (a snapshot reader gets a
// digest and proofs consistent with that snapshot), and it is safe to use from any thread when
// the source is.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/ledger/block.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

// Where the ledger stands, as far as the stored records tell.
struct LedgerState {
  uint64_t tree_size = 0;
  BlockHeader last_block = GenesisBlock();
  // Largest log index recorded in a leaf locator or block header; nullopt when nothing is stored.
  std::optional<uint64_t> last_log_index;
};

class LedgerReader {
 public:
  explicit LedgerReader(RecordSource source);

  // Finds the stored tree size and newest block with O(log n) seeks and lookups (leaf groups and
  // block headers are written contiguously from 0 and 1). Corruption when they disagree.
  Result<LedgerState> ReadState() const;
  // State plus the root of the stored tree (O(log n) node reads).
  Result<Digest> ReadDigest() const;

  // Block `index` (0 is genesis, never stored). NotFound when absent.
  Result<BlockHeader> ReadBlock(uint64_t index) const;
  // Up to max_count consecutive blocks from `first`, stopping early at the first absent one.
  Result<std::vector<BlockHeader>> ListBlocks(uint64_t first, uint64_t max_count) const;

  Result<LeafLocator> ReadLeafLocator(uint64_t leaf_index) const;
  // The entry of leaf `leaf_index`: its locator plus the current value of its row.
  Result<Entry> ReadEntry(uint64_t leaf_index) const;
  // The leaf of the entry that inserted row `key` in the batch at `log_index`; NotFound when that
  // batch has no such entry. Leaf groups are in log index order, so a binary search over them
  // (O(log n) seeks) finds the batch's first group, and a scan of its groups the key.
  Result<uint64_t> FindLeaf(std::string_view key, uint64_t log_index) const;

  // Proofs from stored nodes (O(log n) reads). Sizes beyond the stored tree fail with NotFound
  // (a node is missing) or InvalidArgument (merkle.h preconditions).
  Result<InclusionProof> ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const;
  Result<ConsistencyProof> ProveConsistency(uint64_t old_size, uint64_t new_size) const;

  const RecordSource& source() const { return source_; }
  const NodeReader& nodes() const { return nodes_; }

 private:
  RecordSource source_;
  StoredNodeReader nodes_;
};

}  // namespace blockdb::ledger
