// The parser boundary: UTF-8 decoding, lexing, the nesting check, the two-stage ANTLR parse and
// the translation of every exception into a Status.
#include "sql/parser.h"

#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "BlockSQLLexer.h"
#include "BlockSQLParser.h"
#include "common/check.h"
#include "sql/internal/ast_builder.h"
#include "sql/internal/literal_insert.h"
#include "sql/internal/sql_error.h"
#include "sql/internal/text.h"

namespace blockdb::sql {
namespace {

using internal::AstBuilder;
using internal::P;

// An input stream over code points we decoded ourselves: the runtime's own UTF-8 conversion
// throws on invalid input, and PostgreSQL's error for that case must come first.
class CodePointStream : public antlr4::ANTLRInputStream {
 public:
  explicit CodePointStream(std::u32string code_points) {
    _data = std::move(code_points);
    p = 0;
  }
};

// The prediction caches (one DFA per grammar decision) of one thread. The generated lexer and
// parser share static caches across all threads, and ANTLR 4.9's C++ runtime updates them without
// complete synchronization (antlr/antlr4#3332, fixed in 4.10); giving each thread its own caches
// removes the sharing. A thread pays the warm-up of its first parses, and the caches live as long
// as the thread.
class ThreadCaches {
 public:
  static ThreadCaches& Get() {
    thread_local ThreadCaches caches;
    return caches;
  }

  // Replaces the interpreter a generated recognizer was constructed with by one over this
  // thread's caches. setInterpreter deletes the previous interpreter; the recognizer's destructor
  // deletes the new one.
  void Attach(blocksql::BlockSQLLexer* lexer) {
    InitDfa(lexer->getATN(), &lexer_dfa_);
    lexer->setInterpreter(
        new antlr4::atn::LexerATNSimulator(lexer, lexer->getATN(), lexer_dfa_, lexer_contexts_));
  }
  void Attach(P* parser) {
    InitDfa(parser->getATN(), &parser_dfa_);
    parser->setInterpreter(new antlr4::atn::ParserATNSimulator(parser, parser->getATN(),
                                                               parser_dfa_, parser_contexts_));
  }

 private:
  static void InitDfa(const antlr4::atn::ATN& atn, std::vector<antlr4::dfa::DFA>* dfa) {
    if (!dfa->empty()) {
      return;
    }
    // Reserve first: DFA's move constructor in runtime 4.9 is not safe to rely on.
    dfa->reserve(atn.getNumberOfDecisions());
    for (size_t i = 0; i < atn.getNumberOfDecisions(); ++i) {
      dfa->emplace_back(atn.getDecisionState(i), i);
    }
  }

