// The SQL layer's API: a Database (one per node, shared by every connection) and a Session (one
// per client connection) that runs statements against it. The PostgreSQL wire server
// (src/pgwire/) drives a Session message by message; tests and benchmarks drive it directly.
//
// A Session mirrors PostgreSQL's backend: the simple query protocol (ExecuteSimple: a string of
// statements, each with its own result), the extended protocol (Prepare / Bind / Describe /
// Execute / Close, with portals that stop after a row limit and resume), transaction blocks with
// the I/T/E status of ReadyForQuery, session settings (SET/SHOW/RESET) and the ParameterStatus
// changes they cause. Every error is a Status with a PostgreSQL SQLSTATE; SqlResult carries the
// DETAIL and the position when there is one.
//
// Values cross this API as sql::Value: the wire layer converts parameters from their text or
// binary form (using the types Prepare reports) and formats result values for the client.
//
// Thread safety: a Database may be used by any number of sessions on any threads. A Session is
// used by one thread at a time, except Cancel(), which any thread may call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/types/timezone.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace blockdb {
class LedgerDB;
}

namespace blockdb::sql {

namespace txn {
class LockManager;
}

struct Statement;
struct PrepareStmt;
struct ExecuteStmt;
class Catalog;
class IdentityAllocator;
struct PreparedStatement;
struct Portal;

struct DatabaseOptions {
  std::string name = "blockdb";  // the one database a client may connect to
  // Bytes a sort, DISTINCT or GROUP BY may hold in memory; beyond it the statement fails with
  // 53200 (out of memory) rather than exhausting the server.
  uint64_t work_mem = 64ull << 20;
  // Rows and bytes one transaction block may buffer before COMMIT (54000 beyond).
  uint64_t max_transaction_rows = 1'000'000;
  uint64_t max_transaction_bytes = 256ull << 20;
  // A transaction block open longer than this is aborted (25P04) at its next statement, or at
  // once when it holds a lock another transaction waits for ([cluster] transaction_timeout).
  uint64_t transaction_timeout_ms = 30'000;
  // false: BEGIN fails with 0A000 and every statement commits on its own
  // ([cluster] enable_transactions).
  bool enable_transactions = true;
  std::string server_version = "15.0";  // reported as PostgreSQL's server_version
  // Turns the password of CREATE ROLE ... PASSWORD 'x' into the verifier stored in the catalog
  // (SCRAM-SHA-256, built by the wire layer, which owns authentication). Unset: CREATE ROLE
  // with a password fails with 0A000.
  std::function<Result<std::string>(std::string_view password)> make_password_verifier;
};

// Shared state of the SQL layer on one node: the engine with its ledger, the catalog and the
// hidden-row-id allocator.
class Database {
 public:
  // Loads the catalog from `ledger` (not owned; must outlive the Database). Errors: the
  // catalog's (Corruption for a malformed catalog row) and the engine's.
  static Result<std::unique_ptr<Database>> Open(LedgerDB* ledger, DatabaseOptions options = {});
  ~Database();

  LedgerDB* ledger() const { return ledger_; }
  Catalog& catalog() const { return *catalog_; }
  IdentityAllocator& identities() const { return *identities_; }
  // The key-range locks of serializable read-write transactions (docs/TRANSACTIONS.md).
  txn::LockManager& locks() const { return *locks_; }
  const DatabaseOptions& options() const { return options_; }

  // Counters for /metrics: statements run, rows inserted, errors (all sessions).
  struct Stats {
    std::atomic<uint64_t> statements{0};
    std::atomic<uint64_t> rows_inserted{0};
    std::atomic<uint64_t> errors{0};
    std::atomic<uint64_t> verifications{0};
    // Executions of a prepared query that ran the plan of an earlier one (no binding or
    // planning).
    std::atomic<uint64_t> plans_reused{0};
    // Aggregates whose table scan was split across threads (max_parallel_workers_per_gather).
    std::atomic<uint64_t> parallel_aggregates{0};
  };
  Stats& stats() { return stats_; }

 private:
  Database(LedgerDB* ledger, DatabaseOptions options);

