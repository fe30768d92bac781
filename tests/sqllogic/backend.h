// The databases the logic runner drives: BlockDB through its Session API, or a PostgreSQL 15
// server started for the run. Both report results the same way: PostgreSQL's type OIDs and the
// text form of each value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::sqllogic {

// What one SQL string (one or more statements) did.
struct Outcome {
  bool ok = true;
  // When !ok: the first error's SQLSTATE and primary message.
  std::string sqlstate;
  std::string message;
  int position = 0;  // 1-based character position of the error in the SQL; 0 when none
  // When ok: the last statement's result. has_rows is false for a statement without rows.
  bool has_rows = false;
  std::vector<uint32_t> column_oids;
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = NULL
};

// A connection to a fresh, empty database.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs `sql` as the simple query protocol would. Stops at the first error.
  virtual Outcome Execute(std::string_view sql) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // "blockdb" or "postgresql", as named by skipif/onlyif/require.
  virtual std::string_view name() const = 0;
  // A new empty database (named "blockdb", the session user "blockdb") and a connection to it.
  // The previous connection from this backend must have been destroyed.
  virtual Result<std::unique_ptr<Connection>> NewDatabase() = 0;
};

// BlockDB: each database is a LedgerDB in a new temporary directory, removed afterwards.
// After every statement that succeeds, pending ledger entries are sealed into a block (as the
// server's block timer would), so each statement's rows end in their own block.
Result<std::unique_ptr<Backend>> NewBlockDBBackend();

// PostgreSQL 15 from `bindir` (initdb and postgres), started in a temporary directory with
// locale C, UTF8, TimeZone UTC and DateStyle ISO; as user postgres when run as root. NotFound
// when the binaries (or, as root, the postgres user) are missing, so that the caller can skip;
// other errors when the server does not start.
Result<std::unique_ptr<Backend>> NewPostgresBackend(const std::string& bindir);

}  // namespace blockdb::sqllogic
