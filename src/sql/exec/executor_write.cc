// INSERT: target columns, VALUES or a query as the source, defaults and identity values, ON
// CONFLICT DO NOTHING, RETURNING, and the transaction block's buffered writes.
#include <set>

#include "engine/ledger_db.h"
#include "sql/catalog/catalog.h"
#include "sql/exec/executor.h"
#include "sql/exec/identity.h"
#include "sql/parser.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateReadOnlyTransaction[] = "25006";
constexpr char kSqlStateProgramLimitExceeded[] = "54000";

// GENERATED ALWAYS AS IDENTITY columns take no value from INSERT unless it says OVERRIDING
// SYSTEM VALUE.
Status CheckIdentityOverride(const ColumnSchema& col, OverridingKind overriding, Binder& binder,
                             int position) {
  if (!col.identity_always || overriding == OverridingKind::kSystemValue) {
    return Status::OK();
  }
  return binder.ErrorAt(
      Status::InvalidArgument("cannot insert a non-DEFAULT value into column \"" + col.name + "\"")
          .WithSqlState("428C9"),
      position);
}

// ON CONFLICT (cols) must name the columns of the primary key or of a unique index, and ON
// CONFLICT ON CONSTRAINT an existing one, as in PostgreSQL; *arbiter receives it (nothing
// without a target: every unique constraint arbitrates).
Status CheckConflictTarget(const InsertStmt& stmt, const TableDef& table, Binder& binder,
                           const Catalog& catalog,
                           std::optional<TableWriter::ConflictArbiter>* arbiter) {
  const OnConflict& oc = stmt.on_conflict;
  if (oc.action == OnConflictAction::kNone) return Status::OK();
  auto indexes = catalog.IndexesOf(table.id);
  if (!oc.constraint.empty()) {
    if (oc.constraint == table.name + "_pkey" && !table.primary_key.empty()) {
      *arbiter = TableWriter::ConflictArbiter{true, 0};
      return Status::OK();
    }
    for (const auto& index : indexes) {
      if (index->unique && index->name == oc.constraint) {
        *arbiter = TableWriter::ConflictArbiter{false, index->id};
        return Status::OK();
      }
    }
    return binder.ErrorAt(
        Status::InvalidArgument("constraint \"" + oc.constraint + "\" for table \"" + table.name +
                                "\" does not exist")
            .WithSqlState("42704"),
        oc.position);
  }
  if (oc.target.empty()) return Status::OK();
  std::set<uint32_t> target;
  for (const IndexElem& e : oc.target) {
    std::optional<uint32_t> c = e.column.empty() ? std::nullopt : table.FindColumn(e.column);
    if (!c) {
      return binder.ErrorAt(Status::InvalidArgument("column \"" + e.column + "\" does not exist")
                                .WithSqlState(kSqlStateUndefinedColumn),
                            e.position);
    }
    target.insert(*c);
  }
  auto same = [&](const std::vector<KeyPart>& parts) {
    std::set<uint32_t> cols;
    for (const KeyPart& p : parts) cols.insert(p.column);
    return !parts.empty() && cols == target;
  };
  if (same(table.primary_key)) {
    *arbiter = TableWriter::ConflictArbiter{true, 0};
    return Status::OK();
  }
  for (const auto& index : indexes) {
    if (index->unique && same(index->columns)) {
      *arbiter = TableWriter::ConflictArbiter{false, index->id};
      return Status::OK();
    }
  }
  return binder.ErrorAt(Status::InvalidArgument("there is no unique or exclusion constraint "
                                                "matching the ON CONFLICT specification")
                            .WithSqlState("42P10"),
                        oc.position);
}

}  // namespace

Status Executor::CheckWritable(std::string_view what) const {
  // Outside a block a statement is its own transaction, read-only when
  // default_transaction_read_only is on (as PostgreSQL).
  bool read_only = txn_->status == TxnStatus::kIdle
                       ? settings_->Get("default_transaction_read_only") == "on"
                       : txn_->status == TxnStatus::kInBlock && txn_->read_only;
  if (read_only) {
    return Status::InvalidArgument("cannot execute " + std::string(what) +
                                   " in a read-only transaction")
        .WithSqlState(kSqlStateReadOnlyTransaction);
  }
  return Status::OK();
}

