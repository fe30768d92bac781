#include "sql/exec/executor.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "common/check.h"
#include "common/coding.h"
#include "engine/ledger_db.h"
#include "sql/catalog/catalog.h"
#include "sql/types/datetime.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateActiveTransaction[] = "25001";
constexpr char kSqlStateNoActiveTransaction[] = "25P01";

Notice Warning(const char* sqlstate, std::string message) {
  return Notice{"WARNING", sqlstate, std::move(message)};
}

StatementResult Command(std::string tag) {
  StatementResult r;
  r.kind = ResultKind::kCommand;
  r.tag = std::move(tag);
  return r;
}

ResultColumn TextColumn(std::string name) {
  return ResultColumn{std::move(name), Type::Of(TypeId::kText), 0, 0};
}

std::string HashHex(const Hash256& h) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

}  // namespace

Status AppendOnlyError(std::string_view verb, std::string_view table) {
  std::string what = table.empty() ? std::string("tables") : "table \"" + std::string(table) + "\"";
  return FeatureNotSupported("cannot " + std::string(verb) + " " + what +
                             ": BlockDB tables are append-only (rows can be inserted and read, "
                             "never changed or removed)");
}

Executor::Executor(Database* db, Settings* settings, Transaction* txn,
                   const SessionOptions* options, const std::atomic<bool>* cancel)
    : db_(db), settings_(settings), txn_(txn), options_(options), cancel_(cancel) {}

uint64_t Executor::ReadSnapshot() const {
  // Locked reads read the latest state once their lock is held (executor_txn.cc). Otherwise a
  // block keeps its snapshot when its isolation level has one (SetIsolation), and a statement
  // reads everything acknowledged so far.
  if (LocksReads()) return kLatestSnapshot;
  if (txn_->status != TxnStatus::kIdle && txn_->snapshot != kLatestSnapshot) {
    return txn_->snapshot;
  }
  return db_->ledger()->db()->AppliedIndex();
}

PlanContext Executor::MakePlanContext(Execution& exec, bool describe_only) {
  PlanContext ctx;
  ctx.database = db_;
  ctx.snapshot = ReadSnapshot();
  ctx.binder = &exec.binder;
  ctx.eval = &exec.eval;
  ctx.control = &exec.control;
  exec.control.snapshot = ctx.snapshot;
  ctx.has_params = !describe_only;
  if (txn_->status == TxnStatus::kInBlock) ctx.pending = txn_->writer.get();
  if (!describe_only && LocksReads()) {
    exec.read_locks.manager = &db_->locks();
    exec.read_locks.txn = LockOwner();
    exec.read_locks.wait = MakeLockWait(&exec.control);
    ctx.read_locks = &exec.read_locks;
  }
  EnableSubqueries(&exec.bind, ctx);
  return ctx;
}

Result<std::unique_ptr<Execution>> Executor::Start(
    const Statement& stmt, std::vector<Value> params,
    const std::vector<std::optional<Type>>* param_types, bool describe_only, ErrorInfo* error) {
  std::unique_ptr<Execution> exec = NewExecution(std::move(params), param_types);
  error_ = error;
  control_ = &exec->control;
  writing_statement_ = stmt.Is<InsertStmt>() || stmt.Is<CopyStmt>();
  Status s = Dispatch(stmt, *exec, describe_only);
  control_ = nullptr;
  writing_statement_ = false;
  if (!s.ok()) {
    if (error != nullptr && error->position == 0) error->position = exec->binder.error_position();
    if (!describe_only) AfterError();
    return s;
  }
  // A statement outside a block has committed (or only read): its locks go now.
  if (txn_->status == TxnStatus::kIdle && copy_in_ == std::nullopt) ReleaseLocks();
  return exec;
}

Result<std::unique_ptr<Execution>> Executor::StartQuery(
    const Query& query, std::vector<Value> params,
    const std::vector<std::optional<Type>>* param_types, ErrorInfo* error) {
  std::unique_ptr<Execution> exec = NewExecution(std::move(params), param_types);
  error_ = error;
  Status s = RunQuery(query, *exec, false);
  if (!s.ok()) {
    if (error != nullptr && error->position == 0) error->position = exec->binder.error_position();
    AfterError();
    return s;
  }
  return exec;
}

