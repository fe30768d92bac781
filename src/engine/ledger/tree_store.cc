#include "engine/ledger/tree_store.h"

#include <string>

namespace blockdb::ledger {

Result<std::unique_ptr<TreeStore>> TreeStore::Open(uint64_t size, RecordSource source) {
  StoredNodeReader reader(source);
  ASSIGN_OR_RETURN(MerkleFrontier frontier, MerkleFrontier::Load(reader, size));
  return std::unique_ptr<TreeStore>(new TreeStore(frontier, std::move(source)));
}

void TreeStore::Append(const Hash256& leaf_hash, RecordWrites* writes) {
  frontier_.Append(leaf_hash, [writes](uint32_t level, uint64_t index, const Hash256& hash) {
    if (level >= kChunkLevel) {
      writes->emplace_back(NodeKey(level, index), std::string(AsBytes(hash)));
    }
  });
}

Status TreeStore::CheckSize(uint64_t size) const {
  if (size > frontier_.size()) {
    return Status::InvalidArgument("tree size " + std::to_string(size) +
                                   " is beyond the ledger's " + std::to_string(frontier_.size()));
  }
  return Status::OK();
}

Result<Hash256> TreeStore::Root(uint64_t size) const {
  RETURN_IF_ERROR(CheckSize(size));
  if (size == frontier_.size()) {
    return frontier_.Root();
  }
  return TreeRoot(reader_, size);
}

Result<std::vector<Hash256>> TreeStore::InclusionPath(uint64_t leaf_index,
                                                      uint64_t tree_size) const {
  RETURN_IF_ERROR(CheckSize(tree_size));
  return ledger::InclusionPath(reader_, leaf_index, tree_size);
}

Result<std::vector<Hash256>> TreeStore::ConsistencyPath(uint64_t old_size,
                                                        uint64_t new_size) const {
  RETURN_IF_ERROR(CheckSize(new_size));
  return ledger::ConsistencyPath(reader_, old_size, new_size);
}

Result<Hash256> TreeStore::ReadNode(uint32_t level, uint64_t index) const {
  return reader_.ReadNode(level, index);
}

}  // namespace blockdb::ledger