Result<std::shared_ptr<const TableDef>> Executor::FindTableOrError(const QualifiedName& name,
                                                                   Binder& binder) const {
  std::shared_ptr<const TableDef> table;
  if (name.schema.empty() || name.schema == kPublicSchema) {
    table = db_->catalog().FindTable(name.name);
  }
  if (table == nullptr) {
    return binder.ErrorAt(
        Status::InvalidArgument("relation \"" + name.ToString() + "\" does not exist")
            .WithSqlState(kSqlStateUndefinedTable),
        name.position);
  }
  return table;
}

Result<Executor::ColumnDefaults> Executor::ParseDefaults(const TableDef& table) {
  ColumnDefaults d;
  d.parsed.resize(table.columns.size());
  d.exprs.assign(table.columns.size(), nullptr);
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (!table.columns[c].default_expr) continue;
    ASSIGN_OR_RETURN(d.parsed[c], Parse("SELECT " + *table.columns[c].default_expr));
    d.exprs[c] =
        d.parsed[c][0]->As<SelectStmt>().query->body->As<SelectBody>().targets[0].expr.get();
  }
  return d;
}

Result<std::vector<uint32_t>> Executor::TargetColumns(const TableDef& table,
                                                      const std::vector<std::string>& names,
                                                      Binder& binder, int position,
                                                      const std::vector<int>& positions) {
  std::vector<uint32_t> columns;
  if (names.empty()) {
    for (uint32_t i = 0; i < table.columns.size(); ++i) columns.push_back(i);
    return columns;
  }
  for (size_t k = 0; k < names.size(); ++k) {
    const std::string& n = names[k];
    if (k < positions.size() && positions[k] > 0) position = positions[k];
    std::optional<uint32_t> c = table.FindColumn(n);
    if (!c) {
      return binder.ErrorAt(Status::InvalidArgument("column \"" + n + "\" of relation \"" +
                                                    table.name + "\" does not exist")
                                .WithSqlState(kSqlStateUndefinedColumn),
                            position);
    }
    if (std::find(columns.begin(), columns.end(), *c) != columns.end()) {
      return binder.ErrorAt(Status::InvalidArgument("column \"" + n + "\" specified more than once")
                                .WithSqlState(kSqlStateDuplicateColumn),
                            position);
    }
    columns.push_back(*c);
  }
  return columns;
}

Result<std::vector<Value>> Executor::CompleteRow(const TableDef& table,
                                                 const std::vector<uint32_t>& columns,
                                                 std::vector<Value> values,
                                                 const std::vector<const Expr*>& defaults,
                                                 Execution& exec) {
  std::vector<Value> row(table.columns.size());
  std::vector<bool> given(table.columns.size(), false);
  for (size_t i = 0; i < columns.size(); ++i) {
    // values[i] is an absent Value (kNull type with no payload) for DEFAULT in VALUES: marked by
    // the caller with given=false.
    row[columns[i]] = std::move(values[i]);
    given[columns[i]] = true;
  }
  for (uint32_t c = 0; c < table.columns.size(); ++c) {
    if (given[c]) continue;
    const ColumnSchema& col = table.columns[c];
    if (col.identity) {
      ASSIGN_OR_RETURN(int64_t id, db_->identities().Next(*db_->ledger()->db(), table, c));
      ASSIGN_OR_RETURN(row[c], CastValue(Value::Int8(id), col.type, CastContext::kAssignment));
    } else if (defaults[c] != nullptr) {
      Scope empty;
      ASSIGN_OR_RETURN(BoundExprPtr b, exec.binder.Bind(*defaults[c], empty, "DEFAULT"));
      ASSIGN_OR_RETURN(b, exec.binder.CoerceForAssignment(std::move(b), col.type, col.name, 0));
      ASSIGN_OR_RETURN(row[c], Eval(*b, {}, exec.eval));
    } else {
      row[c] = Value::Null(col.type.id());
    }
  }
  return row;
}

