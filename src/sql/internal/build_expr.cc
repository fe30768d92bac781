// AstBuilder: operators, function calls, window specifications and ORDER BY.
#include <limits>

#include "sql/internal/ast_builder.h"

namespace blockdb::sql::internal {
namespace {

// PostgreSQL makes comparisons and the LIKE/BETWEEN group non-associative: `a = b = c` and
// `a LIKE b LIKE c` are syntax errors (at the second operator), although `a IN (1) IN (x)` is
// not, because IN's parenthesized right side ends the expression.
bool IsComparison(P::ExprContext* ctx) {
  return dynamic_cast<P::ComparisonExpressionContext*>(ctx) != nullptr;
}
// `a IS DISTINCT FROM b` followed by another IS-level test is an error too (PostgreSQL's IS
// precedence level is non-associative), while postfix tests chain: `a IS NULL IS NULL`.
bool IsDistinctFrom(P::ExprContext* ctx) {
  return dynamic_cast<P::DistinctFromExpressionContext*>(ctx) != nullptr;
}
bool IsOpenPatternTest(P::ExprContext* ctx) {
  return dynamic_cast<P::LikeExpressionContext*>(ctx) != nullptr ||
         dynamic_cast<P::SimilarExpressionContext*>(ctx) != nullptr ||
         dynamic_cast<P::BetweenExpressionContext*>(ctx) != nullptr;
}

// The token PostgreSQL blames for `left NOT? op ...`: NOT when present, else the operator.
antlr4::Token* OperatorToken(antlr4::tree::TerminalNode* not_node, antlr4::Token* op) {
  return not_node != nullptr ? not_node->getSymbol() : op;
}

void CollectTerminals(antlr4::tree::ParseTree* tree, std::vector<antlr4::Token*>* out) {
  if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(tree)) {
    out->push_back(terminal->getSymbol());
    return;
  }
  for (antlr4::tree::ParseTree* child : tree->children) {
    CollectTerminals(child, out);
  }
}

}  // namespace

OperatorName AstBuilder::BuildOperator(antlr4::ParserRuleContext* op_ctx) {
  std::vector<antlr4::Token*> tokens;
  CollectTerminals(op_ctx, &tokens);
  OperatorName op;
  if (tokens.front()->getType() == P::OPERATOR_) {
    // OPERATOR ( [schema .]* op )
    for (size_t i = 2; i + 1 < tokens.size(); ++i) {
      if (tokens[i + 1]->getType() == P::DOT) {
        if (!op.schema.empty()) {
          op.schema += '.';
        }
        op.schema += NameOfToken(tokens[i]);
        ++i;
      } else {
        op.name = tokens[i]->getText();
      }
    }
  } else if (tokens.back()->getType() == P::LIKE_ || tokens.back()->getType() == P::ILIKE_) {
    const bool negated = tokens.front()->getType() == P::NOT_;
    const bool ilike = tokens.back()->getType() == P::ILIKE_;
    op.name = std::string(negated ? "!" : "") + "~~" + (ilike ? "*" : "");
  } else {
    op.name = tokens.front()->getText();
  }
  if (op.name == "!=") {
    op.name = "<>";
  }
  return op;
}

std::vector<ExprPtr> AstBuilder::BuildExprList(P::ExprListContext* ctx) {
  std::vector<ExprPtr> out;
  for (P::ExprContext* e : ctx->expr()) {
    out.push_back(BuildExpr(e));
  }
  return out;
}

ExprPtr AstBuilder::BuildExprOrDefault(P::ExprOrDefaultContext* ctx) {
  if (ctx->DEFAULT_() != nullptr) {
    return std::make_unique<DefaultExpr>(Pos(ctx));
  }
  return BuildExpr(ctx->expr());
}

// ---------------------------------------------------------------------------------------------
// The boolean layer

ExprPtr AstBuilder::BuildExpr(P::ExprContext* ctx) {
  if (auto* v = dynamic_cast<P::ValueExpressionContext*>(ctx)) {
    return BuildValue(v->valueExpr());
  }
  DepthGuard guard(this, ctx->getStart());
  return BuildBooleanLayer(ctx);
}