  std::vector<antlr4::dfa::DFA> lexer_dfa_;
  antlr4::atn::PredictionContextCache lexer_contexts_;
  std::vector<antlr4::dfa::DFA> parser_dfa_;
  antlr4::atn::PredictionContextCache parser_contexts_;
};

// Thrown by FirstErrorStrategy at the first token the grammar cannot accept.
struct RejectedToken {
  antlr4::Token* token;
};

// Infix operators and keywords after which an expression must follow.
bool IsInfixOperator(size_t type) {
  switch (type) {
    case P::AND_:
    case P::OR_:
    case P::IS_:
    case P::EQ:
    case P::NOT_EQUALS:
    case P::BANG_EQUALS:
    case P::LT:
    case P::GT:
    case P::LESS_EQUALS:
    case P::GREATER_EQUALS:
    case P::PLUS:
    case P::MINUS:
    case P::STAR:
    case P::SLASH:
    case P::PERCENT:
    case P::CARET:
    case P::CONCAT:
    case P::OTHER_OP:
      return true;
    default:
      return false;
  }
}

// Tokens that cannot continue an expression after an infix operator.
bool EndsOperand(size_t type) {
  switch (type) {
    case antlr4::Token::EOF:
    case P::SEMI:
    case P::RPAREN:
    case P::COMMA:
    case P::AND_:
    case P::OR_:
    case P::IS_:
    case P::THEN_:
    case P::ELSE_:
    case P::END_:
    case P::FROM_:
    case P::WHERE_:
    case P::GROUP_:
    case P::ORDER_:
    case P::LIMIT_:
      return true;
    default:
      return false;
  }
}

// The token PostgreSQL names for an error the parser found at `token`. The generated parser,
// seeing "a AND;" ends the expression before AND and rejects AND itself; PostgreSQL's parser takes
// AND and rejects what follows (";", or end of input). So when `token` is an infix operator and
// the next token cannot start its right operand, the next token is the one to name.
antlr4::Token* ReportedToken(antlr4::Parser* parser, antlr4::Token* token) {
  if (token == nullptr || !IsInfixOperator(token->getType())) return token;
  antlr4::TokenStream* stream = parser->getTokenStream();
  for (size_t i = token->getTokenIndex() + 1; i < stream->size(); ++i) {
    antlr4::Token* next = stream->get(i);
    if (next->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    return EndsOperand(next->getType()) ? next : token;
  }
  return token;
}

// Stops at the first syntax error instead of recovering: PostgreSQL reports exactly one error,
// and recovery would only cost time on garbage input.
class FirstErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  void reportError(antlr4::Parser* parser, const antlr4::RecognitionException& e) override {
    antlr4::Token* token = e.getOffendingToken();
    throw RejectedToken{ReportedToken(parser, token != nullptr ? token : parser->getCurrentToken())};
  }
  void recover(antlr4::Parser* parser, std::exception_ptr) override {
    throw RejectedToken{ReportedToken(parser, parser->getCurrentToken())};
  }
  antlr4::Token* recoverInline(antlr4::Parser* parser) override {
    throw RejectedToken{ReportedToken(parser, parser->getCurrentToken())};
  }
  void sync(antlr4::Parser*) override {}
};

bool IsPrefixOperator(size_t type) {
  switch (type) {
    case P::NOT_:
    case P::PLUS:
    case P::MINUS:
    case P::CONCAT:
    case P::TILDE:
    case P::NOT_TILDE:
    case P::TILDE_STAR:
    case P::NOT_TILDE_STAR:
    case P::OTHER_OP:
      return true;
    default:
      return false;
  }
}

// The generated parser recurses once per nesting level of parentheses, brackets, CASE and
// prefix operators (NOT NOT x, - - x, OPERATOR(s.-) OPERATOR(s.-) x). Counting them on the token
// stream before parsing bounds its stack and time on hostile input, whatever the build type.
void CheckNesting(const std::vector<antlr4::Token*>& tokens) {
  int open = 0;
  int run = 0;  // consecutive prefix operators
  for (size_t i = 0; i < tokens.size(); ++i) {
    antlr4::Token* t = tokens[i];
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) {
      continue;
    }
    const size_t type = t->getType();
    if (type == P::LPAREN || type == P::LBRACKET || type == P::CASE_) {
      ++open;
      run = 0;
    } else if (type == P::RPAREN || type == P::RBRACKET || type == P::END_) {
      open = open > 0 ? open - 1 : 0;
      run = 0;
    } else if (type == P::SEMI) {
      open = 0;
      run = 0;
    } else if (type == P::OPERATOR_ && i + 1 < tokens.size() &&
               tokens[i + 1]->getType() == P::LPAREN) {
      ++run;  // OPERATOR(schema.op) counts as one operator: skip to its ")"
      while (i + 1 < tokens.size() && tokens[i]->getType() != P::RPAREN) {
        ++i;
      }
    } else if (IsPrefixOperator(type)) {
      ++run;
    } else {
      run = 0;
    }
    if (open + run > kMaxNestingDepth) {
      internal::ThrowSqlError("54001",
                              "statement too complex: nested more than " +
                                  std::to_string(kMaxNestingDepth) + " levels deep",
                              AstBuilder::Pos(t));
    }
  }
}

// SLL prediction is fast and right for almost every input; when it reports an error the input is
// parsed again with full LL prediction, which is exact (the standard ANTLR two-stage setup), and
// that parse's first error is the one reported.
P::ScriptContext* ParseTokens(antlr4::CommonTokenStream* tokens, P* parser) {
  ThreadCaches::Get().Attach(parser);
  parser->removeErrorListeners();
  parser->setErrorHandler(std::make_shared<FirstErrorStrategy>());
  auto* simulator = parser->getInterpreter<antlr4::atn::ParserATNSimulator>();
  simulator->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  try {
    return parser->script();
  } catch (const RejectedToken&) {
    tokens->seek(0);
    parser->reset();
    simulator->setPredictionMode(antlr4::atn::PredictionMode::LL);
  }
  try {
    return parser->script();
  } catch (const RejectedToken& rejected) {
    internal::ThrowSqlError("42601", AstBuilder::SyntaxErrorMessage(rejected.token),
                            AstBuilder::Pos(rejected.token));
  }
}

Result<std::vector<StatementPtr>> ParseDecoded(std::string_view sql,
                                               internal::DecodedText decoded) {
  CodePointStream input(std::move(decoded.code_points));
  blocksql::BlockSQLLexer lexer(&input);
  ThreadCaches::Get().Attach(&lexer);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  CheckNesting(tokens.getTokens());
  P parser(&tokens);
  P::ScriptContext* tree = ParseTokens(&tokens, &parser);
  AstBuilder builder(sql, decoded.byte_offsets);
  return builder.BuildScript(tree);
}

Status ToStatus(const internal::SqlError& e) {
  return Status::InvalidArgument(e.message).WithSqlState(e.sqlstate);
}

Status InternalError(std::string_view what) {
  return Status::InvalidArgument("internal error in the SQL parser: " + std::string(what))
      .WithSqlState("XX000");
}

Result<internal::DecodedText> Decode(std::string_view sql) {
  try {
    return internal::DecodeUtf8(sql);
  } catch (const std::exception& e) {
    return InternalError(e.what());
  }
}

// ParseDecoded with its exceptions turned into a Status (and *error_position).
Result<std::vector<StatementPtr>> ParseDecodedText(std::string_view sql,
                                                   internal::DecodedText decoded,
                                                   int* error_position) {
  try {
    return ParseDecoded(sql, std::move(decoded));
  } catch (const internal::SqlError& e) {
    if (error_position != nullptr) {
      *error_position = e.position;
    }
    return ToStatus(e);
  } catch (const std::exception& e) {
    return InternalError(e.what());
  } catch (...) {
    return InternalError("unknown exception");
  }
}

// Parse without the literal-INSERT fast path.
Result<std::vector<StatementPtr>> ParseFull(std::string_view sql) {
  ASSIGN_OR_RETURN(internal::DecodedText decoded, Decode(sql));
  return ParseDecodedText(sql, std::move(decoded), nullptr);
}

// Bulk loads send one INSERT of constant rows after another; those skip most of the ANTLR parse
// (sql/internal/literal_insert.h). Everything else, and every error, comes from the full parser,
// which reuses the text decoded here.
Result<std::vector<StatementPtr>> ParseWithFastPath(std::string_view sql, int* error_position) {
  ASSIGN_OR_RETURN(internal::DecodedText decoded, Decode(sql));
  std::optional<StatementPtr> fast;
  try {
    fast = internal::ParseLiteralInsert(sql, decoded, ParseFull);
  } catch (...) {
    fast.reset();  // e.g. out of memory: the full parser reports it
  }
  if (!fast.has_value()) {
    return ParseDecodedText(sql, std::move(decoded), error_position);
  }
  if (internal::LiteralInsertCrossCheck()) {
    Result<std::vector<StatementPtr>> full = ParseDecodedText(sql, decoded, nullptr);
    BLOCKDB_CHECK_MSG(
        full.ok() && full->size() == 1 && internal::SameLiteralInsert(*(*full)[0], **fast),
        "the literal-INSERT fast path and the full parser disagree");
  }
  std::vector<StatementPtr> statements;
  statements.push_back(std::move(*fast));
  return statements;
}

}  // namespace

