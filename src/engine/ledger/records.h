// The ledger's internal records: keys under the engine's reserved 0xFF prefix, and the small
// interfaces through which the ledger reads them back. Byte layouts are in docs/format/ledger.md.
//
//   FF 'E' last_leaf:be64         -> leaf group: the entries of one write batch that fall in one
//                                    64-leaf chunk (their locators and leaf hashes)
//   FF 'N' level:u8 index:be64    -> 32-byte hash of tree node (level, index), levels >= 6 only
//   FF 'B' block_index:be64       -> block header (block.h); block 0, genesis, is never stored
//
// Big-endian indexes make the engine's bytewise key order equal the numeric order, so a scan
// visits groups, nodes and blocks in sequence. Tree nodes below level 6 are not stored: they are
// recomputed from the leaf hashes of their 64-leaf chunk (one short scan). Every record is written
// once and never changed: the engine keeps one version per key.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
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
inline constexpr char kLeafGroupTag = 'E';
inline constexpr uint8_t kLeafGroupVersion = 1;
// Leaves per chunk: a leaf group never crosses a multiple of it, and tree nodes are stored from
// the level of a whole chunk up.
inline constexpr uint32_t kChunkLevel = 6;
inline constexpr uint64_t kChunkLeaves = uint64_t{1} << kChunkLevel;

// Reads one record: OK and *value set, NotFound when the key is absent, or another error. Must be
// safe to call from several threads at once when used by the verifier or by Ledger readers.
using RecordLookup = std::function<Status(std::string_view key, std::string* value)>;
// Records produced by the ledger for the engine to store atomically with the batch that caused
// them. Keys are all new.
using RecordWrites = std::vector<std::pair<std::string, std::string>>;

// Read access to one state of the store (the engine's latest, a snapshot, or a test's map). Both
// members must be safe to call from several threads at once.
struct RecordSource {
  RecordLookup get;
  // An ordered iterator over every key (rows and internal records).
  std::function<std::unique_ptr<Iterator>()> new_iterator;
};

std::string NodeKey(uint32_t level, uint64_t index);
std::string BlockKey(uint64_t block_index);
std::string LeafGroupKey(uint64_t last_leaf);
// The first key of each record family (a scan of a family runs while keys start with it).
std::string RecordFamilyPrefix(char tag);

// Index parsed from a BlockKey or LeafGroupKey of the given tag, or nullopt when `key` is not one.
std::optional<uint64_t> ParseIndexedKey(char tag, std::string_view key);

// Big-endian fixed 64 (used in keys).
void PutBigEndian64(std::string* dst, uint64_t v);
uint64_t DecodeBigEndian64(const char* p);

// What rebuilds an entry apart from the row value, which stays in the row itself (fetched by key).
struct LeafLocator {
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  std::string key;

  bool operator==(const LeafLocator&) const = default;
};

// The entries of one write batch inside one 64-leaf chunk: leaves [first_leaf, first_leaf +
// leaves.size()), all with the batch's log index, txn id and timestamp.
struct LeafGroup {
  uint64_t first_leaf = 0;
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  struct Leaf {
    Hash256 hash;
    std::string key;
    bool operator==(const Leaf&) const = default;
  };
  std::vector<Leaf> leaves;

  uint64_t last_leaf() const { return first_leaf + leaves.size() - 1; }
  LeafLocator locator(size_t i) const {
    return {log_index, txn_id, timestamp_micros, leaves[i].key};
  }
  bool operator==(const LeafGroup&) const = default;
};

// version:u8 log_index:fixed64 txn_id:fixed64 timestamp:fixed64 count:fixed32, then per leaf
// leaf_hash:32 key_len:fixed32 key. REQUIRES: leaves non-empty. The key is LeafGroupKey(last leaf).
void EncodeLeafGroup(const LeafGroup& group, std::string* dst);
// Decodes the record stored under LeafGroupKey(last_leaf). Corruption on a bad version, a count of
// 0 or more than last_leaf + 1, truncation or trailing bytes.
Status DecodeLeafGroup(uint64_t last_leaf, std::string_view in, LeafGroup* group);

// A leaf group decoded without copying (for scans over many groups): per leaf the position of its
// stored hash (32 bytes) and its key inside the encoded record, valid while the record's bytes
// are. `leaves` keeps its capacity from one decode to the next.
struct LeafGroupView {
  uint64_t first_leaf = 0;
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  struct Leaf {
    const char* hash = nullptr;
    std::string_view key;
  };
  std::vector<Leaf> leaves;

  uint64_t last_leaf() const { return first_leaf + leaves.size() - 1; }
};

// DecodeLeafGroup's checks and errors, into views of `in`.
Status DecodeLeafGroupView(uint64_t last_leaf, std::string_view in, LeafGroupView* group);

// Visits the leaf groups that hold leaves [begin, end) in order, through one iterator. Each group
// is visited whole (it may start before `begin` or end after `end`). NotFound when a leaf of the
// range has no group (a gap, or the range goes past the stored leaves); Corruption when a group
// cannot be decoded or overlaps the one before.
Status ScanLeafGroups(const RecordSource& source, uint64_t begin, uint64_t end,
                      const std::function<Status(const LeafGroup&)>& visit);
// The leaf hashes of leaves [begin, end); errors as ScanLeafGroups.
Result<std::vector<Hash256>> ReadLeafHashes(const RecordSource& source, uint64_t begin,
                                            uint64_t end);
// The number of leaves stored: one past the last leaf group's last leaf (0 when there is none).
// O(log n) seeks.
Result<uint64_t> CountStoredLeaves(const RecordSource& source);

// Reads a 32-byte hash record; Corruption when the value has another length. `what` names the
// record in messages.
Result<Hash256> ReadHashRecord(const RecordLookup& lookup, const std::string& key,
                               std::string_view what);

// NodeReader over the stored tree: 'N' records for levels >= kChunkLevel; lower nodes are
// recomputed from the leaf hashes of their chunk, read with one scan and kept for the next reads
// (an inclusion path needs six nodes of the leaf's chunk and the root some of the last chunk's, so
// the two most recent chunks are kept). Leaves are written once, so the cached hashes
// never go stale. Thread-safe when the source is.
class StoredNodeReader : public NodeReader {
 public:
  explicit StoredNodeReader(RecordSource source) : source_(std::move(source)) {}
  Result<Hash256> ReadNode(uint32_t level, uint64_t index) const override;

 private:
  // The hashes of leaves [begin, end) of one chunk, from the cache or a scan.
  Result<std::vector<Hash256>> ChunkLeaves(uint64_t begin, uint64_t end) const;

  struct CachedChunk {
    uint64_t begin = 0;           // first leaf
    std::vector<Hash256> leaves;  // the chunk's stored leaves when read, a prefix of it
  };

  RecordSource source_;
  mutable std::mutex mu_;
  mutable std::array<CachedChunk, 2> cache_;  // guarded by mu_; most recently read first
};

// Smallest i >= first for which `exists(i)` is false, assuming existence is prefix-closed from
// `first` (true for every i in [first, answer)). Uses O(log answer) probes (exponential then
// binary search); used to find how many leaves and blocks are stored.
Result<uint64_t> FindFirstMissing(uint64_t first,
                                  const std::function<Result<bool>(uint64_t)>& exists);

// Whether the key exists (NotFound -> false; other errors pass through).
Result<bool> RecordExists(const RecordLookup& lookup, const std::string& key);

}  // namespace blockdb::ledger