Result<uint64_t> Executor::WriteRows(const std::shared_ptr<const TableDef>& table,
                                     std::vector<std::vector<Value>> rows, bool skip_conflicts,
                                     ErrorInfo* error,
                                     std::vector<std::vector<Value>>* written_rows,
                                     const TableWriter::ConflictArbiter* arbiter) {
  auto indexes = db_->catalog().IndexesOf(table->id);
  RETURN_IF_ERROR(LockRowsForWrite(*table, indexes, rows));
  // A CREATE INDEX holds the whole table shared from before its back-fill scan to its end, so a
  // writer that waited for its locks may find a new index once it has them: its rows must go
  // into that index too (the back-fill did not see them). Indexes are never dropped, so a longer
  // list is a list with new indexes.
  for (auto now = db_->catalog().IndexesOf(table->id); now.size() != indexes.size();
       now = db_->catalog().IndexesOf(table->id)) {
    indexes = std::move(now);
    RETURN_IF_ERROR(LockRowsForWrite(*table, indexes, rows));
  }
  bool in_block = txn_->status == TxnStatus::kInBlock;
  std::unique_ptr<TableWriter> own;
  TableWriter* writer;
  size_t target = 0;
  if (in_block && !skip_conflicts) {
    if (txn_->writer == nullptr) {
      txn_->writer = std::make_unique<TableWriter>(db_->ledger()->db(), table, indexes);
    }
    writer = txn_->writer.get();
    std::optional<size_t> t = writer->FindTarget(table->id);
    target = t ? *t : writer->AddTarget(table, indexes);
  } else {
    // Outside a block, and for ON CONFLICT DO NOTHING (which must see the keys of earlier
    // commits; inside a block it commits at once, see docs/SQL.md).
    own = std::make_unique<TableWriter>(db_->ledger()->db(), table, indexes);
    writer = own.get();
  }
  // The ledger's transaction id (docs/format/write_batch.md): the lock manager's id of the block,
  // or of this statement outside one. LockRowsForWrite above took it, and a block keeps it from
  // its first lock to COMMIT, so all the rows of one block carry one id.
  writer->set_txn_id(LockOwner());
  uint64_t count = rows.size();
  for (auto& row : rows) {
    std::string null_column;  // the column a 23502 is about
    for (size_t c = 0; c < table->columns.size() && null_column.empty(); ++c) {
      if (table->columns[c].not_null && row[c].is_null()) null_column = table->columns[c].name;
    }
    Status added = writer->Add(target, std::move(row));
    if (!added.ok()) {
      if (error != nullptr && added.sqlstate() == kSqlStateNotNullViolation) {
        error->schema_name = kPublicSchema;
        error->table_name = table->name;
        error->column_name = null_column;
      }
      return added;
    }
  }
  if (in_block && own == nullptr) {
    std::string detail, table_name, constraint;
    Status unique = writer->CheckUnique(&detail, &table_name, &constraint);
    if (!unique.ok()) {
      if (error != nullptr) {
        error->detail = detail;
        error->schema_name = kPublicSchema;
        error->table_name = table_name;
        error->constraint_name = constraint;
      }
      return unique;  // the block fails, so the queued rows are never written
    }
    const DatabaseOptions& o = db_->options();
    if (writer->pending() > o.max_transaction_rows ||
        writer->pending_bytes() > o.max_transaction_bytes) {
      return Status::InvalidArgument("transaction too large: more than " +
                                     std::to_string(o.max_transaction_rows) + " rows or " +
                                     std::to_string(o.max_transaction_bytes) +
                                     " bytes buffered; commit in smaller transactions")
          .WithSqlState(kSqlStateProgramLimitExceeded);
    }
    return count;
  }
  RETURN_IF_ERROR(StartCommit());
  std::string detail, table_name, constraint;
  Result<uint64_t> written = skip_conflicts
                                 ? writer->CommitSkippingConflicts(written_rows, arbiter, &detail,
                                                                   &table_name, &constraint)
                                 : writer->Commit(&detail, &table_name, &constraint);
  if (!written.ok()) {
    if (error != nullptr && !constraint.empty()) {
      error->detail = detail;
      error->schema_name = kPublicSchema;
      error->table_name = table_name;
      error->constraint_name = constraint;
    }
    return written.TakeStatus();
  }
  return skip_conflicts ? *written : count;
}

