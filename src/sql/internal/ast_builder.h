// AstBuilder: walks the ANTLR parse tree of a query string and builds BlockDB's AST.
//
// Private to sql/: this is the one header that names generated ANTLR types, and only the parser's
// own .cc files include it (the generated code is linked PRIVATE into blockdb_sql, so nothing
// outside sql/ can). The builder's methods are split by concern over build_*.cc.
//
// Errors (a bad escape in a literal, a non-associative comparison chain, nesting deeper than
// kMaxExpressionDepth...) are thrown as SqlError and turned into a Status by parser.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "BlockSQLParser.h"
#include "common/status.h"
#include "sql/ast.h"
#include "sql/internal/sql_error.h"

namespace blockdb::sql::internal {

using P = blocksql::BlockSQLParser;

class AstBuilder {
 public:
  // `text` is the query string; byte_offsets[i] is the byte offset of code point i (size n + 1),
  // used to cut each statement's source text.
  AstBuilder(std::string_view text, const std::vector<size_t>& byte_offsets)
      : text_(text), byte_offsets_(byte_offsets) {}

  std::vector<StatementPtr> BuildScript(P::ScriptContext* ctx);

  // ---- build_common.cc: positions, errors, names, literals, types
  static int Pos(const antlr4::Token* token) {
    return static_cast<int>(token->getStartIndex()) + 1;
  }
  static int Pos(antlr4::ParserRuleContext* ctx) { return Pos(ctx->getStart()); }
  static int Pos(antlr4::tree::TerminalNode* node) { return Pos(node->getSymbol()); }
  [[noreturn]] static void Fail(const antlr4::Token* at, std::string message,
                                std::string sqlstate = "42601");
  [[noreturn]] static void SyntaxErrorAt(const antlr4::Token* at);
  // PostgreSQL's message for a statement rejected at `token`: `syntax error at or near "x"`,
  // `syntax error at end of input`, `unterminated quoted string at or near "'abc"`...
  static std::string SyntaxErrorMessage(const antlr4::Token* token);
  // Throws `status` (not OK) as an SqlError positioned at `at`.
  static void ThrowIfError(const Status& status, const antlr4::Token* at);

  // Counts one level of AST nesting for as long as it lives; throws 54001 past
  // kMaxExpressionDepth.
  class DepthGuard {
   public:
    DepthGuard(AstBuilder* builder, const antlr4::Token* at);
    ~DepthGuard() { --builder_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    AstBuilder* builder_;
  };

  // Any rule that matches exactly one identifier or keyword token (identifier, colId, colLabel,
  // bareColLabel, typeFuncName, nonReservedWord...): its folded name.
  static std::string Name(antlr4::ParserRuleContext* ctx);
  static std::string NameOfToken(const antlr4::Token* token);
  static std::vector<std::string> NameList(P::NameListContext* ctx);
  static std::vector<std::string> AnyName(P::AnyNameContext* ctx);
  static std::vector<std::string> DottedName(antlr4::ParserRuleContext* ctx);
  static QualifiedName ToQualifiedName(const std::vector<std::string>& parts,
                                       const antlr4::Token* at);
  static QualifiedName BuildQualifiedName(P::QualifiedNameContext* ctx);
  static std::vector<std::string> FuncName(P::FuncNameContext* ctx);
  static std::string StringValue(P::StringLiteralContext* ctx);
  static int64_t SignedInteger(P::SignedIntegerContext* ctx);
  static int64_t IntegerValue(antlr4::tree::TerminalNode* node);
  static int64_t IntegerToken(const antlr4::Token* token);
  static std::string UpperText(antlr4::ParserRuleContext* ctx);  // "MATERIALIZED VIEW"
  ExprPtr BuildLiteral(P::LiteralContext* ctx);
  TypeName BuildTypeName(P::TypeNameContext* ctx);
  // `literal`: the type prefixes a string constant (CHAR 'abc'), where PostgreSQL leaves a
  // missing CHAR/BIT length unconstrained instead of 1.
  TypeName BuildConstTypeName(P::ConstTypeNameContext* ctx, bool literal = false);
  static std::string IntervalFields(P::IntervalQualifierContext* ctx, TypeName* type);

  // ---- build_expr.cc
  ExprPtr BuildExpr(P::ExprContext* ctx);
  ExprPtr BuildValue(P::ValueExprContext* ctx);
  ExprPtr BuildPrimary(P::PrimaryExprContext* ctx);
  std::vector<ExprPtr> BuildExprList(P::ExprListContext* ctx);
  ExprPtr BuildExprOrDefault(P::ExprOrDefaultContext* ctx);
  std::unique_ptr<FunctionExpr> BuildFunctionCall(P::FunctionCallContext* ctx);
  WindowSpec BuildWindowSpec(P::WindowSpecContext* ctx);
  std::vector<SortItem> BuildOrderBy(P::OrderByClauseContext* ctx);
  static OperatorName BuildOperator(antlr4::ParserRuleContext* op_ctx);

