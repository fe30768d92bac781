#include "sql/internal/literal_insert.h"

#include <atomic>
#include <string>
#include <utility>

namespace blockdb::sql::internal {
namespace {

std::atomic<bool> g_cross_check{false};

// The grammar's WHITESPACE token: [ \t\r\n\f\v].
bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
// IDENT_CONT: letters, digits, '_', '$' and every non-ASCII character.
bool IsWordChar(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '$' ||
         c >= 0x80;
}

// Walks the code points of one statement. Positions are code point indexes; the AST's are one
// more (1-based), and the text of a token is cut from the UTF-8 bytes through byte_offsets.
class Scanner {
 public:
  Scanner(std::string_view sql, const DecodedText& decoded)
      : sql_(sql), cp_(decoded.code_points), offsets_(decoded.byte_offsets) {}

  size_t pos() const { return i_; }
  bool AtEnd() const { return i_ >= cp_.size(); }
  char32_t Peek() const { return AtEnd() ? 0 : cp_[i_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(cp_[i_])) {
      ++i_;
    }
  }
  bool Consume(char32_t c) {
    if (Peek() != c) {
      return false;
    }
    ++i_;
    return true;
  }
  // The bytes of code points [from, to).
  std::string_view Bytes(size_t from, size_t to) const {
    return sql_.substr(offsets_[from], offsets_[to] - offsets_[from]);
  }
  // A word of IsWordChar characters from here, lower-cased (ASCII letters only), and skipped.
  std::string Word() {
    std::string word;
    const size_t start = i_;
    while (!AtEnd() && IsWordChar(cp_[i_])) {
      ++i_;
    }
    word.assign(Bytes(start, i_));
    for (char& c : word) {
      if (c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return word;
  }
  // Skips a "..." identifier (with "" inside); false when it does not end.
  bool SkipQuotedIdentifier() {
    ++i_;  // the opening quote
    while (!AtEnd()) {
      if (cp_[i_++] == '"') {
        if (Peek() != '"') {
          return true;
        }
        ++i_;
      }
    }
    return false;
  }

 private:
  std::string_view sql_;
  const std::u32string& cp_;
  const std::vector<size_t>& offsets_;
  size_t i_ = 0;
};

// After a cell: only whitespace, then ',' or ')'.
bool CellEnds(Scanner* s) {
  s->SkipSpace();
  return s->Peek() == ',' || s->Peek() == ')';
}

// One VALUES cell: a number (with an optional '-'), a '...' string, NULL, TRUE, FALSE or DEFAULT.
// Null when the cell is anything else.
ExprPtr ScanCell(Scanner* s) {
  const int pos = static_cast<int>(s->pos()) + 1;
  const char32_t c = s->Peek();
  if (c == '-' || IsDigit(c) || c == '.') {
    // INTEGER_LITERAL: DIGIT+, NUMERIC_LITERAL: DIGIT+ '.' DIGIT* | '.' DIGIT+ (with an exponent:
    // declined). The builder folds a leading '-' into the literal, at the '-'.
    const bool negative = s->Consume('-');
    if (negative) {
      s->SkipSpace();
    }
    const size_t start = s->pos();
    size_t digits = 0;
    while (IsDigit(s->Peek())) {
      s->Consume(s->Peek());
      ++digits;
    }
    bool numeric = false;
    if (s->Consume('.')) {
      numeric = true;
      while (IsDigit(s->Peek())) {
        s->Consume(s->Peek());
        ++digits;
      }
    }
    // Not a number, or followed by an exponent, junk or a second '.': declined.
    if (digits == 0 || IsWordChar(s->Peek()) || s->Peek() == '.') {
      return nullptr;
    }
    std::string text(s->Bytes(start, s->pos()));
    if (!CellEnds(s)) {
      return nullptr;
    }
    return std::make_unique<LiteralExpr>(
        pos, numeric ? LiteralKind::kNumeric : LiteralKind::kInteger,
        negative ? "-" + text : std::move(text));
  }
  if (c == '\'') {
    s->Consume('\'');
    std::string value;
    size_t run = s->pos();  // start of the characters not yet copied
    while (true) {
      if (s->AtEnd()) {
        return nullptr;  // unterminated: the full parser reports it
      }
      if (s->Peek() != '\'') {
        s->Consume(s->Peek());
        continue;
      }
      value.append(s->Bytes(run, s->pos()));
      s->Consume('\'');
      if (s->Peek() != '\'') {
        break;
      }
      s->Consume('\'');  // '' stands for one quote
      value += '\'';
      run = s->pos();
    }
    // A quote after the whitespace would continue the string (or be an error): declined.
    s->SkipSpace();
    if (s->Peek() == '\'' || !CellEnds(s)) {
      return nullptr;
    }
    return std::make_unique<LiteralExpr>(pos, LiteralKind::kString, std::move(value));
  }
  if (IsWordChar(c) && !IsDigit(c)) {
    const std::string word = s->Word();
    if (!CellEnds(s)) {
      return nullptr;
    }
    if (word == "null") {
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kNull, "");
    }
    if (word == "true" || word == "false") {
      return std::make_unique<LiteralExpr>(pos, LiteralKind::kBoolean, word);
    }
    if (word == "default") {
      return std::make_unique<DefaultExpr>(pos);
    }
  }
  return nullptr;
}

// Scans the text before VALUES: INSERT, then only words, "quoted" identifiers, whitespace and
// ( ) , . until the first VALUES outside parentheses. Returns the code point index just past
// VALUES, or 0 to decline.
size_t ScanPrefix(Scanner* s) {
  s->SkipSpace();
  if (s->Word() != "insert") {
    return 0;
  }
  int depth = 0;
  while (!s->AtEnd()) {
    const char32_t c = s->Peek();
    if (IsSpace(c)) {
      s->SkipSpace();
    } else if (IsWordChar(c)) {
      if (s->Word() == "values" && depth == 0) {
        return s->pos();
      }
    } else if (c == '"') {
      if (!s->SkipQuotedIdentifier()) {
        return 0;
      }
    } else if (c == '(') {
      ++depth;
      s->Consume(c);
    } else if (c == ')') {
      --depth;
      s->Consume(c);
    } else if (c == ',' || c == '.') {
      s->Consume(c);
    } else {
      return 0;
    }
  }
  return 0;
}

// The prefix's statement, parsed in full with a one-cell row: an INSERT whose source is exactly
// VALUES (DEFAULT) and nothing else; null otherwise.
std::unique_ptr<InsertStmt> ParsePrefix(std::string_view prefix, const FullParser& parse_full) {
  const std::string text = std::string(prefix) + " (DEFAULT)";
  Result<std::vector<StatementPtr>> parsed = parse_full(text);
  if (!parsed.ok() || parsed->size() != 1 || !(*parsed)[0]->Is<InsertStmt>()) {
    return nullptr;
  }
  auto* insert = &(*parsed)[0]->As<InsertStmt>();
  const Query* q = insert->source.get();
  if (q == nullptr || q->with != nullptr || !q->order_by.empty() || q->limit != nullptr ||
      q->offset != nullptr || !q->locking.empty() || q->body == nullptr ||
      !q->body->Is<ValuesBody>()) {
    return nullptr;
  }
  const auto& rows = q->body->As<ValuesBody>().rows;
  if (rows.size() != 1 || rows[0].size() != 1 || !rows[0][0]->Is<DefaultExpr>() ||
      insert->on_conflict.action != OnConflictAction::kNone || !insert->returning.empty()) {
    return nullptr;
  }
  (void)(*parsed)[0].release();
  return std::unique_ptr<InsertStmt>(insert);
}

bool SameCell(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.position != b.position) {
    return false;
  }
  if (a.Is<LiteralExpr>()) {
    const auto& la = a.As<LiteralExpr>();
    const auto& lb = b.As<LiteralExpr>();
    return la.literal_kind == lb.literal_kind && la.value == lb.value;
  }
  return a.Is<DefaultExpr>();
}

}  // namespace

std::optional<StatementPtr> ParseLiteralInsert(std::string_view sql, const DecodedText& decoded,
                                               const FullParser& parse_full) {
  Scanner s(sql, decoded);
  const size_t prefix_end = ScanPrefix(&s);
  if (prefix_end == 0) {
    return std::nullopt;
  }
  std::vector<std::vector<ExprPtr>> rows;
  size_t last = 0;  // the code point of the last row's ')'
  while (true) {
    s.SkipSpace();
    if (!s.Consume('(')) {
      return std::nullopt;
    }
    std::vector<ExprPtr> cells;
    while (true) {
      s.SkipSpace();
      ExprPtr cell = ScanCell(&s);
      if (cell == nullptr) {
        return std::nullopt;
      }
      cells.push_back(std::move(cell));
      if (s.Consume(')')) {
        break;
      }
      s.Consume(',');  // ScanCell left ',' or ')' next
    }
    last = s.pos() - 1;
    rows.push_back(std::move(cells));
    s.SkipSpace();
    if (!s.Consume(',')) {
      break;
    }
  }
  if (s.Consume(';')) {
    s.SkipSpace();
  }
  if (!s.AtEnd()) {
    return std::nullopt;
  }
  std::unique_ptr<InsertStmt> insert =
      ParsePrefix(sql.substr(0, decoded.byte_offsets[prefix_end]), parse_full);
  if (insert == nullptr) {
    return std::nullopt;
  }
  insert->source->body->As<ValuesBody>().rows = std::move(rows);
  // The statement runs to the last row's ')', as the full parser records it.
  insert->span.end = decoded.byte_offsets[last + 1];
  insert->text = std::string(sql.substr(insert->span.begin, insert->span.end - insert->span.begin));
  return StatementPtr(std::move(insert));
}

bool SameLiteralInsert(const Statement& a, const Statement& b) {
  if (!a.Is<InsertStmt>() || !b.Is<InsertStmt>() || a.position != b.position ||
      a.span.begin != b.span.begin || a.span.end != b.span.end || a.text != b.text) {
    return false;
  }
  const auto& x = a.As<InsertStmt>();
  const auto& y = b.As<InsertStmt>();
  if (x.table.catalog != y.table.catalog || x.table.schema != y.table.schema ||
      x.table.name != y.table.name || x.table.position != y.table.position ||
      x.alias != y.alias || x.columns != y.columns || x.column_positions != y.column_positions ||
      x.overriding != y.overriding || (x.with == nullptr) != (y.with == nullptr) ||
      x.on_conflict.action != y.on_conflict.action || x.returning.size() != y.returning.size()) {
    return false;
  }
  if (x.source == nullptr || y.source == nullptr || x.source->position != y.source->position ||
      !x.source->body->Is<ValuesBody>() || !y.source->body->Is<ValuesBody>() ||
      x.source->body->position != y.source->body->position) {
    return false;
  }
  const auto& rx = x.source->body->As<ValuesBody>().rows;
  const auto& ry = y.source->body->As<ValuesBody>().rows;
  if (rx.size() != ry.size()) {
    return false;
  }
  for (size_t r = 0; r < rx.size(); ++r) {
    if (rx[r].size() != ry[r].size()) {
      return false;
    }
    for (size_t c = 0; c < rx[r].size(); ++c) {
      if (!SameCell(*rx[r][c], *ry[r][c])) {
        return false;
      }
    }
  }
  return true;
}

void SetLiteralInsertCrossCheck(bool on) { g_cross_check.store(on); }
bool LiteralInsertCrossCheck() { return g_cross_check.load(std::memory_order_relaxed); }

}  // namespace blockdb::sql::internal
