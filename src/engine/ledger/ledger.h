// Ledger: the tamper-evident record of every insert, driven by the engine's deterministic apply
// step (see docs/format/ledger.md and docs/VERIFICATION.md).
//
// For every applied write batch the engine calls OnApply with the batch's inserts; the ledger
// turns each insert into an entry (entry.h), appends its leaf hash to the Merkle tree
// (tree_store.h), closes blocks by the deterministic rule of block.h, and returns the internal
// records to store ('E' leaf groups, 'N' nodes of 64 leaves and up, 'B' block headers). The engine
// stores them in the same atomic batch as the rows and replays the log through the hook after a
// crash, so ledger and rows are always consistent and every replica computes the same bytes.
//
// Contract with the engine:
//   - OnApply/OnSeal are called from one thread, in log order, with strictly increasing log
//     indexes. A call that returns an error changed nothing.
//   - The records of a call are stored (atomically, all of them) before the next call, and the
//     source given to Open sees them from then on. If they cannot be stored, this object no longer
//     matches the store: discard it and Open a new one.
//   - Open reads the state the stored records describe (O(log n) seeks and lookups plus a scan of
//     the leaf groups not yet in a block), so open the ledger over exactly the records that precede
//     the first batch the engine will apply next.
//
// Thread safety: OnApply/OnSeal from the apply thread; every other method from any thread. Reads
// go through the source without holding the ledger's lock, so the source may take engine locks.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/ledger/block.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/ledger_reader.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/records.h"
#include "engine/ledger/tree_store.h"

namespace blockdb::ledger {

struct Options {
  // A block closes when this many entries are pending (and on a seal command). Must be >= 1 and
  // the same on every replica.
  uint64_t blockchain_batch_size = 1000;
};

using Insert = std::pair<std::string_view, std::string_view>;

// What a digest is computed from: cheap to take after every command (a copy of the tree's right
// edge), while the root costs O(log n) hashes and is computed only when a digest is asked for.
struct DigestState {
  MerkleFrontier tree;
  uint64_t last_block_index = 0;
  Hash256 last_block_hash = BlockHash(GenesisBlock());

  Digest ToDigest() const;
};

class Ledger {
 public:
  // InvalidArgument for bad options; Corruption when the stored records are inconsistent.
  static Result<std::unique_ptr<Ledger>> Open(const Options& options, RecordSource source);

  // Records the inserts of the batch at `log_index` (one entry each, in order), appending the
  // resulting records to *internal_writes. An empty batch records nothing. InvalidArgument, with
  // nothing recorded, when log_index does not increase, a key starts with 0xFF, a key appears twice
  // in the batch, or a key or value exceeds 2^32 - 1 bytes.
  Status OnApply(uint64_t log_index, uint64_t txn_id, int64_t timestamp_micros,
                 const std::vector<Insert>& inserts, RecordWrites* internal_writes);

  // A seal command: closes a block over the pending entries, if any, with this timestamp.
  Status OnSeal(uint64_t log_index, int64_t timestamp_micros, RecordWrites* internal_writes);

  // Current digest (from memory; O(log n) hashes).
  Digest GetDigest() const;
  // What the current digest is computed from (a copy of about 2 KiB, no hashing).
  DigestState GetDigestState() const;
  // Number of entries not yet in a block.
  uint64_t pending_entries() const;
  std::optional<uint64_t> last_log_index() const;

  // Proof that leaf `leaf_index` is in the tree of `tree_size` leaves.
  // REQUIRES (else InvalidArgument): leaf_index < tree_size <= current size.
  Result<InclusionProof> ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const;
  // REQUIRES (else InvalidArgument): old_size <= new_size <= current size.
  Result<ConsistencyProof> ProveConsistency(uint64_t old_size, uint64_t new_size) const;

  // Block `index` (0 = genesis). NotFound beyond the newest block.
  Result<BlockHeader> GetBlock(uint64_t index) const;
  // Up to max_count blocks starting at `first`, oldest first.
  Result<std::vector<BlockHeader>> ListBlocks(uint64_t first, uint64_t max_count) const;
  // Entry of a leaf, rebuilt from its locator and the row's current value.
  Result<Entry> ReadEntry(uint64_t leaf_index) const;
  // The leaf of the entry that inserted row `key` in the batch at `log_index` (the row's applied
  // index, DB::GetWithIndex). NotFound when that batch has no such entry. O(log n) seeks and a
  // scan of the batch's leaf groups.
  Result<uint64_t> FindLeaf(std::string_view key, uint64_t log_index) const;

 private:
  Ledger(const Options& options, RecordSource source, std::unique_ptr<TreeStore> tree,
         BlockSealer sealer, std::optional<uint64_t> last_log_index);

  Status ValidateBatch(uint64_t log_index, const std::vector<Insert>& inserts) const;
  // Appends one entry's leaf (its row key and leaf hash) to the tree and to *group; adds the node
  // records it completes.
  void AppendLeaf(std::string_view key, const Hash256& leaf_hash, LeafGroup* group,
                  RecordWrites* writes);
  void SealBlock(uint64_t log_index, int64_t timestamp_micros, RecordWrites* writes);
  uint64_t TreeSize() const;
  uint64_t LastBlockIndex() const;

  const Options options_;
  const LedgerReader reader_;

  mutable std::mutex mu_;
  std::unique_ptr<TreeStore> tree_;         // guarded by mu_
  BlockSealer sealer_;                      // guarded by mu_
  std::optional<uint64_t> last_log_index_;  // guarded by mu_
};

}  // namespace blockdb::ledger
