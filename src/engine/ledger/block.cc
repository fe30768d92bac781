#include "engine/ledger/block.h"

#include <cstring>

#include "common/check.h"
#include "common/coding.h"
#include "engine/ledger/merkle.h"

namespace blockdb::ledger {
namespace {

void GetHash(std::string_view* in, Hash256* hash) {
  std::memcpy(hash->data(), in->data(), hash->size());
  in->remove_prefix(hash->size());
}

}  // namespace

void EncodeBlockHeader(const BlockHeader& header, std::string* dst) {
  dst->reserve(dst->size() + kBlockHeaderSize);
  dst->push_back(static_cast<char>(kBlockHeaderVersion));
  PutFixed64(dst, header.index);
  PutFixed64(dst, header.log_index);
  PutFixed64(dst, static_cast<uint64_t>(header.timestamp_micros));
  PutFixed64(dst, header.first_leaf);
  PutFixed64(dst, header.leaf_count);
  dst->append(AsBytes(header.data_root));
  dst->append(AsBytes(header.tree_root));
  dst->append(AsBytes(header.prev_hash));
}

Status DecodeBlockHeader(std::string_view in, BlockHeader* header) {
  if (in.size() != kBlockHeaderSize) {
    return Status::Corruption("block header: " + std::to_string(in.size()) + " bytes, not " +
                              std::to_string(kBlockHeaderSize));
  }
  if (static_cast<uint8_t>(in[0]) != kBlockHeaderVersion) {
    return Status::Corruption("block header: unknown version " +
                              std::to_string(static_cast<uint8_t>(in[0])));
  }
  in.remove_prefix(1);
  uint64_t ts = 0;
  const bool complete = GetFixed64(&in, &header->index) && GetFixed64(&in, &header->log_index) &&
                        GetFixed64(&in, &ts) && GetFixed64(&in, &header->first_leaf) &&
                        GetFixed64(&in, &header->leaf_count);
  BLOCKDB_CHECK(complete);  // the size was checked above
  header->timestamp_micros = static_cast<int64_t>(ts);
  GetHash(&in, &header->data_root);
  GetHash(&in, &header->tree_root);
  GetHash(&in, &header->prev_hash);
  if (header->first_leaf > kMaxTreeSize || header->leaf_count > kMaxTreeSize - header->first_leaf) {
    return Status::Corruption("block header: leaf range beyond 2^63");
  }
  return Status::OK();
}

Hash256 BlockHash(const BlockHeader& header) {
  std::string bytes;
  EncodeBlockHeader(header, &bytes);
  return Sha256(bytes);
}

const BlockHeader& GenesisBlock() {
  static const BlockHeader kGenesis = [] {
    BlockHeader genesis;
    genesis.data_root = EmptyTreeRoot();
    genesis.tree_root = EmptyTreeRoot();
    return genesis;
  }();
  return kGenesis;
}

BlockSealer::BlockSealer(uint64_t batch_size, const BlockHeader& last, MerkleFrontier pending)
    : batch_size_(batch_size), last_(last), last_hash_(BlockHash(last)), pending_(pending) {
  BLOCKDB_CHECK(batch_size_ >= 1);
}

bool BlockSealer::AddLeaf(const Hash256& leaf_hash) {
  pending_.Append(leaf_hash);
  return pending_.size() >= batch_size_;
}

const BlockHeader& BlockSealer::Seal(uint64_t log_index, int64_t timestamp_micros,
                                     const Hash256& tree_root) {
  BLOCKDB_CHECK(pending_.size() > 0);
  BlockHeader next;
  next.index = last_.index + 1;
  next.log_index = log_index;
  next.timestamp_micros = timestamp_micros;
  next.first_leaf = last_.tree_size();
  next.leaf_count = pending_.size();
  next.data_root = pending_.Root();
  next.tree_root = tree_root;
  next.prev_hash = last_hash_;
  last_ = next;
  last_hash_ = BlockHash(last_);
  pending_ = MerkleFrontier();
  return last_;
}

}  // namespace blockdb::ledger
