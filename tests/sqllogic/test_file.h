// The sqllogictest-style files under tests/sql/logic/: their records and the parser that reads
// them. docs/SQL.md ("SQL logic tests") describes the format for test authors.
//
// A file is a sequence of records separated by blank lines. Lines starting with '#' between
// records are comments. Each record may be preceded by conditions (`skipif <backend>`,
// `onlyif <backend>`, backend names "blockdb" and "postgresql") and is one of:
//
//   statement ok                      SQL that must succeed
//   statement error <SQLSTATE> [@pos] [re]
//                                     SQL that must fail with that SQLSTATE (and, when given, at
//                                     1-based character position pos, with a message the
//                                     ECMAScript regex `re` finds a match in)
//   query <types> [nosort|rowsort|valuesort]
//                                     SQL, a `----` line, then the expected rows (values
//                                     separated by tabs, NULL for null, (empty) for '')
//   let <name>                        SQL returning one value, kept as ${name} for later SQL
//                                     and expected values
//   halt                              stop reading the file here
//
// and at the top level `require <backend>` makes the whole file run on that backend only. An
// expected value written `<REGEX>:re` matches any value the ECMAScript regex `re` matches whole.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::sqllogic {

enum class RecordKind { kStatementOk, kStatementError, kQuery, kLet, kHalt };

enum class SortMode { kNoSort, kRowSort, kValueSort };

struct Record {
  RecordKind kind = RecordKind::kStatementOk;
  int line = 0;  // 1-based line of the record's command (`statement ...`, `query ...`)
  std::vector<std::string> skip_if;  // backends that skip this record
  std::vector<std::string> only_if;  // when non-empty, the only backends that run it
  std::string sql;                   // lines joined with '\n'
  int sql_line = 0;                  // 1-based line of the SQL's first line

  // kStatementError.
  std::string sqlstate;
  std::string message_regex;  // empty: any message
  int error_position = -1;    // the error's 1-based position in the SQL; -1: not checked

  // kQuery.
  std::string column_types;  // one letter per column (see TypeLetterFor in runner.h)
  SortMode sort = SortMode::kNoSort;
  std::vector<std::string> expected;  // expected lines after `----`
  // 0-based line indexes of the `----` line and one past the last expected line, for --rewrite;
  // both -1 when the record has no `----` line.
  int separator_index = -1;
  int expected_end_index = -1;

  // kLet.
  std::string variable;
};

struct TestFile {
  std::string path;
  std::vector<std::string> lines;     // the file's lines, for --rewrite
  std::vector<std::string> required;  // backends named by `require` lines
  std::vector<Record> records;
};

// Backend names accepted in skipif, onlyif and require.
inline constexpr std::string_view kBlockDB = "blockdb";
inline constexpr std::string_view kPostgres = "postgresql";

// Parses the contents of the file at `path` (used in messages). InvalidArgument naming
// path:line for a malformed record.
Result<TestFile> ParseTestFile(std::string path, std::string_view contents);

// Whether `record` runs on `backend` according to its skipif/onlyif conditions.
bool RunsOn(const Record& record, std::string_view backend);

}  // namespace blockdb::sqllogic
