// AstBuilder: positions, errors, names, literals and type names.
#include <cctype>
#include <limits>

#include "sql/internal/ast_builder.h"
#include "sql/internal/text.h"

namespace blockdb::sql::internal {
namespace {

int CountCharacters(std::string_view utf8) {
  int n = 0;
  for (char c : utf8) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

// Terminal tokens under `tree`, in order.
void CollectTokens(antlr4::tree::ParseTree* tree, std::vector<antlr4::Token*>* out) {
  if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(tree)) {
    out->push_back(terminal->getSymbol());
    return;
  }
  for (antlr4::tree::ParseTree* child : tree->children) {
    CollectTokens(child, out);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Errors and depth

void AstBuilder::Fail(const antlr4::Token* at, std::string message, std::string sqlstate) {
  ThrowSqlError(std::move(sqlstate), std::move(message), Pos(at));
}

std::string AstBuilder::SyntaxErrorMessage(const antlr4::Token* token) {
  if (token->getType() == antlr4::Token::EOF) {
    return "syntax error at end of input";
  }
  const std::string text = token->getText();
  const std::string near = " at or near \"" + text + "\"";
  if (token->getType() == P::UNTERMINATED) {
    if (text.rfind("/*", 0) == 0) {
      return "unterminated /* comment" + near;
    }
    switch (text[0]) {
      case '"':
        return "unterminated quoted identifier" + near;
      case '$':
        return "unterminated dollar-quoted string" + near;
      case 'b':
      case 'B':
        return "unterminated bit string literal" + near;
      case 'x':
      case 'X':
        return "unterminated hexadecimal string literal" + near;
      default:
        return "unterminated quoted string" + near;
    }
  }
  if (token->getType() == P::NUMERIC_JUNK) {
    return "trailing junk after numeric literal" + near;
  }
  return "syntax error" + near;
}

void AstBuilder::SyntaxErrorAt(const antlr4::Token* at) {
  ThrowSqlError("42601", SyntaxErrorMessage(at), Pos(at));
}

void AstBuilder::ThrowIfError(const Status& status, const antlr4::Token* at) {
  if (!status.ok()) {
    ThrowSqlError(status.sqlstate().empty() ? "42601" : status.sqlstate(), status.message(),
                  Pos(at));
  }
}

AstBuilder::DepthGuard::DepthGuard(AstBuilder* builder, const antlr4::Token* at)
    : builder_(builder) {
  if (++builder_->depth_ > kMaxExpressionDepth) {
    --builder_->depth_;
    Fail(at,
         "statement too complex: nested more than " + std::to_string(kMaxExpressionDepth) +
             " levels deep",
         "54001");
  }
}

// ---------------------------------------------------------------------------------------------
// Names

std::string AstBuilder::NameOfToken(const antlr4::Token* token) {
  const std::string text = token->getText();
  if (token->getType() == P::QUOTED_IDENTIFIER) {
    Result<std::string> name = UnquoteIdentifier(text);
    ThrowIfError(name.status(), token);
    return std::move(name).value();
  }
  return FoldIdentifier(text);  // IDENTIFIER or a keyword used as a name
}

std::string AstBuilder::Name(antlr4::ParserRuleContext* ctx) {
  return NameOfToken(ctx->getStart());
}

std::vector<std::string> AstBuilder::NameList(P::NameListContext* ctx) {
  std::vector<std::string> names;
  for (P::ColIdContext* id : ctx->colId()) {
    names.push_back(Name(id));
  }
  return names;
}

std::vector<std::string> AstBuilder::DottedName(antlr4::ParserRuleContext* ctx) {
  std::vector<std::string> parts;
  for (antlr4::tree::ParseTree* child : ctx->children) {
    if (auto* rule = dynamic_cast<antlr4::ParserRuleContext*>(child)) {
      parts.push_back(Name(rule));
    }
  }
  return parts;
}

std::vector<std::string> AstBuilder::AnyName(P::AnyNameContext* ctx) { return DottedName(ctx); }

std::vector<std::string> AstBuilder::FuncName(P::FuncNameContext* ctx) { return DottedName(ctx); }

QualifiedName AstBuilder::ToQualifiedName(const std::vector<std::string>& parts,
                                          const antlr4::Token* at) {
  QualifiedName q;
  q.position = Pos(at);
  switch (parts.size()) {
    case 1:
      q.name = parts[0];
      break;
    case 2:
      q.schema = parts[0];
      q.name = parts[1];
      break;
    case 3:
      q.catalog = parts[0];
      q.schema = parts[1];
      q.name = parts[2];
      break;
    default: {
      std::string joined;
      for (const std::string& p : parts) {
        joined += (joined.empty() ? "" : ".") + p;
      }
      Fail(at, "improper qualified name (too many dotted names): " + joined);
    }
  }
  return q;
}

QualifiedName AstBuilder::BuildQualifiedName(P::QualifiedNameContext* ctx) {
  return ToQualifiedName(DottedName(ctx), ctx->getStart());
}

std::string AstBuilder::UpperText(antlr4::ParserRuleContext* ctx) {
  std::vector<antlr4::Token*> tokens;
  CollectTokens(ctx, &tokens);
  std::string out;
  for (antlr4::Token* t : tokens) {
    std::string word = t->getType() == P::QUOTED_IDENTIFIER ? NameOfToken(t) : t->getText();
    for (char& c : word) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Literals

std::string AstBuilder::StringValue(P::StringLiteralContext* ctx) {
  antlr4::Token* token = ctx->getStart();
  const std::string text = token->getText();
  switch (token->getType()) {
    case P::ESCAPE_STRING_LITERAL: {
      size_t error_offset = 0;
      Result<std::string> decoded = DecodeEscapeString(text, &error_offset);
      if (!decoded.ok()) {
        // PostgreSQL points into the literal at the bad escape; an invalid byte sequence it
        // reports without a position.
        const Status& st = decoded.status();
        int position = 0;
        if (st.sqlstate() != "22021") {
          position = Pos(token) + CountCharacters(std::string_view(text).substr(0, error_offset));
        }
        ThrowSqlError(st.sqlstate(), st.message(), position);
      }
      return std::move(decoded).value();
    }
    case P::DOLLAR_STRING:
      return DecodeDollarString(text);
    case P::UNICODE_ESCAPE_LITERAL: {
      if (text[2] != '\'') SyntaxErrorAt(token);  // U&"..." is an identifier, not a string
      size_t error_offset = 0;
      Result<std::string> decoded = DecodeUnicodeString(text, &error_offset);
      if (!decoded.ok()) {
        const Status& st = decoded.status();
        ThrowSqlError(st.sqlstate(), st.message(),
                      Pos(token) + CountCharacters(std::string_view(text).substr(0, error_offset)));
      }
      return std::move(decoded).value();
    }
    default:
      return UnquoteString(text);
  }
}

// An unsigned integer where PostgreSQL's grammar wants an Iconst: larger values are not integer
// tokens there, so they are a syntax error.
int64_t AstBuilder::IntegerValue(antlr4::tree::TerminalNode* node) {
  return IntegerToken(node->getSymbol());
}

int64_t AstBuilder::IntegerToken(const antlr4::Token* token) {
  int64_t value = 0;
  for (char c : token->getText()) {
    value = value * 10 + (c - '0');
    if (value > std::numeric_limits<int32_t>::max()) {
      SyntaxErrorAt(token);
    }
  }
  return value;
}

int64_t AstBuilder::SignedInteger(P::SignedIntegerContext* ctx) {
  const int64_t value = IntegerValue(ctx->INTEGER_LITERAL());
  return ctx->MINUS() != nullptr ? -value : value;
}

ExprPtr AstBuilder::BuildLiteral(P::LiteralContext* ctx) {
  antlr4::Token* token = ctx->getStart();
  const int pos = Pos(token);
  switch (token->getType()) {
    case P::INTEGER_LITERAL:
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kInteger, token->getText());
    case P::NUMERIC_LITERAL:
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kNumeric, token->getText());
    case P::BIT_STRING_LITERAL:
    case P::HEX_STRING_LITERAL: {
      Result<std::string> bits = DecodeBitString(token->getText());
      ThrowIfError(bits.status(), token);
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kBitString, std::move(bits).value());
    }
    case P::TRUE_:
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kBoolean, "true");
    case P::FALSE_:
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kBoolean, "false");
    case P::NULL_:
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kNull, "");
    default:
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kString,
                                           StringValue(ctx->stringLiteral()));
  }
}

