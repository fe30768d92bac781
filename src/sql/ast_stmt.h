// BlockDB's SQL AST: statements.
//
// Every statement records its kind, the position of its first token and its source text (without
// the terminating semicolon). Statements BlockDB recognises but does not execute in full (UPDATE,
// DELETE, TRUNCATE, DROP, ALTER, MERGE, GRANT, REVOKE, COMMENT ON, VACUUM, ANALYZE) are
// OpaqueStmts: the executor answers them with 0A000 ("table t is append-only") or as no-ops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "sql/ast_expr.h"
#include "sql/ast_query.h"

namespace blockdb::sql {

enum class StatementKind : uint8_t {
  kSelect,
  kInsert,
  kCreateTable,
  kCreateIndex,
  kCreateRole,
  kUpdate,
  kDelete,
  kTruncate,
  kDrop,
  kAlter,
  kMerge,
  kGrant,
  kRevoke,
  kComment,
  kVacuum,
  kAnalyze,
  kTransaction,
  kSet,
  kShow,
  kReset,
  kDeallocate,
  kDiscard,
  kPrepare,
  kExecute,
  kExplain,
  kDeclareCursor,
  kFetch,
  kClose,
  kCopy,
  kListen,
  kUnlisten,
  kNotify,
  kVerifyChain,
};

// "SELECT", "CREATE TABLE", "VERIFY CHAIN"... (the statement's leading words in upper case).
std::string_view StatementKindName(StatementKind kind);

// Byte range [begin, end) of a statement in the query string passed to Parse.
struct SourceSpan {
  size_t begin = 0;
  size_t end = 0;
};

// Base of all statements. Use Is<T>() / As<T>() as for Expr (OpaqueStmt matches several kinds:
// test it with IsOpaque()).
struct Statement {
  Statement(StatementKind k, int pos) : kind(k), position(pos) {}
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <typename T>
  bool Is() const {
    return T::Matches(kind);
  }
  template <typename T>
  T& As() {
    BLOCKDB_CHECK(T::Matches(kind));
    return static_cast<T&>(*this);
  }
  template <typename T>
  const T& As() const {
    BLOCKDB_CHECK(T::Matches(kind));
    return static_cast<const T&>(*this);
  }

  const StatementKind kind;
  int position;      // 1-based character position of the first token
  SourceSpan span;   // bytes of the statement in the query string
  std::string text;  // the statement's text, from its first token to its last
};
using StatementPtr = std::unique_ptr<Statement>;

// Statement classes that stand for exactly one StatementKind.
template <StatementKind K>
struct StatementOf : Statement {
  static constexpr StatementKind kKind = K;
  static bool Matches(StatementKind k) { return k == K; }
  explicit StatementOf(int pos) : Statement(K, pos) {}
};

// A name with an optional value: COPY/EXPLAIN options, role options. Names are lower case
// (COPY ... (FORMAT csv) -> {"format", "csv"}; legacy COPY keywords map to the same names:
// CSV -> {"format", "csv"}, HEADER -> {"header"}, FORCE QUOTE (a) -> {"force_quote", list {a}}).
struct OptionItem {
  std::string name;
  std::optional<std::string> value;  // numbers and words as written (words folded), strings decoded
  std::vector<std::string> list;     // parenthesized column lists; {"*"} for FORCE_QUOTE *
  int position = 0;
};

// ---------------------------------------------------------------------------------------------
// Queries and DML

struct SelectStmt : StatementOf<StatementKind::kSelect> {
  using StatementOf::StatementOf;
  std::unique_ptr<Query> query;
};

enum class OnConflictAction : uint8_t { kNone, kDoNothing, kDoUpdate };
enum class OverridingKind : uint8_t { kNone, kSystemValue, kUserValue };

// col = expr (or col = DEFAULT) in ON CONFLICT ... DO UPDATE SET. (a, b) = (x, y) is expanded
// into one clause per column.
struct SetClause {
  std::string column;
  ExprPtr value;
  int position = 0;
};

// One key of CREATE INDEX or ON CONFLICT (...): a column or an expression.
struct IndexElem {
  std::string column;  // set for a plain column
  ExprPtr expr;        // set for an expression key
  std::vector<std::string> collation;
  std::vector<std::string> opclass;
  SortOrder order = SortOrder::kDefault;
  NullsOrder nulls = NullsOrder::kDefault;
  int position = 0;
};

struct OnConflict {
  OnConflictAction action = OnConflictAction::kNone;
  std::vector<IndexElem> target;  // ON CONFLICT (a, b)
  ExprPtr target_where;           // ON CONFLICT (a) WHERE ... (partial index)
  std::string constraint;         // ON CONFLICT ON CONSTRAINT name
  std::vector<SetClause> set;
  ExprPtr where;
  int position = 0;
};

// [WITH ...] INSERT INTO t [AS alias] [(cols)] {VALUES ... | query | DEFAULT VALUES}
// [ON CONFLICT ...] [RETURNING ...].
struct InsertStmt : StatementOf<StatementKind::kInsert> {
  using StatementOf::StatementOf;
  std::unique_ptr<WithClause> with;
  QualifiedName table;
  std::string alias;
  std::vector<std::string> columns;
  std::vector<int> column_positions;  // parallel to columns
  OverridingKind overriding = OverridingKind::kNone;
  std::unique_ptr<Query> source;  // null for DEFAULT VALUES
  OnConflict on_conflict;
  std::vector<TargetItem> returning;
};

// UPDATE, DELETE, TRUNCATE, DROP, ALTER, MERGE, GRANT, REVOKE, COMMENT ON, VACUUM, ANALYZE:
// recognised by kind and target only; the rest of the statement is not interpreted.
struct OpaqueStmt : Statement {
  static bool Matches(StatementKind k);
  OpaqueStmt(StatementKind k, int pos) : Statement(k, pos) {}

