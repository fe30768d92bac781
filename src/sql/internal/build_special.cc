// AstBuilder: SQL-syntax functions, CASE, ARRAY[...], column references and typed literals.
#include <cctype>

#include "sql/internal/ast_builder.h"
#include "sql/internal/text.h"

namespace blockdb::sql::internal {
namespace {

std::unique_ptr<FunctionExpr> SpecialCall(int position, std::string name) {
  auto f = std::make_unique<FunctionExpr>(position);
  f->name = {std::move(name)};
  f->special_syntax = true;
  return f;
}

std::string LowerText(antlr4::Token* token) {
  std::string s = token->getText();
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

SqlValue TimeValue(size_t token_type) {
  switch (token_type) {
    case P::CURRENT_TIME_:
      return SqlValue::kCurrentTime;
    case P::CURRENT_TIMESTAMP_:
      return SqlValue::kCurrentTimestamp;
    case P::LOCALTIME_:
      return SqlValue::kLocalTime;
    default:
      return SqlValue::kLocalTimestamp;
  }
}

SqlValue UserValue(size_t token_type) {
  switch (token_type) {
    case P::CURRENT_ROLE_:
      return SqlValue::kCurrentRole;
    case P::CURRENT_USER_:
      return SqlValue::kCurrentUser;
    case P::SESSION_USER_:
      return SqlValue::kSessionUser;
    case P::USER_:
      return SqlValue::kUser;
    case P::CURRENT_CATALOG_:
      return SqlValue::kCurrentCatalog;
    default:
      return SqlValue::kCurrentSchema;
  }
}

}  // namespace

ExprPtr AstBuilder::BuildSubstring(P::SubstringFunctionContext* c) {
  const int pos = Pos(c);
  auto f = SpecialCall(pos, "substring");
  if (c->expr() == nullptr) {
    return f;
  }
  f->args.push_back(BuildExpr(c->expr()));
  P::SubstringArgsContext* args = c->substringArgs();
  if (args->FROM_() != nullptr || args->FOR_() != nullptr) {
    f->args.push_back(args->from != nullptr
                          ? BuildExpr(args->from)
                          : std::make_unique<LiteralExpr>(0, LiteralKind::kInteger, "1"));
    if (args->for_ != nullptr) {
      f->args.push_back(BuildExpr(args->for_));
    }
  } else {
    for (P::ExprContext* e : args->expr()) {
      f->args.push_back(BuildExpr(e));
    }
  }
  return f;
}

ExprPtr AstBuilder::BuildTrim(P::TrimFunctionContext* c) {
  const int pos = Pos(c);
  std::string name = "btrim";
  if (c->trimSide != nullptr && c->trimSide->getType() == P::LEADING_) {
    name = "ltrim";
  } else if (c->trimSide != nullptr && c->trimSide->getType() == P::TRAILING_) {
    name = "rtrim";
  }
  auto f = SpecialCall(pos, name);
  // TRIM(chars FROM s) -> btrim(s, chars); TRIM(FROM s) and TRIM(s, chars) keep their order.
  if (c->exprList() != nullptr) {
    f->args = BuildExprList(c->exprList());
    if (!c->expr().empty()) {
      f->args.push_back(BuildExpr(c->expr(0)));
    }
  } else {
    for (P::ExprContext* e : c->expr()) {
      f->args.push_back(BuildExpr(e));
    }
  }
  return f;
}

ExprPtr AstBuilder::BuildSpecialFunction(P::SpecialFunctionContext* ctx) {
  const int pos = Pos(ctx);
  if (dynamic_cast<P::CurrentDateFunctionContext*>(ctx) != nullptr) {
    return std::make_unique<SqlValueExpr>(pos, SqlValue::kCurrentDate);
  }
  if (auto* c = dynamic_cast<P::CurrentTimeFunctionContext*>(ctx)) {
    auto e = std::make_unique<SqlValueExpr>(pos, TimeValue(c->op->getType()));
    if (c->INTEGER_LITERAL() != nullptr) {
      e->precision = static_cast<int>(IntegerValue(c->INTEGER_LITERAL()));
    }
    return e;
  }
  if (auto* c = dynamic_cast<P::SqlValueFunctionContext*>(ctx)) {
    return std::make_unique<SqlValueExpr>(pos, UserValue(c->op->getType()));
  }
  if (auto* c = dynamic_cast<P::ExtractFunctionContext*>(ctx)) {
    auto f = SpecialCall(pos, "extract");
    P::ExtractFieldContext* field = c->extractField();
    std::string name;
    if (field->stringLiteral() != nullptr) {
      name = StringValue(field->stringLiteral());
    } else if (field->identifier() != nullptr) {
      name = Name(field->identifier());
    } else {
      name = LowerText(field->getStart());
    }
    f->args.push_back(std::make_unique<LiteralExpr>(Pos(field), LiteralKind::kString, name));
    f->args.push_back(BuildExpr(c->expr()));
    return f;
  }
  if (auto* c = dynamic_cast<P::SubstringFunctionContext*>(ctx)) {
    return BuildSubstring(c);
  }
  if (auto* c = dynamic_cast<P::PositionFunctionContext*>(ctx)) {
    auto f = SpecialCall(pos, "position");
    f->args.push_back(BuildValue(c->valueExpr(1)));
    f->args.push_back(BuildValue(c->valueExpr(0)));
    return f;
  }
  if (auto* c = dynamic_cast<P::TrimFunctionContext*>(ctx)) {
    return BuildTrim(c);
  }
  if (auto* c = dynamic_cast<P::OverlayFunctionContext*>(ctx)) {
    auto f = SpecialCall(pos, "overlay");
    for (P::ExprContext* e : c->expr()) {
      f->args.push_back(BuildExpr(e));
    }
    if (P::OverlayArgsContext* args = c->overlayArgs()) {
      for (P::ExprContext* e : args->expr()) {
        f->args.push_back(BuildExpr(e));
      }
    }
    return f;
  }
  auto* c = dynamic_cast<P::KeywordFunctionContext*>(ctx);
  BLOCKDB_CHECK(c != nullptr);
  auto f = SpecialCall(pos, LowerText(c->name));
  f->args = BuildExprList(c->exprList());
  if (c->name->getType() == P::NULLIF_ && f->args.size() != 2) {
    SyntaxErrorAt(f->args.size() < 2 ? c->RPAREN()->getSymbol()
                                     : c->exprList()->COMMA(1)->getSymbol());
  }
  return f;
}

ExprPtr AstBuilder::BuildCase(P::CasePrimaryContext* ctx) {
  auto e = std::make_unique<CaseExpr>(Pos(ctx));
  if (ctx->arg != nullptr) {
    e->arg = BuildExpr(ctx->arg);
  }
  for (P::WhenClauseContext* w : ctx->whenClause()) {
    CaseWhen when;
    when.position = Pos(w);
    when.condition = BuildExpr(w->expr(0));
    when.result = BuildExpr(w->expr(1));
    e->whens.push_back(std::move(when));
  }
  if (ctx->elseResult != nullptr) {
    e->else_result = BuildExpr(ctx->elseResult);
  }
  return e;
}

ExprPtr AstBuilder::BuildArray(P::ArrayBracketsContext* ctx, int position) {
  auto e = std::make_unique<ArrayExpr>(position);
  if (ctx->exprList() != nullptr) {
    e->elements = BuildExprList(ctx->exprList());
  }
  for (P::ArrayBracketsContext* inner : ctx->arrayBrackets()) {
    DepthGuard guard(this, inner->getStart());
    e->elements.push_back(BuildArray(inner, Pos(inner)));
  }
  return e;
}

ExprPtr AstBuilder::BuildColumnRef(P::ColumnRefContext* ctx) {
  std::vector<std::string> names;
  bool star = false;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child)) {
      if (star) {
        SyntaxErrorAt(terminal->getSymbol());  // anything after t.*
      }
      star = terminal->getSymbol()->getType() == P::STAR;
    } else {
      names.push_back(Name(dynamic_cast<antlr4::ParserRuleContext*>(child)));
    }
  }
  if (names.size() > 4) {
    std::string joined;
    for (const std::string& n : names) {
      joined += (joined.empty() ? "" : ".") + n;
    }
    Fail(ctx->getStart(), "improper qualified name (too many dotted names): " + joined);
  }
  if (star) {
    auto e = std::make_unique<StarExpr>(Pos(ctx));
    e->qualifier = std::move(names);
    return e;
  }
  auto e = std::make_unique<ColumnRefExpr>(Pos(ctx));
  e->names = std::move(names);
  return e;
}

