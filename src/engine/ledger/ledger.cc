#include "engine/ledger/ledger.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "common/coding.h"
#include "common/logging.h"
#include "engine/ledger/merkle.h"

namespace blockdb::ledger {
namespace {

// The leaves after the newest block, as a tree of their own: one scan of their leaf groups (at
// most blockchain_batch_size leaves).
Result<MerkleFrontier> LoadPendingLeaves(const RecordSource& source, uint64_t first, uint64_t end) {
  ASSIGN_OR_RETURN(std::vector<Hash256> leaves, ReadLeafHashes(source, first, end));
  MerkleFrontier pending;
  for (const Hash256& leaf : leaves) {
    pending.Append(leaf);
  }
  return pending;
}

void EmitGroup(LeafGroup* group, RecordWrites* writes) {
  std::string bytes;
  EncodeLeafGroup(*group, &bytes);
  writes->emplace_back(LeafGroupKey(group->last_leaf()), std::move(bytes));
  group->leaves.clear();
}

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::Open(const Options& options, RecordSource source) {
  if (options.blockchain_batch_size == 0) {
    return Status::InvalidArgument("ledger: blockchain_batch_size must be at least 1");
  }
  LedgerReader reader(source);
  ASSIGN_OR_RETURN(LedgerState state, reader.ReadState());
  // A record missing below the stored tree size means the records are inconsistent.
  auto inconsistent = [](Status s) {
    return s.IsNotFound() ? Status::Corruption("ledger: " + s.message()) : s;
  };
  Result<std::unique_ptr<TreeStore>> tree = TreeStore::Open(state.tree_size, source);
  if (!tree.ok()) {
    return inconsistent(tree.TakeStatus());
  }
  Result<MerkleFrontier> pending =
      LoadPendingLeaves(source, state.last_block.tree_size(), state.tree_size);
  if (!pending.ok()) {
    return inconsistent(pending.TakeStatus());
  }
  BlockSealer sealer(options.blockchain_batch_size, state.last_block, *pending);
  Logger("ledger")->info("ledger open: tree size {}, last block {}, pending entries {}",
                         state.tree_size, state.last_block.index, pending->size());
  return std::unique_ptr<Ledger>(new Ledger(options, std::move(source), std::move(tree).value(),
                                            sealer, state.last_log_index));
}

Ledger::Ledger(const Options& options, RecordSource source, std::unique_ptr<TreeStore> tree,
               BlockSealer sealer, std::optional<uint64_t> last_log_index)
    : options_(options),
      reader_(std::move(source)),
      tree_(std::move(tree)),
      sealer_(sealer),
      last_log_index_(last_log_index) {}

Status Ledger::ValidateBatch(uint64_t log_index, const std::vector<Insert>& inserts) const {
  if (last_log_index_ && log_index <= *last_log_index_) {
    return Status::InvalidArgument("ledger: log index " + std::to_string(log_index) +
                                   " is not after the last applied index " +
                                   std::to_string(*last_log_index_));
  }
  if (tree_->size() + inserts.size() > kMaxTreeSize) {
    return Status::InvalidArgument("ledger: more than 2^63 entries");
  }
  std::unordered_set<std::string_view> keys;
  keys.reserve(inserts.size());
  for (const auto& [key, value] : inserts) {
    if (!key.empty() && key.front() == kRecordPrefix) {
      return Status::InvalidArgument("ledger: key " + ToHex(key) +
                                     " starts with the reserved byte 0xff");
    }
    if (key.size() > kMaxEntryFieldSize || value.size() > kMaxEntryFieldSize) {
      return Status::InvalidArgument("ledger: key or value longer than 2^32 - 1 bytes");
    }
    if (!keys.insert(key).second) {
      return Status::InvalidArgument("ledger: key " + ToHex(key) + " inserted twice in one batch");
    }
  }
  return Status::OK();
}

Status Ledger::OnApply(uint64_t log_index, uint64_t txn_id, int64_t timestamp_micros,
                       const std::vector<Insert>& inserts, RecordWrites* internal_writes) {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(ValidateBatch(log_index, inserts));
  last_log_index_ = log_index;
  if (inserts.empty()) {
    return Status::OK();
  }
  internal_writes->reserve(internal_writes->size() + 2 + inserts.size() / kChunkLeaves);
  LeafGroup group;
  group.log_index = log_index;
  group.txn_id = txn_id;
  group.timestamp_micros = timestamp_micros;
  // The batch's leaf hashes first, several at once (they do not depend on the tree).
  std::vector<EntryView> entries;
  entries.reserve(inserts.size());
  for (const auto& [key, value] : inserts) {
    entries.push_back(EntryView{log_index, txn_id, timestamp_micros, key, value});
  }
  std::vector<Hash256> leaf_hashes(entries.size());
  EntryLeafHashes(entries, leaf_hashes);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Hash256& leaf_hash = leaf_hashes[i];
    AppendLeaf(entries[i].key, leaf_hash, &group, internal_writes);
    if (sealer_.AddLeaf(leaf_hash)) {
      SealBlock(log_index, timestamp_micros, internal_writes);
    }
    if (tree_->size() % kChunkLeaves == 0) {
      EmitGroup(&group, internal_writes);  // a group never crosses a chunk boundary
    }
  }
  if (!group.leaves.empty()) {
    EmitGroup(&group, internal_writes);
  }
  return Status::OK();
}

void Ledger::AppendLeaf(std::string_view key, const Hash256& leaf_hash, LeafGroup* group,
                        RecordWrites* writes) {
  const uint64_t leaf_index = tree_->size();
  if (group->leaves.empty()) {
    group->first_leaf = leaf_index;
  }
  group->leaves.push_back(LeafGroup::Leaf{leaf_hash, std::string(key)});
  tree_->Append(leaf_hash, writes);
}

void Ledger::SealBlock(uint64_t log_index, int64_t timestamp_micros, RecordWrites* writes) {
  const BlockHeader& header = sealer_.Seal(log_index, timestamp_micros, tree_->Root());
  std::string bytes;
  EncodeBlockHeader(header, &bytes);
  writes->emplace_back(BlockKey(header.index), std::move(bytes));
  Logger("ledger")->debug("sealed block {}: leaves {}..{}, log index {}", header.index,
                          header.first_leaf, header.tree_size() - 1, log_index);
}

Status Ledger::OnSeal(uint64_t log_index, int64_t timestamp_micros, RecordWrites* internal_writes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (last_log_index_ && log_index <= *last_log_index_) {
    return Status::InvalidArgument("ledger: seal at log index " + std::to_string(log_index) +
                                   " is not after the last applied index " +
                                   std::to_string(*last_log_index_));
  }
  last_log_index_ = log_index;
  if (sealer_.pending() > 0) {
    SealBlock(log_index, timestamp_micros, internal_writes);
  }
  return Status::OK();
}

Digest DigestState::ToDigest() const {
  return Digest{tree.size(), tree.Root(), last_block_index, last_block_hash};
}

DigestState Ledger::GetDigestState() const {
  std::lock_guard<std::mutex> lock(mu_);
  return DigestState{tree_->frontier(), sealer_.last().index, sealer_.last_hash()};
}

Digest Ledger::GetDigest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Digest{tree_->size(), tree_->Root(), sealer_.last().index, sealer_.last_hash()};
}

