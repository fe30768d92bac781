#include "engine/ledger/entry.h"

#include <algorithm>
#include <cstring>

#include "common/check.h"
#include "common/coding.h"
#include "common/sha256_lanes.h"
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
  // HashLeaf(EncodeEntry(entry)) without building the encoding: the fixed fields and lengths go
  // through a small buffer, key and value are hashed where they are.
  BLOCKDB_CHECK(entry.key.size() <= kMaxEntryFieldSize);
  BLOCKDB_CHECK(entry.value.size() <= kMaxEntryFieldSize);
  char head[2 + 3 * 8 + 4];
  head[0] = static_cast<char>(kLeafHashPrefix);
  head[1] = static_cast<char>(kEntryFormatVersion);
  EncodeFixed64(head + 2, entry.log_index);
  EncodeFixed64(head + 10, entry.txn_id);
  EncodeFixed64(head + 18, static_cast<uint64_t>(entry.timestamp_micros));
  EncodeFixed32(head + 26, static_cast<uint32_t>(entry.key.size()));
  char value_len[4];
  EncodeFixed32(value_len, static_cast<uint32_t>(entry.value.size()));
  // A typical entry is hashed from one copy on the stack: one update instead of four partial ones
  // (VERIFY hashes every entry).
  constexpr size_t kSmall = 512;
  const size_t total = sizeof(head) + entry.key.size() + sizeof(value_len) + entry.value.size();
  if (total <= kSmall) {
    char buf[kSmall];
    char* p = buf;
    std::memcpy(p, head, sizeof(head));
    p += sizeof(head);
    std::memcpy(p, entry.key.data(), entry.key.size());
    p += entry.key.size();
    std::memcpy(p, value_len, sizeof(value_len));
    p += sizeof(value_len);
    std::memcpy(p, entry.value.data(), entry.value.size());
    return Sha256(std::string_view(buf, total));
  }
  return Sha256({std::string_view(head, sizeof(head)), entry.key,
                 std::string_view(value_len, sizeof(value_len)), entry.value});
}

namespace {

// HashLeaf's input for the entry: 0x00 || EncodeEntry(entry), into *dst (cleared first).
void EncodeLeafData(const EntryView& entry, std::string* dst) {
  dst->clear();
  dst->push_back(static_cast<char>(kLeafHashPrefix));
  EncodeEntry(entry, dst);
}

}  // namespace

void EntryLeafHashes(std::span<const EntryView> entries, std::span<Hash256> out) {
  BLOCKDB_CHECK(out.size() >= entries.size());
  std::string leaf_data[kSha256Lanes];
  std::string_view messages[kSha256Lanes];
  for (size_t first = 0; first < entries.size(); first += kSha256Lanes) {
    const size_t n = std::min(kSha256Lanes, entries.size() - first);
    for (size_t i = 0; i < n; ++i) {
      EncodeLeafData(entries[first + i], &leaf_data[i]);
      messages[i] = leaf_data[i];
    }
    Sha256Many(std::span<const std::string_view>(messages, n), out.subspan(first, n));
  }
}

bool LeafHashChecker::Add(const EntryView& entry, const char* expected) {
  EncodeLeafData(entry, &leaf_data_[queued_]);
  expected_[queued_] = expected;
  return ++queued_ < kQueue || Flush();
}

bool LeafHashChecker::Flush() {
  std::string_view messages[kQueue];
  for (size_t i = 0; i < queued_; ++i) {
    messages[i] = leaf_data_[i];
  }
  Hash256 hashes[kQueue];
  Sha256Many(std::span<const std::string_view>(messages, queued_),
             std::span<Hash256>(hashes, queued_));
  bool all = true;
  for (size_t i = 0; i < queued_; ++i) {
    all = all && std::memcmp(hashes[i].data(), expected_[i], hashes[i].size()) == 0;
  }
  queued_ = 0;
  return all;
}

}  // namespace blockdb::ledger
