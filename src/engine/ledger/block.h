// Blocks: the hash chain over the ledger's Merkle tree. Byte layout in docs/format/ledger.md
// ("Block header").
//
// A block closes over the entries appended since the previous block, at a point that depends only
// on the command stream: when the count of such entries reaches blockchain_batch_size (the block
// closes at that entry), or when a seal command is applied while entries are pending. Replicas
// that apply the same commands therefore produce byte-identical headers and hashes.
//
//   header := version:u8 (0x01) index:fixed64 log_index:fixed64 timestamp_micros:fixed64
//             first_leaf:fixed64 leaf_count:fixed64 data_root[32] tree_root[32] prev_hash[32]
//   block hash = SHA-256(header)
//
// Block 0 (genesis) is fixed: every field 0 except data_root = tree_root = SHA-256("") (the empty
// tree); prev_hash all zero. It is implied, never stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/ledger/frontier.h"

namespace blockdb::ledger {

inline constexpr uint8_t kBlockHeaderVersion = 1;
inline constexpr size_t kBlockHeaderSize = 1 + 5 * 8 + 3 * 32;

struct BlockHeader {
  uint64_t index = 0;
  // Log index of the command that closed the block (the write batch holding its last entry, or
  // the seal command).
  uint64_t log_index = 0;
  // The last entry's timestamp, or the seal command's.
  int64_t timestamp_micros = 0;
  uint64_t first_leaf = 0;
  uint64_t leaf_count = 0;
  // Root of a tree made of this block's leaves alone (leaf first_leaf is its leaf 0).
  Hash256 data_root{};
  // Root of the whole ledger tree of first_leaf + leaf_count leaves.
  Hash256 tree_root{};
  // Hash of block index - 1.
  Hash256 prev_hash{};

  uint64_t tree_size() const { return first_leaf + leaf_count; }
  bool operator==(const BlockHeader&) const = default;
};

// Appends the kBlockHeaderSize canonical bytes.
void EncodeBlockHeader(const BlockHeader& header, std::string* dst);
// Corruption on a wrong size or version, or on first_leaf + leaf_count overflowing.
Status DecodeBlockHeader(std::string_view in, BlockHeader* header);
// SHA-256 of the canonical bytes.
Hash256 BlockHash(const BlockHeader& header);
const BlockHeader& GenesisBlock();

// Decides where blocks close and builds their headers. Owned by the ledger's apply thread.
class BlockSealer {
 public:
  // `last` is the newest block (genesis when none); `pending` holds the leaves appended after it,
  // as a tree of their own. REQUIRES: batch_size >= 1.
  BlockSealer(uint64_t batch_size, const BlockHeader& last, MerkleFrontier pending);

  // Records a leaf appended to the ledger tree. Returns true when the block must now close at
  // this leaf (batch_size entries are pending, or more when the batch size was lowered).
  bool AddLeaf(const Hash256& leaf_hash);
  uint64_t pending() const { return pending_.size(); }

  // Closes a block over the pending leaves and makes it the newest. REQUIRES: pending() > 0.
  // tree_root must be the ledger tree's root right after the last pending leaf.
  const BlockHeader& Seal(uint64_t log_index, int64_t timestamp_micros, const Hash256& tree_root);

  const BlockHeader& last() const { return last_; }
  const Hash256& last_hash() const { return last_hash_; }

 private:
  uint64_t batch_size_;
  BlockHeader last_;
  Hash256 last_hash_;
  MerkleFrontier pending_;
};

}  // namespace blockdb::ledger
