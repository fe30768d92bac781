// TableWriter: turns rows of one table into one atomic engine write (row entries plus the
// entries of every secondary index), and the engine's DuplicateKey into PostgreSQL's 23505.
//
// Hidden row ids. A table without a primary key keys its rows by a hidden BIGINT row id. The
// design wants it assigned in the engine's apply step from the log index (deterministic on every
// replica), but DB::Write does not expose the index before the batch is logged, nor a hook that
// could rewrite keys. Until it does, RowIdAllocator hands out ids in memory, never below
// (applied index + 1) << 20, so ids stay unique across restarts as long as a process writes
// fewer than 2^20 rows per log index consumed. A collision is still caught by insert-if-absent
// and retried with fresh ids; but ids are not yet safe for several processes writing one table
// (replicas under Raft), which is why this must move into apply.
//
// Thread safety: a TableWriter is used by one thread; RowIdAllocator is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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

class RowIdAllocator {
 public:
  // The first of `count` consecutive row ids of table_id, none handed out before by this
  // allocator and all at least (applied_index + 1) << 20.
  uint64_t Allocate(uint64_t table_id, uint64_t count, uint64_t applied_index);

 private:
  std::mutex mu_;
  std::map<uint64_t, uint64_t> next_;  // GUARDED_BY(mu_)
};

class TableWriter {
 public:
  // `db` and `row_ids` are not owned and must outlive the writer; row_ids may be null when no
  // table has a hidden row id. The writer starts with one target table (target 0); AddTarget adds
  // more, so that one Commit writes rows of several tables atomically (a transaction block).
  // `indexes` are all the table's indexes (Catalog::IndexesOf).
  TableWriter(DB* db, std::shared_ptr<const TableDef> table,
              std::vector<std::shared_ptr<const IndexDef>> indexes, RowIdAllocator* row_ids);

  // Adds another table; returns its target number for Add.
  size_t AddTarget(std::shared_ptr<const TableDef> table,
                   std::vector<std::shared_ptr<const IndexDef>> indexes);
  // The target number of table_id, or nullopt.
  std::optional<size_t> FindTarget(uint64_t table_id) const;
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

  // ON CONFLICT DO NOTHING: drops the queued rows whose primary key or unique index entry
  // exists or repeats an earlier queued row's, then commits the rest (retrying when a
  // concurrent writer takes a key meanwhile). Returns the rows written; when none remain,
  // nothing is logged.
  // *written, when non-null, receives the rows written (for RETURNING).
  Result<size_t> CommitSkippingConflicts(std::vector<std::vector<Value>>* written = nullptr);

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

  void BuildBatch(const std::vector<uint64_t>& first_row_ids, WriteBatch* batch,
                  std::vector<Origin>* origins) const;
  // The batch key that conflicts: repeats within the batch, else exists in the DB. nullopt
  // when none is found (a concurrent writer is not a cause: keys are never removed).
  Result<std::optional<size_t>> FindConflict(const WriteBatch& batch) const;
  Status UniqueViolation(const Origin& origin, std::string* detail, std::string* table,
                         std::string* constraint) const;
  // Removes rows with a conflicting unique key (CommitSkippingConflicts).
  Status DropConflictingRows();

  DB* const db_;
  RowIdAllocator* const row_ids_;
  std::vector<Target> targets_;
  size_t pending_bytes_ = 0;
};

}  // namespace blockdb::sql