std::unique_ptr<Execution> Executor::NewExecution(
    std::vector<Value> params, const std::vector<std::optional<Type>>* param_types) {
  auto exec = std::make_unique<Execution>();
  if (param_types != nullptr) {
    exec->bind.param_types = *param_types;
  } else {
    exec->bind.allow_params = false;
  }
  exec->params = std::move(params);
  exec->eval.params = &exec->params;
  exec->eval.statement_time = txn_->status != TxnStatus::kIdle ? txn_->start_time : NowMicros();
  exec->eval.user = options_->user;
  exec->eval.database = db_->options().name;
  exec->eval.server_version = db_->options().server_version;
  exec->eval.backend_pid = static_cast<int32_t>(getpid());
  exec->eval.setting = [this](std::string_view name) { return settings_->Get(name); };
  exec->eval.catalog = &db_->catalog();
  exec->control.cancel = cancel_;
  exec->control.work_mem = settings_->WorkMemBytes();
  exec->control.parallel_workers = settings_->ParallelWorkers();
  exec->control.parallel_min_bytes = settings_->ParallelMinBytes();
  exec->control.parallel_aggregates = &db_->stats().parallel_aggregates;
  uint64_t timeout_ms = settings_->StatementTimeoutMs();
  if (timeout_ms > 0) {
    exec->control.deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return exec;
}

Result<bool> Executor::Fetch(Execution& exec, uint64_t max_rows,
                             std::vector<std::vector<Value>>* rows) {
  if (exec.result) {
    std::vector<std::vector<Value>>& all = exec.result->rows;
    while (exec.next_result_row < all.size() && (max_rows == 0 || rows->size() < max_rows)) {
      rows->push_back(std::move(all[exec.next_result_row++]));
    }
    return exec.next_result_row >= all.size();
  }
  std::vector<Value> row;
  while (max_rows == 0 || rows->size() < max_rows) {
    Result<bool> next = exec.source->Next(&row);
    if (!next.ok()) {
      AfterError();
      return next.TakeStatus();
    }
    bool more = *next;
    if (!more) return true;
    ++exec.rows_returned;
    rows->push_back(std::move(row));
  }
  // The row limit is reached. Like PostgreSQL, do not look ahead: the portal is suspended and
  // the next Execute may find no more rows.
  return false;
}

Status Executor::CheckTransactionState(const Statement& stmt, bool describe_only) {
  if (txn_->status == TxnStatus::kFailed) {
    bool allowed = stmt.Is<TransactionStmt>() &&
                   (stmt.As<TransactionStmt>().action == TransactionAction::kRollback ||
                    stmt.As<TransactionStmt>().action == TransactionAction::kCommit ||
                    stmt.As<TransactionStmt>().action == TransactionAction::kRollbackTo);
    if (!allowed) {
      return Status::Aborted(
                 "current transaction is aborted, commands ignored until end of transaction block")
          .WithSqlState("25P02");
    }
  } else if (!describe_only && !stmt.Is<TransactionStmt>()) {
    RETURN_IF_ERROR(CheckTransactionTimeout());
    // As in PostgreSQL, the statements that take no snapshot (SET, SHOW, RESET) leave the
    // block's isolation level open.
    bool takes_snapshot = !stmt.Is<SetStmt>() && !stmt.Is<ShowStmt>() && !stmt.Is<ResetStmt>();
    if (txn_->status == TxnStatus::kInBlock && takes_snapshot) txn_->ran_query = true;
  }
  return Status::OK();
}

Status Executor::Dispatch(const Statement& stmt, Execution& exec, bool describe_only) {
  RETURN_IF_ERROR(CheckTransactionState(stmt, describe_only));
  switch (stmt.kind) {
    case StatementKind::kSelect:
      return RunQuery(*stmt.As<SelectStmt>().query, exec, describe_only);
    case StatementKind::kInsert:
      return RunInsert(stmt.As<InsertStmt>(), exec, describe_only);
    case StatementKind::kVerifyChain:
      return RunVerify(stmt.As<VerifyChainStmt>(), exec, describe_only);
    case StatementKind::kCopy:
      return RunCopy(stmt.As<CopyStmt>(), exec, describe_only);
    case StatementKind::kShow:
      return RunShow(stmt.As<ShowStmt>(), exec);
    case StatementKind::kExplain:
      return RunExplain(stmt.As<ExplainStmt>(), exec, describe_only);
    default:
      break;
  }
  if (describe_only) {
    exec.result = Command("");
    return Status::OK();
  }
  switch (stmt.kind) {
    case StatementKind::kCreateTable:
      return RunCreateTable(stmt.As<CreateTableStmt>(), exec);
    case StatementKind::kCreateIndex:
      return RunCreateIndex(stmt.As<CreateIndexStmt>(), exec);
    case StatementKind::kCreateRole:
      return RunCreateRole(stmt.As<CreateRoleStmt>(), exec);
    case StatementKind::kTransaction:
      return RunTransaction(stmt.As<TransactionStmt>(), exec);
    case StatementKind::kSet:
      return RunSet(stmt.As<SetStmt>(), exec);
    case StatementKind::kReset: {
      const auto& r = stmt.As<ResetStmt>();
      if (r.all) {
        settings_->ResetAll();
      } else {
        RETURN_IF_ERROR(settings_->Reset(r.name));
      }
      exec.result = Command("RESET");
      return Status::OK();
    }
    case StatementKind::kDeallocate:
      // The session removes the prepared statements; nothing to run here.
      exec.result = Command(stmt.As<DeallocateStmt>().all ? "DEALLOCATE ALL" : "DEALLOCATE");
      return Status::OK();
    case StatementKind::kDiscard:
      if (txn_->status != TxnStatus::kIdle) {
        return Status::InvalidArgument("DISCARD ALL cannot run inside a transaction block")
            .WithSqlState(kSqlStateActiveTransaction);
      }
      settings_->ResetAll();
      exec.result = Command("DISCARD ALL");
      return Status::OK();
    case StatementKind::kListen:
      exec.result = Command("LISTEN");
      return Status::OK();
    case StatementKind::kUnlisten:
      exec.result = Command("UNLISTEN");
      return Status::OK();
    default:
      break;
  }
  if (OpaqueStmt::Matches(stmt.kind)) {
    return RunOpaque(static_cast<const OpaqueStmt&>(stmt), exec);
  }
  return FeatureNotSupported(std::string(StatementKindName(stmt.kind)) + " is not supported yet");
}

Status Executor::RunQuery(const Query& query, Execution& exec, bool describe_only) {
  // Read before planning: a catalog change made meanwhile makes the plan look stale, never
  // current.
  exec.catalog_version = db_->catalog().version();
  exec.settings_generation = settings_->generation();
  PlanContext ctx = MakePlanContext(exec, describe_only);
  ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(query, ctx));
  exec.columns = std::move(plan.columns);
  exec.source = std::move(plan.source);
  exec.reusable = plan.reusable && !describe_only && query.with == nullptr &&
                  exec.bind.subqueries_planned == 0 && ctx.pending == nullptr &&
                  ctx.read_locks == nullptr;
  return Status::OK();
}

