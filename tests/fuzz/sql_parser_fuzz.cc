// libFuzzer target for the SQL parser (sql/parser.h): lexer actions, the generated ANTLR parser,
// the nesting check, the AST builder and the S-expression printers. Needs clang.
//
// Through CMake (tests/fuzz/CMakeLists.txt, option BLOCKDB_FUZZ):
//   CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DBLOCKDB_FUZZ=ON
//   cmake --build build-fuzz --target sql_parser_fuzz
// Run from a copy of the seed corpus (libFuzzer adds new inputs to the first directory given):
//   cp -r tests/fuzz/corpus/sql_parser /tmp/sql_corpus
//   ./build-fuzz/bin/sql_parser_fuzz -max_len=2048 -max_total_time=600 /tmp/sql_corpus
//
// Besides sanitizer reports, the target aborts when Parse or SplitStatements returns an error
// without a SQLSTATE or with XX000 (an exception that reached the boundary), an error position
// outside the input, or statements whose spans are not in order inside the input; and (the
// literal-INSERT cross-check, turned on here) when the fast path for INSERTs of constant rows and
// the full parser build different ASTs for the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/ast.h"
#include "sql/internal/literal_insert.h"
#include "sql/parser.h"

namespace {

void CheckError(const blockdb::Status& status, int position, size_t size) {
  if (status.sqlstate().empty() || status.sqlstate() == "XX000" || position < 0 ||
      static_cast<size_t>(position) > size + 1) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  blockdb::sql::internal::SetLiteralInsertCrossCheck(true);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  int position = -1;
  blockdb::Result<std::vector<blockdb::sql::StatementPtr>> parsed =
      blockdb::sql::Parse(sql, &position);
  if (!parsed.ok()) {
    CheckError(parsed.status(), position, size);
  } else {
    size_t previous_end = 0;
    for (const blockdb::sql::StatementPtr& s : *parsed) {
      if (s->span.begin < previous_end || s->span.end > size || s->span.begin >= s->span.end ||
          s->position < 1) {
        std::abort();
      }
      previous_end = s->span.end;
      const std::string text = blockdb::sql::ToSexp(*s);
      if (text.empty()) {
        std::abort();
      }
    }
  }
  int split_position = -1;
  auto split = blockdb::sql::SplitStatements(sql, &split_position);
  if (!split.ok()) {
    CheckError(split.status(), split_position, size);
  } else if (parsed.ok() && split->size() != parsed->size()) {
    std::abort();  // every parsed statement is one split statement and vice versa
  }
  return 0;
}
