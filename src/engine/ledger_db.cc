#include "engine/ledger_db.h"

#include <algorithm>
#include <string>

#include "common/check.h"
#include "engine/ledger/ledger_hook.h"
#include "engine/ledger/snapshot_source.h"

namespace blockdb {

Result<std::unique_ptr<LedgerDB>> LedgerDB::Open(const LedgerDBOptions& options) {
  if (options.engine.apply_hook != nullptr) {
    return Status::InvalidArgument("ledger db: engine option apply_hook must be null");
  }
  if (options.ledger.blockchain_batch_size == 0) {
    return Status::InvalidArgument("ledger db: blockchain_batch_size must be at least 1");
  }
  std::unique_ptr<LedgerDB> ldb(new LedgerDB(options.ledger));
  EngineOptions engine = options.engine;
  engine.apply_hook = ldb->hook_.get();
  ASSIGN_OR_RETURN(ldb->db_, DB::Open(engine));
  BLOCKDB_CHECK(ldb->hook_->ledger() != nullptr);  // DB::Open calls OnOpen before succeeding
  return ldb;
}

LedgerDB::LedgerDB(const ledger::Options& options) : hook_(std::make_unique<LedgerHook>(options)) {}

LedgerDB::~LedgerDB() { (void)Close(); }

Status LedgerDB::Close() { return db_ != nullptr ? db_->Close() : Status::OK(); }

ledger::Digest LedgerDB::GetDigest() const { return hook_->PublishedDigest(); }

uint64_t LedgerDB::PendingEntries() const { return hook_->ledger()->pending_entries(); }

Result<bool> LedgerDB::SealIfPending(int64_t timestamp_micros) {
  if (PendingEntries() == 0) {
    return false;
  }
  RETURN_IF_ERROR(db_->Seal(timestamp_micros).status());
  return true;
}

Result<ledger::InclusionProof> LedgerDB::ProveInclusion(uint64_t leaf_index,
                                                        uint64_t tree_size) const {
  const uint64_t published = GetDigest().tree_size;
  if (leaf_index >= tree_size || tree_size > published) {
    return Status::InvalidArgument(
        "inclusion proof: need leaf_index < tree_size <= " + std::to_string(published) + ", got " +
        std::to_string(leaf_index) + " and " + std::to_string(tree_size));
  }
  return hook_->ledger()->ProveInclusion(leaf_index, tree_size);
}

Result<ledger::ConsistencyProof> LedgerDB::ProveConsistency(uint64_t old_size,
                                                            uint64_t new_size) const {
  const uint64_t published = GetDigest().tree_size;
  if (old_size > new_size || new_size > published) {
    return Status::InvalidArgument(
        "consistency proof: need old_size <= new_size <= " + std::to_string(published) + ", got " +
        std::to_string(old_size) + " and " + std::to_string(new_size));
  }
  return hook_->ledger()->ProveConsistency(old_size, new_size);
}

Result<uint64_t> LedgerDB::FindLeafByKey(std::string_view key) const {
  // The row is only readable once its batch is published, and its leaf group with it.
  std::string value;
  uint64_t log_index = 0;
  RETURN_IF_ERROR(db_->GetWithIndex(key, &value, &log_index));
  return hook_->ledger()->FindLeaf(key, log_index);
}

Result<ledger::Entry> LedgerDB::ReadEntry(uint64_t leaf_index) const {
  if (leaf_index >= GetDigest().tree_size) {
    return Status::NotFound("leaf " + std::to_string(leaf_index) + " does not exist yet");
  }
  return hook_->ledger()->ReadEntry(leaf_index);
}

Result<std::vector<ledger::BlockHeader>> LedgerDB::ListBlocks(uint64_t first,
                                                              uint64_t max_count) const {
  const uint64_t last = GetDigest().last_block_index;
  if (first > last) {
    return std::vector<ledger::BlockHeader>();
  }
  return hook_->ledger()->ListBlocks(first, std::min(max_count, last - first + 1));
}

Result<ledger::VerifyReport> LedgerDB::Verify(const ledger::VerifyOptions& options) const {
  // One applied index for every read: the verifier sees exactly the state at this moment,
  // whatever is applied while it runs (keys are written once, so a later read at this snapshot
  // returns what an earlier one would have). Its scans read the whole store once, so they leave
  // the block cache to the reads that come back to the same blocks.
  SnapshotRecordSource records(db_.get(), db_->AppliedIndex(), /*fill_cache=*/false);
  return ledger::VerifyLedger(records.source(), options);
}

}  // namespace blockdb
