#include "sql/session.h"

#include "common/check.h"
#include "engine/ledger_db.h"
#include "sql/catalog/catalog.h"
#include "sql/exec/binder.h"
#include "sql/exec/executor.h"
#include "sql/exec/identity.h"
#include "sql/parser.h"
#include "sql/storage/table_writer.h"
#include "sql/txn/lock_manager.h"
#include "sql/types/cast.h"

namespace blockdb::sql {

// ---------------------------------------------------------------------------------------------
// Database

Database::Database(LedgerDB* ledger, DatabaseOptions options)
    : ledger_(ledger),
      options_(std::move(options)),
      identities_(std::make_unique<IdentityAllocator>()),
      locks_(std::make_unique<txn::LockManager>()) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(LedgerDB* ledger, DatabaseOptions options) {
  std::unique_ptr<Database> db(new Database(ledger, std::move(options)));
  ASSIGN_OR_RETURN(db->catalog_, Catalog::Open(ledger->db()));
  return db;
}

// ---------------------------------------------------------------------------------------------
// Session state

struct PreparedStatement {
  std::vector<StatementPtr> statements;  // empty (an empty query) or one
  std::vector<std::optional<Type>> param_types;
  StatementDescription description;
  // A finished execution of the query whose plan can run again (Executor::Restart), so that
  // executing a prepared SELECT again does not bind and plan it again, as PostgreSQL keeps a
  // prepared statement's generic plan. Null until one finishes; a portal takes it while it runs.
  std::unique_ptr<exec::Execution> plan;
};

struct Portal {
  std::shared_ptr<PreparedStatement> statement;
  std::vector<Value> params;
  std::unique_ptr<exec::Execution> execution;  // set by the first Execute
  bool done = false;
};

// DECLARE name CURSOR FOR query: its rows, pulled by FETCH. `owner` keeps the statement the plan
// came from alive.
struct Cursor {
  std::unique_ptr<exec::Execution> execution;
  std::shared_ptr<const void> owner;
  bool hold = false;  // WITH HOLD: survives the end of its transaction
  bool done = false;
};

struct Session::State {
  State(Database* db, const SessionOptions* options, const std::atomic<bool>* cancel)
      : settings(db->options(), *options), executor(db, &settings, &txn, options, cancel) {}

