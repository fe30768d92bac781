// CREATE TABLE, CREATE INDEX (with back-fill of existing rows) and CREATE ROLE.
#include <set>

#include "common/key_coding.h"
#include "engine/iterator.h"
#include "engine/ledger_db.h"
#include "sql/catalog/catalog.h"
#include "sql/exec/executor.h"
#include "sql/storage/table_codec.h"
#include "sql/types/cast.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

std::string QuoteLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// The SQL text stored for a DEFAULT expression. BlockDB stores constants, casts of constants
// and argument-less functions (now(), CURRENT_TIMESTAMP, gen_random_uuid()); it re-parses the
// text at each INSERT.
Result<std::string> DefaultText(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const auto& l = e.As<LiteralExpr>();
      switch (l.literal_kind) {
        case LiteralKind::kNull:
          return std::string("NULL");
        case LiteralKind::kBoolean:
          return l.value;
        case LiteralKind::kInteger:
        case LiteralKind::kNumeric:
          return l.value[0] == '-' ? "(" + l.value + ")" : l.value;
        case LiteralKind::kString:
          return QuoteLiteral(l.value);
        default:
          break;
      }
      break;
    }
    case ExprKind::kCast: {
      const auto& c = e.As<CastExpr>();
      ASSIGN_OR_RETURN(std::string inner, DefaultText(*c.arg));
      return "(" + inner + ")::" + c.type.ToString();
    }
    case ExprKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      ASSIGN_OR_RETURN(std::string inner, DefaultText(*u.operand));
      return "(" + u.op.name + inner + ")";
    }
    case ExprKind::kFunction: {
      const auto& f = e.As<FunctionExpr>();
      if (f.args.empty() && !f.star && f.name.size() == 1) return f.name[0] + "()";
      break;
    }
    case ExprKind::kSqlValue:
      switch (e.As<SqlValueExpr>().value) {
        case SqlValue::kCurrentTimestamp:
          return std::string("CURRENT_TIMESTAMP");
        case SqlValue::kCurrentDate:
          return std::string("CURRENT_DATE");
        case SqlValue::kLocalTimestamp:
          return std::string("LOCALTIMESTAMP");
        case SqlValue::kCurrentUser:
        case SqlValue::kUser:
          return std::string("CURRENT_USER");
        default:
          break;
      }
      break;
    default:
      break;
  }
  return FeatureNotSupported(
      "DEFAULT expressions may be constants, casts of constants or functions without "
      "arguments such as now()");
}

// serial types: their integer type, and the column becomes an identity column.
std::optional<TypeId> SerialType(const TypeName& t) {
  if (t.names.size() != 1 || t.array_dims > 0) return std::nullopt;
  const std::string& n = t.names[0];
  if (n == "serial" || n == "serial4") return TypeId::kInt4;
  if (n == "bigserial" || n == "serial8") return TypeId::kInt8;
  if (n == "smallserial" || n == "serial2") return TypeId::kInt2;
  return std::nullopt;
}

}  // namespace