Result<std::unique_ptr<Execution>> Executor::Restart(const Statement& stmt,
                                                     std::unique_ptr<Execution> exec,
                                                     const std::vector<Value>& params,
                                                     ErrorInfo* error) {
  BLOCKDB_CHECK(exec->reusable && exec->source != nullptr && !exec->result);
  bool pending = txn_->status == TxnStatus::kInBlock && txn_->writer != nullptr;
  if (exec->catalog_version != db_->catalog().version() ||
      exec->settings_generation != settings_->generation() || pending || LocksReads() ||
      txn_->status == TxnStatus::kFailed) {
    return std::unique_ptr<Execution>();
  }
  error_ = error;
  Status s = CheckTransactionState(stmt, false);
  if (!s.ok()) {
    AfterError();
    return s;
  }
  // What NewExecution and MakePlanContext set per execution.
  exec->params = params;
  exec->eval.statement_time = txn_->status != TxnStatus::kIdle ? txn_->start_time : NowMicros();
  uint64_t timeout_ms = settings_->StatementTimeoutMs();
  exec->control.deadline.reset();
  if (timeout_ms > 0) {
    exec->control.deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  exec->control.snapshot = ReadSnapshot();
  exec->rows_returned = 0;
  exec->source->Rewind();
  if (txn_->status == TxnStatus::kIdle && copy_in_ == std::nullopt) ReleaseLocks();
  return exec;
}

Status Executor::RunTransaction(const TransactionStmt& stmt, Execution& exec) {
  StatementResult r;
  switch (stmt.action) {
    case TransactionAction::kBegin:
    case TransactionAction::kStart:
      r = Command(stmt.action == TransactionAction::kBegin ? "BEGIN" : "START TRANSACTION");
      if (!db_->options().enable_transactions) {
        return FeatureNotSupported(
            "transaction blocks are disabled on this server ([cluster] enable_transactions = "
            "false); each statement commits on its own");
      }
      if (txn_->status != TxnStatus::kIdle) {
        r.notices.push_back(
            Warning(kSqlStateActiveTransaction, "there is already a transaction in progress"));
      } else {
        txn_->status = TxnStatus::kInBlock;
        txn_->read_only =
            stmt.modes.read_only.value_or(settings_->Get("default_transaction_read_only") == "on");
        txn_->start_time = NowMicros();
        txn_->writer.reset();
        txn_->ran_query = false;
        ReleaseLocks();
        SetIsolation(stmt.modes.isolation);
      }
      break;
    case TransactionAction::kCommit: {
      r = Command("COMMIT");
      if (txn_->status == TxnStatus::kIdle) {
        r.notices.push_back(
            Warning(kSqlStateNoActiveTransaction, "there is no transaction in progress"));
        break;
      }
      bool failed = txn_->status == TxnStatus::kFailed;
      Status expired = failed ? Status::OK() : CheckTransactionTimeout();
      if (!failed && expired.ok()) expired = StartCommit();
      std::unique_ptr<TableWriter> writer = std::move(txn_->writer);
      txn_->status = TxnStatus::kIdle;
      txn_->snapshot = kLatestSnapshot;
      // Locks go once the commit is applied (or abandoned), never before: the next reader of
      // what this block wrote must see it.
      struct Release {
        Executor* e;
        ~Release() { e->ReleaseLocks(); }
      } release{this};
      if (failed) {
        r.tag = "ROLLBACK";
        break;
      }
      RETURN_IF_ERROR(expired);
      if (writer != nullptr && writer->pending() > 0) {
        std::string detail, table_name, constraint;
        Result<uint64_t> written = writer->Commit(&detail, &table_name, &constraint);
        if (!written.ok()) {
          if (error_ != nullptr && !constraint.empty()) {
            error_->detail = detail;
            error_->schema_name = kPublicSchema;
            error_->table_name = table_name;
            error_->constraint_name = constraint;
          }
          return written.TakeStatus();
        }
      }
      break;
    }
    case TransactionAction::kRollback:
      r = Command("ROLLBACK");
      if (txn_->status == TxnStatus::kIdle) {
        r.notices.push_back(
            Warning(kSqlStateNoActiveTransaction, "there is no transaction in progress"));
      }
      txn_->status = TxnStatus::kIdle;
      txn_->writer.reset();
      txn_->snapshot = kLatestSnapshot;
      ReleaseLocks();
      break;
    case TransactionAction::kSavepoint:
    case TransactionAction::kRelease:
    case TransactionAction::kRollbackTo:
      return RunSavepoint(stmt, exec);
    default:
      return FeatureNotSupported("two-phase commit (PREPARE TRANSACTION) is not supported");
  }
  if (txn_->status == TxnStatus::kIdle) txn_->savepoints.clear();
  exec.result = std::move(r);
  return Status::OK();
}

Status Executor::RunSavepoint(const TransactionStmt& stmt, Execution& exec) {
  const char* what = stmt.action == TransactionAction::kSavepoint ? "SAVEPOINT"
                     : stmt.action == TransactionAction::kRelease ? "RELEASE SAVEPOINT"
                                                                  : "ROLLBACK TO SAVEPOINT";
  if (txn_->status == TxnStatus::kIdle) {
    return Status::InvalidArgument(std::string(what) + " can only be used in transaction blocks")
        .WithSqlState(kSqlStateNoActiveTransaction);
  }
  auto& sps = txn_->savepoints;
  if (stmt.action == TransactionAction::kSavepoint) {
    std::optional<TableWriter::Mark> mark;
    if (txn_->writer != nullptr) mark = txn_->writer->GetMark();
    sps.emplace_back(stmt.savepoint, std::move(mark));
    exec.result = Command("SAVEPOINT");
    return Status::OK();
  }
  // The newest savepoint of that name.
  auto it = sps.end();
  for (auto r = sps.rbegin(); r != sps.rend(); ++r) {
    if (r->first == stmt.savepoint) {
      it = std::prev(r.base());
      break;
    }
  }
  if (it == sps.end()) {
    return Status::InvalidArgument("savepoint \"" + stmt.savepoint + "\" does not exist")
        .WithSqlState("3B001");
  }
  if (stmt.action == TransactionAction::kRelease) {
    sps.erase(it, sps.end());
    exec.result = Command("RELEASE");
    return Status::OK();
  }
  // ROLLBACK TO: undo the inserts queued since, keep the savepoint, leave the failed state.
  if (txn_->writer != nullptr) {
    if (it->second) {
      txn_->writer->RollbackTo(*it->second);
    } else {
      txn_->writer.reset();
    }
  }
  sps.erase(it + 1, sps.end());
  txn_->status = TxnStatus::kInBlock;
  exec.result = Command("ROLLBACK");
  return Status::OK();
}

Status Executor::RunSet(const SetStmt& stmt, Execution& exec) {
  switch (stmt.set_kind) {
    case SetKind::kValue: {
      std::string value;
      for (size_t i = 0; i < stmt.values.size(); ++i) {
        value += (i > 0 ? ", " : "") + stmt.values[i].text;
      }
      if (stmt.name == "transaction_isolation" || stmt.name == "transaction_read_only") {
        // Session-wide in BlockDB (see docs/SQL.md).
      }
      if (stmt.values.size() == 1 && stmt.values[0].kind == SetValueKind::kInterval) {
        // SET TIME ZONE INTERVAL '+02:00': hours east of UTC, named as PostgreSQL names it.
        ASSIGN_OR_RETURN(const Interval span, ParseInterval(value));
        if (span.months != 0 || span.days != 0) {
          return InvalidParameterValue("invalid interval value for time zone: " +
                                       std::string(span.months != 0 ? "month" : "day") +
                                       " not allowed");
        }
        value = TimeZone::FixedOffset(span.microseconds / kMicrosPerSecond).name();
      }
      RETURN_IF_ERROR(settings_->Set(stmt.name, value));
      break;
    }
    case SetKind::kDefault:
      RETURN_IF_ERROR(settings_->Reset(stmt.name));
      break;
    case SetKind::kTransaction:
    case SetKind::kSessionCharacteristics:
      if (stmt.set_kind == SetKind::kTransaction) {
        if (txn_->ran_query && stmt.modes.isolation) {
          return Status::InvalidArgument(
                     "SET TRANSACTION ISOLATION LEVEL must be called before any query")
              .WithSqlState(kSqlStateActiveTransaction);
        }
        if (txn_->ran_query && stmt.modes.read_only == false && txn_->read_only) {
          return Status::InvalidArgument("transaction read-write mode must be set before any query")
              .WithSqlState(kSqlStateActiveTransaction);
        }
        if (stmt.modes.read_only) txn_->read_only = *stmt.modes.read_only;
        // After the first query only READ ONLY may still change, and then only the flag: the
        // reads already made keep their locks and the rest keep taking them.
        if (txn_->status != TxnStatus::kIdle && !txn_->ran_query &&
            (stmt.modes.read_only || stmt.modes.isolation)) {
          SetIsolation(stmt.modes.isolation ? stmt.modes.isolation
                                            : std::optional<IsolationLevel>(txn_->isolation));
        }
        break;
      }
      if (stmt.modes.read_only) {
        RETURN_IF_ERROR(
            settings_->Set("default_transaction_read_only", *stmt.modes.read_only ? "on" : "off"));
      }
      if (stmt.modes.isolation) {
        RETURN_IF_ERROR(
            settings_->Set("default_transaction_isolation", IsolationName(*stmt.modes.isolation)));
      }
      break;
    default:
      return FeatureNotSupported("this form of SET is not supported");
  }
  exec.result = Command("SET");
  return Status::OK();
}

Status Executor::RunShow(const ShowStmt& stmt, Execution& exec) {
  StatementResult r;
  r.kind = ResultKind::kRows;
  r.tag = "SHOW";
  if (stmt.all) {
    r.columns = {TextColumn("name"), TextColumn("setting"), TextColumn("description")};
    r.rows = settings_->ShowAll();
  } else {
    std::optional<std::string> v = settings_->Get(stmt.name);
    if (stmt.name == "transaction_read_only") v = txn_->read_only ? "on" : "off";
    if (stmt.name == "transaction_isolation") {
      v = txn_->status != TxnStatus::kIdle ? IsolationName(txn_->isolation)
                                           : settings_->Get("default_transaction_isolation");
    }
    if (!v) {
      return Status::InvalidArgument("unrecognized configuration parameter \"" + stmt.name + "\"")
          .WithSqlState("42704");
    }
    r.columns = {TextColumn(stmt.name)};
    r.rows = {{Value::Text(*v)}};
  }
  exec.columns = r.columns;
  exec.result = std::move(r);
  return Status::OK();
}

Status Executor::RunVerify(const VerifyChainStmt& stmt, Execution& exec, bool describe_only) {
  StatementResult r;
  r.kind = ResultKind::kRows;
  r.tag = "SELECT 1";
  auto col = [](const char* name, TypeId t) { return ResultColumn{name, Type::Of(t), 0, 0}; };
  r.columns = {col("status", TypeId::kText),          col("blocks_checked", TypeId::kInt8),
               col("entries_checked", TypeId::kInt8), col("tree_size", TypeId::kInt8),
               col("root_hash", TypeId::kText),       col("first_bad_block", TypeId::kInt8),
               col("detail", TypeId::kText),          col("elapsed_ms", TypeId::kFloat8)};
  exec.columns = r.columns;
  if (describe_only) {
    exec.result = std::move(r);
    return Status::OK();
  }
  ledger::VerifyOptions options;
  if (stmt.from_block != nullptr) {
    Scope empty;
    ASSIGN_OR_RETURN(BoundExprPtr b, exec.binder.Bind(*stmt.from_block, empty, "VERIFY CHAIN"));
    ASSIGN_OR_RETURN(Value v, Eval(*b, {}, exec.eval));
    if (v.is_null() || CategoryOf(v.type()) != TypeCategory::kNumeric ||
        v.type() == TypeId::kNumeric || v.type() == TypeId::kFloat8 || v.int_value() < 0) {
      return InvalidParameterValue("FROM BLOCK needs a block number");
    }
    // FROM BLOCK n verifies block n and every later one, trusting the stored header of block
    // n - 1 (the engine's start_block is that trusted block). Block 0 is the fixed genesis.
    uint64_t n = static_cast<uint64_t>(v.int_value());
    options.start_block = n == 0 ? 0 : n - 1;
  }
  db_->stats().verifications.fetch_add(1, std::memory_order_relaxed);
  Result<ledger::VerifyReport> report = db_->ledger()->Verify(options);
  if (!report.ok()) {
    if (report.status().IsInvalidArgument()) {
      return InvalidParameterValue(report.status().message());
    }
    return report.TakeStatus();
  }
  const ledger::VerifyReport& rep = *report;
  Value bad_block = Value::Null(TypeId::kInt8);
  std::string detail = "";
  if (!rep.ok()) {
    if (rep.failure->block_index) bad_block = Value::Int8(*rep.failure->block_index);
    detail = rep.ToString();
  }
  r.rows.push_back({Value::Text(rep.ok() ? "ok" : "corrupt"),
                    Value::Int8(static_cast<int64_t>(rep.blocks_checked)),
                    Value::Int8(static_cast<int64_t>(rep.entries_checked)),
                    Value::Int8(static_cast<int64_t>(rep.digest.tree_size)),
                    Value::Text(HashHex(rep.digest.root)), bad_block,
                    detail.empty() ? Value::Null(TypeId::kText) : Value::Text(detail),
                    Value::Float8(static_cast<double>(rep.elapsed_micros) / 1000.0)});
  exec.result = std::move(r);
  return Status::OK();
}

Status Executor::RunExplain(const ExplainStmt& stmt, Execution& exec, bool describe_only) {
  bool analyze = false;
  for (const OptionItem& o : stmt.options) {
    if (o.name == "analyze") analyze = o.value.value_or("true") != "false";
  }
  if (analyze && !stmt.statement->Is<SelectStmt>()) {
    // PostgreSQL would run the statement; on an append-only ledger that is a permanent write.
    return FeatureNotSupported("EXPLAIN ANALYZE of " +
                               std::string(StatementKindName(stmt.statement->kind)) +
                               " is not supported: only SELECT");
  }
  StatementResult r;
  r.kind = ResultKind::kRows;
  r.tag = "EXPLAIN";
  r.columns = {TextColumn("QUERY PLAN")};
  exec.columns = r.columns;
  std::vector<std::string> lines;
  if (stmt.statement->Is<SelectStmt>()) {
    const auto planning = std::chrono::steady_clock::now();
    // Plain EXPLAIN plans as Describe does (no parameter values needed, WITH queries not run);
    // EXPLAIN ANALYZE plans for execution: parameters, WITH queries and read locks as the query
    // itself would have them.
    PlanContext ctx = MakePlanContext(exec, !analyze || describe_only);
    ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(*stmt.statement->As<SelectStmt>().query, ctx));
    plan.source->Explain(0, &lines);
    if (analyze && !describe_only) {
      // EXPLAIN ANALYZE runs the query to its end and discards the rows: their count and the
      // planning and execution times follow the plan, as in PostgreSQL's text format.
      const auto running = std::chrono::steady_clock::now();
      uint64_t rows = 0;
      Row row;
      while (true) {
        ASSIGN_OR_RETURN(bool more, plan.source->Next(&row));
        if (!more) break;
        ++rows;
      }
      const auto done = std::chrono::steady_clock::now();
      auto ms = [](auto d) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.3f ms",
                      std::chrono::duration<double, std::milli>(d).count());
        return std::string(buf);
      };
      if (!lines.empty()) lines[0] += "  (actual rows=" + std::to_string(rows) + " loops=1)";
      lines.push_back("Planning Time: " + ms(running - planning));
      lines.push_back("Execution Time: " + ms(done - running));
    }
  } else if (stmt.statement->Is<InsertStmt>()) {
    lines.push_back("Insert on " + stmt.statement->As<InsertStmt>().table.name);
  } else {
    return FeatureNotSupported(
        "EXPLAIN of " + std::string(StatementKindName(stmt.statement->kind)) + " is not supported");
  }
  for (std::string& l : lines) r.rows.push_back({Value::Text(std::move(l))});
  exec.result = std::move(r);
  return Status::OK();
}