  exec::Settings settings;
  exec::Transaction txn;
  exec::Executor executor;
  std::map<std::string, std::shared_ptr<PreparedStatement>> statements;
  std::map<std::string, Portal> portals;
  std::map<std::string, Cursor> cursors;
  // Statements of a simple query left to run after a COPY FROM STDIN.
  std::vector<StatementPtr> simple_rest;
  size_t simple_next = 0;
  // The tag and notices of a COPY FROM STDIN in progress.
  bool copy_from_simple = false;
};

namespace {

constexpr char kSqlStateDuplicatePreparedStatement[] = "42P05";
constexpr char kSqlStateUndefinedPreparedStatement[] = "26000";
constexpr char kSqlStateUndefinedCursor[] = "34000";
constexpr char kSqlStateDuplicateCursor[] = "42P03";
constexpr char kSqlStateProtocolViolation[] = "08P01";

std::string RowsTag(const exec::Execution& e) {
  if (e.result) return e.result->tag;
  return "SELECT " + std::to_string(e.rows_returned);
}

bool EndsTransaction(const PreparedStatement& p) {
  if (p.statements.empty() || !p.statements[0]->Is<TransactionStmt>()) return false;
  TransactionAction a = p.statements[0]->As<TransactionStmt>().action;
  return a == TransactionAction::kRollback || a == TransactionAction::kCommit ||
         a == TransactionAction::kRollbackTo;
}

ResultKind KindOf(const exec::Execution& e) {
  if (e.result) {
    return e.result->kind;
  }
  return ResultKind::kRows;
}

}  // namespace

Session::Session(Database* db, SessionOptions options)
    : db_(db),
      options_(std::move(options)),
      state_(std::make_unique<State>(db, &options_, &cancel_requested_)) {}

Session::~Session() = default;

TxnStatus Session::txn_status() const { return state_->txn.status; }

std::vector<std::pair<std::string, std::string>> Session::TakeParameterChanges() {
  return state_->settings.TakeChanges();
}

std::vector<std::pair<std::string, std::string>> Session::InitialParameters() const {
  return state_->settings.Reported();
}

std::optional<std::string> Session::GetSetting(std::string_view name) const {
  return state_->settings.Get(name);
}

const TimeZone& Session::time_zone() const { return state_->settings.time_zone(); }

int Session::extra_float_digits() const {
  return std::stoi(state_->settings.Get("extra_float_digits").value_or("1"));
}

bool Session::in_copy() const { return state_->executor.copy_in().has_value(); }

void Session::Reset() {
  state_->executor.AbandonTransaction();
  state_->portals.clear();
  state_->executor.copy_in().reset();
  state_->simple_rest.clear();
}

// ---------------------------------------------------------------------------------------------
// Simple query protocol

namespace {

// Runs one statement to completion for the simple protocol.
Result<StatementResult> RunToEnd(exec::Executor& executor, const Statement& stmt,
                                 ErrorInfo* error) {
  ASSIGN_OR_RETURN(std::unique_ptr<exec::Execution> e,
                   executor.Start(stmt, {}, nullptr, false, error));
  StatementResult r;
  if (e->result) {
    r = std::move(*e->result);
    if (r.kind == ResultKind::kRows && r.columns.empty()) r.columns = e->columns;
    return r;
  }
  r.kind = ResultKind::kRows;
  r.columns = e->columns;
  ASSIGN_OR_RETURN(bool done, executor.Fetch(*e, 0, &r.rows));
  (void)done;
  r.tag = RowsTag(*e);
  return r;
}

bool IsCursorStatement(const Statement& stmt) {
  return stmt.Is<DeclareCursorStmt>() || stmt.Is<FetchStmt>() || stmt.Is<CloseStmt>();
}

StatementResult CommandResult(std::string tag) {
  StatementResult r;
  r.kind = ResultKind::kCommand;
  r.tag = std::move(tag);
  return r;
}

}  // namespace

// DECLARE, FETCH (and MOVE) and CLOSE. Cursors read forward only (PostgreSQL's default, NO
// SCROLL); WITHOUT HOLD cursors need a transaction block and end with it.
Result<StatementResult> Session::RunCursorStatement(const Statement& stmt,
                                                    std::shared_ptr<const void> owner,
                                                    const std::vector<Value>& params,
                                                    const std::vector<std::optional<Type>>* types,
                                                    ErrorInfo* error) {
  auto& cursors = state_->cursors;
  if (state_->txn.status == TxnStatus::kFailed) {
    return Status::Aborted(
               "current transaction is aborted, commands ignored until end of transaction block")
        .WithSqlState("25P02");
  }
  if (stmt.Is<DeclareCursorStmt>()) {
    const auto& d = stmt.As<DeclareCursorStmt>();
    if (!d.hold && state_->txn.status == TxnStatus::kIdle) {
      return Status::InvalidArgument("DECLARE CURSOR can only be used in transaction blocks")
          .WithSqlState("25P01");
    }
    if (d.scroll.value_or(false) || d.binary) {
      return Status::NotSupported("SCROLL and BINARY cursors are not supported")
          .WithSqlState("0A000");
    }
    if (cursors.count(d.name) > 0) {
      return Status::InvalidArgument("cursor \"" + d.name + "\" already exists")
          .WithSqlState(kSqlStateDuplicateCursor);
    }
    ASSIGN_OR_RETURN(std::unique_ptr<exec::Execution> e,
                     state_->executor.StartQuery(*d.query, params, types, error));
    cursors[d.name] = Cursor{std::move(e), std::move(owner), d.hold, false};
    return CommandResult("DECLARE CURSOR");
  }
  if (stmt.Is<CloseStmt>()) {
    const auto& c = stmt.As<CloseStmt>();
    if (c.all) {
      cursors.clear();
    } else if (cursors.erase(c.cursor) == 0) {
      return Status::InvalidArgument("cursor \"" + c.cursor + "\" does not exist")
          .WithSqlState(kSqlStateUndefinedCursor);
    }
    return CommandResult(c.all ? "CLOSE CURSOR ALL" : "CLOSE CURSOR");
  }
  const auto& f = stmt.As<FetchStmt>();
  auto it = cursors.find(f.cursor);
  if (it == cursors.end()) {
    return Status::InvalidArgument("cursor \"" + f.cursor + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedCursor);
  }
  if (f.direction != FetchDirection::kForward || (!f.all && f.count < 0)) {
    return Status::InvalidArgument("cursor can only scan forward").WithSqlState("55000");
  }
  Cursor& cursor = it->second;
  StatementResult r;
  r.kind = f.move ? ResultKind::kCommand : ResultKind::kRows;
  r.columns = cursor.execution->columns;
  uint64_t limit = f.all ? 0 : static_cast<uint64_t>(f.count);
  if (!cursor.done && (f.all || limit > 0)) {
    Result<bool> done = state_->executor.Fetch(*cursor.execution, limit, &r.rows);
    if (!done.ok()) {
      cursors.erase(it);
      return done.TakeStatus();
    }
    cursor.done = *done;
  }
  r.tag = (f.move ? "MOVE " : "FETCH ") + std::to_string(r.rows.size());
  if (f.move) r.rows.clear();
  return r;
}

void Session::EndTransactionCursors() {
  if (state_->txn.status != TxnStatus::kIdle) return;
  for (auto it = state_->cursors.begin(); it != state_->cursors.end();) {
    it = it->second.hold ? std::next(it) : state_->cursors.erase(it);
  }
}

Status Session::ExecuteSimple(std::string_view sql, const ResultCallback& on_result,
                              ErrorInfo* error) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  int position = 0;
  Result<std::vector<StatementPtr>> parsed = Parse(sql, &position);
  if (!parsed.ok()) {
    if (error != nullptr) error->position = position;
    if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
    db_->stats().errors.fetch_add(1, std::memory_order_relaxed);
    return parsed.TakeStatus();
  }
  if (parsed->empty()) {
    StatementResult r;
    r.kind = ResultKind::kEmpty;
    on_result(std::move(r));
    return Status::OK();
  }
  state_->simple_rest = std::move(parsed).value();
  state_->simple_next = 0;
  return ResumeSimple(on_result, error);
}

