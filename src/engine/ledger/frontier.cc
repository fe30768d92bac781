#include "engine/ledger/frontier.h"

#include "common/check.h"

namespace blockdb::ledger {

Result<MerkleFrontier> MerkleFrontier::Load(const NodeReader& reader, uint64_t size) {
  if (size > kMaxTreeSize) {
    return Status::InvalidArgument("tree size above 2^63");
  }
  MerkleFrontier frontier;
  frontier.size_ = size;
  uint64_t start = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) {
      continue;
    }
    ASSIGN_OR_RETURN(frontier.roots_[level], reader.ReadNode(level, start >> level));
    start += width;
  }
  return frontier;
}

void MerkleFrontier::Append(const Hash256& leaf_hash, const NodeSink& sink) {
  AppendSubtree(0, leaf_hash, sink);
}

void MerkleFrontier::AppendSubtree(uint32_t level, const Hash256& root, const NodeSink& sink) {
  BLOCKDB_CHECK(level < 63);
  const uint64_t width = uint64_t{1} << level;
  BLOCKDB_CHECK(size_ % width == 0 && size_ <= kMaxTreeSize - width);
  Hash256 node = root;
  uint64_t index = size_ >> level;  // index of `node` among the subtrees of its level
  if (sink) {
    sink(level, index, node);
  }
  // Each set low bit of size_ is a finished left sibling waiting for this subtree.
  while ((size_ >> level) & 1) {
    node = HashChildren(roots_[level], node);
    ++level;
    index >>= 1;
    if (sink) {
      sink(level, index, node);
    }
  }
  roots_[level] = node;
  size_ += width;
}

Hash256 MerkleFrontier::Root() const {
  if (size_ == 0) {
    return EmptyTreeRoot();
  }
  Hash256 acc{};
  bool have_acc = false;
  for (int level = 0; level < 64; ++level) {
    if (((size_ >> level) & 1) == 0) {
      continue;
    }
    acc = have_acc ? HashChildren(roots_[level], acc) : roots_[level];
    have_acc = true;
  }
  return acc;
}

}  // namespace blockdb::ledger