Status Executor::RunOpaque(const OpaqueStmt& stmt, Execution& exec) {
  std::string table = stmt.targets.empty() ? "" : stmt.targets[0].ToString();
  // A statement on a table that does not exist fails as in PostgreSQL, before the append-only
  // rule is even considered.
  bool on_table = stmt.kind == StatementKind::kUpdate || stmt.kind == StatementKind::kDelete ||
                  stmt.kind == StatementKind::kTruncate || stmt.kind == StatementKind::kMerge ||
                  ((stmt.kind == StatementKind::kDrop || stmt.kind == StatementKind::kAlter) &&
                   stmt.object_type == "TABLE");
  if (on_table && !stmt.if_exists) {
    for (const QualifiedName& t : stmt.targets) {
      if ((t.schema.empty() || t.schema == kPublicSchema) &&
          db_->catalog().FindTable(t.name) != nullptr) {
        continue;
      }
      return exec.binder.ErrorAt(
          Status::InvalidArgument("relation \"" + t.ToString() + "\" does not exist")
              .WithSqlState(kSqlStateUndefinedTable),
          t.position);
    }
  }
  switch (stmt.kind) {
    case StatementKind::kUpdate:
      return AppendOnlyError("UPDATE", table);
    case StatementKind::kDelete:
      return AppendOnlyError("DELETE from", table);
    case StatementKind::kTruncate:
      return AppendOnlyError("TRUNCATE", table);
    case StatementKind::kMerge:
      return AppendOnlyError("MERGE into", table);
    case StatementKind::kDrop:
      return FeatureNotSupported(
          "cannot DROP " + (stmt.object_type.empty() ? std::string("objects") : stmt.object_type) +
          ": BlockDB is append-only; nothing it stores can be removed");
    case StatementKind::kAlter:
      return FeatureNotSupported(
          "cannot ALTER " + (stmt.object_type.empty() ? std::string("objects") : stmt.object_type) +
          ": BlockDB is append-only; definitions cannot be changed");
    case StatementKind::kGrant:
      exec.result = Command("GRANT");
      return Status::OK();
    case StatementKind::kRevoke:
      exec.result = Command("REVOKE");
      return Status::OK();
    case StatementKind::kComment:
      exec.result = Command("COMMENT");
      return Status::OK();
    case StatementKind::kVacuum:
      exec.result = Command("VACUUM");
      return Status::OK();
    case StatementKind::kAnalyze:
      exec.result = Command("ANALYZE");
      return Status::OK();
    default:
      break;
  }
  return FeatureNotSupported(std::string(StatementKindName(stmt.kind)) + " is not supported");
}

}  // namespace blockdb::sql::exec
