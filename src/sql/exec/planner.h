// Planner: turns a bound query into a tree of row sources.
//
//   FROM      a table (access path chosen from the WHERE conjuncts: primary-key equality on every
//             key column is one engine get, equality on a key prefix and/or a range on the next
//             key column is a seek over that key range, the same on a secondary index's columns
//             is an index scan, anything else a full scan; the whole WHERE is pushed into the
//             scan as its filter), a subquery, joins (nested loop), BlockDB's ledger relations
//             (blockdb_blocks, blockdb_digest(), blockdb_inclusion_proof(...),
//             blockdb_consistency_proof(...)), or nothing (one empty row).
//   then      aggregation (GROUP BY, aggregates, HAVING), projection (targets plus hidden ORDER
//             BY keys), DISTINCT, ORDER BY, OFFSET/LIMIT.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/exec/binder.h"
#include "sql/exec/sources.h"
#include "sql/session.h"
#include "sql/storage/table_writer.h"

namespace blockdb::sql::exec {

// A WITH query's result: computed once per statement and read by every reference to it.
struct CommonTableResult {
  std::vector<ScopeColumn> columns;
  std::vector<Row> rows;
  // Set when a FROM item reads this result: how WITH RECURSIVE tells a recursive term (one that
  // reads its own query's rows) from a plain one.
  mutable bool referenced = false;
};

// What planning and execution of one statement may use. Owned by the statement's caller; the
// plan keeps pointers to eval and control.
struct PlanContext {
  Database* database = nullptr;
  uint64_t snapshot = kLatestSnapshot;  // the statement's read snapshot (an applied index)
  Binder* binder = nullptr;
  const EvalContext* eval = nullptr;
  const ExecControl* control = nullptr;
  // Whether parameters have values (execution) or only types (Describe).
  bool has_params = false;
  // The transaction block's own uncommitted inserts, which its reads see (may be null).
  const TableWriter* pending = nullptr;
  // The locks table reads take (null: none; reads at the snapshot suffice).
  const ReadLocks* read_locks = nullptr;
  // The WITH queries in scope, by name (inner WITH clauses shadow outer ones); may be null.
  std::shared_ptr<const std::map<std::string, std::shared_ptr<const CommonTableResult>>> ctes;
  // Set for the SELECT that is a branch of UNION / INTERSECT / EXCEPT: its untyped outputs
  // ('2', NULL) stay untyped, to take the other branch's type (SELECT 1 UNION SELECT '2').
  // The SELECT planner clears it before planning anything inside.
  bool set_operation_branch = false;
};

struct QueryPlan {
  std::vector<ResultColumn> columns;
  RowSourcePtr source;
  // Whether nothing in the plan was computed while planning from this execution's parameters or
  // snapshot, so that the source, rewound, can run again with new ones (a prepared statement's
  // next execution): a SELECT whose FROM is one stored table without AS OF BLOCK and whose
  // LIMIT and OFFSET are absent or integer literals. The caller still checks what the planner
  // cannot see from here: no WITH, no subquery, no pending rows or read locks.
  bool reusable = false;
};

Result<QueryPlan> PlanQuery(const Query& query, PlanContext& ctx);

// Makes ctx.binder plan the subqueries it meets with `ctx` (BindContext::plan_subquery).
void EnableSubqueries(BindContext* bind, const PlanContext& ctx);

// A relation BlockDB computes instead of storing (ledger relations); nullopt when `name` is not
// one. Rows are computed when called.
struct VirtualRelation {
  std::vector<ScopeColumn> columns;
  std::vector<Row> rows;
};
Result<std::optional<VirtualRelation>> LedgerTable(const std::string& name, PlanContext& ctx);
Result<std::optional<VirtualRelation>> LedgerFunction(const FunctionExpr& call, PlanContext& ctx);

// PostgreSQL's text form of an array of `values`: {1,2}, {a,"b c",NULL}.
std::string ArrayText(const std::vector<Value>& values);

// The applied index at which block `block` was sealed (AS OF BLOCK n). 22023 for a block that
// does not exist.
Result<uint64_t> SnapshotOfBlock(PlanContext& ctx, int64_t block);

}  // namespace blockdb::sql::exec