// AND and OR chains are left-deep in the parse tree; walking the spine iteratively yields one
// n-ary node and keeps long ORM-generated OR lists from costing stack.
ExprPtr AstBuilder::BuildBoolChain(P::ExprContext* ctx, BoolOp op) {
  std::vector<P::ExprContext*> operands;
  antlr4::Token* first_op = nullptr;
  P::ExprContext* cur = ctx;
  while (true) {
    if (auto* a = dynamic_cast<P::AndExpressionContext*>(cur); a && op == BoolOp::kAnd) {
      operands.push_back(a->expr(1));
      first_op = a->AND_()->getSymbol();
      cur = a->expr(0);
    } else if (auto* o = dynamic_cast<P::OrExpressionContext*>(cur); o && op == BoolOp::kOr) {
      operands.push_back(o->expr(1));
      first_op = o->OR_()->getSymbol();
      cur = o->expr(0);
    } else {
      break;
    }
  }
  operands.push_back(cur);
  auto e = std::make_unique<BoolExpr>(Pos(first_op), op);
  for (auto it = operands.rbegin(); it != operands.rend(); ++it) {
    e->args.push_back(BuildExpr(*it));
  }
  return e;
}

ExprPtr AstBuilder::BuildBooleanLayer(P::ExprContext* ctx) {
  if (dynamic_cast<P::AndExpressionContext*>(ctx) != nullptr) {
    return BuildBoolChain(ctx, BoolOp::kAnd);
  }
  if (dynamic_cast<P::OrExpressionContext*>(ctx) != nullptr) {
    return BuildBoolChain(ctx, BoolOp::kOr);
  }
  if (auto* c = dynamic_cast<P::ComparisonExpressionContext*>(ctx)) {
    if (IsComparison(c->expr(0))) {
      SyntaxErrorAt(c->compOp()->getStart());
    }
    auto e = std::make_unique<BinaryExpr>(Pos(c->compOp()));
    e->op = BuildOperator(c->compOp());
    e->left = BuildExpr(c->expr(0));
    e->right = BuildExpr(c->expr(1));
    return e;
  }
  if (ExprPtr e = BuildPatternTest(ctx)) {
    return e;
  }
  if (ExprPtr e = BuildTruthTest(ctx)) {
    return e;
  }
  if (auto* c = dynamic_cast<P::QuantifiedExpressionContext*>(ctx)) {
    const bool all = c->quantifier->getType() == P::ALL_;
    const int pos = Pos(c->subqueryOp());
    if (c->queryExpression() != nullptr) {
      auto e = std::make_unique<SubqueryExpr>(pos, all ? SubqueryKind::kAll : SubqueryKind::kAny);
      e->op = BuildOperator(c->subqueryOp());
      e->arg = BuildExpr(c->expr(0));
      e->query = BuildQuery(c->queryExpression());
      return e;
    }
    auto e = std::make_unique<QuantifiedExpr>(pos, all ? Quantifier::kAll : Quantifier::kAny);
    e->op = BuildOperator(c->subqueryOp());
    e->left = BuildExpr(c->expr(0));
    e->array = BuildExpr(c->expr(1));
    return e;
  }
  auto* c = dynamic_cast<P::NotExpressionContext*>(ctx);
  BLOCKDB_CHECK(c != nullptr);
  auto e = std::make_unique<BoolExpr>(Pos(c->NOT_()), BoolOp::kNot);
  e->args.push_back(BuildExpr(c->expr()));
  return e;
}

