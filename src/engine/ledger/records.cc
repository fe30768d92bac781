#include "engine/ledger/records.h"

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

std::string LeafKey(uint64_t leaf_index) { return IndexedKey(kLeafTag, leaf_index); }

std::string KeyIndexKey(std::string_view row_key) {
  std::string key;
  key.reserve(2 + row_key.size());
  key.push_back(kRecordPrefix);
  key.push_back(kKeyIndexTag);
  key.append(row_key);
  return key;
}

std::string RecordFamilyPrefix(char tag) { return std::string{kRecordPrefix, tag}; }

std::optional<uint64_t> ParseIndexedKey(char tag, std::string_view key) {
  if (key.size() != 10 || key[0] != kRecordPrefix || key[1] != tag) {
    return std::nullopt;
  }
  return DecodeBigEndian64(key.data() + 2);
}

void EncodeLeafLocator(const LeafLocator& locator, std::string* dst) {
  dst->push_back(static_cast<char>(kLeafLocatorVersion));
  PutFixed64(dst, locator.log_index);
  PutFixed64(dst, locator.txn_id);
  PutFixed64(dst, static_cast<uint64_t>(locator.timestamp_micros));
  PutFixed32(dst, static_cast<uint32_t>(locator.key.size()));
  dst->append(locator.key);
}

Status DecodeLeafLocator(std::string_view in, LeafLocator* locator) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kLeafLocatorVersion) {
    return Status::Corruption("leaf locator: unknown version");
  }
  in.remove_prefix(1);
  uint64_t ts = 0;
  uint32_t key_len = 0;
  if (!GetFixed64(&in, &locator->log_index) || !GetFixed64(&in, &locator->txn_id) ||
      !GetFixed64(&in, &ts) || !GetFixed32(&in, &key_len) || in.size() != key_len) {
    return Status::Corruption("leaf locator: truncated or trailing bytes");
  }
  locator->timestamp_micros = static_cast<int64_t>(ts);
  locator->key.assign(in);
  return Status::OK();
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
  return ReadHashRecord(lookup_, NodeKey(level, index),
                        "tree node (" + std::to_string(level) + ", " + std::to_string(index) + ")");
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
