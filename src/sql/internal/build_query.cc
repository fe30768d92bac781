// AstBuilder: queries, set operations, FROM items and WITH.
#include "sql/internal/ast_builder.h"

namespace blockdb::sql::internal {
namespace {

Alias BuildAlias(P::TableAliasContext* ctx) {
  Alias alias;
  if (ctx != nullptr) {
    alias.name = AstBuilder::Name(ctx->colId());
    if (ctx->nameList() != nullptr) {
      alias.columns = AstBuilder::NameList(ctx->nameList());
    }
  }
  return alias;
}

JoinType BuildJoinType(P::JoinTypeContext* ctx) {
  if (ctx == nullptr || ctx->INNER_() != nullptr) {
    return JoinType::kInner;
  }
  if (ctx->LEFT_() != nullptr) {
    return JoinType::kLeft;
  }
  return ctx->RIGHT_() != nullptr ? JoinType::kRight : JoinType::kFull;
}

bool IsPlain(const Query& q) {
  return q.with == nullptr && q.order_by.empty() && q.limit == nullptr && q.offset == nullptr &&
         q.locking.empty();
}

void FillTableRef(P::RelationExprContext* ctx, TableRef* table) {
  table->name = AstBuilder::BuildQualifiedName(ctx->qualifiedName());
  table->only = ctx->ONLY_() != nullptr;
}

LockingClause BuildLocking(P::LockingClauseContext* ctx) {
  LockingClause l;
  l.position = AstBuilder::Pos(ctx);
  if (ctx->UPDATE_() != nullptr) {
    l.strength = ctx->NO_() != nullptr ? LockStrength::kNoKeyUpdate : LockStrength::kUpdate;
  } else {
    l.strength = ctx->KEY_() != nullptr ? LockStrength::kKeyShare : LockStrength::kShare;
  }
  for (P::QualifiedNameContext* t : ctx->qualifiedName()) {
    l.tables.push_back(AstBuilder::BuildQualifiedName(t));
  }
  if (ctx->NOWAIT_() != nullptr) {
    l.wait = LockWait::kNoWait;
  } else if (ctx->SKIP_() != nullptr) {
    l.wait = LockWait::kSkipLocked;
  }
  return l;
}

}  // namespace

template <typename Ctx>
void AstBuilder::ApplyQueryTail(Ctx* ctx, Query* q) {
  if (ctx->orderByClause() != nullptr) {
    q->order_by = BuildOrderBy(ctx->orderByClause());
  }
  bool have_limit = false;
  bool have_offset = false;
  for (P::QueryModifierContext* m : ctx->queryModifier()) {
    if (P::LimitClauseContext* l = m->limitClause()) {
      if (have_limit) {
        Fail(l->getStart(), "multiple LIMIT clauses not allowed");
      }
      have_limit = true;
      if (l->LIMIT_() != nullptr) {
        q->limit = l->expr() != nullptr ? BuildExpr(l->expr()) : nullptr;  // LIMIT ALL
      } else {
        q->limit = l->fetchCount() != nullptr
                       ? BuildValue(l->fetchCount()->valueExpr())
                       : std::make_unique<LiteralExpr>(0, LiteralKind::kInteger, "1");
        q->limit_with_ties = l->TIES_() != nullptr;
        if (q->limit_with_ties && q->order_by.empty()) {
          Fail(l->getStart(), "WITH TIES cannot be specified without ORDER BY clause");
        }
      }
    } else if (P::OffsetClauseContext* o = m->offsetClause()) {
      if (have_offset) {
        Fail(o->getStart(), "multiple OFFSET clauses not allowed");
      }
      have_offset = true;
      q->offset = BuildExpr(o->expr());
    } else if (P::LockingClauseContext* lc = m->lockingClause(); lc->READ_() == nullptr) {
      q->locking.push_back(BuildLocking(lc));
    }
  }
}

std::unique_ptr<Query> AstBuilder::BuildQuery(P::QueryExpressionContext* ctx) {
  DepthGuard guard(this, ctx->getStart());
  auto q = std::make_unique<Query>();
  q->position = Pos(ctx);
  if (ctx->withClause() != nullptr) {
    q->with = BuildWith(ctx->withClause());
  }
  q->body = BuildSetOperations(ctx->queryBody());
  ApplyQueryTail(ctx, q.get());
  return q;
}

std::unique_ptr<Query> AstBuilder::BuildKeywordQuery(P::KeywordQueryExpressionContext* ctx) {
  DepthGuard guard(this, ctx->getStart());
  auto q = std::make_unique<Query>();
  q->position = Pos(ctx);
  if (ctx->withClause() != nullptr) {
    q->with = BuildWith(ctx->withClause());
    q->body = BuildSetOperations(ctx->queryBody());
  } else {
    q->body = BuildSetOperations(ctx->keywordQueryBody());
  }
  ApplyQueryTail(ctx, q.get());
  return q;
}

std::unique_ptr<WithClause> AstBuilder::BuildWith(P::WithClauseContext* ctx) {
  auto with = std::make_unique<WithClause>();
  with->position = Pos(ctx);
  with->recursive = ctx->RECURSIVE_() != nullptr;
  for (P::CommonTableExprContext* c : ctx->commonTableExpr()) {
    CommonTableExpr cte;
    cte.position = Pos(c);
    cte.name = Name(c->colId());
    if (c->nameList() != nullptr) {
      cte.columns = NameList(c->nameList());
    }
    if (c->MATERIALIZED_() != nullptr) {
      cte.materialized = c->NOT_() == nullptr;
    }
    cte.query = BuildQuery(c->queryExpression());
    with->ctes.push_back(std::move(cte));
  }
  return with;
}

// Terms joined by UNION/EXCEPT (queryBody) or primaries joined by INTERSECT (queryTerm), folded
// into a left-deep chain without recursion.
QueryBodyPtr AstBuilder::BuildSetOperations(antlr4::ParserRuleContext* ctx) {
  QueryBodyPtr result;
  SetOpKind op = SetOpKind::kUnion;
  bool all = false;
  int op_position = 0;
  int chain = 0;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(child);
    if (auto* s = dynamic_cast<P::SetOperatorContext*>(rule)) {
      op = s->op->getType() == P::UNION_ ? SetOpKind::kUnion : SetOpKind::kExcept;
      all = s->setQuantifier() != nullptr && s->setQuantifier()->ALL_() != nullptr;
      op_position = Pos(s);
      continue;
    }
    if (auto* i = dynamic_cast<P::IntersectOperatorContext*>(rule)) {
      op = SetOpKind::kIntersect;
      all = i->setQuantifier() != nullptr && i->setQuantifier()->ALL_() != nullptr;
      op_position = Pos(i);
      continue;
    }
    QueryBodyPtr operand;
    if (auto* p = dynamic_cast<P::QueryPrimaryContext*>(rule)) {
      operand = BuildQueryPrimary(p);
    } else if (auto* k = dynamic_cast<P::KeywordQueryPrimaryContext*>(rule)) {
      operand = BuildKeywordQueryPrimary(k);
    } else {
      operand = BuildSetOperations(rule);  // a queryTerm / keywordQueryTerm
    }
    if (result == nullptr) {
      result = std::move(operand);
      continue;
    }
    if (++chain + depth_ > kMaxExpressionDepth) {
      Fail(rule->getStart(),
           "statement too complex: more than " + std::to_string(kMaxExpressionDepth) +
               " set operations",
           "54001");
    }
    auto set = std::make_unique<SetOperationBody>(op_position, op);
    set->all = all;
    set->left = std::move(result);
    set->right = std::move(operand);
    result = std::move(set);
  }
  return result;
}

