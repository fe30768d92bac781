// TestPgServer: a real wire server for tests: a LedgerDB in a temporary directory, the SQL
// layer over it, and a PgServer listening on 127.0.0.1 on a port the kernel picks.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/ledger_db.h"
#include "pgwire/scram.h"
#include "pgwire/server/pg_server.h"
#include "sql/session.h"
#include "util/temp_dir.h"

namespace blockdb::pgwire::testing {

class TestPgServer {
 public:
  explicit TestPgServer(const std::function<void(PgServerOptions&)>& configure = {}) {
    LedgerDBOptions ldb;
    ldb.engine.dir = dir_.Join("data");
    Result<std::unique_ptr<LedgerDB>> opened = LedgerDB::Open(ldb);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    ledger_ = std::move(opened).value();
    sql::DatabaseOptions db_options;
    db_options.make_password_verifier = [](std::string_view password) -> Result<std::string> {
      ASSIGN_OR_RETURN(ScramVerifier v, MakeScramVerifier(password));
      return FormatScramVerifier(v);
    };
    Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(ledger_.get(), db_options);
    REQUIRE_MESSAGE(db.ok(), db.status().ToString());
    db_ = std::move(db).value();
    options_.host = "127.0.0.1";
    options_.port = 0;
    options_.worker_threads = 2;
    if (configure) {
      configure(options_);
    }
    server_ = std::make_unique<PgServer>(options_, db_.get(), nullptr);
    Status s = server_->Start();
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }

  ~TestPgServer() {
    server_->Stop();
    db_.reset();
    (void)ledger_->Close();
  }

  uint16_t port() const { return server_->port(); }
  PgServer& server() { return *server_; }
  sql::Database& db() { return *db_; }
  const blockdb::testing::TempDir& dir() const { return dir_; }

  // A libpq connection string for this server; `extra` is appended ("password=x sslmode=...").
  std::string ConnString(const std::string& extra = "", const std::string& user = "blockdb") const {
    return "host=127.0.0.1 port=" + std::to_string(port()) + " user=" + user +
           " dbname=blockdb sslmode=disable connect_timeout=10 " + extra;
  }

 private:
  blockdb::testing::TempDir dir_;
  std::unique_ptr<LedgerDB> ledger_;
  std::unique_ptr<sql::Database> db_;
  PgServerOptions options_;
  std::unique_ptr<PgServer> server_;
};

}  // namespace blockdb::pgwire::testing
