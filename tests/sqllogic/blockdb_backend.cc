// The BlockDB backend: a LedgerDB in a temporary directory and one sql::Session on it.

#include <stdlib.h>

#include <cstring>
#include <filesystem>

#include "engine/ledger_db.h"
#include "sql/session.h"
#include "sql/types/value.h"
#include "sqllogic/backend.h"
#include "sqllogic/test_file.h"

namespace blockdb::sqllogic {
namespace {

class BlockDBConnection : public Connection {
 public:
  ~BlockDBConnection() override {
    // The session and database go before the engine they use, the engine before its files.
    session_.reset();
    database_.reset();
    ledger_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static Result<std::unique_ptr<Connection>> Open() {
    std::unique_ptr<BlockDBConnection> c(new BlockDBConnection());
    char tmpl[] = "/tmp/blockdb_logic_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      return Status::IOError(std::string("mkdtemp: ") + std::strerror(errno));
    }
    c->dir_ = tmpl;
    LedgerDBOptions options;
    options.engine.dir = c->dir_ + "/db";
    // Durability is not under test here; the interval mode keeps a file's run short.
    options.engine.sync_mode = EngineOptions::SyncMode::kInterval;
    ASSIGN_OR_RETURN(c->ledger_, LedgerDB::Open(options));
    ASSIGN_OR_RETURN(c->database_, sql::Database::Open(c->ledger_.get()));
    sql::SessionOptions session;
    session.user = "blockdb";
    session.database = "blockdb";
    c->session_ = std::make_unique<sql::Session>(c->database_.get(), session);
    return std::unique_ptr<Connection>(std::move(c));
  }

  Outcome Execute(std::string_view sql) override {
    Outcome out;
    sql::ErrorInfo info;
    Status s = session_->ExecuteSimple(
        sql, [&](sql::StatementResult&& result) { Take(std::move(result), &out); }, &info);
    if (!s.ok()) {
      out = Outcome();
      out.ok = false;
      out.sqlstate = s.sqlstate().empty() ? "XX000" : s.sqlstate();
      out.message = s.message();
      out.position = info.position;
      return out;
    }
    // Close a block over what the statement wrote, as the server's block timer would.
    Result<bool> sealed = ledger_->SealIfPending();
    if (!sealed.ok()) {
      out = Outcome();
      out.ok = false;
      out.sqlstate = "XX000";
      out.message = "sealing a block after the statement: " + sealed.status().ToString();
    }
    return out;
  }

 private:
  BlockDBConnection() = default;

  void Take(sql::StatementResult&& result, Outcome* out) const {
    *out = Outcome();
    if (result.kind != sql::ResultKind::kRows) {
      return;
    }
    out->has_rows = true;
    for (const sql::ResultColumn& column : result.columns) {
      out->column_oids.push_back(column.type.oid());
    }
    const int float_digits = session_->extra_float_digits();
    for (const std::vector<sql::Value>& row : result.rows) {
      std::vector<std::optional<std::string>> values;
      for (const sql::Value& v : row) {
        if (v.is_null()) {
          values.emplace_back(std::nullopt);
        } else {
          values.emplace_back(sql::FormatValue(v, float_digits));
        }
      }
      out->rows.push_back(std::move(values));
    }
  }

  std::string dir_;
  std::unique_ptr<LedgerDB> ledger_;
  std::unique_ptr<sql::Database> database_;
  std::unique_ptr<sql::Session> session_;
};

class BlockDBBackend : public Backend {
 public:
  std::string_view name() const override { return kBlockDB; }
  Result<std::unique_ptr<Connection>> NewDatabase() override { return BlockDBConnection::Open(); }
};

}  // namespace

Result<std::unique_ptr<Backend>> NewBlockDBBackend() {
  return std::unique_ptr<Backend>(new BlockDBBackend());
}

}  // namespace blockdb::sqllogic