QueryBodyPtr AstBuilder::BuildQueryPrimary(P::QueryPrimaryContext* ctx) {
  if (ctx->keywordQueryPrimary() != nullptr) {
    return BuildKeywordQueryPrimary(ctx->keywordQueryPrimary());
  }
  std::unique_ptr<Query> q = BuildQuery(ctx->queryExpression());
  if (IsPlain(*q)) {
    return std::move(q->body);
  }
  auto nested = std::make_unique<NestedQueryBody>(Pos(ctx));
  nested->query = std::move(q);
  return nested;
}

QueryBodyPtr AstBuilder::BuildKeywordQueryPrimary(P::KeywordQueryPrimaryContext* ctx) {
  if (ctx->simpleSelect() != nullptr) {
    return BuildSimpleSelect(ctx->simpleSelect());
  }
  if (P::ValuesClauseContext* v = ctx->valuesClause()) {
    auto values = std::make_unique<ValuesBody>(Pos(v));
    for (P::ValuesRowContext* row : v->valuesRow()) {
      std::vector<ExprPtr> cells;
      for (P::ExprOrDefaultContext* cell : row->exprOrDefault()) {
        cells.push_back(BuildExprOrDefault(cell));
      }
      values->rows.push_back(std::move(cells));
    }
    return values;
  }
  // TABLE t is SELECT * FROM t.
  auto select = std::make_unique<SelectBody>(Pos(ctx));
  TargetItem star;
  star.position = Pos(ctx);
  star.expr = std::make_unique<StarExpr>(Pos(ctx));
  select->targets.push_back(std::move(star));
  auto table = std::make_unique<TableRef>(Pos(ctx->relationExpr()));
  FillTableRef(ctx->relationExpr(), table.get());
  select->from.push_back(std::move(table));
  return select;
}

