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
// A record an iterator cannot read (Corruption) is read again by point lookup, so a damaged record
// is reported for the entries it concerns and the walk goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "engine/ledger/block.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

// What the leaf phase learned about one entry.
struct LeafOutcome {
  std::optional<Hash256> hash;  // the leaf hash recomputed from the row, when it could be
  std::string problem;          // empty when every record of the entry matches
  bool stored_hash_differs = false;
};

// Row keys in messages: hex, shortened when long.
std::string DescribeRowKey(std::string_view key);

// Fills out[i] for leaf begin + i, i < end - begin. Returns an error only when the store cannot be
// read (an I/O error); findings go into the outcomes.
Status VerifyLeafRange(const RecordSource& source, uint64_t begin, uint64_t end,
                       std::vector<LeafOutcome>* out);

// The data root of each block (MTH of its recomputed leaf hashes, out[leaf - begin].hash), or
// nullopt for a block with a leaf whose hash could not be recomputed. Blocks are split between two
// threads. REQUIRES: every block's leaves lie in [begin, begin + outcomes.size()).
std::vector<std::optional<Hash256>> BlockDataRoots(const std::vector<BlockHeader>& blocks,
                                                   uint64_t begin,
                                                   const std::vector<LeafOutcome>& outcomes);

// Runs work(0, 0, n / 2) here and work(1, n / 2, n) on a second thread (here too when no thread
// can be started); returns the first error.
Status RunOnTwoThreads(size_t n,
                       const std::function<Status(int part, size_t begin, size_t end)>& work);

}  // namespace blockdb::ledger
