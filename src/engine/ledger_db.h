// LedgerDB: the storage engine with its ledger switched on. Owns a DB (db.h) opened with a
// LedgerHook (ledger/ledger_hook.h), so every accepted write batch is recorded as ledger entries
// and every seal command closes a block, atomically with the rows (docs/format/ledger.md). Adds
// the ledger's read side on top: digest, proofs, blocks, entries and VERIFY.
//
// Everything handed out describes the *published* state, the records readable at the engine's
// applied index: a digest is only returned, and a proof for a size only produced, once that
// size's records are stored.
//
// Thread safety: every method may be called from any thread concurrently, with writes going on
// (through db()). Reads take the engine's mutex only briefly, so they never block writers.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/db.h"
#include "engine/ledger/block.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/ledger.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/verify.h"

namespace blockdb {

class LedgerHook;

struct LedgerDBOptions {
  // The engine's options. apply_hook must be null: LedgerDB installs its own hook.
  EngineOptions engine;
  ledger::Options ledger;
};

class LedgerDB {
 public:
  // Opens (creating or recovering) the engine with the ledger hook. Errors: those of DB::Open
  // (Corruption naming file and offset for damaged files; Corruption from the ledger when its
  // records are inconsistent), InvalidArgument for bad options.
  static Result<std::unique_ptr<LedgerDB>> Open(const LedgerDBOptions& options);

  // Closes the engine.
  ~LedgerDB();

  LedgerDB(const LedgerDB&) = delete;
  LedgerDB& operator=(const LedgerDB&) = delete;

  // The engine, for writes and reads. Owned by this object; valid until it is destroyed.
  DB* db() const { return db_.get(); }

  // The digest of everything applied (published) so far.
  ledger::Digest GetDigest() const;
  // Entries applied but not yet in a block (may include entries not yet published).
  uint64_t PendingEntries() const;
  // Logs a seal command when entries are pending (the block timer's step). Returns whether one
  // was logged; errors are DB::Seal's. timestamp_micros == 0 stamps the wall clock.
  Result<bool> SealIfPending(int64_t timestamp_micros = 0);

  // Proof that leaf `leaf_index` is in the tree of `tree_size` leaves.
  // InvalidArgument unless leaf_index < tree_size <= GetDigest().tree_size.
  Result<ledger::InclusionProof> ProveInclusion(uint64_t leaf_index, uint64_t tree_size) const;
  // InvalidArgument unless old_size <= new_size <= GetDigest().tree_size.
  Result<ledger::ConsistencyProof> ProveConsistency(uint64_t old_size, uint64_t new_size) const;
  // The leaf that inserted row `key`; NotFound when none did (or not yet published). Reads the
  // row's log index, then Ledger::FindLeaf: O(log n) seeks.
  Result<uint64_t> FindLeafByKey(std::string_view key) const;
  // The entry of a published leaf (NotFound beyond the digest's tree size).
  Result<ledger::Entry> ReadEntry(uint64_t leaf_index) const;
  // Up to max_count published blocks from `first` (0 = genesis), oldest first; empty when first
  // is beyond the newest.
  Result<std::vector<ledger::BlockHeader>> ListBlocks(uint64_t first, uint64_t max_count) const;

  // VERIFY: runs ledger::VerifyLedger over an engine snapshot taken now (Get and NewIterator at
  // that fixed applied index), so writes may continue meanwhile and are not verified. Returns
  // the report, or the error that stopped the reading (VerifyLedger's errors).
  Result<ledger::VerifyReport> Verify(const ledger::VerifyOptions& options) const;

  // Closes the engine (DB::Close). Idempotent; later writes return Shutdown.
  Status Close();

 private:
  explicit LedgerDB(const ledger::Options& options);

  // Declared before db_: the engine calls the hook until it is destroyed.
  std::unique_ptr<LedgerHook> hook_;
  std::unique_ptr<DB> db_;
};

}  // namespace blockdb
