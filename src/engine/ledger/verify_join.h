// JoinLeavesWithRows: the row check of VerifyLedger's first pass (verify.h). For the leaves
// [begin, end) it rebuilds every entry from its leaf group and its row, hashes it and compares the
// result with the stored leaf hash, and it counts the rows of the store.
//
// Leaves are in insertion order and rows in key order. The join splits the key space into ranges
// of about `range_entries` leaves each (bounds from a sample of the leaf groups, read by seeks),
// and for each range scans the leaf groups, keeps the range's leaves (key, stored hash and group
// index, and a sort key: about 100 bytes each with 16-byte keys), sorts them by key and walks the
// range's rows once with one iterator per thread, stepping forward only. Two threads collect and
// sort half of the leaves each; the halves are merged, and each thread walks the rows of half the
// range. So every row is read exactly once whatever the size of the ledger; the leaf groups, about
// half the rows' bytes, are read once per range, and the memory is that of one range (kept from one
// range to the next). Every row is visited, which gives the row count as well.
//
// The join only answers whether everything matched: on any finding (a missing or damaged group or
// row, a hash that differs) it stops and the verifier runs its exact check (verify_leaves.h),
// which names the first bad block and entry and the reason.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/status.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

struct JoinResult {
  // Every leaf of [begin, end) has its group and its row, and the entry rebuilt from them hashes
  // to the stored leaf hash. False also when the join was stopped.
  bool all_match = false;
  // The rows in the store (keys not starting with 0xFF); set when all_match.
  uint64_t rows = 0;
  // The leaves matched with their rows; end - begin when all_match.
  uint64_t leaves = 0;
};

// An error only when the store cannot be read (not for Corruption: then all_match is false).
// Stops early, with all_match false, once *stop is set. REQUIRES: range_entries > 0.
Result<JoinResult> JoinLeavesWithRows(const RecordSource& source, uint64_t begin, uint64_t end,
                                      uint64_t range_entries, const std::atomic<bool>* stop);

}  // namespace blockdb::ledger