ExprPtr AstBuilder::BuildTypedLiteral(P::TypedLiteralContext* ctx) {
  auto e = std::make_unique<CastExpr>(Pos(ctx), CastSyntax::kTypedLiteral);
  P::StringLiteralContext* literal = nullptr;
  if (auto* c = dynamic_cast<P::ConstTypedLiteralContext*>(ctx)) {
    e->type = BuildConstTypeName(c->constTypeName(), /*literal=*/true);
    literal = c->stringLiteral();
  } else if (auto* n = dynamic_cast<P::NationalLiteralContext*>(ctx)) {
    // N'text' is a bpchar constant of any length.
    e->type.names = {"bpchar"};
    e->type.position = Pos(ctx);
    const std::string text = n->NATIONAL_STRING_LITERAL()->getText();
    e->arg = std::make_unique<LiteralExpr>(Pos(ctx), LiteralKind::kString,
                                           UnquoteString(std::string_view(text).substr(1)));
    return e;
  } else if (auto* c = dynamic_cast<P::IntervalLiteralContext*>(ctx)) {
    e->type.names = {"interval"};
    if (c->intervalQualifier() != nullptr) {
      e->type.interval_fields = IntervalFields(c->intervalQualifier(), &e->type);
    }
    literal = c->stringLiteral();
  } else if (auto* c = dynamic_cast<P::IntervalPrecisionLiteralContext*>(ctx)) {
    e->type.names = {"interval"};
    e->type.modifiers.push_back(IntegerValue(c->INTEGER_LITERAL()));
    literal = c->stringLiteral();
  } else {
    auto* g = dynamic_cast<P::GenericTypedLiteralContext*>(ctx);
    BLOCKDB_CHECK(g != nullptr);
    e->type.names = FuncName(g->funcName());
    literal = g->stringLiteral();
  }
  e->type.position = Pos(ctx);
  e->arg = std::make_unique<LiteralExpr>(Pos(literal), LiteralKind::kString, StringValue(literal));
  return e;
}

}  // namespace blockdb::sql::internal
