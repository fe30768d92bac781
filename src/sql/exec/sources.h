// Row sources: the executor's operators. A query plan is a tree of RowSources pulled one row at
// a time (Volcano style), so a portal can stop after a row limit and resume, LIMIT stops a scan
// early, and only sorting, grouping and DISTINCT hold rows in memory (within work_mem, else
// 53200).
//
// Thread safety: a source tree belongs to one statement on one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/db.h"
#include "sql/catalog/catalog_defs.h"
#include "sql/exec/binder.h"
#include "sql/exec/eval.h"
#include "sql/txn/lock_manager.h"
#include "sql/types/compare.h"

namespace blockdb::sql::exec {

using Row = std::vector<Value>;

// Limits and cancellation shared by the sources of one statement.
struct ExecControl {
  const std::atomic<bool>* cancel = nullptr;                      // Session::Cancel sets it
  std::optional<std::chrono::steady_clock::time_point> deadline;  // statement_timeout
  uint64_t work_mem = 64ull << 20;
  // Parallel aggregates (max_parallel_workers_per_gather, min_parallel_table_scan_size): an
  // aggregate over a table scan reads with this many threads when the engine estimates the
  // scan's range at parallel_min_bytes or more.
  int parallel_workers = 0;
  uint64_t parallel_min_bytes = 8ull << 20;
  // Counts the aggregates that ran in parallel (Database::Stats), when not null.
  std::atomic<uint64_t>* parallel_aggregates = nullptr;
  // The statement's read snapshot (an applied index). Table scans without AS OF BLOCK read at
  // the value it has when they open, so a prepared query's plan run again reads at the new one.
  uint64_t snapshot = kLatestSnapshot;
  // 57014 when cancelled or past the deadline. Cheap; called every few hundred rows.
  Status Check() const;
};

// The locks a statement's table reads take for a serializable read-write transaction: each scan
// locks the key range it is about to read (a point, a primary-key or index range, or the whole
// table), shared, before reading it at the latest state (docs/TRANSACTIONS.md).
struct ReadLocks {
  txn::LockManager* manager = nullptr;
  txn::TxnId txn = 0;
  txn::LockWait wait;
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // The next row into *row; false at the end.
  virtual Result<bool> Next(Row* row) = 0;
  // EXPLAIN: one line per source, children indented by two more spaces.
  virtual void Explain(int indent, std::vector<std::string>* lines) const = 0;
  // Starts over, as if new: a correlated subquery runs its plan again for each outer row (key
  // bounds that depend on the outer row are computed again).
  virtual void Rewind() = 0;
  // Pieces that together return this source's rows, in no particular order across pieces, for
  // reading on `parts` threads at once (a parallel aggregate); each piece is used by one thread.
  // Empty when the source cannot be split or is too small to gain from it (the default). The
  // source itself must outlive the pieces and is not read after a split.
  virtual Result<std::vector<std::unique_ptr<RowSource>>> SplitForParallel(int parts) {
    return std::vector<std::unique_ptr<RowSource>>();
  }
};
using RowSourcePtr = std::unique_ptr<RowSource>;

// Whether `e` may be evaluated on another thread than the statement's, concurrently with other
// evaluations: no subquery, outer reference or function call (whose state this does not know).
// Another thread must install the statement's session time zone (ScopedSessionTimeZone).
bool ParallelSafe(const BoundExpr& e);

// Hashing and equality of a row's first n columns as DISTINCT and UNION see them (NULLs equal),
// for hash sets of rows.
struct RowPrefixHash {
  size_t n;
  size_t operator()(const Row& r) const {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; ++i) h = (h ^ HashValue(r[i])) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};
struct RowPrefixEq {
  size_t n;
  bool operator()(const Row& a, const Row& b) const {
    for (size_t i = 0; i < n; ++i) {
      if (CompareForSort(a[i], b[i]) != 0) return false;
    }
    return true;
  }
};

// Approximate bytes a row holds (for work_mem).
size_t RowBytes(const Row& row);

// Appends every row of `source` to *rows: what sorts, joins, window functions and WITH hold in
// memory. 53200 naming `what` once the rows pass work_mem; 57014 when cancelled meanwhile.
Status ReadAllRows(RowSource& source, const ExecControl& control, std::string_view what,
                   std::vector<Row>* rows);

// Rows given up front (VALUES, SELECT without FROM, system functions).
RowSourcePtr MakeRowsSource(std::vector<Row> rows, std::string label);
// Rows computed from bound expressions, one list per row (VALUES with expressions).
RowSourcePtr MakeValuesSource(std::vector<std::vector<BoundExprPtr>> rows, const EvalContext* ctx);

// A column = expression condition the planner can turn into a key bound.
struct KeyCondition {
  BoundExprPtr lower;  // null: unbounded
  bool lower_inclusive = true;
  BoundExprPtr upper;
  bool upper_inclusive = true;
  bool equality = false;
};

// How a table is read.
struct AccessPath {
  enum class Kind {
    kFullScan,
    kPointLookup,
    kPointList,  // key IN (list) on a one-column primary key: one get per listed value
    kKeyRange,
    kIndexScan
  } kind = Kind::kFullScan;
  std::shared_ptr<const IndexDef> index;  // kIndexScan
  std::vector<BoundExprPtr> in_list;      // kPointList: the listed values
  // Conditions on a prefix of the key columns (primary key or index): equalities, then at most
  // one range.
  std::vector<KeyCondition> key;
};

// Reads a table along `path` at `as_of` (AS OF BLOCK), or else at control->snapshot as it is
// when the scan opens; rows are the table's columns in order. Rows for which `filter` is not
// true are skipped (the filter is pushed into the scan).
// `pending`, when not null, holds rows of a transaction block not yet written: they are merged
// into the scan in key order, as if stored. `needed_columns`, when not null and not empty when
// the scan starts, marks the columns the query reads; the others are not decoded (NULL).
// `locks`, when not null, is taken on the scanned range before the first row is read.
RowSourcePtr MakeTableSource(DB* db, std::shared_ptr<const TableDef> table,
                             std::optional<uint64_t> as_of, AccessPath path, BoundExprPtr filter,
                             const EvalContext* ctx, const ExecControl* control,
                             const std::vector<Row>* pending = nullptr,
                             std::shared_ptr<const std::vector<bool>> needed_columns = nullptr,
                             const ReadLocks* locks = nullptr);

RowSourcePtr MakeFilterSource(RowSourcePtr child, BoundExprPtr condition, const EvalContext* ctx);
RowSourcePtr MakeProjectSource(RowSourcePtr child, std::vector<BoundExprPtr> exprs,
                               const EvalContext* ctx);
// Keeps the first `n` columns.
RowSourcePtr MakeTruncateSource(RowSourcePtr child, size_t n);

// Groups by `keys` and computes `aggregates`; rows out are [key values..., aggregate values...].
// With no keys, exactly one row (even for empty input).
RowSourcePtr MakeAggregateSource(RowSourcePtr child, std::vector<BoundExprPtr> keys,
                                 std::vector<AggregateSpec> aggregates, const EvalContext* ctx,
                                 const ExecControl* control);

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;
};
// Sorts stably by `keys`. With `top`, only the first `top` rows of that order are kept (and come
// out): ORDER BY ... LIMIT, whose memory is then that of `top` rows.
RowSourcePtr MakeSortSource(RowSourcePtr child, std::vector<SortKey> keys,
                            const ExecControl* control,
                            std::optional<uint64_t> top = std::nullopt);