// LIKE, ILIKE, SIMILAR TO, BETWEEN and IN; null for other alternatives.
ExprPtr AstBuilder::BuildPatternTest(P::ExprContext* ctx) {
  if (auto* c = dynamic_cast<P::LikeExpressionContext*>(ctx)) {
    antlr4::Token* op = OperatorToken(c->NOT_(), c->op);
    if (IsOpenPatternTest(c->expr())) {
      SyntaxErrorAt(op);
    }
    auto e = std::make_unique<LikeExpr>(
        Pos(op), c->op->getType() == P::ILIKE_ ? LikeKind::kILike : LikeKind::kLike);
    e->negated = c->NOT_() != nullptr;
    e->arg = BuildExpr(c->expr());
    e->pattern = BuildValue(c->pattern);
    e->escape = c->escape != nullptr ? BuildValue(c->escape) : nullptr;
    return e;
  }
  if (auto* c = dynamic_cast<P::SimilarExpressionContext*>(ctx)) {
    antlr4::Token* op = OperatorToken(c->NOT_(), c->op);
    if (IsOpenPatternTest(c->expr())) {
      SyntaxErrorAt(op);
    }
    auto e = std::make_unique<LikeExpr>(Pos(op), LikeKind::kSimilarTo);
    e->negated = c->NOT_() != nullptr;
    e->arg = BuildExpr(c->expr());
    e->pattern = BuildValue(c->pattern);
    e->escape = c->escape != nullptr ? BuildValue(c->escape) : nullptr;
    return e;
  }
  if (auto* c = dynamic_cast<P::BetweenExpressionContext*>(ctx)) {
    antlr4::Token* op = OperatorToken(c->NOT_(), c->op);
    if (IsOpenPatternTest(c->expr())) {
      SyntaxErrorAt(op);
    }
    auto e = std::make_unique<BetweenExpr>(Pos(op));
    e->negated = c->NOT_() != nullptr;
    e->symmetric = c->SYMMETRIC_() != nullptr;
    e->arg = BuildExpr(c->expr());
    e->low = BuildValue(c->low);
    e->high = BuildValue(c->high);
    return e;
  }
  if (auto* c = dynamic_cast<P::InExpressionContext*>(ctx)) {
    antlr4::Token* op = OperatorToken(c->NOT_(), c->op);
    if (IsOpenPatternTest(c->expr())) {
      SyntaxErrorAt(op);
    }
    if (c->queryExpression() != nullptr) {
      auto e = std::make_unique<SubqueryExpr>(Pos(op), SubqueryKind::kIn);
      e->negated = c->NOT_() != nullptr;
      e->op = OperatorName{"", std::string(1, '=')};
      e->arg = BuildExpr(c->expr());
      e->query = BuildQuery(c->queryExpression());
      return e;
    }
    auto e = std::make_unique<InListExpr>(Pos(op));
    e->negated = c->NOT_() != nullptr;
    e->arg = BuildExpr(c->expr());
    e->list = BuildExprList(c->exprList());
    return e;
  }
  return nullptr;
}