Status Session::ResumeSimple(const ResultCallback& on_result, ErrorInfo* error) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  while (state_->simple_next < state_->simple_rest.size()) {
    const Statement& stmt = *state_->simple_rest[state_->simple_next++];
    cancel_requested_.store(false, std::memory_order_relaxed);
    db_->stats().statements.fetch_add(1, std::memory_order_relaxed);
    if (stmt.Is<DeallocateStmt>()) {
      const auto& d = stmt.As<DeallocateStmt>();
      if (d.all) {
        state_->statements.clear();
      } else if (state_->statements.erase(d.name) == 0) {
        state_->simple_rest.clear();
        return Status::InvalidArgument("prepared statement \"" + d.name + "\" does not exist")
            .WithSqlState(kSqlStateUndefinedPreparedStatement);
      }
    } else if (stmt.Is<DiscardStmt>()) {
      state_->statements.clear();
      state_->portals.clear();
    }
    Statement& owned = *state_->simple_rest[state_->simple_next - 1];
    Result<StatementResult> r =
        IsCursorStatement(stmt)
            ? RunCursorStatement(stmt,
                                 std::shared_ptr<const void>(
                                     std::move(state_->simple_rest[state_->simple_next - 1])),
                                 {}, nullptr, error)
        : stmt.Is<PrepareStmt>() ? RunSqlPrepare(static_cast<PrepareStmt&>(owned), error)
        : stmt.Is<ExecuteStmt>() ? RunSqlExecute(static_cast<ExecuteStmt&>(owned), error)
                                 : RunToEnd(state_->executor, stmt, error);
    EndTransactionCursors();
    if (!r.ok()) {
      state_->simple_rest.clear();
      if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
      db_->stats().errors.fetch_add(1, std::memory_order_relaxed);
      return r.TakeStatus();
    }
    bool copy_in = r->kind == ResultKind::kCopyIn;
    on_result(std::move(r).value());
    if (copy_in) {
      state_->copy_from_simple = true;
      return Status::OK();  // the client sends the data next
    }
  }
  state_->simple_rest.clear();
  return Status::OK();
}

Result<StatementResult> Session::RunSqlPrepare(PrepareStmt& stmt, ErrorInfo* error) {
  if (state_->statements.count(stmt.name) > 0) {
    return Status::InvalidArgument("prepared statement \"" + stmt.name + "\" already exists")
        .WithSqlState(kSqlStateDuplicatePreparedStatement);
  }
  std::vector<std::optional<Type>> types;
  for (const TypeName& t : stmt.param_types) {
    ASSIGN_OR_RETURN(Type type, exec::ResolveTypeName(t));
    types.push_back(type);
  }
  std::vector<StatementPtr> statements;
  statements.push_back(std::move(stmt.statement));
  RETURN_IF_ERROR(PrepareParsed(stmt.name, std::move(statements), types, error));
  return CommandResult("PREPARE");
}

