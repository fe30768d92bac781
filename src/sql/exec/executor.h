// Executor: runs one statement for a Session. Private to sql/: session.cc owns the protocol
// state (prepared statements, portals, the transaction block) and calls the executor; the
// executor's methods are spread over executor*.cc by statement family.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/exec/binder.h"
#include "sql/exec/planner.h"
#include "sql/session.h"
#include "sql/storage/table_writer.h"
#include "sql/types/timezone.h"

namespace blockdb::sql::exec {

// A session's settings (SET/SHOW): name (lower case) -> value.
class Settings {
 public:
  Settings(const DatabaseOptions& db, const SessionOptions& session);
  std::optional<std::string> Get(std::string_view name) const;
  // 42704 for an unknown name (custom dotted names are accepted), 22023 for a bad value.
  Status Set(std::string_view name, std::string value);
  Status Reset(std::string_view name);
  void ResetAll();
  // Rows for SHOW ALL: name, setting, description.
  std::vector<std::vector<Value>> ShowAll() const;
  // Changes to report with ParameterStatus since the last call (display names).
  std::vector<std::pair<std::string, std::string>> TakeChanges();
  std::vector<std::pair<std::string, std::string>> Reported() const;
  // statement_timeout in milliseconds (0: none).
  uint64_t StatementTimeoutMs() const;
  // lock_timeout in milliseconds (0: wait as long as it takes).
  uint64_t LockTimeoutMs() const;
  // max_parallel_workers_per_gather: threads a scan that feeds an aggregate may read with (0 or
  // 1: none besides the statement's own).
  int ParallelWorkers() const { return parallel_workers_; }
  // min_parallel_table_scan_size in bytes: smaller scans read on the statement's thread.
  uint64_t ParallelMinBytes() const { return parallel_min_bytes_; }
  // work_mem in bytes: what one sort, hash or buffered input may hold before the statement fails
  // with 53200.
  uint64_t WorkMemBytes() const { return work_mem_bytes_; }
  // The zone the TimeZone setting names. Kept at a fixed address and updated in place, so a
  // ScopedSessionTimeZone pointing at it follows SET TimeZone at once.
  const TimeZone& time_zone() const { return zone_; }
  // Changes whenever a setting's value does: a plan bound under another value (a literal read
  // in the session's time zone...) is planned again.
  uint64_t generation() const { return generation_; }

 private:
  // Resolves zone_ from the TimeZone value after it changed.
  void SyncTimeZone();
  // After any value changed: a new generation, the derived values recomputed.
  void Changed();

  struct Setting {
    std::string display_name;  // e.g. "DateStyle"
    std::string value;
    std::string default_value;
    bool reported = false;  // sent in ParameterStatus
    const char* description = "";
  };
  std::map<std::string, Setting, std::less<>> settings_;
  std::vector<std::string> changed_;
  TimeZone zone_;
  uint64_t generation_ = 0;
  uint64_t statement_timeout_ms_ = 0;
  int parallel_workers_ = 2;
  uint64_t parallel_min_bytes_ = 8ull << 20;
  uint64_t work_mem_bytes_ = 64ull << 20;
};

// The transaction block of a session.
struct Transaction {
  TxnStatus status = TxnStatus::kIdle;
  bool read_only = false;
  IsolationLevel isolation = IsolationLevel::kSerializable;
  std::unique_ptr<TableWriter> writer;  // buffered inserts; null until the first
  int64_t start_time = 0;               // now() inside the block
  uint64_t snapshot = kLatestSnapshot;  // reads inside the block
  // SAVEPOINTs, oldest first: the name and the queue as it was (no mark: before any insert).
  std::vector<std::pair<std::string, std::optional<TableWriter::Mark>>> savepoints;
  // Locks (docs/TRANSACTIONS.md): the lock manager's id for this block, or for the statement
  // running outside one; 0 while no lock is held.
  txn::TxnId lock_id = 0;
  // Rows locked one by one per relation; past a limit the whole relation is locked instead.
  std::map<uint64_t, size_t> row_locks;
  std::set<uint64_t> relation_locked;
  // A statement other than a transaction statement ran in the block (SET TRANSACTION
  // ISOLATION LEVEL must come before: 25001).
  bool ran_query = false;
  // Reads take shared locks (SERIALIZABLE read-write, as set before the first query).
  bool lock_reads = false;
};

// One statement in progress: everything its plan points at lives here, at a fixed address.
struct Execution {
  BindContext bind;
  Binder binder{&bind};
  EvalContext eval;
  ExecControl control;
  std::vector<Value> params;
  // The locks the statement's reads take (manager null: none).
  ReadLocks read_locks;
  // A query's rows, pulled as the client asks; null for statements that ran to completion.
  RowSourcePtr source;
  std::vector<ResultColumn> columns;
  uint64_t rows_returned = 0;
  // A statement that ran to completion: its result (rows served from `result.rows`).
  std::optional<StatementResult> result;
  size_t next_result_row = 0;
  // A query whose plan Executor::Restart may run again (QueryPlan::reusable, planned without
  // pending rows or read locks), and the catalog and settings it was planned under.
  bool reusable = false;
  uint64_t catalog_version = 0;
  uint64_t settings_generation = 0;
};

class Executor {
 public:
  Executor(Database* db, Settings* settings, Transaction* txn, const SessionOptions* options,
           const std::atomic<bool>* cancel);
  // Releases the locks of an open transaction (the connection is gone).
  ~Executor();

