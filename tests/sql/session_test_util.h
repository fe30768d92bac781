// A Session over an in-memory engine with its ledger, and helpers that run SQL and render the
// results as text (values in PostgreSQL's output form, NULL as "NULL", columns joined by '|').
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/mem_env.h"
#include "engine/ledger_db.h"
#include "sql/session.h"

namespace blockdb::sql::session_test {

struct Outcome {
  Status status;
  ErrorInfo error;
  std::vector<StatementResult> results;

  // The rows of the last result, one string per row.
  std::vector<std::string> Rows() const {
    std::vector<std::string> out;
    if (results.empty()) return out;
    for (const auto& row : results.back().rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) line += "|";
        line += row[i].is_null() ? std::string("NULL") : FormatValue(row[i]);
      }
      out.push_back(line);
    }
    return out;
  }
  std::string Tag() const { return results.empty() ? "" : results.back().tag; }
};

class SessionFixture {
 public:
  explicit SessionFixture(uint64_t batch_size = 1000, DatabaseOptions db_options = {}) {
    LedgerDBOptions options;
    options.engine.env = &env_;
    options.engine.dir = "/db";
    options.ledger.blockchain_batch_size = batch_size;
    Result<std::unique_ptr<LedgerDB>> ledger = LedgerDB::Open(options);
    REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    ledger_ = std::move(ledger).value();
    Result<std::unique_ptr<Database>> db = Database::Open(ledger_.get(), std::move(db_options));
    REQUIRE_MESSAGE(db.ok(), db.status().ToString());
    db_ = std::move(db).value();
    session_ = NewSession();
  }

  std::unique_ptr<Session> NewSession() {
    return std::make_unique<Session>(db_.get(), SessionOptions{});
  }

  Outcome Run(const std::string& sql, Session* session = nullptr) {
    Outcome o;
    Session* s = session != nullptr ? session : session_.get();
    o.status = s->ExecuteSimple(
        sql, [&](StatementResult&& r) { o.results.push_back(std::move(r)); }, &o.error);
    return o;
  }

  // Runs `sql`, requiring success; returns the last result's rows.
  std::vector<std::string> Query(const std::string& sql) {
    Outcome o = Run(sql);
    REQUIRE_MESSAGE(o.status.ok(), std::string(sql + ": " + o.status.ToString()));
    return o.Rows();
  }
  void Exec(const std::string& sql) {
    Outcome o = Run(sql);
    REQUIRE_MESSAGE(o.status.ok(), std::string(sql + ": " + o.status.ToString()));
  }
  // Runs `sql`, requiring it to fail with `sqlstate`; returns the message.
  std::string Fail(const std::string& sql, const std::string& sqlstate) {
    Outcome o = Run(sql);
    REQUIRE_MESSAGE(!o.status.ok(), std::string(sql + " succeeded"));
    CHECK_MESSAGE(o.status.sqlstate() == sqlstate, std::string(sql + ": " + o.status.ToString()));
    return o.status.message();
  }

  Session& session() { return *session_; }
  Database& db() { return *db_; }
  LedgerDB& ledger() { return *ledger_; }

 private:
  MemEnv env_;
  std::unique_ptr<LedgerDB> ledger_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
};

using Rows = std::vector<std::string>;

}  // namespace blockdb::sql::session_test
