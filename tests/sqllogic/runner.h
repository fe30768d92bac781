// Runs a parsed test file against one backend and reports every record whose outcome differs
// from what the file expects, as file:line, the SQL, the expected and the actual outcome.
#pragma once

#include <cstdint>
#include <ostream>

#include "common/status.h"
#include "sqllogic/backend.h"
#include "sqllogic/test_file.h"

namespace blockdb::sqllogic {

struct RunOptions {
  // Replace the type letters and expected rows of each query that did not match with what the
  // backend returned, and write the file back (used to record PostgreSQL's results; review the
  // diff). Queries that matched, <REGEX> and ${name} values included, are left as written.
  bool rewrite = false;
};

struct FileReport {
  bool skipped = false;  // `require` names another backend
  int run = 0;           // records run
  int not_run = 0;       // records skipped by skipif/onlyif
  int failed = 0;
};

// The letter a query's column with PostgreSQL type `oid` must be declared with: B bool,
// I smallint/integer/bigint, R real/double precision/numeric, T text/varchar/char/name,
// D date/time/timestamp/timestamptz/interval, X bytea, U uuid, J json/jsonb, '?' anything else.
char TypeLetterFor(uint32_t oid);

// Runs `file` on a new database of `backend`, printing failures to `out`. Errors are the
// backend's (it could not create the database) or --rewrite's.
Result<FileReport> RunFile(const TestFile& file, Backend& backend, const RunOptions& options,
                           std::ostream& out);

}  // namespace blockdb::sqllogic
