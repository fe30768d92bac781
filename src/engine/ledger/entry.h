// Ledger entries: the canonical bytes of one inserted key of one applied write batch, which are
// the leaf data of the Merkle tree. Byte layout in docs/format/ledger.md ("Entry").
//
//   entry := version:u8 (0x01) log_index:fixed64 txn_id:fixed64 timestamp_micros:fixed64
//            key_len:fixed32 key value_len:fixed32 value
//
// Fixed-width little-endian integers make the encoding canonical (one byte string per entry, no
// varint with two spellings). The key already begins with the table id, so the entry identifies
// table, row and content.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/sha256.h"
#include "common/status.h"

namespace blockdb::ledger {

inline constexpr uint8_t kEntryFormatVersion = 1;
// version + three fixed64 + two fixed32 length prefixes.
inline constexpr size_t kEntryFixedBytes = 1 + 3 * 8 + 2 * 4;
// Keys and values are length-prefixed with 32 bits.
inline constexpr uint64_t kMaxEntryFieldSize = 0xffffffffu;

// An entry whose key and value are borrowed.
struct EntryView {
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  std::string_view key;
  std::string_view value;
};

// An entry owning its bytes.
struct Entry {
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  std::string key;
  std::string value;

  EntryView view() const { return {log_index, txn_id, timestamp_micros, key, value}; }
  bool operator==(const Entry&) const = default;
};

// Appends the canonical encoding to *dst. REQUIRES: key and value sizes <= kMaxEntryFieldSize.
void EncodeEntry(const EntryView& entry, std::string* dst);
// Parses exactly one encoded entry. Corruption on an unknown version, truncation or trailing bytes.
Status DecodeEntry(std::string_view in, Entry* entry);
// HashLeaf(EncodeEntry(entry)): the entry's leaf hash in the ledger's Merkle tree.
Hash256 EntryLeafHash(const EntryView& entry);
// out[i] = EntryLeafHash(entries[i]) for every i, several entries hashed at once (Sha256Many).
// REQUIRES: out.size() >= entries.size().
void EntryLeafHashes(std::span<const EntryView> entries, std::span<Hash256> out);

// Checks entries against expected leaf hashes, hashing several at once (Sha256Many). Add copies
// the entry's bytes, so its key and value may change after the call; the expected hashes must
// stay readable until the check that covers them (an Add that fills the queue, or Flush).
class LeafHashChecker {
 public:
  // Queues `entry` against the 32 bytes at `expected`. False when the queue was full and a
  // queued entry (this one or an earlier one) did not match.
  bool Add(const EntryView& entry, const char* expected);
  // Checks the queued entries; false when one does not match.
  bool Flush();

 private:
  static constexpr size_t kQueue = 9;          // a multiple of Sha256Many's lanes (3)
  std::array<std::string, kQueue> leaf_data_;  // 0x00 || entry, capacity kept between uses
  std::array<const char*, kQueue> expected_{};
  size_t queued_ = 0;
};

}  // namespace blockdb::ledger
