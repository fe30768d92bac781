#include "engine/ledger/records.h"

#include <algorithm>
#include <cstring>

#include "common/coding.h"

namespace blockdb::ledger {
namespace {

std::string IndexedKey(char tag, uint64_t index) {
  std::string key;
  key.reserve(10);
  key.push_back(kRecordPrefix);
  key.push_back(tag);
  PutBigEndian64(&key, index);
  return key;
}

}  // namespace

void PutBigEndian64(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    dst->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint64_t DecodeBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  }
  return v;
}

std::string NodeKey(uint32_t level, uint64_t index) {
  std::string key;
  key.reserve(11);
  key.push_back(kRecordPrefix);
  key.push_back(kNodeTag);
  key.push_back(static_cast<char>(level));
  PutBigEndian64(&key, index);
  return key;
}

std::string BlockKey(uint64_t block_index) { return IndexedKey(kBlockTag, block_index); }

std::string LeafGroupKey(uint64_t last_leaf) { return IndexedKey(kLeafGroupTag, last_leaf); }

std::string RecordFamilyPrefix(char tag) { return std::string{kRecordPrefix, tag}; }

std::optional<uint64_t> ParseIndexedKey(char tag, std::string_view key) {
  if (key.size() != 10 || key[0] != kRecordPrefix || key[1] != tag) {
    return std::nullopt;
  }
  return DecodeBigEndian64(key.data() + 2);
}

void EncodeLeafGroup(const LeafGroup& group, std::string* dst) {
  dst->push_back(static_cast<char>(kLeafGroupVersion));
  PutFixed64(dst, group.log_index);
  PutFixed64(dst, group.txn_id);
  PutFixed64(dst, static_cast<uint64_t>(group.timestamp_micros));
  PutFixed32(dst, static_cast<uint32_t>(group.leaves.size()));
  for (const LeafGroup::Leaf& leaf : group.leaves) {
    dst->append(AsBytes(leaf.hash));
    PutFixed32(dst, static_cast<uint32_t>(leaf.key.size()));
    dst->append(leaf.key);
  }
}

Status DecodeLeafGroupView(uint64_t last_leaf, std::string_view in, LeafGroupView* group) {
  group->leaves.clear();
  if (in.empty() || static_cast<uint8_t>(in[0]) != kLeafGroupVersion) {
    return Status::Corruption("leaf group: unknown version");
  }
  in.remove_prefix(1);
  uint64_t ts = 0;
  uint32_t count = 0;
  if (!GetFixed64(&in, &group->log_index) || !GetFixed64(&in, &group->txn_id) ||
      !GetFixed64(&in, &ts) || !GetFixed32(&in, &count)) {
    return Status::Corruption("leaf group: truncated");
  }
  if (count == 0 || count - 1 > last_leaf) {
    return Status::Corruption("leaf group: " + std::to_string(count) +
                              " leaves cannot end at leaf " + std::to_string(last_leaf));
  }
  group->timestamp_micros = static_cast<int64_t>(ts);
  group->first_leaf = last_leaf - (count - 1);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t key_len = 0;
    if (in.size() < sizeof(Hash256)) {
      return Status::Corruption("leaf group: truncated");
    }
    const char* hash = in.data();
    in.remove_prefix(sizeof(Hash256));
    if (!GetFixed32(&in, &key_len) || in.size() < key_len) {
      return Status::Corruption("leaf group: truncated");
    }
    group->leaves.push_back(LeafGroupView::Leaf{hash, in.substr(0, key_len)});
    in.remove_prefix(key_len);
  }
  if (!in.empty()) {
    return Status::Corruption("leaf group: trailing bytes");
  }
  return Status::OK();
}

Status DecodeLeafGroup(uint64_t last_leaf, std::string_view in, LeafGroup* group) {
  LeafGroupView view;
  RETURN_IF_ERROR(DecodeLeafGroupView(last_leaf, in, &view));
  group->first_leaf = view.first_leaf;
  group->log_index = view.log_index;
  group->txn_id = view.txn_id;
  group->timestamp_micros = view.timestamp_micros;
  group->leaves.resize(view.leaves.size());
  for (size_t i = 0; i < view.leaves.size(); ++i) {
    std::memcpy(group->leaves[i].hash.data(), view.leaves[i].hash, sizeof(Hash256));
    group->leaves[i].key.assign(view.leaves[i].key);
  }
  return Status::OK();
}

Status ScanLeafGroups(const RecordSource& source, uint64_t begin, uint64_t end,
                      const std::function<Status(const LeafGroup&)>& visit) {
  if (begin >= end) {
    return Status::OK();
  }
  std::unique_ptr<Iterator> it = source.new_iterator();
  uint64_t next = begin;  // the first leaf not yet visited
  LeafGroup group;
  for (it->Seek(LeafGroupKey(begin)); next < end; it->Next()) {
    const std::optional<uint64_t> last =
        it->Valid() ? ParseIndexedKey(kLeafGroupTag, it->key()) : std::nullopt;
    if (!last) {
      RETURN_IF_ERROR(it->status());
      return Status::NotFound("leaf group of leaf " + std::to_string(next) + " is missing");
    }
    RETURN_IF_ERROR(DecodeLeafGroup(*last, it->value(), &group)
                        .Annotate("leaf group ending at leaf " + std::to_string(*last)));
    if (group.first_leaf > next) {
      return Status::NotFound("leaf group of leaf " + std::to_string(next) + " is missing");
    }
    if (next != begin && group.first_leaf != next) {
      return Status::Corruption("leaf group ending at leaf " + std::to_string(*last) +
                                " overlaps the group before it");
    }
    RETURN_IF_ERROR(visit(group));
    next = *last + 1;
  }
  return Status::OK();
}