// ---------------------------------------------------------------------------------------------
// Types

std::string AstBuilder::IntervalFields(P::IntervalQualifierContext* ctx, TypeName* type) {
  std::vector<antlr4::Token*> tokens;
  CollectTokens(ctx, &tokens);
  std::string fields;
  for (antlr4::Token* t : tokens) {
    if (t->getType() == P::INTEGER_LITERAL) {
      type->modifiers.push_back(IntegerToken(t));
    } else if (t->getType() != P::LPAREN && t->getType() != P::RPAREN) {
      if (!fields.empty()) {
        fields += ' ';
      }
      fields += Lower(t->getText());
    }
  }
  return fields;
}

TypeName AstBuilder::BuildConstTypeName(P::ConstTypeNameContext* ctx, bool literal) {
  TypeName type;
  type.position = Pos(ctx);
  std::string name;
  antlr4::tree::TerminalNode* length = nullptr;
  if (dynamic_cast<P::IntTypeContext*>(ctx) || dynamic_cast<P::IntegerTypeContext*>(ctx)) {
    name = "int4";
  } else if (dynamic_cast<P::SmallintTypeContext*>(ctx)) {
    name = "int2";
  } else if (dynamic_cast<P::BigintTypeContext*>(ctx)) {
    name = "int8";
  } else if (dynamic_cast<P::RealTypeContext*>(ctx)) {
    name = "float4";
  } else if (auto* f = dynamic_cast<P::FloatTypeContext*>(ctx)) {
    name = "float8";
    if (f->INTEGER_LITERAL() != nullptr) {
      const int64_t bits = IntegerValue(f->INTEGER_LITERAL());
      if (bits < 1) {
        Fail(f->INTEGER_LITERAL()->getSymbol(), "precision for type float must be at least 1 bit",
             "22023");
      }
      if (bits > 53) {
        Fail(f->INTEGER_LITERAL()->getSymbol(),
             "precision for type float must be less than 54 bits", "22023");
      }
      name = bits <= 24 ? "float4" : "float8";
    }
  } else if (dynamic_cast<P::DoubleTypeContext*>(ctx)) {
    name = "float8";
  } else if (auto* n = dynamic_cast<P::NumericTypeContext*>(ctx)) {
    name = "numeric";
    if (n->typeModifiers() != nullptr) {
      for (P::SignedIntegerContext* m : n->typeModifiers()->signedInteger()) {
        type.modifiers.push_back(SignedInteger(m));
      }
    }
  } else if (dynamic_cast<P::BooleanTypeContext*>(ctx)) {
    name = "bool";
  } else if (auto* b = dynamic_cast<P::BitTypeContext*>(ctx)) {
    name = b->VARYING_() != nullptr ? "varbit" : "bit";
    length = b->INTEGER_LITERAL();
    if (length == nullptr && b->VARYING_() == nullptr && !literal) {
      type.modifiers.push_back(1);  // BIT means BIT(1), except before a literal
    }
  } else if (auto* c = dynamic_cast<P::CharacterTypeContext*>(ctx)) {
    const bool varying = c->VARYING_() != nullptr || c->VARCHAR_() != nullptr;
    name = varying ? "varchar" : "bpchar";
    length = c->INTEGER_LITERAL();
    if (length == nullptr && !varying && !literal) {
      type.modifiers.push_back(1);  // CHAR means CHAR(1), except before a literal
    }
  } else if (auto* d = dynamic_cast<P::DatetimeTypeContext*>(ctx)) {
    const bool timestamp = d->TIMESTAMP_() != nullptr;
    const bool with_tz = d->withTz != nullptr;
    name = timestamp ? (with_tz ? "timestamptz" : "timestamp") : (with_tz ? "timetz" : "time");
    length = d->INTEGER_LITERAL();
  }
  if (length != nullptr) {
    type.modifiers.push_back(IntegerValue(length));
  }
  type.names.push_back(std::move(name));
  return type;
}

