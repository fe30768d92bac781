// IdentityAllocator: the values of BIGSERIAL / SERIAL / GENERATED ... AS IDENTITY columns.
//
// The first use of a column in a process scans the table for its largest value; later values
// are handed out from memory, one greater each time. Like a PostgreSQL sequence, values are
// never reused within a process even when the insert that took them fails, so gaps can appear.
// Known limit (docs/SQL.md): the values are chosen before the write is logged, not when it is
// applied, so two processes writing one table (replicas under Raft) could pick the same value;
// the primary key's insert-if-absent then rejects the second with 23505.
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
  // The next value of column `column` of `table`. Errors: the engine's (reading the table the
  // first time), 22003 when the column's type cannot hold the next value.
  Result<int64_t> Next(DB& db, const TableDef& table, uint32_t column);

 private:
  std::mutex mu_;
  std::map<std::pair<uint64_t, uint32_t>, int64_t> next_;  // GUARDED_BY(mu_)
};

}  // namespace blockdb::sql
