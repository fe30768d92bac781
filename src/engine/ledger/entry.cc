#include "engine/ledger/entry.h"

#include "common/check.h"
#include "common/coding.h"
#include "engine/ledger/merkle.h"

namespace blockdb::ledger {

void EncodeEntry(const EntryView& entry, std::string* dst) {
  BLOCKDB_CHECK(entry.key.size() <= kMaxEntryFieldSize);
  BLOCKDB_CHECK(entry.value.size() <= kMaxEntryFieldSize);
  dst->reserve(dst->size() + kEntryFixedBytes + entry.key.size() + entry.value.size());
  dst->push_back(static_cast<char>(kEntryFormatVersion));
  PutFixed64(dst, entry.log_index);
  PutFixed64(dst, entry.txn_id);
  PutFixed64(dst, static_cast<uint64_t>(entry.timestamp_micros));
  PutFixed32(dst, static_cast<uint32_t>(entry.key.size()));
  dst->append(entry.key);
  PutFixed32(dst, static_cast<uint32_t>(entry.value.size()));
  dst->append(entry.value);
}

Status DecodeEntry(std::string_view in, Entry* entry) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kEntryFormatVersion) {
    return Status::Corruption("ledger entry: unknown version");
  }
  in.remove_prefix(1);
  uint64_t ts = 0;
  uint32_t len = 0;
  if (!GetFixed64(&in, &entry->log_index) || !GetFixed64(&in, &entry->txn_id) ||
      !GetFixed64(&in, &ts) || !GetFixed32(&in, &len) || in.size() < len) {
    return Status::Corruption("ledger entry: truncated");
  }
  entry->timestamp_micros = static_cast<int64_t>(ts);
  entry->key.assign(in.substr(0, len));
  in.remove_prefix(len);
  if (!GetFixed32(&in, &len) || in.size() != len) {
    return Status::Corruption("ledger entry: truncated value or trailing bytes");
  }
  entry->value.assign(in);
  return Status::OK();
}

Hash256 EntryLeafHash(const EntryView& entry) {
  std::string bytes;
  EncodeEntry(entry, &bytes);
  return HashLeaf(bytes);
}

}  // namespace blockdb::ledger
