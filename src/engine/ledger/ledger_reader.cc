#include "engine/ledger/ledger_reader.h"

#include <algorithm>
#include <string>

#include "engine/ledger/merkle.h"

namespace blockdb::ledger {

LedgerReader::LedgerReader(RecordSource source) : source_(source), nodes_(std::move(source)) {}

Result<LedgerState> LedgerReader::ReadState() const {
  auto block_exists = [this](uint64_t i) { return RecordExists(source_.get, BlockKey(i)); };
  LedgerState state;
  ASSIGN_OR_RETURN(state.tree_size, CountStoredLeaves(source_));
  ASSIGN_OR_RETURN(uint64_t blocks_end, FindFirstMissing(1, block_exists));
  if (blocks_end > 1) {
    ASSIGN_OR_RETURN(state.last_block, ReadBlock(blocks_end - 1));
    state.last_log_index = state.last_block.log_index;
  }
  if (state.last_block.tree_size() > state.tree_size) {
    return Status::Corruption("ledger: block " + std::to_string(state.last_block.index) +
                              " ends at leaf " + std::to_string(state.last_block.tree_size()) +
                              " but only " + std::to_string(state.tree_size) +
                              " leaves are stored");
  }
  if (state.tree_size > 0) {
    ASSIGN_OR_RETURN(LeafLocator last_leaf, ReadLeafLocator(state.tree_size - 1));
    state.last_log_index = std::max(state.last_log_index.value_or(0), last_leaf.log_index);
  }
  return state;
}

Result<Digest> LedgerReader::ReadDigest() const {
  ASSIGN_OR_RETURN(LedgerState state, ReadState());
  Digest digest;
  digest.tree_size = state.tree_size;
  ASSIGN_OR_RETURN(digest.root, TreeRoot(nodes_, state.tree_size));
  digest.last_block_index = state.last_block.index;
  digest.last_block_hash = BlockHash(state.last_block);
  return digest;
}

Result<BlockHeader> LedgerReader::ReadBlock(uint64_t index) const {
  if (index == 0) {
    return GenesisBlock();
  }
  std::string value;
  Status s = source_.get(BlockKey(index), &value);
  if (!s.ok()) {
    return s.Annotate("block " + std::to_string(index));
  }
  BlockHeader header;
  RETURN_IF_ERROR(DecodeBlockHeader(value, &header).Annotate("block " + std::to_string(index)));
  if (header.index != index) {
    return Status::Corruption("block " + std::to_string(index) + ": header says index " +
                              std::to_string(header.index));
  }
  return header;
}

Result<std::vector<BlockHeader>> LedgerReader::ListBlocks(uint64_t first,
                                                          uint64_t max_count) const {
  std::vector<BlockHeader> blocks;
  for (uint64_t i = first; blocks.size() < max_count; ++i) {
    Result<BlockHeader> block = ReadBlock(i);
    if (!block.ok()) {
      if (block.status().IsNotFound()) {
        break;
      }
      return block.TakeStatus();
    }
    blocks.push_back(*block);
  }
  return blocks;
}

Result<LeafLocator> LedgerReader::ReadLeafLocator(uint64_t leaf_index) const {
  LeafLocator locator;
  RETURN_IF_ERROR(ScanLeafGroups(source_, leaf_index, leaf_index + 1, [&](const LeafGroup& group) {
                    locator = group.locator(leaf_index - group.first_leaf);
                    return Status::OK();
                  }).Annotate("leaf locator " + std::to_string(leaf_index)));
  return locator;
}

Result<Entry> LedgerReader::ReadEntry(uint64_t leaf_index) const {
  ASSIGN_OR_RETURN(LeafLocator locator, ReadLeafLocator(leaf_index));
  Entry entry;
  Status s = source_.get(locator.key, &entry.value);
  if (!s.ok()) {
    return s.Annotate("row of leaf " + std::to_string(leaf_index));
  }
  entry.log_index = locator.log_index;
  entry.txn_id = locator.txn_id;
  entry.timestamp_micros = locator.timestamp_micros;
  entry.key = std::move(locator.key);
  return entry;
}

Result<uint64_t> LedgerReader::FindLeafByKey(std::string_view key) const {
  std::string value;
  RETURN_IF_ERROR(source_.get(KeyIndexKey(key), &value));
  if (value.size() != 8) {
    return Status::Corruption("key index record: " + std::to_string(value.size()) +
                              " bytes, not 8");
  }
  return DecodeBigEndian64(value.data());
}

Result<InclusionProof> LedgerReader::ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const {
  InclusionProof proof;
  proof.leaf_index = leaf_index;
  proof.tree_size = tree_size;
  ASSIGN_OR_RETURN(proof.path, InclusionPath(nodes_, leaf_index, tree_size));
  ASSIGN_OR_RETURN(proof.leaf_hash, nodes_.ReadNode(0, leaf_index));
  ASSIGN_OR_RETURN(proof.root_hash, TreeRoot(nodes_, tree_size));
  return proof;
}

Result<ConsistencyProof> LedgerReader::ProveConsistency(uint64_t old_size,
                                                        uint64_t new_size) const {
  ConsistencyProof proof;
  proof.old_size = old_size;
  proof.new_size = new_size;
  ASSIGN_OR_RETURN(proof.path, ConsistencyPath(nodes_, old_size, new_size));
  ASSIGN_OR_RETURN(proof.old_root, TreeRoot(nodes_, old_size));
  ASSIGN_OR_RETURN(proof.new_root, TreeRoot(nodes_, new_size));
  return proof;
}

}  // namespace blockdb::ledger
