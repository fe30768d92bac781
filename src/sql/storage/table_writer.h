// TableWriter: turns rows of one table into one atomic engine write (row entries plus the
// entries of every secondary index), and the engine's DuplicateKey into PostgreSQL's 23505.
//
// Hidden row ids. A table without a primary key keys its rows by a hidden BIGINT row id. The
// writer leaves a placeholder in the row key and in the row's index entries; the engine's apply
// step fills in (log index << 24) | ordinal (engine/write_batch.h, RowIdAt), so ids are unique,
// grow with the log and are the same on every replay and replica.
//
// Thread safety: a TableWriter is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/db.h"
#include "engine/write_batch.h"
#include "sql/catalog/catalog_defs.h"
#include "sql/types/value.h"

namespace blockdb::sql {

inline constexpr char kSqlStateUniqueViolation[] = "23505";
inline constexpr char kSqlStateNotNullViolation[] = "23502";

class TableWriter {
 public:
  // `db` is not owned and must outlive the writer. The writer starts with one target table
  // (target 0); AddTarget adds more, so that one Commit writes rows of several tables atomically
  // (a transaction block). `indexes` are all the table's indexes (Catalog::IndexesOf).
  TableWriter(DB* db, std::shared_ptr<const TableDef> table,
              std::vector<std::shared_ptr<const IndexDef>> indexes);

  // Adds another table; returns its target number for Add.
  size_t AddTarget(std::shared_ptr<const TableDef> table,
                   std::vector<std::shared_ptr<const IndexDef>> indexes);
  // The target number of table_id, or nullopt.
  std::optional<size_t> FindTarget(uint64_t table_id) const;
  // The transaction id every batch this writer commits carries into the log and the ledger
  // (docs/format/write_batch.md): the session's lock-manager transaction id, so that the rows
  // of one transaction block share it. 0 (the default) means none.
  void set_txn_id(uint64_t txn_id) { txn_id_ = txn_id; }
  uint64_t txn_id() const { return txn_id_; }

  // Replaces the index list of target `target` (a CREATE INDEX since it was added): index
  // entries are built at Commit, so the queued rows get entries in every index of the list.
  void SetIndexes(size_t target, std::vector<std::shared_ptr<const IndexDef>> indexes);

  // Checks and queues a row of target `target` (row[i] is column i, already cast to its type).
  // Errors: 23502 `null value in column "c" of relation "t" violates not-null constraint`, 42804
  // for a value of another type, InvalidArgument for a wrong column count.
  Status Add(std::vector<Value> row) { return Add(0, std::move(row)); }
  Status Add(size_t target, std::vector<Value> row);
  size_t pending() const;
  // Bytes of the queued rows' values (for transaction size limits).
  size_t pending_bytes() const { return pending_bytes_; }

  // A point in the queue to come back to (SAVEPOINT / ROLLBACK TO).
  struct Mark {
    std::vector<size_t> rows;  // queued rows per target
    size_t bytes = 0;
  };
  Mark GetMark() const;
  // Drops the rows queued after `mark` (and the targets added after it).
  void RollbackTo(const Mark& mark);

  // The queued rows of table_id (nullptr when none): a transaction block reads its own inserts
  // through this. Valid until the next Add or Commit.
  const std::vector<std::vector<Value>>* PendingRows(uint64_t table_id) const;

  // 23505 (with *detail) when a queued row's primary key or unique index entry repeats another
  // queued row's or exists in the DB: a transaction block checks each INSERT at once, as
  // PostgreSQL does, rather than only at COMMIT.
  Status CheckUnique(std::string* detail, std::string* table = nullptr,
                     std::string* constraint = nullptr) const;

  // Writes the queued rows and their index entries as one atomic batch and returns its log
  // index; the queue is emptied on success. A key that exists (or repeats among the queued
  // rows) gives 23505 `duplicate key value violates unique constraint "t_pkey"` (or the
  // index's name) and nothing is written; *detail, when non-null, receives PostgreSQL's DETAIL
  // `Key (id)=(5) already exists.` Other errors are the engine's.
  // *table and *constraint (when non-null) receive the names for the error's fields.
  Result<uint64_t> Commit(std::string* detail = nullptr, std::string* table = nullptr,
                          std::string* constraint = nullptr);

  // The constraint an ON CONFLICT (columns) or ON CONFLICT ON CONSTRAINT names: conflicts on it
  // skip the row; a conflict on another unique constraint is still an error, as in PostgreSQL.
  struct ConflictArbiter {
    bool primary_key = false;
    uint64_t index_id = 0;  // when not primary_key
  };

  // ON CONFLICT DO NOTHING: drops the queued rows whose primary key or unique index entry (only
  // the arbiter's, when `arbiter` is non-null) exists or repeats an earlier queued row's, then
  // commits the rest (retrying when a concurrent writer takes a key meanwhile). Returns the rows
  // written; when none remain, nothing is logged. A row that conflicts on a constraint other than
  // the arbiter fails the whole statement with 23505, as Commit reports it (*detail, *table,
  // *constraint).
  // *written, when non-null, receives the rows written (for RETURNING).
  Result<size_t> CommitSkippingConflicts(std::vector<std::vector<Value>>* written = nullptr,
                                         const ConflictArbiter* arbiter = nullptr,
                                         std::string* detail = nullptr,
                                         std::string* table = nullptr,
                                         std::string* constraint = nullptr);

 private:
  struct Target {
    std::shared_ptr<const TableDef> table;
    std::vector<std::shared_ptr<const IndexDef>> indexes;
    std::vector<std::vector<Value>> rows;
  };
  // Where a batch key came from: the row key (index == nullptr) or an index entry of row `row`.
  struct Origin {
    size_t target = 0;
    const IndexDef* index = nullptr;
    size_t row = 0;
  };

  // Hidden row ids are placeholders filled in at apply; CheckUnique, which never writes the
  // batch, gives them distinct stand-in values instead so that they do not repeat.
  void BuildBatch(bool stand_in_row_ids, WriteBatch* batch, std::vector<Origin>* origins) const;
  // The batch key that conflicts: repeats within the batch, else exists in the DB. nullopt
  // when none is found (a concurrent writer is not a cause: keys are never removed).
  Result<std::optional<size_t>> FindConflict(const WriteBatch& batch) const;
  Status UniqueViolation(const Origin& origin, std::string* detail, std::string* table,
                         std::string* constraint) const;
  // Removes rows with a conflicting unique key (CommitSkippingConflicts); with an arbiter, only
  // rows that conflict on it, and sets *other_conflict when a kept row conflicts on another.
  Status DropConflictingRows(const ConflictArbiter* arbiter, bool* other_conflict);

  DB* const db_;
  std::vector<Target> targets_;
  size_t pending_bytes_ = 0;
  uint64_t txn_id_ = 0;
};

}  // namespace blockdb::sql