Status Executor::RunInsert(const InsertStmt& stmt, Execution& exec, bool describe_only) {
  Binder& binder = exec.binder;
  if (stmt.with != nullptr) {
    return binder.ErrorAt(FeatureNotSupported("WITH in INSERT is not supported yet"),
                          stmt.position);
  }
  if (stmt.on_conflict.action == OnConflictAction::kDoUpdate) {
    return binder.ErrorAt(AppendOnlyError("INSERT ... ON CONFLICT DO UPDATE", stmt.table.name),
                          stmt.on_conflict.position);
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const TableDef> table, FindTableOrError(stmt.table, binder));
  if (!describe_only) RETURN_IF_ERROR(CheckWritable("INSERT"));
  std::optional<TableWriter::ConflictArbiter> arbiter;
  RETURN_IF_ERROR(CheckConflictTarget(stmt, *table, binder, db_->catalog(), &arbiter));
  ASSIGN_OR_RETURN(
      std::vector<uint32_t> columns,
      TargetColumns(*table, stmt.columns, binder, stmt.table.position, stmt.column_positions));
  ASSIGN_OR_RETURN(ColumnDefaults defaults, ParseDefaults(*table));
  // Rows of the source, as values per target column; DEFAULT leaves a column out of that row.
  std::vector<std::vector<Value>> rows;
  std::vector<std::vector<uint32_t>> row_columns;
  const Query* source = stmt.source.get();
  if (source != nullptr && source->body->Is<ValuesBody>() && source->order_by.empty() &&
      source->limit == nullptr && source->offset == nullptr && source->with == nullptr) {
    Scope empty;
    for (const auto& values : source->body->As<ValuesBody>().rows) {
      if (values.size() > columns.size()) {
        return binder.ErrorAt(
            Status::InvalidArgument("INSERT has more expressions than target columns")
                .WithSqlState("42601"),
            values[columns.size()]->position);
      }
      if (!stmt.columns.empty() && values.size() < columns.size()) {
        return binder.ErrorAt(
            Status::InvalidArgument("INSERT has more target columns than expressions")
                .WithSqlState("42601"),
            stmt.table.position);
      }
      std::vector<BoundExprPtr> bound;
      std::vector<uint32_t> cols;
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i]->Is<DefaultExpr>()) continue;
        const ColumnSchema& col = table->columns[columns[i]];
        RETURN_IF_ERROR(CheckIdentityOverride(col, stmt.overriding, binder, values[i]->position));
        ASSIGN_OR_RETURN(BoundExprPtr b, binder.Bind(*values[i], empty, "VALUES"));
        ASSIGN_OR_RETURN(
            b, binder.CoerceForAssignment(std::move(b), col.type, col.name, values[i]->position));
        bound.push_back(std::move(b));
        cols.push_back(columns[i]);
      }
      if (describe_only) continue;
      std::vector<Value> row;
      for (const BoundExprPtr& b : bound) {
        ASSIGN_OR_RETURN(Value v, Eval(*b, {}, exec.eval));
        row.push_back(std::move(v));
      }
      rows.push_back(std::move(row));
      row_columns.push_back(std::move(cols));
    }
  } else if (source != nullptr) {
    PlanContext ctx = MakePlanContext(exec, describe_only);
    ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(*source, ctx));
    if (plan.columns.size() > columns.size()) {
      return binder.ErrorAt(
          Status::InvalidArgument("INSERT has more expressions than target columns")
              .WithSqlState("42601"),
          source->position);
    }
    std::vector<uint32_t> cols(columns.begin(), columns.begin() + plan.columns.size());
    for (size_t i = 0; i < cols.size(); ++i) {
      const ColumnSchema& col = table->columns[cols[i]];
      RETURN_IF_ERROR(CheckIdentityOverride(col, stmt.overriding, binder, source->position));
      if (!CanCast(plan.columns[i].type.id(), col.type.id(), CastContext::kAssignment)) {
        return binder.ErrorAt(
            DatatypeMismatch("column \"" + col.name + "\" is of type " + col.type.Name() +
                             " but expression is of type " + plan.columns[i].type.Name()),
            source->position);
      }
    }
    if (!describe_only) {
      std::vector<Value> row;
      while (true) {
        ASSIGN_OR_RETURN(bool more, plan.source->Next(&row));
        if (!more) break;
        for (size_t i = 0; i < cols.size(); ++i) {
          ASSIGN_OR_RETURN(
              row[i], CastValue(row[i], table->columns[cols[i]].type, CastContext::kAssignment));
        }
        rows.push_back(std::move(row));
        row_columns.push_back(cols);
      }
    }
  } else if (!describe_only) {
    rows.emplace_back();  // DEFAULT VALUES
    row_columns.emplace_back();
  }
  // RETURNING, bound against the table's columns.
  std::vector<BoundExprPtr> returning;
  std::vector<ResultColumn> returning_columns;
  Scope table_scope;
  std::string qualifier = stmt.alias.empty() ? table->name : stmt.alias;
  for (const ColumnSchema& c : table->columns) {
    table_scope.columns.push_back(ScopeColumn{qualifier, c.name, c.type});
  }
  for (const TargetItem& t : stmt.returning) {
    if (t.expr->Is<StarExpr>()) {
      for (size_t c = 0; c < table->columns.size(); ++c) {
        returning.push_back(MakeColumn(static_cast<int>(c), table->columns[c].type));
        returning_columns.push_back(ResultColumn{table->columns[c].name, table->columns[c].type});
      }
      continue;
    }
    ASSIGN_OR_RETURN(BoundExprPtr b, binder.Bind(*t.expr, table_scope, "RETURNING"));
    if (b->type.id() == TypeId::kUnknown || b->type.id() == TypeId::kNull) {
      ASSIGN_OR_RETURN(
          b, binder.CoerceImplicit(std::move(b), Type::Of(TypeId::kText), t.expr->position));
    }
    returning_columns.push_back(
        ResultColumn{t.alias.empty() ? FigureColumnName(*t.expr) : t.alias, b->type});
    returning.push_back(std::move(b));
  }
  exec.columns = returning_columns;
  StatementResult result;
  result.kind = stmt.returning.empty() ? ResultKind::kCommand : ResultKind::kRows;
  result.columns = returning_columns;
  if (describe_only) {
    exec.result = std::move(result);
    return Status::OK();
  }
  std::vector<std::vector<Value>> full_rows;
  for (size_t r = 0; r < rows.size(); ++r) {
    ASSIGN_OR_RETURN(std::vector<Value> full,
                     CompleteRow(*table, row_columns[r], std::move(rows[r]), defaults.exprs, exec));
    full_rows.push_back(std::move(full));
  }
  bool skip = stmt.on_conflict.action == OnConflictAction::kDoNothing;
  auto add_returning = [&](const std::vector<std::vector<Value>>& rows_out) -> Status {
    for (const auto& row : rows_out) {
      std::vector<Value> out;
      for (const BoundExprPtr& b : returning) {
        ASSIGN_OR_RETURN(Value v, Eval(*b, row, exec.eval));
        out.push_back(std::move(v));
      }
      result.rows.push_back(std::move(out));
    }
    return Status::OK();
  };
  if (!returning.empty() && !skip) RETURN_IF_ERROR(add_returning(full_rows));
  std::vector<std::vector<Value>> written;
  ASSIGN_OR_RETURN(uint64_t inserted, WriteRows(table, std::move(full_rows), skip, error_,
                                                returning.empty() ? nullptr : &written,
                                                arbiter.has_value() ? &*arbiter : nullptr));
  if (!returning.empty() && skip) RETURN_IF_ERROR(add_returning(written));
  db_->stats().rows_inserted.fetch_add(inserted, std::memory_order_relaxed);
  result.tag = "INSERT 0 " + std::to_string(inserted);
  exec.result = std::move(result);
  return Status::OK();
}

}  // namespace blockdb::sql::exec
