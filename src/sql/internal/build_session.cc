// AstBuilder: transactions, SET/SHOW/RESET, prepared statements, EXPLAIN, cursors, COPY,
// LISTEN/NOTIFY and VERIFY CHAIN.
#include <cctype>

#include "sql/internal/ast_builder.h"

namespace blockdb::sql::internal {
namespace {

TransactionModes BuildModes(P::TransactionModeListContext* ctx) {
  TransactionModes modes;
  if (ctx == nullptr) {
    return modes;
  }
  for (P::TransactionModeContext* m : ctx->transactionMode()) {
    if (auto* i = dynamic_cast<P::IsolationModeContext*>(m)) {
      P::IsolationLevelContext* level = i->isolationLevel();
      if (level->SERIALIZABLE_() != nullptr) {
        modes.isolation = IsolationLevel::kSerializable;
      } else if (level->REPEATABLE_() != nullptr) {
        modes.isolation = IsolationLevel::kRepeatableRead;
      } else if (level->COMMITTED_() != nullptr) {
        modes.isolation = IsolationLevel::kReadCommitted;
      } else {
        modes.isolation = IsolationLevel::kReadUncommitted;
      }
    } else if (dynamic_cast<P::ReadOnlyModeContext*>(m) != nullptr) {
      modes.read_only = true;
    } else if (dynamic_cast<P::ReadWriteModeContext*>(m) != nullptr) {
      modes.read_only = false;
    } else if (auto* d = dynamic_cast<P::DeferrableModeContext*>(m)) {
      modes.deferrable = d->NOT_() == nullptr;
    }
  }
  return modes;
}

std::string VarName(P::VarNameContext* ctx) {
  std::string name;
  for (P::ColIdContext* part : ctx->colId()) {
    if (!name.empty()) {
      name += '.';
    }
    name += AstBuilder::Name(part);
  }
  return name;
}

std::string NumericText(P::NumericOnlyContext* ctx) {
  std::string text;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    text += child->getText();
  }
  return text;
}

SetValue WordValue(std::string text) { return SetValue{SetValueKind::kWord, std::move(text)}; }

SetValue BuildVarValue(P::VarValueContext* ctx) {
  if (ctx->TRUE_() != nullptr) {
    return WordValue("true");
  }
  if (ctx->FALSE_() != nullptr) {
    return WordValue("false");
  }
  if (ctx->ON_() != nullptr) {
    return WordValue("on");
  }
  if (ctx->stringLiteral() != nullptr) {
    return SetValue{SetValueKind::kString, AstBuilder::StringValue(ctx->stringLiteral())};
  }
  if (ctx->numericOnly() != nullptr) {
    return SetValue{SetValueKind::kNumber, NumericText(ctx->numericOnly())};
  }
  return WordValue(AstBuilder::Name(ctx->nonReservedWord()));
}

// SHOW/RESET target -> PostgreSQL's variable name ("" for ALL).
std::string TargetName(P::ShowTargetContext* ctx, bool* all) {
  *all = false;
  if (dynamic_cast<P::TimeZoneTargetContext*>(ctx) != nullptr) {
    return "timezone";
  }
  if (dynamic_cast<P::IsolationTargetContext*>(ctx) != nullptr) {
    return "transaction_isolation";
  }
  if (dynamic_cast<P::AuthorizationTargetContext*>(ctx) != nullptr) {
    return "session_authorization";
  }
  if (dynamic_cast<P::AllTargetContext*>(ctx) != nullptr) {
    *all = true;
    return "";
  }
  return VarName(dynamic_cast<P::VariableTargetContext*>(ctx)->varName());
}

void SetSingleValue(SetStmt* s, std::string name, SetValue value) {
  s->name = std::move(name);
  s->values.push_back(std::move(value));
}

}  // namespace

