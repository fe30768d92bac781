// AstBuilder: COPY and its two option syntaxes.
#include "sql/internal/ast_builder.h"

namespace blockdb::sql::internal {
namespace {

OptionItem Flag(std::string name, int position) {
  return OptionItem{std::move(name), std::nullopt, {}, position};
}

OptionItem Valued(std::string name, std::string value, int position) {
  return OptionItem{std::move(name), std::move(value), {}, position};
}

// The pre-9.0 keyword options, mapped to the names of the parenthesized syntax.
OptionItem LegacyOption(P::LegacyCopyOptionContext* ctx) {
  const int pos = AstBuilder::Pos(ctx);
  auto string_of = [](P::StringLiteralContext* s) { return AstBuilder::StringValue(s); };
  if (dynamic_cast<P::BinaryCopyOptionContext*>(ctx) != nullptr) {
    return Valued("format", "binary", pos);
  }
  if (dynamic_cast<P::CsvCopyOptionContext*>(ctx) != nullptr) {
    return Valued("format", "csv", pos);
  }
  if (dynamic_cast<P::FreezeCopyOptionContext*>(ctx) != nullptr) {
    return Flag("freeze", pos);
  }
  if (dynamic_cast<P::HeaderCopyOptionContext*>(ctx) != nullptr) {
    return Flag("header", pos);
  }
  if (dynamic_cast<P::OidsCopyOptionContext*>(ctx) != nullptr) {
    return Flag("oids", pos);
  }
  if (auto* c = dynamic_cast<P::DelimiterCopyOptionContext*>(ctx)) {
    return Valued("delimiter", string_of(c->stringLiteral()), pos);
  }
  if (auto* c = dynamic_cast<P::NullCopyOptionContext*>(ctx)) {
    return Valued("null", string_of(c->stringLiteral()), pos);
  }
  if (auto* c = dynamic_cast<P::QuoteCopyOptionContext*>(ctx)) {
    return Valued("quote", string_of(c->stringLiteral()), pos);
  }
  if (auto* c = dynamic_cast<P::EscapeCopyOptionContext*>(ctx)) {
    return Valued("escape", string_of(c->stringLiteral()), pos);
  }
  if (auto* c = dynamic_cast<P::EncodingCopyOptionContext*>(ctx)) {
    return Valued("encoding", string_of(c->stringLiteral()), pos);
  }
  OptionItem item = Flag("", pos);
  if (auto* c = dynamic_cast<P::ForceQuoteCopyOptionContext*>(ctx)) {
    item.name = "force_quote";
    item.list =
        c->STAR() != nullptr ? std::vector<std::string>{"*"} : AstBuilder::NameList(c->nameList());
  } else if (auto* c = dynamic_cast<P::ForceNotNullCopyOptionContext*>(ctx)) {
    item.name = "force_not_null";
    item.list = AstBuilder::NameList(c->nameList());
  } else if (auto* c = dynamic_cast<P::ForceNullCopyOptionContext*>(ctx)) {
    item.name = "force_null";
    item.list = AstBuilder::NameList(c->nameList());
  }
  return item;
}

}  // namespace

StatementPtr AstBuilder::BuildCopy(P::CopyStmtContext* ctx) {
  auto s = std::make_unique<CopyStmt>(Pos(ctx));
  P::CopyEndpointContext* endpoint = ctx->getRuleContext<P::CopyEndpointContext>(0);
  if (auto* t = dynamic_cast<P::CopyTableContext*>(ctx)) {
    s->table = BuildQualifiedName(t->qualifiedName());
    if (t->nameList() != nullptr) {
      s->columns = NameList(t->nameList());
    }
    s->is_from = t->dir->getType() == P::FROM_;
    if (t->BINARY_() != nullptr) {
      s->options.push_back(Valued("format", "binary", Pos(t->BINARY_())));
    }
    if (t->whereClause() != nullptr) {
      s->where = BuildExpr(t->whereClause()->expr());
    }
  } else {
    auto* q = dynamic_cast<P::CopyQueryContext*>(ctx);
    BLOCKDB_CHECK(q != nullptr);
    s->query = BuildStatementNode(
        dynamic_cast<antlr4::ParserRuleContext*>(q->preparableStmt()->children.at(0)));
  }
  if (endpoint->STDIN_() != nullptr) {
    s->endpoint = CopyEndpoint::kStdin;
  } else if (endpoint->STDOUT_() != nullptr) {
    s->endpoint = CopyEndpoint::kStdout;
  } else {
    s->endpoint = endpoint->PROGRAM_() != nullptr ? CopyEndpoint::kProgram : CopyEndpoint::kFile;
    s->filename = StringValue(endpoint->stringLiteral());
  }
  P::CopyOptionsContext* options = ctx->getRuleContext<P::CopyOptionsContext>(0);
  if (options == nullptr) {
    return s;
  }
  for (P::LegacyCopyOptionContext* legacy : options->legacyCopyOption()) {
    s->options.push_back(LegacyOption(legacy));
  }
  for (P::CopyOptionContext* o : options->copyOption()) {
    P::CopyOptionValueContext* value = o->copyOptionValue();
    OptionItem item =
        BuildOptionValue(Name(o->colLabel()), value ? value->optionValue(0) : nullptr, Pos(o));
    if (value != nullptr && value->STAR() != nullptr) {
      item.list = {"*"};
    } else if (value != nullptr && value->LPAREN() != nullptr) {
      item.value.reset();
      for (P::OptionValueContext* v : value->optionValue()) {
        item.list.push_back(*BuildOptionValue("", v, Pos(v)).value);
      }
    }
    s->options.push_back(std::move(item));
  }
  return s;
}

}  // namespace blockdb::sql::internal
