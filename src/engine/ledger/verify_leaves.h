// VerifyLeafRange: the leaf phase of VerifyLedger (verify.h). For a range of leaves it rebuilds
// every entry from its leaf group and its row, hashes it, and compares the result with the stored
// leaf hash.
//
// The leaf groups are read with one forward scan. Rows are sorted by key in the engine, while
// leaves are in insertion order, so the range's row keys are sorted and the rows are read by an
// iterator walking forward through them (stepping when the next key is close, seeking otherwise)
// instead of one random point lookup per row. Two threads each read the groups of half the range
// and sort their keys, then each checks half of the merged sorted keys; the blocks whose data
// roots BlockDataRoots recomputes are split between them too.
//
// The groups' records are kept as read (one string per group) and every leaf refers into them; the
// sort runs on the first 16 bytes of each key held in the sort array, and the walk prefetches the
// memory of the leaves a few keys ahead: in key order every leaf is somewhere else in memory.
//
// A record an iterator cannot read (Corruption) is read again by point lookup, so a damaged record
// is reported for the entries it concerns and the walk goes on.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/ledger/block.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

// What the leaf phase learned about the entries of a range, indexed from its first leaf. Compact
// (33 bytes per entry; the rare problems are kept aside), since a range holds up to
// VerifyOptions::chunk_entries entries. Different threads may write different entries at once.
class LeafOutcomes {
 public:
  // n entries, none hashed, no problems.
  void Reset(size_t n);
  size_t size() const { return state_.size(); }

  // The leaf hash recomputed from the row, or nullptr when it could not be.
  const Hash256* hash(size_t i) const { return (state_[i] & kHashed) != 0 ? &hashes_[i] : nullptr; }
  // Whether some record of the entry does not match (then problem(i) says which).
  bool has_problem(size_t i) const { return (state_[i] & kProblem) != 0; }
  // Empty when the entry has no problem.
  std::string problem(size_t i) const;
  // The problem is that the recomputed hash differs from the stored leaf hash.
  bool stored_hash_differs(size_t i) const { return (state_[i] & kStoredDiffers) != 0; }

  // Where hash(i) is stored (to prefetch it).
  const void* hash_slot(size_t i) const { return &hashes_[i]; }

  void SetHash(size_t i, const Hash256& hash) {
    hashes_[i] = hash;
    state_[i] |= kHashed;
  }
  // Records the problem unless the entry has one already.
  void AddProblem(size_t i, std::string problem, bool stored_hash_differs = false);

 private:
  enum : uint8_t { kHashed = 1, kProblem = 2, kStoredDiffers = 4 };
  std::vector<Hash256> hashes_;
  std::vector<uint8_t> state_;
  std::unique_ptr<std::mutex> mu_ = std::make_unique<std::mutex>();  // guards problems_
  std::unordered_map<size_t, std::string> problems_;
};

// Row keys in messages: hex, shortened when long.
std::string DescribeRowKey(std::string_view key);

// The first 16 bytes of `key` (zero-padded) as two big-endian numbers: comparing (high, low)
// orders keys as memcmp does on those bytes, so VERIFY's sorts rarely touch the keys themselves.
struct KeyPrefix128 {
  uint64_t high;
  uint64_t low;
};
KeyPrefix128 KeyPrefixOf(std::string_view key);

// Fills entry i of *out for leaf begin + i, i < end - begin. Returns an error only when the store
// cannot be read (an I/O error); findings go into the outcomes.
Status VerifyLeafRange(const RecordSource& source, uint64_t begin, uint64_t end, LeafOutcomes* out);

// For VerifyLedger's first pass, whose row check (verify_join.h) compares every recomputed leaf
// hash with the stored one: fills entry i of *out with the stored hash of leaf begin + i, which
// equals the recomputed one when that check passes. Missing, undecodable and overlapping groups
// are problems as in VerifyLeafRange.
Status ReadStoredLeafHashes(const RecordSource& source, uint64_t begin, uint64_t end,
                            LeafOutcomes* out);

// Leaves per octet: an aligned run of 8 leaves, whose root is a level-3 node of the tree.
inline constexpr uint32_t kOctetLevel = 3;
inline constexpr uint64_t kOctetLeaves = uint64_t{1} << kOctetLevel;

// Roots recomputed from a chunk's leaf hashes (outcomes.hash(leaf - begin)).
struct ChunkRoots {
  // Per block, the data root (MTH of its leaves), or nullopt for a block with a leaf whose hash
  // could not be recomputed.
  std::vector<std::optional<Hash256>> data_roots;
  // Per octet that lies inside one block (first leaf a multiple of 8), its root, at index
  // leaf / 8 - begin / 8; nullopt for the others and where a leaf's hash is missing. The tree
  // rebuild appends these instead of their 8 leaves: a block starting at a multiple of 8 has them
  // as subtrees of its data root too, so their 7 hashes serve both.
  std::vector<std::optional<Hash256>> octets;
};

// Blocks are split between two threads. REQUIRES: every block's leaves lie in
// [begin, begin + outcomes.size()).
ChunkRoots BlockDataRoots(const std::vector<BlockHeader>& blocks, uint64_t begin,
                          const LeafOutcomes& outcomes);

// Counts the rows (keys not starting with 0xFF) on a thread of its own: the count needs nothing
// from the other checks, so it runs while they do (mostly while the tree is rebuilt on one core).
// Destroying the counter stops and joins the thread.
class RowCounter {
 public:
  explicit RowCounter(const RecordSource& source) : source_(source) {}
  RowCounter(const RowCounter&) = delete;
  RowCounter& operator=(const RowCounter&) = delete;
  ~RowCounter();

  // Starts counting on another thread (when none can be started, Finish() counts).
  void Start();
  // Waits for the count, or counts here when no thread was started; an error when the store
  // could not be read.
  Result<uint64_t> Finish();

 private:
  void Count();

  const RecordSource& source_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  Status status_;
  uint64_t rows_ = 0;
};

// Runs work(0, 0, n / 2) here and work(1, n / 2, n) on a second thread (here too when no thread
// can be started); returns the first error.
Status RunOnTwoThreads(size_t n,
                       const std::function<Status(int part, size_t begin, size_t end)>& work);

}  // namespace blockdb::ledger