OptionItem AstBuilder::BuildOptionValue(std::string name, P::OptionValueContext* value,
                                        int position) {
  OptionItem item;
  item.name = std::move(name);
  item.position = position;
  if (value != nullptr) {
    if (value->TRUE_() != nullptr) {
      item.value = "true";
    } else if (value->FALSE_() != nullptr) {
      item.value = "false";
    } else if (value->ON_() != nullptr) {
      item.value = "on";
    } else if (value->stringLiteral() != nullptr) {
      item.value = StringValue(value->stringLiteral());
    } else if (value->numericOnly() != nullptr) {
      item.value = NumericText(value->numericOnly());
    } else {
      item.value = Name(value->nonReservedWord());
    }
  }
  return item;
}

StatementPtr AstBuilder::BuildTransaction(P::TransactionStmtContext* ctx) {
  auto s = std::make_unique<TransactionStmt>(Pos(ctx));
  if (auto* b = dynamic_cast<P::BeginStmtContext*>(ctx)) {
    s->action = TransactionAction::kBegin;
    s->modes = BuildModes(b->transactionModeList());
  } else if (auto* st = dynamic_cast<P::StartStmtContext*>(ctx)) {
    s->action = TransactionAction::kStart;
    s->modes = BuildModes(st->transactionModeList());
  } else if (auto* c = dynamic_cast<P::CommitStmtContext*>(ctx)) {
    s->action = TransactionAction::kCommit;
    s->spelled_end = c->END_() != nullptr;
    s->chain = c->CHAIN_() != nullptr && c->NO_() == nullptr;
  } else if (auto* r = dynamic_cast<P::RollbackStmtContext*>(ctx)) {
    s->action = TransactionAction::kRollback;
    s->spelled_end = r->ABORT_() != nullptr;
    s->chain = r->CHAIN_() != nullptr && r->NO_() == nullptr;
  } else if (auto* rt = dynamic_cast<P::RollbackToStmtContext*>(ctx)) {
    s->action = TransactionAction::kRollbackTo;
    s->savepoint = Name(rt->colId());
  } else if (auto* sp = dynamic_cast<P::SavepointStmtContext*>(ctx)) {
    s->action = TransactionAction::kSavepoint;
    s->savepoint = Name(sp->colId());
  } else if (auto* rel = dynamic_cast<P::ReleaseStmtContext*>(ctx)) {
    s->action = TransactionAction::kRelease;
    s->savepoint = Name(rel->colId());
  } else if (auto* pt = dynamic_cast<P::PrepareTransactionStmtContext*>(ctx)) {
    s->action = TransactionAction::kPrepare;
    s->gid = StringValue(pt->stringLiteral());
  } else if (auto* cp = dynamic_cast<P::CommitPreparedStmtContext*>(ctx)) {
    s->action = TransactionAction::kCommitPrepared;
    s->gid = StringValue(cp->stringLiteral());
  } else if (auto* rp = dynamic_cast<P::RollbackPreparedStmtContext*>(ctx)) {
    s->action = TransactionAction::kRollbackPrepared;
    s->gid = StringValue(rp->stringLiteral());
  }
  return s;
}

