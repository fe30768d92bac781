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

namespace {

// Decodes the group the iterator is on; false when it is not on a leaf group.
Result<bool> GroupAt(Iterator* it, LeafGroup* group) {
  if (!it->Valid()) {
    RETURN_IF_ERROR(it->status());
    return false;
  }
  const std::optional<uint64_t> last = ParseIndexedKey(kLeafGroupTag, it->key());
  if (!last) {
    return false;
  }
  RETURN_IF_ERROR(DecodeLeafGroup(*last, it->value(), group)
                      .Annotate("leaf group ending at leaf " + std::to_string(*last)));
  return true;
}

}  // namespace

Result<uint64_t> LedgerReader::FindLeaf(std::string_view key, uint64_t log_index) const {
  ASSIGN_OR_RETURN(const uint64_t size, CountStoredLeaves(source_));
  std::unique_ptr<Iterator> it = source_.new_iterator();
  LeafGroup group;
  // The first leaf whose batch is at log_index or later: lo..hi narrows by whole groups.
  uint64_t lo = 0;
  uint64_t hi = size;
  while (lo < hi) {
    it->Seek(LeafGroupKey(lo + (hi - lo) / 2));
    ASSIGN_OR_RETURN(bool found, GroupAt(it.get(), &group));
    if (!found) {
      return Status::Corruption("ledger: no leaf group holds leaf " +
                                std::to_string(lo + (hi - lo) / 2));
    }
    if (group.log_index < log_index) {
      lo = group.last_leaf() + 1;
    } else {
      hi = std::min(hi, group.first_leaf);
    }
  }
  for (it->Seek(LeafGroupKey(lo)); lo < size; it->Next()) {
    ASSIGN_OR_RETURN(bool found, GroupAt(it.get(), &group));
    if (!found || group.log_index != log_index) {
      break;
    }
    for (size_t i = 0; i < group.leaves.size(); ++i) {
      if (group.leaves[i].key == key) {
        return group.first_leaf + i;
      }
    }
  }
  return Status::NotFound("no entry of the batch at log index " + std::to_string(log_index) +
                          " inserted the row");
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