std::vector<TargetItem> AstBuilder::BuildTargets(P::TargetListContext* ctx) {
  std::vector<TargetItem> targets;
  for (P::TargetItemContext* t : ctx->targetItem()) {
    TargetItem item;
    item.position = Pos(t);
    if (auto* e = dynamic_cast<P::ExprTargetContext*>(t)) {
      item.expr = BuildExpr(e->expr());
      if (e->colLabel() != nullptr) {
        item.alias = Name(e->colLabel());
      } else if (e->bareColLabel() != nullptr) {
        item.alias = Name(e->bareColLabel());
      }
    } else {
      item.expr = std::make_unique<StarExpr>(Pos(t));
    }
    targets.push_back(std::move(item));
  }
  return targets;
}

QueryBodyPtr AstBuilder::BuildSimpleSelect(P::SimpleSelectContext* ctx) {
  auto s = std::make_unique<SelectBody>(Pos(ctx));
  if (P::DistinctClauseContext* d = ctx->distinctClause()) {
    s->distinct = true;
    if (d->exprList() != nullptr) {
      s->distinct_on = BuildExprList(d->exprList());
    }
  }
  if (ctx->targetList() != nullptr) {
    s->targets = BuildTargets(ctx->targetList());
  }
  if (ctx->fromClause() != nullptr) {
    for (P::FromItemContext* f : ctx->fromClause()->fromItem()) {
      s->from.push_back(BuildFromItem(f));
    }
  }
  if (ctx->whereClause() != nullptr) {
    s->where = BuildExpr(ctx->whereClause()->expr());
  }
  if (P::GroupByClauseContext* g = ctx->groupByClause()) {
    s->group_by_distinct = g->setQuantifier() != nullptr && g->setQuantifier()->DISTINCT_();
    for (P::GroupItemContext* item : g->groupItem()) {
      s->group_by.push_back(item->expr() != nullptr ? BuildExpr(item->expr())
                                                    : std::make_unique<RowExpr>(Pos(item)));
    }
  }
  if (ctx->havingClause() != nullptr) {
    s->having = BuildExpr(ctx->havingClause()->expr());
  }
  if (ctx->windowClause() != nullptr) {
    for (P::WindowDefinitionContext* w : ctx->windowClause()->windowDefinition()) {
      WindowDef def;
      def.position = Pos(w);
      def.name = Name(w->colId());
      def.spec = BuildWindowSpec(w->windowSpec());
      s->windows.push_back(std::move(def));
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// FROM

FromItemPtr AstBuilder::BuildFromItem(P::FromItemContext* ctx) {
  DepthGuard guard(this, ctx->getStart());
  if (auto* p = dynamic_cast<P::PrimaryFromContext*>(ctx)) {
    return BuildFromPrimary(p->fromPrimary());
  }
  std::unique_ptr<JoinRef> join;
  if (auto* c = dynamic_cast<P::CrossJoinContext*>(ctx)) {
    join = std::make_unique<JoinRef>(Pos(c->CROSS_()));
    join->join_type = JoinType::kCross;
    join->left = BuildFromItem(c->fromItem());
    join->right = BuildFromPrimary(c->fromPrimary());
  } else if (auto* n = dynamic_cast<P::NaturalJoinContext*>(ctx)) {
    join = std::make_unique<JoinRef>(Pos(n->NATURAL_()));
    join->natural = true;
    join->join_type = BuildJoinType(n->joinType());
    join->left = BuildFromItem(n->fromItem());
    join->right = BuildFromPrimary(n->fromPrimary());
  } else {
    auto* q = dynamic_cast<P::QualifiedJoinContext*>(ctx);
    BLOCKDB_CHECK(q != nullptr);
    join = std::make_unique<JoinRef>(
        Pos(q->joinType() ? q->joinType()->getStart() : q->JOIN_()->getSymbol()));
    join->join_type = BuildJoinType(q->joinType());
    join->left = BuildFromItem(q->fromItem());
    join->right = BuildFromPrimary(q->fromPrimary());
    P::JoinQualContext* qual = q->joinQual();
    if (qual->ON_() != nullptr) {
      join->on = BuildExpr(qual->expr());
    } else {
      join->using_columns = NameList(qual->nameList());
      if (qual->colId() != nullptr) {
        join->using_alias = Name(qual->colId());
      }
    }
  }
  return join;
}

FromItemPtr AstBuilder::BuildFromPrimary(P::FromPrimaryContext* ctx) {
  if (auto* t = dynamic_cast<P::TableFromContext*>(ctx)) {
    auto table = std::make_unique<TableRef>(Pos(t));
    FillTableRef(t->relationExpr(), table.get());
    if (t->asOfClause() != nullptr) {
      table->as_of_block = BuildValue(t->asOfClause()->valueExpr());
    }
    table->alias = BuildAlias(t->tableAlias());
    return table;
  }
  if (auto* s = dynamic_cast<P::SubqueryFromContext*>(ctx)) {
    auto sub = std::make_unique<SubqueryRef>(Pos(s));
    sub->lateral = s->LATERAL_() != nullptr;
    sub->query = BuildQuery(s->queryExpression());
    sub->alias = BuildAlias(s->tableAlias());
    return sub;
  }
  if (auto* f = dynamic_cast<P::FunctionFromContext*>(ctx)) {
    auto fn = std::make_unique<FunctionRef>(Pos(f));
    fn->lateral = f->LATERAL_() != nullptr;
    fn->function = f->functionCall() != nullptr ? BuildFunctionCall(f->functionCall())
                                                : BuildSpecialFunction(f->specialFunction());
    fn->with_ordinality = f->ORDINALITY_() != nullptr;
    fn->alias = BuildAlias(f->tableAlias());
    return fn;
  }
  auto* p = dynamic_cast<P::ParenFromContext*>(ctx);
  BLOCKDB_CHECK(p != nullptr);
  FromItemPtr inner = BuildFromItem(p->fromItem());
  if (p->tableAlias() != nullptr) {
    if (!inner->alias.empty()) {
      SyntaxErrorAt(p->tableAlias()->getStart());
    }
    inner->alias = BuildAlias(p->tableAlias());
  }
  return inner;
}

}  // namespace blockdb::sql::internal