TypeName AstBuilder::BuildTypeName(P::TypeNameContext* ctx) {
  TypeName type;
  P::SimpleTypeNameContext* simple = ctx->simpleTypeName();
  if (auto* c = dynamic_cast<P::ConstTypeContext*>(simple)) {
    type = BuildConstTypeName(c->constTypeName());
  } else if (auto* i = dynamic_cast<P::IntervalTypeContext*>(simple)) {
    type.names = {"interval"};
    if (i->intervalQualifier() != nullptr) {
      type.interval_fields = IntervalFields(i->intervalQualifier(), &type);
    }
  } else if (auto* ip = dynamic_cast<P::IntervalPrecisionTypeContext*>(simple)) {
    type.names = {"interval"};
    type.modifiers.push_back(IntegerValue(ip->INTEGER_LITERAL()));
  } else if (auto* g = dynamic_cast<P::GenericTypeContext*>(simple)) {
    type.names.push_back(Name(g->typeFuncName()));
    for (P::ColLabelContext* part : g->colLabel()) {
      type.names.push_back(Name(part));
    }
    if (g->typeModifiers() != nullptr) {
      for (P::SignedIntegerContext* m : g->typeModifiers()->signedInteger()) {
        type.modifiers.push_back(SignedInteger(m));
      }
    }
  }
  type.position = Pos(ctx);
  if (P::ArrayBoundsContext* bounds = ctx->arrayBounds()) {
    type.array_dims = bounds->ARRAY_() != nullptr ? 1 : static_cast<int>(bounds->LBRACKET().size());
  }
  return type;
}

}  // namespace blockdb::sql::internal