Result<StatementResult> Session::RunSqlExecute(ExecuteStmt& stmt, ErrorInfo* error) {
  auto it = state_->statements.find(stmt.name);
  if (it == state_->statements.end()) {
    return Status::InvalidArgument("prepared statement \"" + stmt.name + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedPreparedStatement);
  }
  const std::vector<Type>& types = it->second->description.param_types;
  if (stmt.params.size() != types.size()) {
    if (error != nullptr) {
      error->detail = "Expected " + std::to_string(types.size()) + " parameters but got " +
                      std::to_string(stmt.params.size()) + ".";
    }
    return Status::InvalidArgument("wrong number of parameters for prepared statement \"" +
                                   stmt.name + "\"")
        .WithSqlState("42601");
  }
  // The arguments are expressions without a FROM: evaluated as the targets of a SELECT, then
  // converted to the parameter types as a cast would.
  std::vector<Value> params;
  if (!stmt.params.empty()) {
    Query args;
    auto body = std::make_unique<SelectBody>(stmt.position);
    for (ExprPtr& e : stmt.params) {
      const int position = e->position;
      body->targets.push_back(TargetItem{std::move(e), "", position});
    }
    args.body = std::move(body);
    ASSIGN_OR_RETURN(std::unique_ptr<exec::Execution> e,
                     state_->executor.StartQuery(args, {}, nullptr, error));
    std::vector<std::vector<Value>> rows;
    ASSIGN_OR_RETURN(bool done, state_->executor.Fetch(*e, 0, &rows));
    (void)done;
    BLOCKDB_CHECK(rows.size() == 1 && rows[0].size() == types.size());
    for (size_t i = 0; i < types.size(); ++i) {
      ASSIGN_OR_RETURN(Value v, CastValue(rows[0][i], types[i], CastContext::kExplicit));
      params.push_back(std::move(v));
    }
  }
  // Through a portal of its own, so that the client's unnamed portal is left alone.
  const std::string portal = "\x01execute";
  std::vector<ResultColumn> columns = it->second->description.columns;
  state_->portals.erase(portal);
  RETURN_IF_ERROR(Bind(portal, stmt.name, std::move(params), error));
  Result<ExecuteResult> run = Execute(portal, 0, error);
  state_->portals.erase(portal);
  ASSIGN_OR_RETURN(ExecuteResult out, std::move(run));
  StatementResult r;
  r.kind = out.kind;
  r.tag = std::move(out.tag);
  r.columns = std::move(columns);
  r.rows = std::move(out.rows);
  r.notices = std::move(out.notices);
  r.copy_data = std::move(out.copy_data);
  r.copy_columns = out.copy_columns;
  r.copy_csv = out.copy_csv;
  return r;
}

// ---------------------------------------------------------------------------------------------
// COPY FROM STDIN

Status Session::CopyData(std::string_view data) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  if (!in_copy()) {
    return Status::InvalidArgument("unexpected COPY data").WithSqlState(kSqlStateProtocolViolation);
  }
  auto& copy = *state_->executor.copy_in();
  if (copy.data.size() + data.size() > db_->options().max_transaction_bytes) {
    state_->executor.copy_in().reset();
    if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
    return Status::InvalidArgument("COPY data larger than max_transaction_bytes; load it in parts")
        .WithSqlState("54000");
  }
  copy.data.append(data);
  return Status::OK();
}

Result<std::string> Session::CopyDone(ErrorInfo* error) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  if (!in_copy()) {
    return Status::InvalidArgument("unexpected CopyDone").WithSqlState(kSqlStateProtocolViolation);
  }
  Result<uint64_t> n = state_->executor.FinishCopyIn(error);
  if (!n.ok()) {
    state_->simple_rest.clear();
    if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
    db_->stats().errors.fetch_add(1, std::memory_order_relaxed);
    return n.TakeStatus();
  }
  return "COPY " + std::to_string(*n);
}

void Session::CopyFail(std::string_view reason) {
  (void)reason;
  state_->executor.copy_in().reset();
  state_->simple_rest.clear();
  if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
}

// ---------------------------------------------------------------------------------------------
// Extended query protocol

