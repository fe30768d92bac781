// A fast path for the statement bulk loads send: one INSERT ... VALUES whose rows hold only
// constants, e.g. `INSERT INTO t (a, b) VALUES (1, 'x'), (-2.5, NULL), (3, DEFAULT);`.
//
// Why: the generated ANTLR parser spends about 14 us per row of four constants (a parse-tree
// context per grammar level per constant, and the builder's dynamic casts over them), which made
// a load through 1000-row INSERTs three times slower than PostgreSQL's. Here the statement is cut
// at its VALUES keyword: ANTLR parses the part before it (with a one-cell row in place of the real
// ones), so every name, keyword and error there is the grammar's, and the rows are scanned by hand
// into the same AST nodes the builder makes. Anything the scanner is not certain of (a comment,
// an operator, a cast, E'...' or $$...$$ strings, an exponent, string continuation, ON CONFLICT,
// RETURNING, a second statement) declines, and the whole text goes to ANTLR as before. Tests
// parse every statement both ways and compare the ASTs field by field, positions included.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/internal/text.h"

namespace blockdb::sql::internal {

// Parses text with the full parser (ANTLR), as Parse does.
using FullParser = std::function<Result<std::vector<StatementPtr>>(std::string_view sql)>;

// The statement when `sql` (decoded as `decoded`) is exactly one INSERT of constant rows as
// above; nullopt when the fast path declines (the caller then parses `sql` in full).
std::optional<StatementPtr> ParseLiteralInsert(std::string_view sql, const DecodedText& decoded,
                                               const FullParser& parse_full);

// Whether two INSERT statements are the same AST: kind, positions, span and text, table, columns,
// and every VALUES cell (kind, position, literal kind and value). Used by the cross-check.
bool SameLiteralInsert(const Statement& a, const Statement& b);

// Test hook: when on, Parse parses every statement the fast path accepts with ANTLR too and
// aborts (BLOCKDB_CHECK) if the two ASTs differ. Off by default.
void SetLiteralInsertCrossCheck(bool on);
bool LiteralInsertCrossCheck();

}  // namespace blockdb::sql::internal