Result<std::vector<Hash256>> ReadLeafHashes(const RecordSource& source, uint64_t begin,
                                            uint64_t end) {
  std::vector<Hash256> hashes;
  hashes.reserve(end > begin ? end - begin : 0);
  RETURN_IF_ERROR(ScanLeafGroups(source, begin, end, [&](const LeafGroup& group) {
    for (uint64_t i = std::max(begin, group.first_leaf); i <= group.last_leaf() && i < end; ++i) {
      hashes.push_back(group.leaves[i - group.first_leaf].hash);
    }
    return Status::OK();
  }));
  return hashes;
}

Result<uint64_t> CountStoredLeaves(const RecordSource& source) {
  std::unique_ptr<Iterator> it = source.new_iterator();
  // Whether some group ends at or after leaf x: true up to the last group's last leaf.
  auto some_group_from = [&it](uint64_t x) -> Result<bool> {
    it->Seek(LeafGroupKey(x));
    if (!it->Valid()) {
      RETURN_IF_ERROR(it->status());
      return false;
    }
    return ParseIndexedKey(kLeafGroupTag, it->key()).has_value();
  };
  return FindFirstMissing(0, some_group_from);
}

Result<Hash256> ReadHashRecord(const RecordLookup& lookup, const std::string& key,
                               std::string_view what) {
  std::string value;
  Status s = lookup(key, &value);
  if (!s.ok()) {
    return s.Annotate(what);
  }
  Hash256 hash;
  if (value.size() != hash.size()) {
    return Status::Corruption(std::string(what) + ": stored hash has " +
                              std::to_string(value.size()) + " bytes, not 32");
  }
  std::memcpy(hash.data(), value.data(), hash.size());
  return hash;
}

Result<Hash256> StoredNodeReader::ReadNode(uint32_t level, uint64_t index) const {
  if (level >= kChunkLevel) {
    return ReadHashRecord(
        source_.get, NodeKey(level, index),
        "tree node (" + std::to_string(level) + ", " + std::to_string(index) + ")");
  }
  const uint64_t width = uint64_t{1} << level;
  ASSIGN_OR_RETURN(std::vector<Hash256> leaves, ChunkLeaves(index * width, (index + 1) * width));
  return MemoryNodeReader(leaves).ReadNode(level, 0);
}

Result<std::vector<Hash256>> StoredNodeReader::ChunkLeaves(uint64_t begin, uint64_t end) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const CachedChunk& c : cache_) {
      if (begin >= c.begin && end <= c.begin + c.leaves.size()) {
        return std::vector<Hash256>(c.leaves.begin() + static_cast<ptrdiff_t>(begin - c.begin),
                                    c.leaves.begin() + static_cast<ptrdiff_t>(end - c.begin));
      }
    }
  }
  // Read every stored leaf of the chunk: the nodes a proof asks for next are its neighbours.
  const uint64_t chunk_begin = begin & ~(kChunkLeaves - 1);
  std::vector<Hash256> leaves;
  Status s =
      ScanLeafGroups(source_, chunk_begin, chunk_begin + kChunkLeaves, [&](const LeafGroup& group) {
        for (const LeafGroup::Leaf& leaf : group.leaves) {
          leaves.push_back(leaf.hash);
        }
        return Status::OK();
      });
  if (!s.ok() && !s.IsNotFound()) {
    return s;  // NotFound: the chunk is not full; what was read is a prefix of it
  }
  leaves.resize(std::min<uint64_t>(leaves.size(), kChunkLeaves));
  if (end > chunk_begin + leaves.size()) {
    return Status::NotFound("leaf " + std::to_string(chunk_begin + leaves.size()) +
                            " is not stored");
  }
  std::vector<Hash256> wanted(leaves.begin() + static_cast<ptrdiff_t>(begin - chunk_begin),
                              leaves.end());
  std::lock_guard<std::mutex> lock(mu_);
  cache_[1] = std::move(cache_[0]);
  cache_[0] = CachedChunk{chunk_begin, std::move(leaves)};
  return wanted;
}

Result<uint64_t> FindFirstMissing(uint64_t first,
                                  const std::function<Result<bool>(uint64_t)>& exists) {
  // Invariant: everything below `lo` exists (lo - 1 was probed or lo == first); `hi` is missing.
  ASSIGN_OR_RETURN(bool first_exists, exists(first));
  if (!first_exists) {
    return first;
  }
  uint64_t lo = first + 1;
  uint64_t step = 1;
  uint64_t hi = 0;
  for (;;) {
    const uint64_t probe = first + step;
    ASSIGN_OR_RETURN(bool present, exists(probe));
    if (!present) {
      hi = probe;
      break;
    }
    lo = probe + 1;
    if (step > (kMaxTreeSize >> 1)) {
      return Status::Corruption("more than 2^63 consecutive ledger records");
    }
    step <<= 1;
  }
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    ASSIGN_OR_RETURN(bool present, exists(mid));
    if (present) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

Result<bool> RecordExists(const RecordLookup& lookup, const std::string& key) {
  std::string value;
  Status s = lookup(key, &value);
  if (s.ok()) {
    return true;
  }
  if (s.IsNotFound()) {
    return false;
  }
  return s;
}

}  // namespace blockdb::ledger