StatementPtr AstBuilder::BuildSet(P::SetStmtContext* ctx) {
  auto s = std::make_unique<SetStmt>(Pos(ctx));
  if (auto* sc = dynamic_cast<P::SetSessionCharacteristicsContext*>(ctx)) {
    s->set_kind = SetKind::kSessionCharacteristics;
    s->modes = BuildModes(sc->transactionModeList());
    return s;
  }
  auto* sv = dynamic_cast<P::SetVariableContext*>(ctx);
  s->local = sv->scope != nullptr && sv->scope->getType() == P::LOCAL_;
  P::SetRestContext* rest = sv->setRest();
  if (auto* r = dynamic_cast<P::SetTransactionSnapshotContext*>(rest)) {
    s->set_kind = SetKind::kTransactionSnapshot;
    s->snapshot = StringValue(r->stringLiteral());
  } else if (auto* r = dynamic_cast<P::SetTransactionContext*>(rest)) {
    s->set_kind = SetKind::kTransaction;
    s->modes = BuildModes(r->transactionModeList());
  } else if (auto* r = dynamic_cast<P::SetTimeZoneContext*>(rest)) {
    s->name = "timezone";
    P::ZoneValueContext* z = r->zoneValue();
    if (z->DEFAULT_() != nullptr || z->LOCAL_() != nullptr) {
      s->set_kind = SetKind::kDefault;
    } else if (z->INTERVAL_() != nullptr) {
      s->values.push_back({SetValueKind::kInterval, StringValue(z->stringLiteral())});
    } else if (z->stringLiteral() != nullptr) {
      s->values.push_back({SetValueKind::kString, StringValue(z->stringLiteral())});
    } else if (z->numericOnly() != nullptr) {
      s->values.push_back({SetValueKind::kNumber, NumericText(z->numericOnly())});
    } else {
      s->values.push_back(WordValue(Name(z->identifier())));
    }
  } else if (auto* r = dynamic_cast<P::SetSchemaContext*>(rest)) {
    SetSingleValue(s.get(), "search_path",
                   {SetValueKind::kString, StringValue(r->stringLiteral())});
  } else if (auto* r = dynamic_cast<P::SetNamesContext*>(rest)) {
    s->name = "client_encoding";
    if (r->stringLiteral() != nullptr) {
      s->values.push_back({SetValueKind::kString, StringValue(r->stringLiteral())});
    } else {
      s->set_kind = SetKind::kDefault;
    }
  } else if (auto* r = dynamic_cast<P::SetRoleContext*>(rest)) {
    SetSingleValue(s.get(), "role",
                   r->stringLiteral() != nullptr
                       ? SetValue{SetValueKind::kString, StringValue(r->stringLiteral())}
                       : WordValue(Name(r->nonReservedWord())));
  } else if (auto* r = dynamic_cast<P::SetSessionAuthorizationContext*>(rest)) {
    s->name = "session_authorization";
    if (r->DEFAULT_() != nullptr) {
      s->set_kind = SetKind::kDefault;
    } else {
      s->values.push_back(r->stringLiteral() != nullptr
                              ? SetValue{SetValueKind::kString, StringValue(r->stringLiteral())}
                              : WordValue(Name(r->nonReservedWord())));
    }
  } else if (auto* r = dynamic_cast<P::SetToDefaultContext*>(rest)) {
    s->set_kind = SetKind::kDefault;
    s->name = VarName(r->varName());
  } else if (auto* r = dynamic_cast<P::SetToValuesContext*>(rest)) {
    s->name = VarName(r->varName());
    for (P::VarValueContext* v : r->varValue()) {
      s->values.push_back(BuildVarValue(v));
    }
  } else if (auto* r = dynamic_cast<P::SetFromCurrentContext*>(rest)) {
    s->set_kind = SetKind::kFromCurrent;
    s->name = VarName(r->varName());
  }
  return s;
}

StatementPtr AstBuilder::BuildExplain(P::ExplainStmtContext* ctx) {
  auto s = std::make_unique<ExplainStmt>(Pos(ctx));
  for (P::ExplainOptionContext* o : ctx->explainOption()) {
    std::string name = o->nonReservedWord() != nullptr ? Name(o->nonReservedWord()) : "analyze";
    s->options.push_back(BuildOptionValue(std::move(name), o->optionValue(), Pos(o)));
  }
  if (ctx->ANALYZE_() != nullptr || ctx->ANALYSE_() != nullptr) {
    s->options.push_back(OptionItem{"analyze", std::nullopt, {}, Pos(ctx->getStart())});
  }
  if (ctx->VERBOSE_() != nullptr) {
    s->options.push_back(OptionItem{"verbose", std::nullopt, {}, Pos(ctx->VERBOSE_())});
  }
  P::ExplainableStmtContext* target = ctx->explainableStmt();
  s->statement =
      BuildStatementNode(dynamic_cast<antlr4::ParserRuleContext*>(target->children.at(0)));
  return s;
}