  // The connection is closing: releases the transaction's locks and forgets it.
  void AbandonTransaction();

  // Plans (describe_only: binds only, to learn parameter and result types) or runs `stmt`.
  // Queries return an Execution with a source to pull from; other statements run to completion
  // here. Errors carry the position in the query string in *error.
  // param_types null: the statement may not have parameters (simple query protocol).
  Result<std::unique_ptr<Execution>> Start(const Statement& stmt, std::vector<Value> params,
                                           const std::vector<std::optional<Type>>* param_types,
                                           bool describe_only, ErrorInfo* error);

  // Runs prepared query `stmt` again on the plan of its finished execution `exec` (one whose
  // `reusable` is set), with new parameter values: what planning would give anyway, since the
  // plan depends on neither (QueryPlan::reusable), minus the parsing, binding and planning that
  // dominate a point SELECT. Returns null (dropping `exec`) when the plan may no longer be the
  // one planning would make now: the catalog or a setting changed since, or the statement must
  // see the transaction block's own inserts or lock what it reads. The caller then calls Start.
  Result<std::unique_ptr<Execution>> Restart(const Statement& stmt, std::unique_ptr<Execution> exec,
                                             const std::vector<Value>& params, ErrorInfo* error);

  // Plans `query` for a cursor (DECLARE ... CURSOR FOR query): rows are pulled with Fetch.
  Result<std::unique_ptr<Execution>> StartQuery(const Query& query, std::vector<Value> params,
                                                const std::vector<std::optional<Type>>* param_types,
                                                ErrorInfo* error);

  // Pulls up to max_rows rows (0 = all) into *rows; true when the statement is complete.
  Result<bool> Fetch(Execution& exec, uint64_t max_rows, std::vector<std::vector<Value>>* rows);

  // COPY FROM STDIN: the table and columns the data goes to (after a kCopyIn result).
  struct CopyIn {
    std::shared_ptr<const TableDef> table;
    std::vector<uint32_t> columns;
    bool csv = false;
    bool header = false;
    char delimiter = '\t';
    std::string null_string = "\\N";
    std::string data;
  };
  std::optional<CopyIn>& copy_in() { return copy_in_; }
  Result<uint64_t> FinishCopyIn(ErrorInfo* error);

 private:
  Status Dispatch(const Statement& stmt, Execution& exec, bool describe_only);
  // The transaction checks a statement passes before it runs (25P02 in a failed block, the
  // block's timeout).
  Status CheckTransactionState(const Statement& stmt, bool describe_only);
  // FinishCopyIn without the locks' bookkeeping.
  Result<uint64_t> WriteCopyIn(ErrorInfo* error);
  // A new Execution with its parameters, clock, settings and cancel flag set up.
  std::unique_ptr<Execution> NewExecution(std::vector<Value> params,
                                          const std::vector<std::optional<Type>>* param_types);
  Status RunQuery(const Query& query, Execution& exec, bool describe_only);
  Status RunInsert(const InsertStmt& stmt, Execution& exec, bool describe_only);
  Status RunCreateTable(const CreateTableStmt& stmt, Execution& exec);
  Status RunCreateIndex(const CreateIndexStmt& stmt, Execution& exec);
  Status RunCreateRole(const CreateRoleStmt& stmt, Execution& exec);
  Status RunTransaction(const TransactionStmt& stmt, Execution& exec);
  Status RunSavepoint(const TransactionStmt& stmt, Execution& exec);
  Status RunSet(const SetStmt& stmt, Execution& exec);
  Status RunShow(const ShowStmt& stmt, Execution& exec);
  Status RunVerify(const VerifyChainStmt& stmt, Execution& exec, bool describe_only);
  Status RunExplain(const ExplainStmt& stmt, Execution& exec, bool describe_only);
  Status RunCopy(const CopyStmt& stmt, Execution& exec, bool describe_only);
  Status RunOpaque(const OpaqueStmt& stmt, Execution& exec);

