#include "engine/ledger/ledger_hook.h"

#include "common/check.h"
#include "engine/db.h"

namespace blockdb {

Status LedgerHook::OnOpen(DB* db) {
  // DB::Get and DB::NewIterator take the engine mutex only to copy the current read view and
  // accept internal keys; OnOpen and the apply step run without that mutex held, so the reads
  // cannot deadlock. Only Ledger::Open and the ledger's read methods (proofs, blocks, entries)
  // read: Ledger::OnApply and OnSeal work from the in-memory frontier and never read the store.
  ledger::RecordSource source;
  source.get = [db](std::string_view key, std::string* value) { return db->Get(key, value); };
  source.new_iterator = [db] { return db->NewIterator(); };
  ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> opened,
                   ledger::Ledger::Open(options_, std::move(source)));
  db_ = db;
  ledger_ = std::move(opened);
  MutexLock lock(&mu_);
  unpublished_.clear();
  published_ = ledger_->GetDigestState();
  published_digest_.reset();
  return Status::OK();
}

Status LedgerHook::OnApply(uint64_t index, const WriteBatch& batch,
                           std::vector<std::pair<std::string, std::string>>* internal_writes) {
  BLOCKDB_CHECK(ledger_ != nullptr);
  std::vector<ledger::Insert> inserts;
  inserts.reserve(batch.Count());
  for (const WriteBatch::Entry& e : batch.entries()) {
    inserts.emplace_back(e.key, e.value);
  }
  const size_t before = internal_writes->size();
  RETURN_IF_ERROR(
      ledger_->OnApply(index, batch.txn_id(), batch.timestamp_micros(), inserts, internal_writes));
  Remember(index, before, internal_writes->size());
  return Status::OK();
}

Status LedgerHook::OnSeal(uint64_t index, int64_t timestamp_micros,
                          std::vector<std::pair<std::string, std::string>>* internal_writes) {
  BLOCKDB_CHECK(ledger_ != nullptr);
  const size_t before = internal_writes->size();
  RETURN_IF_ERROR(ledger_->OnSeal(index, timestamp_micros, internal_writes));
  Remember(index, before, internal_writes->size());
  return Status::OK();
}

void LedgerHook::Remember(uint64_t index, size_t writes_before, size_t writes_after) {
  if (writes_after == writes_before) {
    return;  // the digest did not change (a seal with nothing pending)
  }
  // Read before taking mu_: the engine publishes `index` only after this call returns, so every
  // index <= applied is already final and its digest can move to published_.
  const uint64_t applied = db_->AppliedIndex();
  MutexLock lock(&mu_);
  PublishUpTo(applied);
  unpublished_.emplace_back(index, ledger_->GetDigestState());
}

void LedgerHook::PublishUpTo(uint64_t applied) const {
  while (!unpublished_.empty() && unpublished_.front().first <= applied) {
    published_ = unpublished_.front().second;
    published_digest_.reset();
    unpublished_.pop_front();
  }
}

ledger::Digest LedgerHook::PublishedDigest() const {
  // AppliedIndex() is an acquire load of the index the engine stores (release) after inserting a
  // record's keys, and the digest for that index was queued before the store: loading the index
  // first, then locking, sees every digest up to it and only records a reader can find.
  const uint64_t applied = db_->AppliedIndex();
  MutexLock lock(&mu_);
  PublishUpTo(applied);
  if (!published_digest_) {
    published_digest_ = published_.ToDigest();
  }
  return *published_digest_;
}

}  // namespace blockdb