Status Session::Prepare(const std::string& name, std::string_view sql,
                        const std::vector<std::optional<Type>>& param_types, ErrorInfo* error) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  auto fail = [&](Status s) {
    if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
    db_->stats().errors.fetch_add(1, std::memory_order_relaxed);
    return s;
  };
  if (!name.empty() && state_->statements.count(name) > 0) {
    return fail(Status::InvalidArgument("prepared statement \"" + name + "\" already exists")
                    .WithSqlState(kSqlStateDuplicatePreparedStatement));
  }
  int position = 0;
  Result<std::vector<StatementPtr>> parsed = Parse(sql, &position);
  if (!parsed.ok()) {
    if (error != nullptr) error->position = position;
    return fail(parsed.TakeStatus());
  }
  if (parsed->size() > 1) {
    return fail(Status::InvalidArgument("cannot insert multiple commands into a prepared statement")
                    .WithSqlState("42601"));
  }
  Status prepared = PrepareParsed(name, std::move(parsed).value(), param_types, error);
  if (!prepared.ok()) return fail(std::move(prepared));
  return Status::OK();
}

Status Session::PrepareParsed(const std::string& name, std::vector<StatementPtr> statements,
                              const std::vector<std::optional<Type>>& param_types,
                              ErrorInfo* error) {
  if (!name.empty() && state_->statements.count(name) > 0) {
    return Status::InvalidArgument("prepared statement \"" + name + "\" already exists")
        .WithSqlState(kSqlStateDuplicatePreparedStatement);
  }
  auto prepared = std::make_shared<PreparedStatement>();
  prepared->statements = std::move(statements);
  prepared->param_types = param_types;
  if (!prepared->statements.empty() && IsCursorStatement(*prepared->statements[0])) {
    // FETCH returns the cursor's columns (when it exists now); DECLARE and CLOSE return none.
    const Statement& stmt = *prepared->statements[0];
    for (auto& t : prepared->param_types) {
      prepared->description.param_types.push_back(t.value_or(Type::Of(TypeId::kText)));
    }
    if (stmt.Is<FetchStmt>() && !stmt.As<FetchStmt>().move) {
      auto c = state_->cursors.find(stmt.As<FetchStmt>().cursor);
      if (c != state_->cursors.end()) prepared->description.columns = c->second.execution->columns;
    }
  } else if (!prepared->statements.empty()) {
    Result<std::unique_ptr<exec::Execution>> e =
        state_->executor.Start(*prepared->statements[0], {}, &prepared->param_types, true, error);
    if (!e.ok()) return e.TakeStatus();
    prepared->param_types = (*e)->bind.param_types;
    for (auto& t : prepared->param_types) {
      if (!t || t->id() == TypeId::kUnknown) t = Type::Of(TypeId::kText);
      prepared->description.param_types.push_back(*t);
    }
    bool rows = !(*e)->result || (*e)->result->kind == ResultKind::kRows;
    if (rows) prepared->description.columns = (*e)->columns;
  }
  state_->statements[name] = std::move(prepared);
  return Status::OK();
}

Result<StatementDescription> Session::DescribeStatement(const std::string& name) const {
  auto it = state_->statements.find(name);
  if (it == state_->statements.end()) {
    return Status::InvalidArgument("prepared statement \"" + name + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedPreparedStatement);
  }
  return it->second->description;
}

Status Session::Bind(const std::string& portal, const std::string& statement,
                     std::vector<Value> params, ErrorInfo* error) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  (void)error;
  auto it = state_->statements.find(statement);
  if (it == state_->statements.end()) {
    return Status::InvalidArgument("prepared statement \"" + statement + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedPreparedStatement);
  }
  // In a failed transaction only the statements that end it may run (pgjdbc and psycopg 3 send
  // ROLLBACK through the extended protocol).
  if (state_->txn.status == TxnStatus::kFailed && !EndsTransaction(*it->second)) {
    return Status::Aborted(
               "current transaction is aborted, commands ignored until end of transaction block")
        .WithSqlState("25P02");
  }
  size_t want = it->second->description.param_types.size();
  if (params.size() != want) {
    return Status::InvalidArgument("bind message supplies " + std::to_string(params.size()) +
                                   " parameters, but prepared statement \"" + statement +
                                   "\" requires " + std::to_string(want))
        .WithSqlState(kSqlStateProtocolViolation);
  }
  if (!portal.empty() && state_->portals.count(portal) > 0) {
    return Status::InvalidArgument("cursor \"" + portal + "\" already exists")
        .WithSqlState(kSqlStateDuplicateCursor);
  }
  Portal p;
  p.statement = it->second;
  p.params = std::move(params);
  state_->portals[portal] = std::move(p);
  return Status::OK();
}

