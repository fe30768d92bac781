// VerifyLedger: recomputes the whole ledger from the stored rows and records and reports the
// first block and entry that do not match (the engine's VERIFY CHAIN and `blockdb-cli verify`).
//
// For every entry after the starting block it re-reads the leaf group and the row, re-encodes
// the entry and hashes it, and compares with the stored leaf hash (scans joined in key order, not
// point lookups). It then rebuilds the Merkle
// tree from those recomputed leaves, comparing every stored interior node as it is completed, and
// for every block the data root, the tree root, the first leaf and the link to the previous block's
// hash. Finally it checks that no block header exists beyond the last one and that every row is
// covered by an entry. Nothing stored is trusted except the starting block's header (genesis, a
// constant, by default) and the optional trusted digest.
//
// The source is read at one state (an engine snapshot), so writes may go on meanwhile. It runs
// in up to two passes. The first joins leaves and rows by key ranges, reading every row once
// (verify_join.h), while another thread rebuilds the tree and checks the blocks from the stored
// leaf hashes, which are the recomputed ones when the join finds every pair equal; when both
// succeed, that is the answer. Otherwise the second, exact pass works through chunks of whole
// blocks, recomputing each chunk's leaf hashes from its rows (verify_leaves.h) before they are
// used, and reports the first bad block and entry with the reason.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "engine/iterator.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/records.h"

namespace blockdb::ledger {

struct VerifyProgress {
  uint64_t blocks_done = 0;
  uint64_t blocks_total = 0;
  uint64_t entries_done = 0;
  uint64_t entries_total = 0;
};

struct VerifyOptions {
  // Verify the blocks after this one, trusting its stored header (0 = from genesis: trust nothing).
  uint64_t start_block = 0;
  // A digest saved earlier where the server could not change it: the recomputed tree must have
  // root `root` at size `tree_size`, and block `last_block_index` must hash to `last_block_hash`.
  std::optional<Digest> trusted_digest;
  // Count the rows (keys not starting with 0xFF) and require one entry per row.
  bool check_rows_covered = true;
  // Entries per key range of the first pass's join: the leaf groups are read once per range, and
  // a range takes about 100 bytes of memory per entry (with 16-byte keys).
  uint64_t join_range_entries = 1 << 21;
  // Entries per chunk of the exact pass (a chunk holds whole blocks, so it can be larger). Every
  // chunk walks the rows its entries name in key order, so with n entries the rows are read about
  // n / chunk_entries times; a chunk takes about 170 bytes of memory per entry (and the next one
  // is prepared while the current one is checked). The first pass uses chunks of at most 2^16.
  uint64_t chunk_entries = 1 << 20;
  // Called on the calling thread after each chunk (of either pass: when the first pass finds
  // something, the exact pass reports its progress from the start again).
  std::function<void(const VerifyProgress&)> progress;
};

struct VerifyFailure {
  // The first block that does not verify; nullopt for entries not yet in a block and for
  // store-wide findings (rows not covered by entries).
  std::optional<uint64_t> block_index;
  // The first entry (leaf index) involved, when the finding concerns one.
  std::optional<uint64_t> leaf_index;
  std::string reason;
};

struct VerifyReport {
  bool ok() const { return !failure.has_value(); }
  // "OK: 12 blocks, 11503 entries verified in 0.41 s; digest size=... root=..." or
  // "FAILED at block 7, entry 6012: <reason>".
  std::string ToString() const;

  uint64_t blocks_checked = 0;   // blocks fully verified
  uint64_t entries_checked = 0;  // entries fully verified (in verified blocks or unsealed)
  // The recomputed digest; describes the whole ledger only when ok().
  Digest digest;
  uint64_t elapsed_micros = 0;
  std::optional<VerifyFailure> failure;
};

// Returns the report (ok or the first failure), or an error when the store could not be read
// (an I/O error from the lookup or an iterator), or InvalidArgument for a start_block beyond the
// newest block (the message names start_block + 1, the first block that would be verified).
Result<VerifyReport> VerifyLedger(const RecordSource& source, const VerifyOptions& options);

}  // namespace blockdb::ledger
