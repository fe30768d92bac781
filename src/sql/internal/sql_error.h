// SqlError: how the parser's internals report a rejected statement. Private to sql/.
//
// The ANTLR runtime reports errors by throwing, so the code between the parser boundary
// (parser.cc) and the generated parser is exception-safe anyway; the AST builder uses the same
// mechanism for the errors it finds (a bad escape, a non-associative comparison chain) instead of
// threading a Status through hundreds of small functions. Parse() catches SqlError and returns it
// as a Status; nothing is thrown past sql/parser.h.
#pragma once

#include <string>
#include <utility>

namespace blockdb::sql::internal {

struct SqlError {
  std::string sqlstate;  // e.g. "42601"
  std::string message;   // PostgreSQL's wording
  int position = 0;      // 1-based character position; 0 when the error has none
};

[[noreturn]] inline void ThrowSqlError(std::string sqlstate, std::string message, int position) {
  throw SqlError{std::move(sqlstate), std::move(message), position};
}

}  // namespace blockdb::sql::internal