  // Queues rows for `table` in the transaction (or a writer of its own) and commits unless in a
  // transaction block. Returns the rows inserted.
  // With skip_conflicts (ON CONFLICT DO NOTHING), *written receives the rows written.
  Result<uint64_t> WriteRows(const std::shared_ptr<const TableDef>& table,
                             std::vector<std::vector<Value>> rows, bool skip_conflicts,
                             ErrorInfo* error, std::vector<std::vector<Value>>* written = nullptr,
                             const TableWriter::ConflictArbiter* arbiter = nullptr);
  // Full rows for `table` from values of `columns` (defaults, identity values, casts).
  Result<std::vector<Value>> CompleteRow(const TableDef& table,
                                         const std::vector<uint32_t>& columns,
                                         std::vector<Value> values,
                                         const std::vector<const Expr*>& defaults, Execution& exec);
  Status CheckWritable(std::string_view what) const;
  // The stored table `name` names (schema public or none), or 42P01 at its position.
  Result<std::shared_ptr<const TableDef>> FindTableOrError(const QualifiedName& name,
                                                           Binder& binder) const;
  // The DEFAULT expressions of a table's columns, parsed from their stored text: exprs[c] is
  // column c's (null when it has none); `parsed` owns the trees.
  struct ColumnDefaults {
    std::vector<std::vector<StatementPtr>> parsed;
    std::vector<const Expr*> exprs;
  };
  static Result<ColumnDefaults> ParseDefaults(const TableDef& table);
  // positions[i] (when given) locates names[i] for errors; else `position`.
  Result<std::vector<uint32_t>> TargetColumns(const TableDef& table,
                                              const std::vector<std::string>& names, Binder& binder,
                                              int position, const std::vector<int>& positions = {});
  uint64_t ReadSnapshot() const;

  // Transactions and locks (executor_txn.cc).
  // Whether this statement's table reads take shared locks: SERIALIZABLE read-write
  // transaction blocks, and statements that write outside one (INSERT ... SELECT).
  bool LocksReads() const;
  // The lock manager id of the transaction (or statement), registered on first use.
  txn::TxnId LockOwner();
  txn::LockWait MakeLockWait(const ExecControl* control) const;
  // Locks the keys `rows` of `table` will write (rows already complete).
  Status LockRowsForWrite(const TableDef& table,
                          const std::vector<std::shared_ptr<const IndexDef>>& indexes,
                          const std::vector<std::vector<Value>>& rows);
  // Releases every lock; the transaction's id is forgotten.
  void ReleaseLocks();
  // After a statement failed: a block without savepoints is aborted at once (its locks go, so
  // that a deadlock victim frees the others), and a statement outside a block releases its own.
  void AfterError();
  // 25P04 when the block has run past transaction_timeout (or was aborted for it).
  Status CheckTransactionTimeout() const;
  Status TransactionTimeoutError() const;
  // Just before the transaction's (or statement's) rows are logged: 25P04 when it was aborted
  // past its deadline; after this it cannot be.
  Status StartCommit();
  // BEGIN / SET TRANSACTION: the isolation level and snapshot of the block.
  void SetIsolation(std::optional<IsolationLevel> level);
  PlanContext MakePlanContext(Execution& exec, bool describe_only);

  Database* db_;
  Settings* settings_;
  Transaction* txn_;
  const SessionOptions* options_;
  const std::atomic<bool>* cancel_;
  std::optional<CopyIn> copy_in_;
  ErrorInfo* error_ = nullptr;            // the running statement's error details
  bool writing_statement_ = false;        // the running statement inserts rows
  const ExecControl* control_ = nullptr;  // the running statement's
};

// "serializable", "repeatable read"... as SHOW transaction_isolation prints it.
const char* IsolationName(IsolationLevel level);

// The 0A000 error of statements that would change or remove rows.
Status AppendOnlyError(std::string_view verb, std::string_view table);

}  // namespace blockdb::sql::exec
