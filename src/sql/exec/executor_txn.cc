// Transactions: isolation levels, the locks a statement takes, transaction_timeout
// (docs/TRANSACTIONS.md).
//
// SERIALIZABLE read-write transactions use strict two-phase locking on key ranges: every read
// locks the range it scans (shared) and reads the latest state once the lock is held; every
// insert, in any transaction, locks the keys it will write (exclusive for primary and unique
// keys, insert mode otherwise) until it commits. A commit is acknowledged after its batch is
// applied, and only then are its locks released, so the order of commits in the log is a serial
// order of the transactions. Read-only transactions and single read statements read one
// snapshot, a prefix of that order, without locks.
#include "common/key_coding.h"
#include "engine/ledger_db.h"
#include "sql/exec/executor.h"
#include "sql/storage/table_codec.h"

namespace blockdb::sql::exec {
namespace {

// Rows a transaction locks one by one in one relation before it locks the whole relation
// instead (bounds the lock manager's work for bulk loads).
constexpr size_t kMaxRowLocksPerRelation = 256;

IsolationLevel ParseIsolation(const std::optional<std::string>& v) {
  if (v == "read committed") return IsolationLevel::kReadCommitted;
  if (v == "read uncommitted") return IsolationLevel::kReadUncommitted;
  if (v == "repeatable read") return IsolationLevel::kRepeatableRead;
  return IsolationLevel::kSerializable;
}

}  // namespace

const char* IsolationName(IsolationLevel level) {
  switch (level) {
    case IsolationLevel::kReadUncommitted:
      return "read uncommitted";
    case IsolationLevel::kReadCommitted:
      return "read committed";
    case IsolationLevel::kRepeatableRead:
      return "repeatable read";
    case IsolationLevel::kSerializable:
      return "serializable";
  }
  return "serializable";
}

Executor::~Executor() { ReleaseLocks(); }

void Executor::AbandonTransaction() {
  ReleaseLocks();
  *txn_ = Transaction();
}

bool Executor::LocksReads() const {
  if (txn_->status != TxnStatus::kIdle) return txn_->lock_reads;
  // Outside a block only writing statements lock their reads (a read-only statement reads one
  // snapshot).
  return writing_statement_ && ParseIsolation(settings_->Get("default_transaction_isolation")) ==
                                   IsolationLevel::kSerializable;
}

void Executor::SetIsolation(std::optional<IsolationLevel> level) {
  txn_->isolation = level.value_or(ParseIsolation(settings_->Get("default_transaction_isolation")));
  // SERIALIZABLE read-write blocks read the latest state under their locks; READ COMMITTED
  // takes a snapshot per statement; REPEATABLE READ and read-only SERIALIZABLE blocks keep the
  // snapshot of their start.
  bool per_statement = txn_->isolation == IsolationLevel::kReadCommitted ||
                       txn_->isolation == IsolationLevel::kReadUncommitted ||
                       (txn_->isolation == IsolationLevel::kSerializable && !txn_->read_only);
  txn_->snapshot = per_statement ? kLatestSnapshot : db_->ledger()->db()->AppliedIndex();
  txn_->lock_reads = txn_->isolation == IsolationLevel::kSerializable && !txn_->read_only;
}

txn::TxnId Executor::LockOwner() {
  if (txn_->lock_id == 0) {
    auto timeout = std::chrono::milliseconds(db_->options().transaction_timeout_ms);
    auto deadline = txn::Clock::now() + timeout;
    if (txn_->status != TxnStatus::kIdle) {
      // The block's clock started at BEGIN.
      deadline -= std::chrono::microseconds(std::max<int64_t>(0, NowMicros() - txn_->start_time));
    }
    txn_->lock_id = db_->locks().Begin(deadline);
  }
  return txn_->lock_id;
}

txn::LockWait Executor::MakeLockWait(const ExecControl* control) const {
  txn::LockWait wait;
  wait.timeout = std::chrono::milliseconds(settings_->LockTimeoutMs());
  if (control != nullptr) {
    wait.check = [control] { return control->Check(); };
  }
  return wait;
}

Status Executor::LockRowsForWrite(const TableDef& table,
                                  const std::vector<std::shared_ptr<const IndexDef>>& indexes,
                                  const std::vector<std::vector<Value>>& rows) {
  if (rows.empty()) return Status::OK();
  txn::LockManager& locks = db_->locks();
  const txn::TxnId owner = LockOwner();
  const txn::LockWait wait = MakeLockWait(control_);
  if (txn_->relation_locked.count(table.id) > 0) return Status::OK();
  size_t& locked = txn_->row_locks[table.id];
  if (locked + rows.size() > kMaxRowLocksPerRelation) {
    // Lock the table and its indexes whole: inserts elsewhere proceed, reads of it wait.
    std::vector<uint64_t> ids = {table.id};
    for (const auto& index : indexes) ids.push_back(index->id);
    for (uint64_t id : ids) {
      std::string prefix = RelationKeyPrefix(id);
      RETURN_IF_ERROR(
          locks.Lock(owner, prefix, KeyPrefixEnd(prefix), txn::LockMode::kInsert, wait));
    }
    txn_->relation_locked.insert(table.id);
    return Status::OK();
  }
  const std::string prefix = RelationKeyPrefix(table.id);
  for (const auto& row : rows) {
    if (table.has_hidden_row_id()) {
      // The row's key is chosen at commit; the table's prefix stands for it (every scan of
      // the table covers it).
      RETURN_IF_ERROR(locks.LockKey(owner, prefix, txn::LockMode::kInsert, wait));
    } else {
      RETURN_IF_ERROR(locks.LockKey(owner, prefix + PrimaryKeyBytes(table, row, 0),
                                    txn::LockMode::kExclusive, wait));
    }
    for (const auto& index : indexes) {
      // The entry's key without the row's primary key: every index range that would hold the
      // entry holds this key too.
      bool any_null = false;
      for (const KeyPart& p : index->columns) any_null = any_null || row[p.column].is_null();
      IndexEntry entry = EncodeIndexEntry(*index, table, row, "");
      RETURN_IF_ERROR(locks.LockKey(
          owner, entry.key,
          index->unique && !any_null ? txn::LockMode::kExclusive : txn::LockMode::kInsert, wait));
    }
  }
  locked += rows.size();
  return Status::OK();
}

void Executor::ReleaseLocks() {
  if (txn_->lock_id != 0) {
    db_->locks().End(txn_->lock_id);
    txn_->lock_id = 0;
  }
  txn_->row_locks.clear();
  txn_->relation_locked.clear();
}

void Executor::AfterError() {
  if (txn_->status == TxnStatus::kIdle) {
    ReleaseLocks();
  } else if (txn_->savepoints.empty()) {
    // The block is failed for good: nothing it queued can commit.
    ReleaseLocks();
    txn_->writer.reset();
  }
}

Result<uint64_t> Executor::FinishCopyIn(ErrorInfo* error) {
  Result<uint64_t> n = WriteCopyIn(error);
  if (!n.ok()) {
    AfterError();
  } else if (txn_->status == TxnStatus::kIdle) {
    ReleaseLocks();
  }
  return n;
}

Status Executor::TransactionTimeoutError() const {
  return Status::Aborted("the transaction was aborted: it ran longer than transaction_timeout (" +
                         std::to_string(db_->options().transaction_timeout_ms) +
                         " ms); roll back and retry it")
      .WithSqlState(txn::kSqlStateTransactionTimeout);
}

Status Executor::CheckTransactionTimeout() const {
  if (txn_->status != TxnStatus::kInBlock) return Status::OK();
  const uint64_t timeout_ms = db_->options().transaction_timeout_ms;
  bool expired = (txn_->lock_id != 0 && db_->locks().Aborted(txn_->lock_id)) ||
                 NowMicros() - txn_->start_time > static_cast<int64_t>(timeout_ms) * 1000;
  return expired ? TransactionTimeoutError() : Status::OK();
}

Status Executor::StartCommit() {
  if (txn_->lock_id != 0 && !db_->locks().StartCommit(txn_->lock_id)) {
    return TransactionTimeoutError();
  }
  return Status::OK();
}

}  // namespace blockdb::sql::exec