  // The object type for DROP/ALTER/COMMENT ON/GRANT in upper case ("TABLE", "INDEX",
  // "MATERIALIZED VIEW", "DATABASE"...); "TABLE" for UPDATE/DELETE/TRUNCATE/MERGE/VACUUM/
  // ANALYZE; "" when the statement names no object type BlockDB recognises.
  std::string object_type;
  std::vector<QualifiedName> targets;  // may be empty (VACUUM; GRANT role TO user; ALTER SYSTEM)
  bool if_exists = false;              // DROP/ALTER ... IF EXISTS
};

// ---------------------------------------------------------------------------------------------
// DDL BlockDB runs

enum class ConstraintKind : uint8_t {
  kNotNull,
  kNull,
  kPrimaryKey,
  kUnique,
  kDefault,
  kIdentity,   // GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY
  kGenerated,  // GENERATED ALWAYS AS (expr) STORED
  kCheck,
  kReferences,  // REFERENCES / FOREIGN KEY (parsed; the executor may reject it)
  kCollate,
};

// A column constraint (columns empty) or table constraint (columns set).
struct Constraint {
  ConstraintKind kind = ConstraintKind::kNotNull;
  std::string name;                  // CONSTRAINT name; "" when unnamed
  std::vector<std::string> columns;  // table constraints: PRIMARY KEY (a, b), FOREIGN KEY (a)
  ExprPtr expr;                      // kDefault, kGenerated, kCheck
  bool identity_always = false;      // kIdentity: ALWAYS (true) or BY DEFAULT (false)
  QualifiedName ref_table;           // kReferences
  std::vector<std::string> ref_columns;
  std::vector<std::string> collation;  // kCollate
  int position = 0;
};

struct ColumnDef {
  std::string name;
  TypeName type;
  std::vector<Constraint> constraints;
  int position = 0;
};

// CREATE [TEMP] TABLE [IF NOT EXISTS] t (columns, constraints) or CREATE TABLE t AS query.
struct CreateTableStmt : StatementOf<StatementKind::kCreateTable> {
  using StatementOf::StatementOf;
  bool if_not_exists = false;
  bool temporary = false;
  QualifiedName name;
  std::vector<ColumnDef> columns;
  std::vector<Constraint> constraints;  // table constraints
  std::unique_ptr<Query> as_query;      // CREATE TABLE ... AS query (columns hold only names)
  bool with_data = true;                // AS query WITH NO DATA -> false
};

struct CreateIndexStmt : StatementOf<StatementKind::kCreateIndex> {
  using StatementOf::StatementOf;
  bool unique = false;
  bool concurrently = false;
  bool if_not_exists = false;
  std::string name;  // "" when omitted
  QualifiedName table;
  bool only = false;
  std::string method;  // USING method, lower case; "" when omitted
  std::vector<IndexElem> elems;
  std::vector<std::string> include;
  ExprPtr where;  // partial index predicate
};

enum class RoleKind : uint8_t { kRole, kUser, kGroup };

// CREATE ROLE/USER/GROUP name [WITH] options. Options are OptionItems: LOGIN -> {"login","true"},
// NOLOGIN -> {"login","false"} (likewise superuser, createdb, createrole, inherit, replication,
// bypassrls), PASSWORD 'x' -> {"password","x"}, PASSWORD NULL -> {"password"} without value,
// CONNECTION LIMIT 5 -> {"connection_limit","5"}, VALID UNTIL 't' -> {"valid_until","t"},
// IN ROLE a, b -> {"in_role", list}, ROLE -> "role", ADMIN -> "admin", USER -> "role",
// SYSID n -> {"sysid", n}.
struct CreateRoleStmt : StatementOf<StatementKind::kCreateRole> {
  using StatementOf::StatementOf;
  RoleKind role_kind = RoleKind::kRole;
  std::string name;
  std::vector<OptionItem> options;
};

// ---------------------------------------------------------------------------------------------
// Transactions and session state

enum class TransactionAction : uint8_t {
  kBegin,     // BEGIN [WORK | TRANSACTION]
  kStart,     // START TRANSACTION
  kCommit,    // COMMIT / END
  kRollback,  // ROLLBACK / ABORT
  kSavepoint,
  kRelease,
  kRollbackTo,
  kPrepare,           // PREPARE TRANSACTION 'gid'
  kCommitPrepared,    // COMMIT PREPARED 'gid'
  kRollbackPrepared,  // ROLLBACK PREPARED 'gid'
};

enum class IsolationLevel : uint8_t {
  kReadUncommitted,
  kReadCommitted,
  kRepeatableRead,
  kSerializable,
};

// Modes of BEGIN / START TRANSACTION / SET TRANSACTION / SET SESSION CHARACTERISTICS; unset means
// not mentioned.
struct TransactionModes {
  std::optional<IsolationLevel> isolation;
  std::optional<bool> read_only;
  std::optional<bool> deferrable;
};

struct TransactionStmt : StatementOf<StatementKind::kTransaction> {
  using StatementOf::StatementOf;
  TransactionAction action = TransactionAction::kBegin;
  TransactionModes modes;
  bool chain = false;        // COMMIT/ROLLBACK AND CHAIN
  std::string savepoint;     // SAVEPOINT / RELEASE / ROLLBACK TO
  std::string gid;           // PREPARE TRANSACTION / COMMIT PREPARED / ROLLBACK PREPARED
  bool spelled_end = false;  // END (COMMIT) or ABORT (ROLLBACK)
};

enum class SetKind : uint8_t {
  kValue,                   // SET name TO/= values (also TIME ZONE, NAMES, SCHEMA, ROLE...)
  kDefault,                 // SET name TO DEFAULT, SET TIME ZONE DEFAULT/LOCAL
  kFromCurrent,             // SET name FROM CURRENT
  kTransaction,             // SET TRANSACTION modes
  kTransactionSnapshot,     // SET TRANSACTION SNAPSHOT 'id'
  kSessionCharacteristics,  // SET SESSION CHARACTERISTICS AS TRANSACTION modes
};

enum class SetValueKind : uint8_t { kWord, kString, kNumber, kInterval };

// One value of SET: `on`, `public` (kWord, folded), 'UTC' (kString, decoded), 1.5 or -3 (kNumber,
// as written), INTERVAL '+02:00' of SET TIME ZONE (kInterval: the literal, its qualifier dropped).
// TRUE/FALSE/ON are words "true"/"false"/"on".
struct SetValue {
  SetValueKind kind = SetValueKind::kWord;
  std::string text;
};

// SET [SESSION | LOCAL] ... The special forms map to PostgreSQL's variable names: SET TIME ZONE ->
// "timezone", SET NAMES -> "client_encoding", SET SCHEMA -> "search_path", SET ROLE -> "role",
// SET SESSION AUTHORIZATION -> "session_authorization". SET TIME ZONE INTERVAL '...' gives one
// kString value holding the interval text.
struct SetStmt : StatementOf<StatementKind::kSet> {
  using StatementOf::StatementOf;
  SetKind set_kind = SetKind::kValue;
  bool local = false;  // SET LOCAL
  std::string name;    // lower case, dotted names joined with '.'
  std::vector<SetValue> values;
  TransactionModes modes;  // kTransaction, kSessionCharacteristics
  std::string snapshot;    // kTransactionSnapshot
};

// SHOW name | SHOW ALL. SHOW TIME ZONE -> "timezone", SHOW TRANSACTION ISOLATION LEVEL ->
// "transaction_isolation", SHOW SESSION AUTHORIZATION -> "session_authorization".
struct ShowStmt : StatementOf<StatementKind::kShow> {
  using StatementOf::StatementOf;
  std::string name;
  bool all = false;
};

// RESET name | RESET ALL (same name mapping as SHOW).
struct ResetStmt : StatementOf<StatementKind::kReset> {
  using StatementOf::StatementOf;
  std::string name;
  bool all = false;
};

struct DeallocateStmt : StatementOf<StatementKind::kDeallocate> {
  using StatementOf::StatementOf;
  std::string name;
  bool all = false;
};

enum class DiscardTarget : uint8_t { kAll, kPlans, kSequences, kTemp };

struct DiscardStmt : StatementOf<StatementKind::kDiscard> {
  using StatementOf::StatementOf;
  DiscardTarget target = DiscardTarget::kAll;
};

// PREPARE name [(types)] AS statement.
struct PrepareStmt : StatementOf<StatementKind::kPrepare> {
  using StatementOf::StatementOf;
  std::string name;
  std::vector<TypeName> param_types;
  StatementPtr statement;
};

// EXECUTE name [(args)].
struct ExecuteStmt : StatementOf<StatementKind::kExecute> {
  using StatementOf::StatementOf;
  std::string name;
  std::vector<ExprPtr> params;
};

// EXPLAIN [ANALYZE] [VERBOSE] statement or EXPLAIN (option [value], ...) statement. The keyword
// forms also appear in options as {"analyze"} / {"verbose"}.
struct ExplainStmt : StatementOf<StatementKind::kExplain> {
  using StatementOf::StatementOf;
  std::vector<OptionItem> options;
  StatementPtr statement;
};

// DECLARE name [BINARY] [[NO] SCROLL] [INSENSITIVE] CURSOR [WITH[OUT] HOLD] FOR query.
struct DeclareCursorStmt : StatementOf<StatementKind::kDeclareCursor> {
  using StatementOf::StatementOf;
  std::string name;
  bool binary = false;
  std::optional<bool> scroll;
  bool hold = false;
  std::unique_ptr<Query> query;
};

enum class FetchDirection : uint8_t { kForward, kBackward, kAbsolute, kRelative };

// FETCH/MOVE, normalised as PostgreSQL does: NEXT = forward 1, PRIOR = backward 1, FIRST =
// absolute 1, LAST = absolute -1, n = forward n, ALL = forward all.
struct FetchStmt : StatementOf<StatementKind::kFetch> {
  using StatementOf::StatementOf;
  bool move = false;
  FetchDirection direction = FetchDirection::kForward;
  int64_t count = 1;
  bool all = false;  // FORWARD ALL / BACKWARD ALL / ALL (count unused)
  std::string cursor;
};

struct CloseStmt : StatementOf<StatementKind::kClose> {
  using StatementOf::StatementOf;
  std::string cursor;
  bool all = false;
};

enum class CopyEndpoint : uint8_t { kStdin, kStdout, kFile, kProgram };

// COPY t [(cols)] FROM STDIN/file [WITH] (options) [WHERE ...], COPY t|(query) TO STDOUT/file.
// Legacy option keywords (CSV, HEADER, DELIMITER 'x', NULL 'x', BINARY...) become OptionItems
// with the modern names.
struct CopyStmt : StatementOf<StatementKind::kCopy> {
  using StatementOf::StatementOf;
  QualifiedName table;  // empty name when copying a query
  std::vector<std::string> columns;
  StatementPtr query;    // COPY (query) TO ...
  bool is_from = false;  // FROM (load) or TO (dump)
  CopyEndpoint endpoint = CopyEndpoint::kStdin;
  std::string filename;  // kFile / kProgram
  std::vector<OptionItem> options;
  ExprPtr where;
};

struct ListenStmt : StatementOf<StatementKind::kListen> {
  using StatementOf::StatementOf;
  std::string channel;
};

struct UnlistenStmt : StatementOf<StatementKind::kUnlisten> {
  using StatementOf::StatementOf;
  std::string channel;
  bool all = false;  // UNLISTEN *
};

struct NotifyStmt : StatementOf<StatementKind::kNotify> {
  using StatementOf::StatementOf;
  std::string channel;
  std::optional<std::string> payload;
};

// BlockDB: VERIFY CHAIN [FROM BLOCK n].
struct VerifyChainStmt : StatementOf<StatementKind::kVerifyChain> {
  using StatementOf::StatementOf;
  ExprPtr from_block;  // null: from the first block
};

}  // namespace blockdb::sql