// IS [NOT] NULL/TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM, ISNULL/NOTNULL; null otherwise.
ExprPtr AstBuilder::BuildTruthTest(P::ExprContext* ctx) {
  if (auto* c = dynamic_cast<P::IsExpressionContext*>(ctx)) {
    if (IsDistinctFrom(c->expr())) {
      SyntaxErrorAt(c->IS_()->getSymbol());
    }
    IsTest test = IsTest::kNull;
    if (c->TRUE_() != nullptr) {
      test = IsTest::kTrue;
    } else if (c->FALSE_() != nullptr) {
      test = IsTest::kFalse;
    } else if (c->UNKNOWN_() != nullptr) {
      test = IsTest::kUnknown;
    }
    auto e = std::make_unique<IsExpr>(Pos(c->IS_()), test);
    e->negated = c->NOT_() != nullptr;
    e->arg = BuildExpr(c->expr());
    return e;
  }
  if (auto* c = dynamic_cast<P::DistinctFromExpressionContext*>(ctx)) {
    if (IsDistinctFrom(c->expr(0))) {
      SyntaxErrorAt(c->IS_()->getSymbol());
    }
    auto e = std::make_unique<IsExpr>(Pos(c->IS_()), IsTest::kDistinctFrom);
    e->negated = c->NOT_() != nullptr;
    e->arg = BuildExpr(c->expr(0));
    e->other = BuildExpr(c->expr(1));
    return e;
  }
  if (auto* c = dynamic_cast<P::NullTestExpressionContext*>(ctx)) {
    if (IsDistinctFrom(c->expr())) {
      SyntaxErrorAt(c->getStop());
    }
    auto e = std::make_unique<IsExpr>(Pos(c->getStop()), IsTest::kNull);
    e->negated = c->NOTNULL_() != nullptr;
    e->arg = BuildExpr(c->expr());
    return e;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// The value layer

ExprPtr AstBuilder::BuildValue(P::ValueExprContext* ctx) {
  if (auto* p = dynamic_cast<P::PrimaryValueContext*>(ctx)) {
    return BuildPrimary(p->primaryExpr());
  }
  DepthGuard guard(this, ctx->getStart());
  return BuildValueOperator(ctx);
}

ExprPtr AstBuilder::BuildValueOperator(P::ValueExprContext* ctx) {
  if (auto* c = dynamic_cast<P::CastValueContext*>(ctx)) {
    auto e = std::make_unique<CastExpr>(Pos(c->TYPECAST()), CastSyntax::kDoubleColon);
    e->arg = BuildValue(c->valueExpr());
    e->type = BuildTypeName(c->typeName());
    return e;
  }
  if (auto* c = dynamic_cast<P::SubscriptValueContext*>(ctx)) {
    auto e = std::make_unique<SubscriptExpr>(Pos(c->LBRACKET()));
    e->arg = BuildValue(c->valueExpr());
    P::SubscriptContext* s = c->subscript();
    e->slice = s->COLON() != nullptr;
    e->lower = s->lower != nullptr ? BuildExpr(s->lower) : nullptr;
    e->upper = s->upper != nullptr ? BuildExpr(s->upper) : nullptr;
    return e;
  }
  if (auto* c = dynamic_cast<P::UnaryValueContext*>(ctx)) {
    ExprPtr operand = BuildValue(c->valueExpr());
    if (c->op->getType() == P::MINUS && operand->Is<LiteralExpr>()) {
      auto& lit = operand->As<LiteralExpr>();
      if (lit.literal_kind == LiteralKind::kInteger || lit.literal_kind == LiteralKind::kNumeric) {
        lit.value = lit.value[0] == '-' ? lit.value.substr(1) : "-" + lit.value;
        lit.position = Pos(c->op);
        return operand;
      }
    }
    auto e = std::make_unique<UnaryExpr>(Pos(c->op));
    e->op.name = c->op->getText();
    e->operand = std::move(operand);
    return e;
  }
  if (auto* c = dynamic_cast<P::CollateValueContext*>(ctx)) {
    auto e = std::make_unique<CollateExpr>(Pos(c->COLLATE_()));
    e->arg = BuildValue(c->valueExpr());
    e->collation = AnyName(c->anyName());
    return e;
  }
  if (auto* c = dynamic_cast<P::AtTimeZoneValueContext*>(ctx)) {
    auto e = std::make_unique<AtTimeZoneExpr>(Pos(c->AT_()));
    e->arg = BuildValue(c->valueExpr(0));
    e->zone = BuildValue(c->valueExpr(1));
    return e;
  }
  if (auto* c = dynamic_cast<P::PrefixOperatorValueContext*>(ctx)) {
    auto e = std::make_unique<UnaryExpr>(Pos(c->qualOp()));
    e->op = BuildOperator(c->qualOp());
    e->operand = BuildValue(c->valueExpr());
    return e;
  }
  // Binary operators: ^, * / %, + -, and the "other operator" group.
  antlr4::Token* op_token = nullptr;
  OperatorName op;
  if (auto* c = dynamic_cast<P::PowerValueContext*>(ctx)) {
    op_token = c->CARET()->getSymbol();
  } else if (auto* c = dynamic_cast<P::MultiplicativeValueContext*>(ctx)) {
    op_token = c->op;
  } else if (auto* c = dynamic_cast<P::AdditiveValueContext*>(ctx)) {
    op_token = c->op;
  } else if (auto* c = dynamic_cast<P::OperatorValueContext*>(ctx)) {
    op_token = c->qualOp()->getStart();
    op = BuildOperator(c->qualOp());
  }
  BLOCKDB_CHECK(op_token != nullptr);
  if (op.name.empty()) {
    op.name = op_token->getText();
  }
  auto e = std::make_unique<BinaryExpr>(Pos(op_token));
  e->op = std::move(op);
  e->left = BuildValue(ctx->getRuleContext<P::ValueExprContext>(0));
  e->right = BuildValue(ctx->getRuleContext<P::ValueExprContext>(1));
  return e;
}

// ---------------------------------------------------------------------------------------------
// Primaries

ExprPtr AstBuilder::BuildParen(P::ParenPrimaryContext* ctx) {
  if (ctx->exprList() != nullptr) {
    if (!ctx->fieldSelection().empty()) {
      SyntaxErrorAt(ctx->fieldSelection(0)->getStart());
    }
    auto row = std::make_unique<RowExpr>(Pos(ctx));
    row->fields.push_back(BuildExpr(ctx->expr()));
    for (ExprPtr& e : BuildExprList(ctx->exprList())) {
      row->fields.push_back(std::move(e));
    }
    return row;
  }
  ExprPtr inner = BuildExpr(ctx->expr());
  for (P::FieldSelectionContext* f : ctx->fieldSelection()) {
    auto e = std::make_unique<FieldSelectExpr>(Pos(f));
    e->arg = std::move(inner);
    e->star = f->STAR() != nullptr;
    if (!e->star) {
      e->field = Name(f->colLabel());
    }
    inner = std::move(e);
  }
  return inner;
}

ExprPtr AstBuilder::BuildPrimary(P::PrimaryExprContext* ctx) {
  DepthGuard guard(this, ctx->getStart());
  if (auto* c = dynamic_cast<P::ColumnPrimaryContext*>(ctx)) {
    return BuildColumnRef(c->columnRef());
  }
  if (auto* c = dynamic_cast<P::LiteralPrimaryContext*>(ctx)) {
    return BuildLiteral(c->literal());
  }
  if (auto* c = dynamic_cast<P::FunctionPrimaryContext*>(ctx)) {
    return BuildFunctionCall(c->functionCall());
  }
  if (auto* c = dynamic_cast<P::ParenPrimaryContext*>(ctx)) {
    return BuildParen(c);
  }
  if (auto* c = dynamic_cast<P::ParamPrimaryContext*>(ctx)) {
    const std::string text = c->PARAM()->getText();
    int64_t n = 0;
    for (size_t i = 1; i < text.size(); ++i) {
      n = n * 10 + (text[i] - '0');
      if (n > std::numeric_limits<int32_t>::max()) {
        Fail(c->getStart(), "there is no parameter " + text, "42P02");
      }
    }
    return std::make_unique<ParamExpr>(Pos(c), static_cast<int>(n));
  }
  if (auto* c = dynamic_cast<P::TypedLiteralPrimaryContext*>(ctx)) {
    return BuildTypedLiteral(c->typedLiteral());
  }
  if (auto* c = dynamic_cast<P::SpecialFunctionPrimaryContext*>(ctx)) {
    return BuildSpecialFunction(c->specialFunction());
  }
  if (auto* c = dynamic_cast<P::CasePrimaryContext*>(ctx)) {
    return BuildCase(c);
  }
  if (auto* c = dynamic_cast<P::CastPrimaryContext*>(ctx)) {
    auto e = std::make_unique<CastExpr>(Pos(c), CastSyntax::kCast);
    e->arg = BuildExpr(c->expr());
    e->type = BuildTypeName(c->typeName());
    return e;
  }
  if (auto* c = dynamic_cast<P::SubqueryPrimaryContext*>(ctx)) {
    auto e = std::make_unique<SubqueryExpr>(Pos(c), SubqueryKind::kScalar);
    e->query = BuildKeywordQuery(c->keywordQueryExpression());
    return e;
  }
  if (auto* c = dynamic_cast<P::ExistsPrimaryContext*>(ctx)) {
    auto e = std::make_unique<SubqueryExpr>(Pos(c), SubqueryKind::kExists);
    e->query = BuildQuery(c->queryExpression());
    return e;
  }
  if (auto* c = dynamic_cast<P::ArraySubqueryPrimaryContext*>(ctx)) {
    auto e = std::make_unique<SubqueryExpr>(Pos(c), SubqueryKind::kArray);
    e->query = BuildQuery(c->queryExpression());
    return e;
  }
  if (auto* c = dynamic_cast<P::ArrayPrimaryContext*>(ctx)) {
    return BuildArray(c->arrayBrackets(), Pos(c));
  }
  auto* c = dynamic_cast<P::RowPrimaryContext*>(ctx);
  BLOCKDB_CHECK(c != nullptr);
  auto row = std::make_unique<RowExpr>(Pos(c));
  row->explicit_row = true;
  if (c->exprList() != nullptr) {
    row->fields = BuildExprList(c->exprList());
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Function calls, windows, ORDER BY

std::unique_ptr<FunctionExpr> AstBuilder::BuildFunctionCall(P::FunctionCallContext* ctx) {
  auto f = std::make_unique<FunctionExpr>(Pos(ctx));
  f->name = FuncName(ctx->funcName());
  if (auto* star = dynamic_cast<P::StarArgsContext*>(ctx->functionArgs())) {
    f->star = star != nullptr;
  } else if (auto* list = dynamic_cast<P::ListArgsContext*>(ctx->functionArgs())) {
    if (list->setQuantifier() != nullptr) {
      f->distinct = list->setQuantifier()->DISTINCT_() != nullptr;
    }
    const std::vector<P::FunctionArgContext*> args = list->functionArg();
    bool named_seen = false;
    for (size_t i = 0; i < args.size(); ++i) {
      P::FunctionArgContext* arg = args[i];
      if (arg->VARIADIC_() != nullptr) {
        if (i + 1 != args.size()) {
          SyntaxErrorAt(args[i + 1]->getStart());
        }
        f->variadic = true;
      }
      if (arg->typeFuncName() != nullptr) {
        named_seen = true;
        f->arg_names.push_back(Name(arg->typeFuncName()));
      } else {
        if (named_seen) {
          Fail(arg->getStart(), "positional argument cannot follow named argument");
        }
        f->arg_names.emplace_back();
      }
      f->args.push_back(BuildExpr(arg->expr()));
    }
    if (list->orderByClause() != nullptr) {
      f->order_by = BuildOrderBy(list->orderByClause());
    }
  }
  if (P::WithinGroupClauseContext* wg = ctx->withinGroupClause()) {
    if (!f->order_by.empty()) {
      Fail(wg->getStart(), "cannot use multiple ORDER BY clauses with WITHIN GROUP");
    }
    f->order_by = BuildOrderBy(wg->orderByClause());
    f->within_group = true;
  }
  if (P::FilterClauseContext* filter = ctx->filterClause()) {
    f->filter = BuildExpr(filter->expr());
  }
  if (P::OverClauseContext* over = ctx->overClause()) {
    if (over->colId() != nullptr) {
      f->over = std::make_unique<WindowSpec>();
      f->over->ref_name = Name(over->colId());
      f->over->position = Pos(over->colId());
    } else {
      f->over = std::make_unique<WindowSpec>(BuildWindowSpec(over->windowSpec()));
    }
  }
  return f;
}

namespace {

FrameBound ToFrameBound(P::FrameBoundContext* ctx, AstBuilder* builder) {
  FrameBound b;
  const bool preceding = ctx->PRECEDING_() != nullptr;
  if (ctx->UNBOUNDED_() != nullptr) {
    b.kind = preceding ? FrameBoundKind::kUnboundedPreceding : FrameBoundKind::kUnboundedFollowing;
  } else if (ctx->CURRENT_() != nullptr) {
    b.kind = FrameBoundKind::kCurrentRow;
  } else {
    b.kind = preceding ? FrameBoundKind::kPreceding : FrameBoundKind::kFollowing;
    b.offset = builder->BuildValue(ctx->valueExpr());
  }
  return b;
}

void FrameError(antlr4::ParserRuleContext* at, const char* message) {
  AstBuilder::Fail(at->getStart(), message, "42P20");
}

// PostgreSQL's frame checks (gram.y), which it reports as windowing errors.
void CheckFrame(const WindowFrame& f, P::FrameClauseContext* ctx) {
  using K = FrameBoundKind;
  if (f.start.kind == K::kUnboundedFollowing) {
    FrameError(ctx, "frame start cannot be UNBOUNDED FOLLOWING");
  }
  if (f.end.kind == K::kUnboundedPreceding) {
    FrameError(ctx, "frame end cannot be UNBOUNDED PRECEDING");
  }
  if (f.start.kind == K::kCurrentRow && f.end.kind == K::kPreceding) {
    FrameError(ctx, "frame starting from current row cannot have preceding rows");
  }
  if (f.start.kind == K::kFollowing &&
      (f.end.kind == K::kPreceding || f.end.kind == K::kCurrentRow)) {
    FrameError(ctx, f.end.kind == K::kCurrentRow
                        ? "frame starting from following row cannot end with current row"
                        : "frame starting from following row cannot have preceding rows");
  }
}

}  // namespace

WindowSpec AstBuilder::BuildWindowSpec(P::WindowSpecContext* ctx) {
  WindowSpec w;
  w.position = Pos(ctx);
  if (ctx->colId() != nullptr) {
    w.ref_name = Name(ctx->colId());
  }
  if (ctx->exprList() != nullptr) {
    w.partition_by = BuildExprList(ctx->exprList());
  }
  if (ctx->orderByClause() != nullptr) {
    w.order_by = BuildOrderBy(ctx->orderByClause());
  }
  if (P::FrameClauseContext* fc = ctx->frameClause()) {
    WindowFrame f;
    const size_t mode = fc->frameMode->getType();
    f.mode = mode == P::ROWS_ ? FrameMode::kRows
                              : (mode == P::GROUPS_ ? FrameMode::kGroups : FrameMode::kRange);
    f.start = ToFrameBound(fc->frameBound(0), this);
    if (fc->frameBound().size() > 1) {
      f.end = ToFrameBound(fc->frameBound(1), this);
    }
    if (P::FrameExclusionContext* ex = fc->frameExclusion()) {
      f.exclusion = ex->CURRENT_() != nullptr ? FrameExclusion::kCurrentRow
                    : ex->GROUP_() != nullptr ? FrameExclusion::kGroup
                    : ex->TIES_() != nullptr  ? FrameExclusion::kTies
                                              : FrameExclusion::kNoOthers;
    }
    CheckFrame(f, fc);
    w.frame = std::move(f);
  }
  return w;
}

std::vector<SortItem> AstBuilder::BuildOrderBy(P::OrderByClauseContext* ctx) {
  std::vector<SortItem> items;
  for (P::SortItemContext* s : ctx->sortItem()) {
    SortItem item;
    item.position = Pos(s);
    item.expr = BuildExpr(s->expr());
    if (s->ASC_() != nullptr) {
      item.order = SortOrder::kAsc;
    } else if (s->DESC_() != nullptr) {
      item.order = SortOrder::kDesc;
    } else if (s->USING_() != nullptr) {
      item.order = SortOrder::kUsing;
      item.using_op = BuildOperator(s->qualAllOp());
    }
    if (s->NULLS_() != nullptr) {
      item.nulls = s->FIRST_() != nullptr ? NullsOrder::kFirst : NullsOrder::kLast;
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace blockdb::sql::internal