  LedgerDB* const ledger_;
  const DatabaseOptions options_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<IdentityAllocator> identities_;
  std::unique_ptr<txn::LockManager> locks_;
  Stats stats_;
};

// One column of a result: what RowDescription reports.
struct ResultColumn {
  std::string name;
  Type type;
  uint32_t table_oid = 0;  // the stored table the column comes straight from, else 0
  int16_t column_number = 0;
  // When not 0, the type OID RowDescription reports instead of type's: a catalog array in its
  // text form (int2vector, int2[], oidvector...) or a record ("(1,1)").
  uint32_t type_oid = 0;
};

// A message for the client that is not an error (NoticeResponse): WARNING 25P01 "there is no
// transaction in progress", NOTICE 42P07 "relation ... already exists, skipping"...
struct Notice {
  std::string severity;  // "WARNING", "NOTICE"
  std::string sqlstate;
  std::string message;
};

// What an error response carries beyond the Status (code, message, SQLSTATE).
struct ErrorInfo {
  std::string detail;  // DETAIL, e.g. "Key (id)=(5) already exists."
  int position = 0;    // 1-based character position in the statement text; 0 when none
  // The object the error is about, when there is one (ErrorResponse fields s, t, c, n).
  std::string schema_name;
  std::string table_name;
  std::string column_name;
  std::string constraint_name;
};

enum class ResultKind : uint8_t {
  kEmpty,    // an empty query string (EmptyQueryResponse)
  kCommand,  // a statement without rows: tag only
  kRows,     // a statement that returns rows (even zero rows): columns, rows, tag
  kCopyIn,   // COPY ... FROM STDIN: the client sends data next (Session::CopyData/CopyDone)
  kCopyOut,  // COPY ... TO STDOUT: copy_data holds the lines to send, then the tag
};

// The outcome of one statement.
struct StatementResult {
  ResultKind kind = ResultKind::kCommand;
  std::string tag;  // CommandComplete tag: "SELECT 3", "INSERT 0 1", "CREATE TABLE", ...
  std::vector<ResultColumn> columns;
  std::vector<std::vector<Value>> rows;
  std::vector<Notice> notices;
  std::vector<std::string> copy_data;  // kCopyOut: one string per line, each ending in '\n'
  int copy_columns = 0;                // kCopyIn / kCopyOut: number of columns
  bool copy_csv = false;
};

// The transaction status of ReadyForQuery.
enum class TxnStatus : char { kIdle = 'I', kInBlock = 'T', kFailed = 'E' };

struct SessionOptions {
  std::string user = "blockdb";
  std::string database = "blockdb";
  std::string application_name;
  // Startup parameters the client sent (client_encoding, DateStyle, TimeZone,
  // extra_float_digits...), applied as SET would.
  std::map<std::string, std::string> parameters;
  // 0 = none. Per statement; SET statement_timeout changes it.
  uint64_t statement_timeout_ms = 0;
};

// What Prepare tells about a statement: the types of its parameters ($1..$n; the client's
// types where it gave them, else inferred, text when nothing constrains them) and the columns
// it returns (empty for statements without rows: NoData).
struct StatementDescription {
  std::vector<Type> param_types;
  std::vector<ResultColumn> columns;
};

// The outcome of Execute on a portal: rows produced by this call; `suspended` when the row
// limit stopped it before the end (PortalSuspended; the next Execute resumes), else the
// statement is complete and `tag` is its CommandComplete tag.
struct ExecuteResult {
  ResultKind kind = ResultKind::kCommand;
  std::vector<std::vector<Value>> rows;
  bool suspended = false;
  std::string tag;
  std::vector<Notice> notices;
  std::vector<std::string> copy_data;
  int copy_columns = 0;
  bool copy_csv = false;
};

class Session {
 public:
  // `db` is not owned and must outlive the session.
  Session(Database* db, SessionOptions options);
  ~Session();

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- Simple query protocol ---
  // Runs every statement of `sql` in order and calls on_result after each. Stops at the first
  // error, which it returns (with *error filled when non-null); results already passed to
  // on_result stand. An empty string gives one kEmpty result. Outside a transaction block each
  // statement commits on its own (PostgreSQL runs a multi-statement string as one implicit
  // transaction; BlockDB commits each statement as it completes). A COPY FROM STDIN result
  // stops the loop (ExecuteSimple returns OK right after passing it on); once the client has
  // sent its data (CopyDone or CopyFail), ResumeSimple runs the statements that followed.
  using ResultCallback = std::function<void(StatementResult&&)>;
  Status ExecuteSimple(std::string_view sql, const ResultCallback& on_result,
                       ErrorInfo* error = nullptr);
  Status ResumeSimple(const ResultCallback& on_result, ErrorInfo* error = nullptr);