StatementPtr AstBuilder::BuildFetch(P::FetchStmtContext* ctx) {
  auto s = std::make_unique<FetchStmt>(Pos(ctx));
  s->move = ctx->op->getType() == P::MOVE_;
  s->cursor = Name(ctx->colId());
  P::FetchDirectionContext* d = ctx->fetchDirection();
  if (d == nullptr || dynamic_cast<P::NextDirectionContext*>(d) != nullptr) {
    return s;
  }
  if (dynamic_cast<P::PriorDirectionContext*>(d) != nullptr) {
    s->direction = FetchDirection::kBackward;
  } else if (dynamic_cast<P::FirstDirectionContext*>(d) != nullptr) {
    s->direction = FetchDirection::kAbsolute;
  } else if (dynamic_cast<P::LastDirectionContext*>(d) != nullptr) {
    s->direction = FetchDirection::kAbsolute;
    s->count = -1;
  } else if (auto* a = dynamic_cast<P::AbsoluteDirectionContext*>(d)) {
    s->direction = FetchDirection::kAbsolute;
    s->count = SignedInteger(a->signedInteger());
  } else if (auto* r = dynamic_cast<P::RelativeDirectionContext*>(d)) {
    s->direction = FetchDirection::kRelative;
    s->count = SignedInteger(r->signedInteger());
  } else if (auto* c = dynamic_cast<P::CountDirectionContext*>(d)) {
    s->count = SignedInteger(c->signedInteger());
  } else if (dynamic_cast<P::AllDirectionContext*>(d) != nullptr) {
    s->all = true;
  } else if (auto* f = dynamic_cast<P::ForwardDirectionContext*>(d)) {
    s->all = f->ALL_() != nullptr;
    if (f->signedInteger() != nullptr) {
      s->count = SignedInteger(f->signedInteger());
    }
  } else if (auto* b = dynamic_cast<P::BackwardDirectionContext*>(d)) {
    s->direction = FetchDirection::kBackward;
    s->all = b->ALL_() != nullptr;
    if (b->signedInteger() != nullptr) {
      s->count = SignedInteger(b->signedInteger());
    }
  }
  return s;
}

StatementPtr AstBuilder::BuildSessionStatement(antlr4::ParserRuleContext* ctx) {
  if (auto* t = dynamic_cast<P::TransactionStmtContext*>(ctx)) {
    return BuildTransaction(t);
  }
  if (auto* t = dynamic_cast<P::SetStmtContext*>(ctx)) {
    return BuildSet(t);
  }
  if (auto* t = dynamic_cast<P::ShowStmtContext*>(ctx)) {
    auto s = std::make_unique<ShowStmt>(Pos(t));
    s->name = TargetName(t->showTarget(), &s->all);
    return s;
  }
  if (auto* t = dynamic_cast<P::ResetStmtContext*>(ctx)) {
    auto s = std::make_unique<ResetStmt>(Pos(t));
    s->name = TargetName(t->showTarget(), &s->all);
    return s;
  }
  if (auto* t = dynamic_cast<P::DeallocateStmtContext*>(ctx)) {
    auto s = std::make_unique<DeallocateStmt>(Pos(t));
    s->all = t->ALL_() != nullptr;
    if (t->colId() != nullptr) {
      s->name = Name(t->colId());
    }
    return s;
  }
  if (auto* t = dynamic_cast<P::DiscardStmtContext*>(ctx)) {
    auto s = std::make_unique<DiscardStmt>(Pos(t));
    const size_t target = t->target->getType();
    s->target = target == P::ALL_         ? DiscardTarget::kAll
                : target == P::PLANS_     ? DiscardTarget::kPlans
                : target == P::SEQUENCES_ ? DiscardTarget::kSequences
                                          : DiscardTarget::kTemp;
    return s;
  }
  if (auto* t = dynamic_cast<P::PrepareStmtContext*>(ctx)) {
    auto s = std::make_unique<PrepareStmt>(Pos(t));
    s->name = Name(t->colId());
    for (P::TypeNameContext* type : t->typeName()) {
      s->param_types.push_back(BuildTypeName(type));
    }
    s->statement = BuildStatementNode(
        dynamic_cast<antlr4::ParserRuleContext*>(t->preparableStmt()->children.at(0)));
    return s;
  }
  if (auto* t = dynamic_cast<P::ExecuteStmtContext*>(ctx)) {
    auto s = std::make_unique<ExecuteStmt>(Pos(t));
    s->name = Name(t->colId());
    if (t->exprList() != nullptr) {
      s->params = BuildExprList(t->exprList());
    }
    return s;
  }
  if (auto* t = dynamic_cast<P::ExplainStmtContext*>(ctx)) {
    return BuildExplain(t);
  }
  return BuildCursorOrChannel(ctx);
}