  // ---- build_special.cc: SQL-syntax functions, CASE, arrays, column references
  ExprPtr BuildSpecialFunction(P::SpecialFunctionContext* ctx);
  ExprPtr BuildSubstring(P::SubstringFunctionContext* ctx);
  ExprPtr BuildTrim(P::TrimFunctionContext* ctx);
  ExprPtr BuildCase(P::CasePrimaryContext* ctx);
  ExprPtr BuildArray(P::ArrayBracketsContext* ctx, int position);
  ExprPtr BuildColumnRef(P::ColumnRefContext* ctx);
  ExprPtr BuildTypedLiteral(P::TypedLiteralContext* ctx);

  // ---- build_query.cc
  std::unique_ptr<Query> BuildQuery(P::QueryExpressionContext* ctx);
  std::unique_ptr<Query> BuildKeywordQuery(P::KeywordQueryExpressionContext* ctx);
  std::unique_ptr<WithClause> BuildWith(P::WithClauseContext* ctx);
  std::vector<TargetItem> BuildTargets(P::TargetListContext* ctx);
  FromItemPtr BuildFromItem(P::FromItemContext* ctx);
  QueryBodyPtr BuildSimpleSelect(P::SimpleSelectContext* ctx);

  // ---- build_stmt.cc / build_session.cc
  StatementPtr BuildStatement(P::StatementContext* ctx);
  // Any statement rule (the single child of statement, preparableStmt or explainableStmt), with
  // its position and source text filled in.
  StatementPtr BuildStatementNode(antlr4::ParserRuleContext* ctx);
  StatementPtr BuildSessionStatement(antlr4::ParserRuleContext* ctx);
  std::vector<IndexElem> BuildIndexElems(const std::vector<P::IndexElemContext*>& elems);
  OptionItem BuildOptionValue(std::string name, P::OptionValueContext* value, int position);

 private:
  friend class DepthGuard;

  // build_query.cc helpers
  template <typename Ctx>
  void ApplyQueryTail(Ctx* ctx, Query* query);
  QueryBodyPtr BuildQueryPrimary(P::QueryPrimaryContext* ctx);
  QueryBodyPtr BuildKeywordQueryPrimary(P::KeywordQueryPrimaryContext* ctx);
  QueryBodyPtr BuildSetOperations(antlr4::ParserRuleContext* ctx);
  FromItemPtr BuildFromPrimary(P::FromPrimaryContext* ctx);

  // build_expr.cc helpers
  ExprPtr BuildBoolChain(P::ExprContext* ctx, BoolOp op);
  ExprPtr BuildBooleanLayer(P::ExprContext* ctx);
  ExprPtr BuildPatternTest(P::ExprContext* ctx);
  ExprPtr BuildTruthTest(P::ExprContext* ctx);
  ExprPtr BuildValueOperator(P::ValueExprContext* ctx);
  ExprPtr BuildParen(P::ParenPrimaryContext* ctx);

  // build_stmt.cc helpers
  void FillSource(antlr4::ParserRuleContext* ctx, Statement* stmt) const;
  StatementPtr BuildInsert(P::InsertStmtContext* ctx);
  StatementPtr BuildCreateTable(P::CreateTableStmtContext* ctx);
  StatementPtr BuildCreateIndex(P::CreateIndexStmtContext* ctx);
  StatementPtr BuildCreateRole(P::CreateRoleStmtContext* ctx);
  StatementPtr BuildOpaque(antlr4::ParserRuleContext* ctx);
  Constraint BuildColumnConstraint(P::ColumnConstraintContext* ctx);
  Constraint BuildTableConstraint(P::TableConstraintContext* ctx);

  // build_session.cc helpers
  StatementPtr BuildTransaction(P::TransactionStmtContext* ctx);
  StatementPtr BuildSet(P::SetStmtContext* ctx);
  StatementPtr BuildCopy(P::CopyStmtContext* ctx);
  StatementPtr BuildExplain(P::ExplainStmtContext* ctx);
  StatementPtr BuildFetch(P::FetchStmtContext* ctx);
  StatementPtr BuildCursorOrChannel(antlr4::ParserRuleContext* ctx);

  std::string_view text_;
  const std::vector<size_t>& byte_offsets_;
  int depth_ = 0;
};

}  // namespace blockdb::sql::internal