// Drops rows equal (in the first `columns` columns) to one seen before.
RowSourcePtr MakeDistinctSource(RowSourcePtr child, size_t columns, const ExecControl* control);
// generate_series(start, stop, step) over timestamp or timestamptz with an interval step: the
// values start, start + step, ... up to stop (down to it for a negative step). The step is
// added as `+` adds it (months, days and time; in the session's time zone for timestamptz).
class TimestampSeries {
 public:
  // 22023 for a zero step. Empty when an argument is NULL.
  static Result<TimestampSeries> Start(const Value& start, const Value& stop, const Value& step);
  // The next value; nullopt once past stop.
  Result<std::optional<Value>> Next();

 private:
  Value next_, stop_, step_;
  bool up_ = true;
  bool done_ = false;
};

// SELECT DISTINCT ON: of each run of consecutive rows equal in `columns` (NULLs equal), only the
// first. The child is sorted so that equal rows are consecutive.
RowSourcePtr MakeDistinctOnSource(RowSourcePtr child, std::vector<int> columns);
// Skips `offset` rows, then passes at most `limit` (nullopt: all).
RowSourcePtr MakeLimitSource(RowSourcePtr child, std::optional<uint64_t> limit, uint64_t offset);

enum class JoinKind { kInner, kLeft, kRight, kFull, kCross };
// Nested-loop join; the right input is read once into memory (within work_mem). Rows out are the
// left row's columns followed by the right row's, with NULLs for the side an outer join did not
// match.
RowSourcePtr MakeNestedLoopJoin(RowSourcePtr left, RowSourcePtr right, size_t left_width,
                                size_t right_width, JoinKind kind, BoundExprPtr on,
                                const EvalContext* ctx, const ExecControl* control);
// An ON condition split for a hash join: `left = right` equalities between a column of each side
// (of one type, or integers of any width) as key columns (left: positions in the left row,
// right: in the right row), and what is left of the condition over the joined row.
struct JoinKeys {
  std::vector<size_t> left;
  std::vector<size_t> right;
  BoundExprPtr residual;  // null: none
};
// Takes `on` apart (its AND-ed terms); no key columns when it has no such equality.
JoinKeys SplitJoinKeys(BoundExprPtr on, size_t left_width, size_t right_width);
// Hash join on keys.left = keys.right (a NULL key matches nothing), then keys.residual; the right
// input is read into memory (within work_mem). Rows out, and their order, are those of
// MakeNestedLoopJoin with the same condition. REQUIRES: keys.left not empty; kind not kCross.
RowSourcePtr MakeHashJoin(RowSourcePtr left, RowSourcePtr right, size_t left_width,
                          size_t right_width, JoinKind kind, JoinKeys keys, const EvalContext* ctx,
                          const ExecControl* control);
// Window functions over all input rows: each row comes out with one more column per call.
RowSourcePtr MakeWindowSource(RowSourcePtr child, std::vector<WindowCall> calls,
                              const EvalContext* ctx, const ExecControl* control);

// Set-returning functions of a SELECT list: each input row comes out once per value of the
// calls, advancing in step, with one more column per call (binder.h, SrfCall).
RowSourcePtr MakeProjectSetSource(RowSourcePtr child, std::vector<SrfCall> calls,
                                  const EvalContext* ctx, const ExecControl* control);

// INTERSECT [ALL] (intersect) or EXCEPT [ALL] of two inputs of `width` columns.
RowSourcePtr MakeSetOpSource(RowSourcePtr left, RowSourcePtr right, size_t width, bool intersect,
                             bool all, const ExecControl* control);

}  // namespace blockdb::sql::exec