Result<std::vector<ResultColumn>> Session::DescribePortal(const std::string& portal) const {
  auto it = state_->portals.find(portal);
  if (it == state_->portals.end()) {
    return Status::InvalidArgument("portal \"" + portal + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedCursor);
  }
  return it->second.statement->description.columns;
}

Result<ExecuteResult> Session::Execute(const std::string& portal, uint64_t max_rows,
                                       ErrorInfo* error) {
  ScopedSessionTimeZone zone(&state_->settings.time_zone());
  auto it = state_->portals.find(portal);
  if (it == state_->portals.end()) {
    return Status::InvalidArgument("portal \"" + portal + "\" does not exist")
        .WithSqlState(kSqlStateUndefinedCursor);
  }
  Portal& p = it->second;
  ExecuteResult out;
  if (p.statement->statements.empty()) {
    out.kind = ResultKind::kEmpty;
    return out;
  }
  auto fail = [&](Status s) {
    state_->portals.erase(it);
    if (state_->txn.status == TxnStatus::kInBlock) state_->txn.status = TxnStatus::kFailed;
    db_->stats().errors.fetch_add(1, std::memory_order_relaxed);
    return s;
  };
  if (p.done) {  // PostgreSQL answers an exhausted portal with an empty completion
    out.kind = ResultKind::kRows;
    out.tag = "SELECT 0";
    return out;
  }
  const Statement& stmt = *p.statement->statements[0];
  if (p.execution == nullptr) {
    cancel_requested_.store(false, std::memory_order_relaxed);
    db_->stats().statements.fetch_add(1, std::memory_order_relaxed);
    if (stmt.Is<DeallocateStmt>()) {
      const auto& d = stmt.As<DeallocateStmt>();
      if (d.all) {
        state_->statements.clear();
      } else {
        state_->statements.erase(d.name);
      }
    }
    if (IsCursorStatement(stmt)) {
      Result<StatementResult> r =
          RunCursorStatement(stmt, p.statement, p.params, &p.statement->param_types, error);
      if (!r.ok()) return fail(r.TakeStatus());
      p.execution = std::make_unique<exec::Execution>();
      p.execution->columns = r->columns;
      p.execution->result = std::move(r).value();
    } else {
      Result<std::unique_ptr<exec::Execution>> e = std::unique_ptr<exec::Execution>();
      if (p.statement->plan != nullptr) {
        e = state_->executor.Restart(stmt, std::move(p.statement->plan), p.params, error);
        if (e.ok() && *e != nullptr) {
          db_->stats().plans_reused.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (e.ok() && *e == nullptr) {
        e = state_->executor.Start(stmt, p.params, &p.statement->param_types, false, error);
      }
      EndTransactionCursors();
      if (!e.ok()) return fail(e.TakeStatus());
      p.execution = std::move(e).value();
    }
  }
  exec::Execution& e = *p.execution;
  out.kind = KindOf(e);
  if (e.result) {
    out.notices = std::move(e.result->notices);
    out.copy_data = std::move(e.result->copy_data);
    out.copy_columns = e.result->copy_columns;
    out.copy_csv = e.result->copy_csv;
    e.result->notices.clear();
    e.result->copy_data.clear();
  }
  Result<bool> done = state_->executor.Fetch(e, max_rows, &out.rows);
  if (!done.ok()) return fail(done.TakeStatus());
  if (!*done) {
    out.suspended = true;
    return out;
  }
  out.tag = RowsTag(e);
  p.done = true;
  if (e.reusable && p.statement->plan == nullptr) {
    e.source->Rewind();  // lets go of what the scan held (an engine iterator, sorted rows)
    p.statement->plan = std::move(p.execution);
  }
  p.execution.reset();
  return out;
}

void Session::CloseStatement(const std::string& name) { state_->statements.erase(name); }

void Session::ClosePortal(const std::string& name) { state_->portals.erase(name); }

void Session::Sync() {
  if (state_->txn.status == TxnStatus::kIdle) {
    state_->portals.clear();
  } else {
    state_->portals.erase("");
  }
}

}  // namespace blockdb::sql
