// IdentityAllocator: the values of BIGSERIAL / SERIAL / GENERATED ... AS IDENTITY columns.
//
// Values come from ranges that a writer reserves through the log before it hands them out. The
// n-th reservation of a column is a row under reserved id 5 whose key holds n and whose value
// holds the range [first, end) (docs/format/catalog.md, "Identity range"): the range right after
// the (n-1)-th, or for the first one, the values above the largest the table holds. The row is
// an insert-if-absent like every insert, so when two writers (two processes on one log, or two
// Raft leaders one after the other) both try the n-th, the log's order decides which one owns it;
// the other reads the winner's range and tries n+1. Each value therefore belongs to exactly one
// writer, the same on every replica and every replay, and the rows that use it are logged with
// it like any other value.
//
// Why not assign the values in the engine's apply step, as hidden row ids are
// (engine/write_batch.h, RowIdAt): INSERT ... RETURNING inside a transaction block must report
// the value before COMMIT, and clients use it in the block's next statement (a parent's id in
// its children's rows). PostgreSQL's sequences stand outside transactions for the same reason.
// As with theirs, a value is never handed out twice, so a failed insert or a restart leaves a
// gap (at most the rest of one range per column and process).
//
// A process reserves 32 values first and twice as many each time after, up to 65536, so a bulk
// load logs about one reservation per 65536 rows.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "common/status.h"
#include "engine/db.h"
#include "sql/catalog/catalog_defs.h"

namespace blockdb::sql {

class IdentityAllocator {
 public:
  // The next value of column `column` of `table`. Errors: the engine's (reading or writing a
  // reservation), 22003 when the column's type cannot hold the next value, 40001 when other
  // writers took every range this call tried to reserve.
  Result<int64_t> Next(DB& db, const TableDef& table, uint32_t column);

 private:
  // The values [next, end) are reserved for this process; `size` is its last range's size.
  struct Column {
    uint64_t next = 0;
    uint64_t end = 0;
    uint64_t size = 0;
  };

  // Reserves the column's next range through the log into *c.
  Status Reserve(DB& db, const TableDef& table, uint32_t column, Column* c);

  std::mutex mu_;
  std::map<std::pair<uint64_t, uint32_t>, Column> columns_;  // GUARDED_BY(mu_)
};

}  // namespace blockdb::sql