  // --- Extended query protocol ---
  // Parses `sql` (one statement, or none) as statement `name` ("" is the unnamed statement,
  // replaced by each Parse; a named one must not exist: 42P05). param_types[i] is the client's
  // type for $i+1 (nullopt: infer).
  Status Prepare(const std::string& name, std::string_view sql,
                 const std::vector<std::optional<Type>>& param_types, ErrorInfo* error = nullptr);
  // 26000 when the statement does not exist.
  Result<StatementDescription> DescribeStatement(const std::string& name) const;
  // Creates portal `portal` ("" unnamed) from statement `statement` with parameter values
  // (already converted to the described types; NULLs allowed). 26000, 08P01 for a wrong number
  // of parameters, 42P03 when a named portal exists.
  Status Bind(const std::string& portal, const std::string& statement, std::vector<Value> params,
              ErrorInfo* error = nullptr);
  // 34000 when the portal does not exist.
  Result<std::vector<ResultColumn>> DescribePortal(const std::string& portal) const;
  // Runs the portal for at most max_rows rows (0 = all). Errors leave the portal closed.
  Result<ExecuteResult> Execute(const std::string& portal, uint64_t max_rows,
                                ErrorInfo* error = nullptr);
  // Closing a missing statement or portal is not an error.
  void CloseStatement(const std::string& name);
  void ClosePortal(const std::string& name);
  // Sync: ends the implicit transaction of an extended-protocol batch and drops the unnamed
  // portal. Outside a transaction block a failed batch is forgotten here.
  void Sync();

  // --- COPY FROM STDIN (after a kCopyIn result) ---
  Status CopyData(std::string_view data);
  // Inserts what was received; returns the tag "COPY n".
  Result<std::string> CopyDone(ErrorInfo* error = nullptr);
  void CopyFail(std::string_view reason);
  bool in_copy() const;

  // --- Session state ---
  TxnStatus txn_status() const;
  // Settings whose value the client must be told about (ParameterStatus) since the last call:
  // application_name, client_encoding, DateStyle, TimeZone, ...
  std::vector<std::pair<std::string, std::string>> TakeParameterChanges();
  // The ParameterStatus set sent at connection start, in PostgreSQL's order.
  std::vector<std::pair<std::string, std::string>> InitialParameters() const;
  // Current value of a setting, as SHOW prints it; nullopt for an unknown name.
  std::optional<std::string> GetSetting(std::string_view name) const;
  int extra_float_digits() const;
  // The zone of the TimeZone setting. The session's own calls read and show timestamptz in it;
  // a caller formatting or parsing values outside them (the wire server's rows and parameters)
  // installs it with ScopedSessionTimeZone. Lives as long as the session.
  const TimeZone& time_zone() const;
  const std::string& user() const { return options_.user; }

  // Asks the running statement to stop with 57014 "canceling statement due to user request".
  // Any thread; a no-op when nothing runs.
  void Cancel() { cancel_requested_.store(true, std::memory_order_relaxed); }

  // Abandons an open transaction (the connection is closing).
  void Reset();

  struct State;  // internal

 private:
  // DECLARE / FETCH / MOVE / CLOSE (session.cc).
  Result<StatementResult> RunCursorStatement(const Statement& stmt,
                                             std::shared_ptr<const void> owner,
                                             const std::vector<Value>& params,
                                             const std::vector<std::optional<Type>>* types,
                                             ErrorInfo* error);
  // Closes the cursors WITHOUT HOLD once no transaction block is open.
  void EndTransactionCursors();
  // Prepare after parsing: the named statement from `statements` (at most one). The caller
  // marks a failure (the transaction block, the error count).
  Status PrepareParsed(const std::string& name, std::vector<std::unique_ptr<Statement>> statements,
                       const std::vector<std::optional<Type>>& param_types, ErrorInfo* error);
  // SQL-level PREPARE name [(types)] AS statement and EXECUTE name [(args)], in the simple
  // protocol; they share the names of the extended protocol's statements, as in PostgreSQL.
  // `stmt` is taken apart (its statement or arguments move out).
  Result<StatementResult> RunSqlPrepare(PrepareStmt& stmt, ErrorInfo* error);
  Result<StatementResult> RunSqlExecute(ExecuteStmt& stmt, ErrorInfo* error);

  Database* const db_;
  SessionOptions options_;
  std::unique_ptr<State> state_;
  std::atomic<bool> cancel_requested_{false};
};

}  // namespace blockdb::sql