uint64_t Ledger::TreeSize() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tree_->size();
}

uint64_t Ledger::LastBlockIndex() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sealer_.last().index;
}

uint64_t Ledger::pending_entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sealer_.pending();
}

std::optional<uint64_t> Ledger::last_log_index() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_log_index_;
}

Result<InclusionProof> Ledger::ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const {
  const uint64_t size = TreeSize();
  if (leaf_index >= tree_size || tree_size > size) {
    return Status::InvalidArgument(
        "inclusion proof: need leaf_index < tree_size <= " + std::to_string(size) + ", got " +
        std::to_string(leaf_index) + " and " + std::to_string(tree_size));
  }
  return reader_.ProveInclusion(leaf_index, tree_size);
}

Result<ConsistencyProof> Ledger::ProveConsistency(uint64_t old_size, uint64_t new_size) const {
  const uint64_t size = TreeSize();
  if (old_size > new_size || new_size > size) {
    return Status::InvalidArgument(
        "consistency proof: need old_size <= new_size <= " + std::to_string(size) + ", got " +
        std::to_string(old_size) + " and " + std::to_string(new_size));
  }
  return reader_.ProveConsistency(old_size, new_size);
}

Result<BlockHeader> Ledger::GetBlock(uint64_t index) const {
  const uint64_t last = LastBlockIndex();
  if (index > last) {
    return Status::NotFound("block " + std::to_string(index) + ": the newest block is " +
                            std::to_string(last));
  }
  return reader_.ReadBlock(index);
}

Result<std::vector<BlockHeader>> Ledger::ListBlocks(uint64_t first, uint64_t max_count) const {
  const uint64_t last = LastBlockIndex();
  if (first > last) {
    return std::vector<BlockHeader>();
  }
  return reader_.ListBlocks(first, std::min(max_count, last - first + 1));
}

Result<Entry> Ledger::ReadEntry(uint64_t leaf_index) const {
  if (leaf_index >= TreeSize()) {
    return Status::NotFound("leaf " + std::to_string(leaf_index) + " does not exist yet");
  }
  return reader_.ReadEntry(leaf_index);
}

Result<uint64_t> Ledger::FindLeaf(std::string_view key, uint64_t log_index) const {
  return reader_.FindLeaf(key, log_index);
}

}  // namespace blockdb::ledger
