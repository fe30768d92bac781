// AstBuilder: the script, INSERT, CREATE TABLE/INDEX/ROLE and the opaque statements.
#include "sql/internal/ast_builder.h"

namespace blockdb::sql::internal {
namespace {

std::string TypeWords(P::ObjectTypeContext* ctx) {
  std::string words = AstBuilder::UpperText(ctx);
  const std::string suffix = " CONCURRENTLY";
  if (words.size() > suffix.size() &&
      words.compare(words.size() - suffix.size(), suffix.size(), suffix) == 0) {
    words.resize(words.size() - suffix.size());
  }
  return words;
}

// LOGIN / NOLOGIN style role options and the OptionItem name each one sets.
bool RoleFlag(const std::string& word, std::string* name, bool* value) {
  static constexpr const char* kFlags[] = {"login",   "superuser",   "createdb", "createrole",
                                           "inherit", "replication", "bypassrls"};
  for (const char* flag : kFlags) {
    if (word == flag || word == std::string("no") + flag) {
      *name = flag;
      *value = word == flag;
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<StatementPtr> AstBuilder::BuildScript(P::ScriptContext* ctx) {
  std::vector<StatementPtr> statements;
  for (P::StatementContext* s : ctx->statement()) {
    statements.push_back(BuildStatement(s));
  }
  return statements;
}

void AstBuilder::FillSource(antlr4::ParserRuleContext* ctx, Statement* stmt) const {
  const size_t first = ctx->getStart()->getStartIndex();
  const size_t last = ctx->getStop()->getStopIndex();
  stmt->position = static_cast<int>(first) + 1;
  stmt->span.begin = byte_offsets_[first];
  stmt->span.end = byte_offsets_[last + 1];
  stmt->text = std::string(text_.substr(stmt->span.begin, stmt->span.end - stmt->span.begin));
}

StatementPtr AstBuilder::BuildStatement(P::StatementContext* ctx) {
  return BuildStatementNode(dynamic_cast<antlr4::ParserRuleContext*>(ctx->children.at(0)));
}

StatementPtr AstBuilder::BuildStatementNode(antlr4::ParserRuleContext* ctx) {
  StatementPtr stmt;
  if (auto* q = dynamic_cast<P::QueryStatementContext*>(ctx)) {
    auto select = std::make_unique<SelectStmt>(Pos(q));
    select->query = BuildQuery(q->queryExpression());
    stmt = std::move(select);
  } else if (auto* i = dynamic_cast<P::InsertStmtContext*>(ctx)) {
    stmt = BuildInsert(i);
  } else if (auto* t = dynamic_cast<P::CreateTableStmtContext*>(ctx)) {
    stmt = BuildCreateTable(t);
  } else if (auto* x = dynamic_cast<P::CreateIndexStmtContext*>(ctx)) {
    stmt = BuildCreateIndex(x);
  } else if (auto* r = dynamic_cast<P::CreateRoleStmtContext*>(ctx)) {
    stmt = BuildCreateRole(r);
  } else {
    stmt = BuildOpaque(ctx);
    if (stmt == nullptr) {
      stmt = BuildSessionStatement(ctx);
    }
  }
  FillSource(ctx, stmt.get());
  return stmt;
}

// ---------------------------------------------------------------------------------------------
// INSERT

StatementPtr AstBuilder::BuildInsert(P::InsertStmtContext* ctx) {
  auto s = std::make_unique<InsertStmt>(Pos(ctx));
  if (ctx->withClause() != nullptr) {
    s->with = BuildWith(ctx->withClause());
  }
  s->table = BuildQualifiedName(ctx->qualifiedName());
  if (ctx->colId() != nullptr) {
    s->alias = Name(ctx->colId());
  }
  for (P::InsertColumnContext* c : ctx->insertColumn()) {
    s->columns.push_back(Name(c));
    s->column_positions.push_back(Pos(c));
  }
  if (ctx->OVERRIDING_() != nullptr) {
    s->overriding =
        ctx->SYSTEM_() != nullptr ? OverridingKind::kSystemValue : OverridingKind::kUserValue;
  }
  if (ctx->insertSource()->queryExpression() != nullptr) {
    s->source = BuildQuery(ctx->insertSource()->queryExpression());
  }
  if (P::OnConflictClauseContext* oc = ctx->onConflictClause()) {
    s->on_conflict.position = Pos(oc);
    s->on_conflict.action =
        oc->NOTHING_() != nullptr ? OnConflictAction::kDoNothing : OnConflictAction::kDoUpdate;
    if (P::ConflictTargetContext* target = oc->conflictTarget()) {
      if (target->CONSTRAINT_() != nullptr) {
        s->on_conflict.constraint = Name(target->colId());
      } else {
        s->on_conflict.target = BuildIndexElems(target->indexElem());
        if (target->whereClause() != nullptr) {
          s->on_conflict.target_where = BuildExpr(target->whereClause()->expr());
        }
      }
    }
    for (P::SetClauseContext* c : oc->setClause()) {
      if (c->colId() != nullptr) {
        s->on_conflict.set.push_back(
            {Name(c->colId()), BuildExprOrDefault(c->exprOrDefault(0)), Pos(c)});
        continue;
      }
      const std::vector<std::string> columns = NameList(c->nameList());
      const std::vector<P::ExprOrDefaultContext*> values = c->exprOrDefault();
      if (columns.size() != values.size()) {
        Fail(c->getStart(), "number of columns does not match number of values");
      }
      for (size_t k = 0; k < columns.size(); ++k) {
        s->on_conflict.set.push_back({columns[k], BuildExprOrDefault(values[k]), Pos(values[k])});
      }
    }
    if (oc->whereClause() != nullptr) {
      s->on_conflict.where = BuildExpr(oc->whereClause()->expr());
    }
  }
  if (ctx->returningClause() != nullptr) {
    s->returning = BuildTargets(ctx->returningClause()->targetList());
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// CREATE TABLE / INDEX / ROLE

Constraint AstBuilder::BuildColumnConstraint(P::ColumnConstraintContext* ctx) {
  Constraint c;
  c.position = Pos(ctx);
  if (ctx->colId() != nullptr) {
    c.name = Name(ctx->colId());
  }
  P::ColumnConstraintBodyContext* body = ctx->columnConstraintBody();
  if (dynamic_cast<P::NotNullConstraintContext*>(body) != nullptr) {
    c.kind = ConstraintKind::kNotNull;
  } else if (dynamic_cast<P::NullConstraintContext*>(body) != nullptr) {
    c.kind = ConstraintKind::kNull;
  } else if (dynamic_cast<P::PrimaryKeyConstraintContext*>(body) != nullptr) {
    c.kind = ConstraintKind::kPrimaryKey;
  } else if (dynamic_cast<P::UniqueConstraintContext*>(body) != nullptr) {
    c.kind = ConstraintKind::kUnique;
  } else if (auto* d = dynamic_cast<P::DefaultConstraintContext*>(body)) {
    c.kind = ConstraintKind::kDefault;
    c.expr = BuildValue(d->valueExpr());
  } else if (auto* i = dynamic_cast<P::IdentityConstraintContext*>(body)) {
    c.kind = ConstraintKind::kIdentity;
    c.identity_always = i->ALWAYS_() != nullptr;
  } else if (auto* g = dynamic_cast<P::GeneratedConstraintContext*>(body)) {
    c.kind = ConstraintKind::kGenerated;
    c.expr = BuildExpr(g->expr());
  } else if (auto* k = dynamic_cast<P::CheckConstraintContext*>(body)) {
    c.kind = ConstraintKind::kCheck;
    c.expr = BuildExpr(k->expr());
  } else if (auto* r = dynamic_cast<P::ReferencesConstraintContext*>(body)) {
    c.kind = ConstraintKind::kReferences;
    c.ref_table = BuildQualifiedName(r->qualifiedName());
    if (r->nameList() != nullptr) {
      c.ref_columns = NameList(r->nameList());
    }
  } else if (auto* l = dynamic_cast<P::CollateConstraintContext*>(body)) {
    c.kind = ConstraintKind::kCollate;
    c.collation = AnyName(l->anyName());
  }
  return c;
}

Constraint AstBuilder::BuildTableConstraint(P::TableConstraintContext* ctx) {
  Constraint c;
  c.position = Pos(ctx);
  if (ctx->colId() != nullptr) {
    c.name = Name(ctx->colId());
  }
  P::TableConstraintBodyContext* body = ctx->tableConstraintBody();
  if (auto* p = dynamic_cast<P::PrimaryKeyTableConstraintContext*>(body)) {
    c.kind = ConstraintKind::kPrimaryKey;
    c.columns = NameList(p->nameList());
  } else if (auto* u = dynamic_cast<P::UniqueTableConstraintContext*>(body)) {
    c.kind = ConstraintKind::kUnique;
    c.columns = NameList(u->nameList());
  } else if (auto* k = dynamic_cast<P::CheckTableConstraintContext*>(body)) {
    c.kind = ConstraintKind::kCheck;
    c.expr = BuildExpr(k->expr());
  } else if (auto* f = dynamic_cast<P::ForeignKeyTableConstraintContext*>(body)) {
    c.kind = ConstraintKind::kReferences;
    c.columns = NameList(f->nameList(0));
    c.ref_table = BuildQualifiedName(f->qualifiedName());
    if (f->nameList().size() > 1) {
      c.ref_columns = NameList(f->nameList(1));
    }
  }
  return c;
}

StatementPtr AstBuilder::BuildCreateTable(P::CreateTableStmtContext* ctx) {
  auto s = std::make_unique<CreateTableStmt>(Pos(ctx));
  P::TableScopeContext* scope = ctx->getRuleContext<P::TableScopeContext>(0);
  s->temporary = scope != nullptr && scope->UNLOGGED_() == nullptr;
  s->if_not_exists = ctx->getToken(P::IF_, 0) != nullptr;
  s->name = BuildQualifiedName(ctx->getRuleContext<P::QualifiedNameContext>(0));
  if (auto* c = dynamic_cast<P::CreateTableContext*>(ctx)) {
    for (P::TableElementContext* element : c->tableElement()) {
      if (P::TableConstraintContext* tc = element->tableConstraint()) {
        s->constraints.push_back(BuildTableConstraint(tc));
        continue;
      }
      P::ColumnDefContext* def = element->columnDef();
      ColumnDef col;
      col.position = Pos(def);
      col.name = Name(def->colId());
      col.type = BuildTypeName(def->typeName());
      for (P::ColumnConstraintContext* cc : def->columnConstraint()) {
        col.constraints.push_back(BuildColumnConstraint(cc));
      }
      s->columns.push_back(std::move(col));
    }
    return s;
  }
  auto* as = dynamic_cast<P::CreateTableAsContext*>(ctx);
  BLOCKDB_CHECK(as != nullptr);
  if (as->nameList() != nullptr) {
    for (P::ColIdContext* id : as->nameList()->colId()) {
      ColumnDef col;
      col.position = Pos(id);
      col.name = Name(id);
      s->columns.push_back(std::move(col));
    }
  }
  s->as_query = BuildQuery(as->queryExpression());
  s->with_data = as->DATA_() == nullptr || as->NO_() == nullptr;
  return s;
}

std::vector<IndexElem> AstBuilder::BuildIndexElems(const std::vector<P::IndexElemContext*>& elems) {
  std::vector<IndexElem> out;
  for (P::IndexElemContext* e : elems) {
    IndexElem elem;
    elem.position = Pos(e);
    if (e->colId() != nullptr) {
      elem.column = Name(e->colId());
    } else if (e->functionCall() != nullptr) {
      elem.expr = BuildFunctionCall(e->functionCall());
    } else {
      elem.expr = BuildExpr(e->expr());
    }
    const std::vector<P::AnyNameContext*> names = e->anyName();
    size_t next = 0;
    if (e->COLLATE_() != nullptr) {
      elem.collation = AnyName(names.at(next++));
    }
    if (next < names.size()) {
      elem.opclass = AnyName(names[next]);
    }
    if (e->ASC_() != nullptr) {
      elem.order = SortOrder::kAsc;
    } else if (e->DESC_() != nullptr) {
      elem.order = SortOrder::kDesc;
    }
    if (e->NULLS_() != nullptr) {
      elem.nulls = e->FIRST_() != nullptr ? NullsOrder::kFirst : NullsOrder::kLast;
    }
    out.push_back(std::move(elem));
  }
  return out;
}

StatementPtr AstBuilder::BuildCreateIndex(P::CreateIndexStmtContext* ctx) {
  auto s = std::make_unique<CreateIndexStmt>(Pos(ctx));
  s->unique = ctx->UNIQUE_() != nullptr;
  s->concurrently = ctx->CONCURRENTLY_() != nullptr;
  s->if_not_exists = ctx->IF_() != nullptr;
  s->only = ctx->ONLY_() != nullptr;
  // The index name (if any) comes before ON, the access method after USING.
  for (P::ColIdContext* id : ctx->colId()) {
    if (ctx->USING_() != nullptr &&
        id->getStart()->getTokenIndex() > ctx->USING_()->getSymbol()->getTokenIndex()) {
      s->method = Name(id);
    } else {
      s->name = Name(id);
    }
  }
  s->table = BuildQualifiedName(ctx->qualifiedName());
  s->elems = BuildIndexElems(ctx->indexElem());
  if (ctx->nameList() != nullptr) {
    s->include = NameList(ctx->nameList());
  }
  if (ctx->whereClause() != nullptr) {
    s->where = BuildExpr(ctx->whereClause()->expr());
  }
  return s;
}

StatementPtr AstBuilder::BuildCreateRole(P::CreateRoleStmtContext* ctx) {
  auto s = std::make_unique<CreateRoleStmt>(Pos(ctx));
  const size_t kind = ctx->kind->getType();
  s->role_kind =
      kind == P::USER_ ? RoleKind::kUser : (kind == P::GROUP_ ? RoleKind::kGroup : RoleKind::kRole);
  s->name = Name(ctx->nonReservedWord());
  for (P::RoleOptionContext* o : ctx->roleOption()) {
    OptionItem item;
    item.position = Pos(o);
    if (auto* p = dynamic_cast<P::PasswordOptionContext*>(o)) {
      item.name = "password";
      if (p->stringLiteral() != nullptr) {
        item.value = StringValue(p->stringLiteral());
      }
    } else if (auto* e = dynamic_cast<P::EncryptedPasswordOptionContext*>(o)) {
      item.name = "password";
      item.value = StringValue(e->stringLiteral());
    } else if (auto* c = dynamic_cast<P::ConnectionLimitOptionContext*>(o)) {
      item.name = "connection_limit";
      item.value = std::to_string(SignedInteger(c->signedInteger()));
    } else if (auto* v = dynamic_cast<P::ValidUntilOptionContext*>(o)) {
      item.name = "valid_until";
      item.value = StringValue(v->stringLiteral());
    } else if (auto* i = dynamic_cast<P::SysidOptionContext*>(o)) {
      item.name = "sysid";
      item.value = std::to_string(IntegerValue(i->INTEGER_LITERAL()));
    } else if (auto* m = dynamic_cast<P::MemberOptionContext*>(o)) {
      item.name = m->IN_() != nullptr ? "in_role" : (m->ADMIN_() != nullptr ? "admin" : "role");
      item.list = NameList(m->nameList());
    } else {
      const std::string word = Name(o);
      bool value = false;
      if (!RoleFlag(word, &item.name, &value)) {
        Fail(o->getStart(), "unrecognized role option \"" + word + "\"");
      }
      item.value = value ? "true" : "false";
    }
    s->options.push_back(std::move(item));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Statements recognised by kind and target only

StatementPtr AstBuilder::BuildOpaque(antlr4::ParserRuleContext* ctx) {
  std::unique_ptr<OpaqueStmt> s;
  auto make = [&](StatementKind kind, std::string type) {
    s = std::make_unique<OpaqueStmt>(kind, Pos(ctx));
    s->object_type = std::move(type);
  };
  if (auto* u = dynamic_cast<P::UpdateStmtContext*>(ctx)) {
    make(StatementKind::kUpdate, "TABLE");
    s->targets.push_back(BuildQualifiedName(u->qualifiedName()));
  } else if (auto* d = dynamic_cast<P::DeleteStmtContext*>(ctx)) {
    make(StatementKind::kDelete, "TABLE");
    s->targets.push_back(BuildQualifiedName(d->qualifiedName()));
  } else if (auto* m = dynamic_cast<P::MergeStmtContext*>(ctx)) {
    make(StatementKind::kMerge, "TABLE");
    s->targets.push_back(BuildQualifiedName(m->qualifiedName()));
  } else if (auto* t = dynamic_cast<P::TruncateStmtContext*>(ctx)) {
    make(StatementKind::kTruncate, "TABLE");
    for (P::TruncateTargetContext* target : t->truncateTarget()) {
      s->targets.push_back(BuildQualifiedName(target->qualifiedName()));
    }
  } else if (auto* dr = dynamic_cast<P::DropStmtContext*>(ctx)) {
    make(StatementKind::kDrop, TypeWords(dr->objectType()));
    s->if_exists = dr->IF_() != nullptr;
    for (P::AnyNameContext* name : dr->anyName()) {
      s->targets.push_back(ToQualifiedName(AnyName(name), name->getStart()));
    }
  } else if (auto* a = dynamic_cast<P::AlterObjectContext*>(ctx)) {
    make(StatementKind::kAlter, TypeWords(a->objectType()));
    s->if_exists = a->IF_() != nullptr;
    s->targets.push_back(ToQualifiedName(AnyName(a->anyName()), a->anyName()->getStart()));
  } else if (dynamic_cast<P::AlterSystemContext*>(ctx) != nullptr) {
    make(StatementKind::kAlter, "SYSTEM");
  } else if (dynamic_cast<P::AlterOtherContext*>(ctx) != nullptr) {
    make(StatementKind::kAlter, "");
  } else if (auto* g = dynamic_cast<P::GrantOnTablesContext*>(ctx)) {
    make(StatementKind::kGrant, "TABLE");
    for (P::QualifiedNameContext* name : g->qualifiedName()) {
      s->targets.push_back(BuildQualifiedName(name));
    }
  } else if (dynamic_cast<P::GrantOtherContext*>(ctx) != nullptr) {
    make(StatementKind::kGrant, "");
  } else if (auto* r = dynamic_cast<P::RevokeOnTablesContext*>(ctx)) {
    make(StatementKind::kRevoke, "TABLE");
    for (P::QualifiedNameContext* name : r->qualifiedName()) {
      s->targets.push_back(BuildQualifiedName(name));
    }
  } else if (dynamic_cast<P::RevokeOtherContext*>(ctx) != nullptr) {
    make(StatementKind::kRevoke, "");
  } else if (auto* c = dynamic_cast<P::CommentOnObjectContext*>(ctx)) {
    make(StatementKind::kComment, TypeWords(c->objectType()));
    s->targets.push_back(ToQualifiedName(AnyName(c->anyName()), c->anyName()->getStart()));
  } else if (dynamic_cast<P::CommentOtherContext*>(ctx) != nullptr) {
    make(StatementKind::kComment, "");
  } else if (auto* v = dynamic_cast<P::VacuumStmtContext*>(ctx)) {
    make(StatementKind::kVacuum, "TABLE");
    for (P::VacuumTargetContext* target : v->vacuumTarget()) {
      s->targets.push_back(BuildQualifiedName(target->qualifiedName()));
    }
  } else if (auto* an = dynamic_cast<P::AnalyzeStmtContext*>(ctx)) {
    make(StatementKind::kAnalyze, "TABLE");
    for (P::VacuumTargetContext* target : an->vacuumTarget()) {
      s->targets.push_back(BuildQualifiedName(target->qualifiedName()));
    }
  }
  return s;
}

}  // namespace blockdb::sql::internal