Status Executor::RunCreateTable(const CreateTableStmt& stmt, Execution& exec) {
  Binder& binder = exec.binder;
  if (stmt.as_query != nullptr) {
    return binder.ErrorAt(FeatureNotSupported("CREATE TABLE AS is not supported yet"),
                          stmt.position);
  }
  if (!stmt.name.schema.empty() && stmt.name.schema != kPublicSchema) {
    return binder.ErrorAt(
        Status::InvalidArgument("schema \"" + stmt.name.schema + "\" does not exist")
            .WithSqlState("3F000"),
        stmt.name.position);
  }
  RETURN_IF_ERROR(CheckWritable("CREATE TABLE"));
  TableDef def;
  def.name = stmt.name.name;
  std::vector<std::string> primary_key;
  std::vector<std::vector<std::string>> unique_sets;
  for (const ColumnDef& c : stmt.columns) {
    ColumnSchema col;
    col.name = c.name;
    if (std::optional<TypeId> serial = SerialType(c.type)) {
      col.type = Type::Of(*serial);
      col.identity = true;
      col.not_null = true;
    } else {
      Result<Type> t = ResolveTypeName(c.type);
      if (!t.ok()) return binder.ErrorAt(t.TakeStatus(), c.type.position);
      col.type = *t;
    }
    if (col.type.id() == TypeId::kUnknown || col.type.id() == TypeId::kNull) {
      return binder.ErrorAt(FeatureNotSupported("column type unknown is not supported"),
                            c.position);
    }
    for (const Constraint& k : c.constraints) {
      switch (k.kind) {
        case ConstraintKind::kNotNull:
          col.not_null = true;
          break;
        case ConstraintKind::kNull:
          break;
        case ConstraintKind::kPrimaryKey:
          if (!primary_key.empty()) {
            return binder.ErrorAt(Status::InvalidArgument("multiple primary keys for table \"" +
                                                          def.name + "\" are not allowed")
                                      .WithSqlState(kSqlStateInvalidTableDefinition),
                                  k.position);
          }
          primary_key.push_back(c.name);
          break;
        case ConstraintKind::kUnique:
          unique_sets.push_back({c.name});
          break;
        case ConstraintKind::kDefault: {
          Result<std::string> text = DefaultText(*k.expr);
          if (!text.ok()) return binder.ErrorAt(text.TakeStatus(), k.expr->position);
          // Check now that the default converts to the column's type.
          // Check now that the default converts to the column's type; its value is checked at
          // each INSERT, as in PostgreSQL ('toolong' for VARCHAR(2) fails there, with 22001).
          Scope empty;
          ASSIGN_OR_RETURN(BoundExprPtr b, binder.Bind(*k.expr, empty, "DEFAULT"));
          if (!CanCast(b->type.id(), col.type.id(), CastContext::kAssignment)) {
            return binder.ErrorAt(
                DatatypeMismatch("column \"" + col.name + "\" is of type " + col.type.Name() +
                                 " but default expression is of type " + b->type.Name()),
                k.expr->position);
          }
          col.default_expr = std::move(text).value();
          break;
        }
        case ConstraintKind::kIdentity:
          if (CategoryOf(col.type.id()) != TypeCategory::kNumeric ||
              col.type.id() == TypeId::kNumeric || col.type.id() == TypeId::kFloat4 ||
              col.type.id() == TypeId::kFloat8) {
            return binder.ErrorAt(
                Status::InvalidArgument("identity column type must be smallint, integer, or "
                                        "bigint")
                    .WithSqlState(kSqlStateInvalidTableDefinition),
                k.position);
          }
          col.identity = true;
          col.identity_always = k.identity_always;
          col.not_null = true;
          break;
        case ConstraintKind::kCollate:
          break;  // one collation (C)
        default:
          return binder.ErrorAt(FeatureNotSupported("CHECK, REFERENCES and generated columns "
                                                    "are not supported yet"),
                                k.position);
      }
    }
    def.columns.push_back(std::move(col));
  }
  for (const Constraint& k : stmt.constraints) {
    if (k.kind == ConstraintKind::kPrimaryKey) {
      if (!primary_key.empty()) {
        return binder.ErrorAt(Status::InvalidArgument("multiple primary keys for table \"" +
                                                      def.name + "\" are not allowed")
                                  .WithSqlState(kSqlStateInvalidTableDefinition),
                              k.position);
      }
      primary_key = k.columns;
    } else if (k.kind == ConstraintKind::kUnique) {
      unique_sets.push_back(k.columns);
    } else {
      return binder.ErrorAt(
          FeatureNotSupported("CHECK and FOREIGN KEY constraints are not supported yet"),
          k.position);
    }
  }
  for (const std::string& name : primary_key) {
    std::optional<uint32_t> c = def.FindColumn(name);
    if (!c) {
      return binder.ErrorAt(
          Status::InvalidArgument("column \"" + name + "\" named in key does not exist")
              .WithSqlState(kSqlStateUndefinedColumn),
          stmt.position);
    }
    def.primary_key.push_back(KeyPart{*c, false});
  }
  bool created = false;
  Result<std::shared_ptr<const TableDef>> table =
      db_->catalog().CreateTable(std::move(def), stmt.if_not_exists, &created);
  if (!table.ok()) return binder.ErrorAt(table.TakeStatus(), stmt.name.position);
  StatementResult r;
  r.kind = ResultKind::kCommand;
  r.tag = "CREATE TABLE";
  if (!created) {
    r.notices.push_back(
        Notice{"NOTICE", "42P07", "relation \"" + stmt.name.name + "\" already exists, skipping"});
  }
  // UNIQUE constraints become unique indexes named as PostgreSQL names them.
  for (const auto& cols : unique_sets) {
    if (!created) break;
    IndexDef index;
    index.table_id = (*table)->id;
    index.unique = true;
    index.name = (*table)->name;
    for (const std::string& name : cols) {
      std::optional<uint32_t> c = (*table)->FindColumn(name);
      if (!c) {
        return binder.ErrorAt(
            Status::InvalidArgument("column \"" + name + "\" named in key does not exist")
                .WithSqlState(kSqlStateUndefinedColumn),
            stmt.position);
      }
      index.columns.push_back(KeyPart{*c, false});
      index.name += "_" + name;
    }
    index.name += "_key";
    Result<std::shared_ptr<const IndexDef>> made =
        db_->catalog().CreateIndex(std::move(index), false);
    if (!made.ok()) return made.TakeStatus();
  }
  exec.result = std::move(r);
  return Status::OK();
}

