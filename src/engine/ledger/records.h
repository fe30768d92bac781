// The ledger's internal records: keys under the engine's reserved 0xFF prefix, and the small
// interfaces through which the ledger reads them back. Byte layouts are in docs/format/ledger.md.
//
//   FF 'N' level:u8 index:be64      -> 32-byte hash of tree node (level, index); level 0 = leaf
//   hash FF 'B' block_index:be64         -> block header (block.h); block 0, genesis, is never
//   stored FF 'L' leaf_index:be64          -> leaf locator: where entry leaf_index's row lives FF
//   'K' row key                  -> be64 leaf index of the entry that inserted that row
//
// Big-endian indexes make the engine's bytewise key order equal the numeric order, so a scan
// visits blocks and leaves in sequence. Every record is written once and never changed: the engine
// keeps one version per key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/iterator.h"
#include "engine/ledger/merkle.h"

namespace blockdb::ledger {

inline constexpr char kRecordPrefix = '\xff';
inline constexpr char kNodeTag = 'N';
inline constexpr char kBlockTag = 'B';
inline constexpr char kLeafTag = 'L';
inline constexpr char kKeyIndexTag = 'K';
inline constexpr uint8_t kLeafLocatorVersion = 1;

// Reads one record: OK and *value set, NotFound when the key is absent, or another error. Must be
// safe to call from several threads at once when used by the verifier or by Ledger readers.
using RecordLookup = std::function<Status(std::string_view key, std::string* value)>;
// Records produced by the ledger for the engine to store atomically with the batch that caused
// them. Keys are all new.
using RecordWrites = std::vector<std::pair<std::string, std::string>>;

std::string NodeKey(uint32_t level, uint64_t index);
std::string BlockKey(uint64_t block_index);
std::string LeafKey(uint64_t leaf_index);
std::string KeyIndexKey(std::string_view row_key);
// The first key of each record family (a scan of a family runs while keys start with it).
std::string RecordFamilyPrefix(char tag);

// Index parsed from a BlockKey or LeafKey of the given tag, or nullopt when `key` is not one.
std::optional<uint64_t> ParseIndexedKey(char tag, std::string_view key);

// Big-endian fixed 64 (used in keys and in the key-index record).
void PutBigEndian64(std::string* dst, uint64_t v);
uint64_t DecodeBigEndian64(const char* p);

// What the engine must be asked to rebuild an entry: everything but the row value, which stays
// in the row itself (fetched by key).
struct LeafLocator {
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  std::string key;

  bool operator==(const LeafLocator&) const = default;
};

// version:u8 log_index:fixed64 txn_id:fixed64 timestamp:fixed64 key_len:fixed32 key.
void EncodeLeafLocator(const LeafLocator& locator, std::string* dst);
// Corruption on a bad version, truncation or trailing bytes.
Status DecodeLeafLocator(std::string_view in, LeafLocator* locator);

// Reads a 32-byte hash record; Corruption when the value has another length. `what` names the
// record in messages.
Result<Hash256> ReadHashRecord(const RecordLookup& lookup, const std::string& key,
                               std::string_view what);

// NodeReader over 'N' records. Stateless: thread-safe when the lookup is.
class StoredNodeReader : public NodeReader {
 public:
  explicit StoredNodeReader(RecordLookup lookup) : lookup_(std::move(lookup)) {}
  Result<Hash256> ReadNode(uint32_t level, uint64_t index) const override;

 private:
  RecordLookup lookup_;
};

// Smallest i >= first for which `exists(i)` is false, assuming existence is prefix-closed from
// `first` (true for every i in [first, answer)). Uses O(log answer) probes (exponential then
// binary search); used to find how many leaves and blocks are stored.
Result<uint64_t> FindFirstMissing(uint64_t first,
                                  const std::function<Result<bool>(uint64_t)>& exists);

// Whether the key exists (NotFound -> false; other errors pass through).
Result<bool> RecordExists(const RecordLookup& lookup, const std::string& key);

}  // namespace blockdb::ledger