Result<std::vector<StatementPtr>> Parse(std::string_view sql) { return Parse(sql, nullptr); }

Result<std::vector<StatementPtr>> Parse(std::string_view sql, int* error_position) {
  if (error_position != nullptr) {
    *error_position = 0;
  }
  return ParseWithFastPath(sql, error_position);
}

Result<std::vector<StatementText>> SplitStatements(std::string_view sql, int* error_position) {
  if (error_position != nullptr) {
    *error_position = 0;
  }
  try {
    ASSIGN_OR_RETURN(internal::DecodedText decoded, internal::DecodeUtf8(sql));
    const std::vector<size_t> offsets = decoded.byte_offsets;
    CodePointStream input(std::move(decoded.code_points));
    blocksql::BlockSQLLexer lexer(&input);
    ThreadCaches::Get().Attach(&lexer);
    lexer.removeErrorListeners();
    std::vector<StatementText> out;
    antlr4::Token* first = nullptr;
    antlr4::Token* last = nullptr;
    auto flush = [&] {
      if (first != nullptr) {
        StatementText s;
        s.span = {offsets[first->getStartIndex()], offsets[last->getStopIndex() + 1]};
        s.text = sql.substr(s.span.begin, s.span.end - s.span.begin);
        s.position = AstBuilder::Pos(first);
        out.push_back(s);
      }
      first = last = nullptr;
    };
    // Tokens are owned by the lexer's factory only through these unique_ptrs.
    std::vector<std::unique_ptr<antlr4::Token>> owned;
    for (owned.push_back(lexer.nextToken()); owned.back()->getType() != antlr4::Token::EOF;
         owned.push_back(lexer.nextToken())) {
      antlr4::Token* t = owned.back().get();
      if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) {
        continue;
      }
      if (t->getType() == P::UNTERMINATED) {
        internal::ThrowSqlError("42601", AstBuilder::SyntaxErrorMessage(t), AstBuilder::Pos(t));
      }
      if (t->getType() == P::SEMI) {
        flush();
        continue;
      }
      first = first != nullptr ? first : t;
      last = t;
    }
    flush();
    return out;
  } catch (const internal::SqlError& e) {
    if (error_position != nullptr) {
      *error_position = e.position;
    }
    return ToStatus(e);
  } catch (const std::exception& e) {
    return InternalError(e.what());
  } catch (...) {
    return InternalError("unknown exception");
  }
}

}  // namespace blockdb::sql