// DECLARE, FETCH/MOVE, CLOSE, COPY, LISTEN, UNLISTEN, NOTIFY and VERIFY CHAIN.
StatementPtr AstBuilder::BuildCursorOrChannel(antlr4::ParserRuleContext* ctx) {
  if (auto* t = dynamic_cast<P::DeclareCursorStmtContext*>(ctx)) {
    auto s = std::make_unique<DeclareCursorStmt>(Pos(t));
    s->name = Name(t->colId());
    for (P::CursorOptionContext* o : t->cursorOption()) {
      if (o->BINARY_() != nullptr) {
        s->binary = true;
      } else if (o->SCROLL_() != nullptr) {
        s->scroll = o->NO_() == nullptr;
      }
    }
    s->hold = t->HOLD_() != nullptr && t->WITH_() != nullptr;
    s->query = BuildQuery(t->queryExpression());
    return s;
  }
  if (auto* t = dynamic_cast<P::FetchStmtContext*>(ctx)) {
    return BuildFetch(t);
  }
  if (auto* t = dynamic_cast<P::CloseStmtContext*>(ctx)) {
    auto s = std::make_unique<CloseStmt>(Pos(t));
    s->all = t->ALL_() != nullptr;
    if (t->colId() != nullptr) {
      s->cursor = Name(t->colId());
    }
    return s;
  }
  if (auto* t = dynamic_cast<P::CopyStmtContext*>(ctx)) {
    return BuildCopy(t);
  }
  if (auto* t = dynamic_cast<P::ListenStmtContext*>(ctx)) {
    auto s = std::make_unique<ListenStmt>(Pos(t));
    s->channel = Name(t->colId());
    return s;
  }
  if (auto* t = dynamic_cast<P::UnlistenStmtContext*>(ctx)) {
    auto s = std::make_unique<UnlistenStmt>(Pos(t));
    s->all = t->STAR() != nullptr;
    if (t->colId() != nullptr) {
      s->channel = Name(t->colId());
    }
    return s;
  }
  if (auto* t = dynamic_cast<P::NotifyStmtContext*>(ctx)) {
    auto s = std::make_unique<NotifyStmt>(Pos(t));
    s->channel = Name(t->colId());
    if (t->stringLiteral() != nullptr) {
      s->payload = StringValue(t->stringLiteral());
    }
    return s;
  }
  auto* t = dynamic_cast<P::VerifyChainStmtContext*>(ctx);
  BLOCKDB_CHECK(t != nullptr);
  auto s = std::make_unique<VerifyChainStmt>(Pos(t));
  if (t->valueExpr() != nullptr) {
    s->from_block = BuildValue(t->valueExpr());
  }
  return s;
}

}  // namespace blockdb::sql::internal