Status Executor::RunCreateIndex(const CreateIndexStmt& stmt, Execution& exec) {
  Binder& binder = exec.binder;
  if (stmt.where != nullptr || !stmt.include.empty() ||
      (!stmt.method.empty() && stmt.method != "btree")) {
    return binder.ErrorAt(
        FeatureNotSupported("partial indexes, INCLUDE and index methods other than btree are "
                            "not supported"),
        stmt.position);
  }
  RETURN_IF_ERROR(CheckWritable("CREATE INDEX"));
  ASSIGN_OR_RETURN(std::shared_ptr<const TableDef> table, FindTableOrError(stmt.table, binder));
  IndexDef def;
  def.table_id = table->id;
  def.unique = stmt.unique;
  std::string auto_name = table->name;
  for (const IndexElem& e : stmt.elems) {
    if (e.column.empty()) {
      return binder.ErrorAt(FeatureNotSupported("expression indexes are not supported"),
                            e.position);
    }
    std::optional<uint32_t> c = table->FindColumn(e.column);
    if (!c) {
      return binder.ErrorAt(Status::InvalidArgument("column \"" + e.column + "\" does not exist")
                                .WithSqlState(kSqlStateUndefinedColumn),
                            e.position);
    }
    def.columns.push_back(KeyPart{*c, e.order == SortOrder::kDesc});
    auto_name += "_" + e.column;
  }
  def.name = stmt.name.empty() ? auto_name + (stmt.unique ? "_key" : "_idx") : stmt.name;
  // Writers hold their row locks until they commit (LockRowsForWrite). A shared lock on the
  // whole table waits for those in flight and keeps new ones waiting until the index exists and
  // is filled, so every row is either committed before the scans below or written by a writer
  // that finds the index once it has its locks (WriteRows). Held to the end of the statement,
  // or of the transaction block, as PostgreSQL holds CREATE INDEX's SHARE lock.
  const std::string prefix = RelationKeyPrefix(table->id);
  RETURN_IF_ERROR(db_->locks().Lock(LockOwner(), prefix, KeyPrefixEnd(prefix),
                                    txn::LockMode::kShared, MakeLockWait(control_)));
  // This block's writer target for the table, and the rows it has queued there: checked for
  // uniqueness with the others, and written with their index entries at COMMIT.
  std::optional<size_t> target =
      txn_->writer != nullptr ? txn_->writer->FindTarget(table->id) : std::nullopt;
  const std::vector<std::vector<Value>>* pending =
      target ? txn_->writer->PendingRows(table->id) : nullptr;
  // Existing rows: a unique index is checked before it is created (catalog rows cannot be
  // removed, so a failed CREATE UNIQUE INDEX must not leave one behind); entries are written
  // after creation, in batches, skipping those a concurrent writer added already.
  DB* db = db_->ledger()->db();
  uint64_t snapshot = db->AppliedIndex();
  auto scan = [&](const std::function<Status(std::string_view pk, std::vector<Value>&)>& f) {
    std::unique_ptr<Iterator> it = db->NewIterator(snapshot);
    std::string end = KeyPrefixEnd(prefix);
    for (it->Seek(prefix); it->Valid() && it->key() < end; it->Next()) {
      std::string_view pk = it->key().substr(prefix.size());
      ASSIGN_OR_RETURN(std::vector<Value> row, DecodeTableRow(*table, pk, it->value()));
      RETURN_IF_ERROR(f(pk, row));
    }
    return it->status();
  };
  if (def.unique) {
    std::set<std::string> seen;
    auto check = [&](std::string_view pk, std::vector<Value>& row) -> Status {
      IndexEntry entry = EncodeIndexEntry(def, *table, row, pk);
      if (!seen.insert(entry.key).second) {
        std::string names, values;
        for (size_t i = 0; i < def.columns.size(); ++i) {
          names += (i > 0 ? ", " : "") + table->columns[def.columns[i].column].name;
          values += (i > 0 ? ", " : "") + FormatValue(row[def.columns[i].column]);
        }
        if (error_ != nullptr) {
          error_->detail = "Key (" + names + ")=(" + values + ") is duplicated.";
        }
        return Status::DuplicateKey("could not create unique index \"" + def.name + "\"")
            .WithSqlState(kSqlStateUniqueViolation);
      }
      return Status::OK();
    };
    RETURN_IF_ERROR(scan(check));
    if (pending != nullptr) {
      for (std::vector<Value> row : *pending) {
        bool any_null = false;  // NULLs never conflict; their entries carry the row key
        for (const KeyPart& p : def.columns) any_null = any_null || row[p.column].is_null();
        if (!any_null) RETURN_IF_ERROR(check("", row));
      }
    }
  }
  bool created = false;
  Result<std::shared_ptr<const IndexDef>> index =
      db_->catalog().CreateIndex(def, stmt.if_not_exists, &created);
  if (!index.ok()) return binder.ErrorAt(index.TakeStatus(), stmt.position);
  StatementResult r;
  r.kind = ResultKind::kCommand;
  r.tag = "CREATE INDEX";
  if (!created) {
    r.notices.push_back(
        Notice{"NOTICE", "42P07", "relation \"" + def.name + "\" already exists, skipping"});
    exec.result = std::move(r);
    return Status::OK();
  }
  if (target) {
    // The block's queued rows, and those it queues later, go into the new index at COMMIT;
    // their entries' range is this block's to insert into, as for its other rows. (Another
    // session's CREATE INDEX cannot make the target's list stale: it waits for this block.)
    std::string index_prefix = RelationKeyPrefix((*index)->id);
    RETURN_IF_ERROR(db_->locks().Lock(LockOwner(), index_prefix, KeyPrefixEnd(index_prefix),
                                      txn::LockMode::kInsert, MakeLockWait(control_)));
    txn_->writer->SetIndexes(*target, db_->catalog().IndexesOf(table->id));
  }
  snapshot = db->AppliedIndex();
  WriteBatch batch;
  std::string value;
  auto flush = [&]() -> Status {
    if (batch.entries().empty()) return Status::OK();
    Result<uint64_t> w = db->Write(batch);
    batch = WriteBatch();
    return w.status();
  };
  RETURN_IF_ERROR(scan([&](std::string_view pk, std::vector<Value>& row) -> Status {
    IndexEntry entry = EncodeIndexEntry(**index, *table, row, pk);
    Status s = db->Get(entry.key, &value);
    if (s.ok()) return Status::OK();
    if (!s.IsNotFound()) return s;
    batch.Insert(entry.key, entry.value);
    if (batch.entries().size() >= 1000) return flush();
    return Status::OK();
  }));
  RETURN_IF_ERROR(flush());
  exec.result = std::move(r);
  return Status::OK();
}

Status Executor::RunCreateRole(const CreateRoleStmt& stmt, Execution& exec) {
  RETURN_IF_ERROR(CheckWritable("CREATE ROLE"));
  RoleDef role;
  role.name = stmt.name;
  role.login = stmt.role_kind == RoleKind::kUser;
  for (const OptionItem& o : stmt.options) {
    bool on = o.value.value_or("true") == "true";
    if (o.name == "login") {
      role.login = on;
    } else if (o.name == "superuser") {
      role.superuser = on;
    } else if (o.name == "password") {
      if (!o.value) continue;  // PASSWORD NULL
      if (!db_->options().make_password_verifier) {
        return FeatureNotSupported("passwords cannot be set without the wire server");
      }
      ASSIGN_OR_RETURN(role.scram_verifier, db_->options().make_password_verifier(*o.value));
    }
  }
  Status s = db_->catalog().CreateRole(std::move(role), false);
  if (!s.ok()) return exec.binder.ErrorAt(std::move(s), stmt.position);
  StatementResult r;
  r.kind = ResultKind::kCommand;
  r.tag = "CREATE ROLE";
  exec.result = std::move(r);
  return Status::OK();
}

}  // namespace blockdb::sql::exec
