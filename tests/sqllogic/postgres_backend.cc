// The PostgreSQL backend: libpq over the server's Unix socket, text results.

#include <libpq-fe.h>

#include <cstdlib>

#include "sqllogic/backend.h"
#include "sqllogic/postgres_server.h"
#include "sqllogic/test_file.h"

namespace blockdb::sqllogic {
namespace {

void IgnoreNotice(void*, const char*) {}

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v == nullptr ? "" : v;
}

void TakeRows(const PGresult* r, Outcome* out) {
  out->has_rows = true;
  out->column_oids.clear();
  out->rows.clear();
  const int columns = PQnfields(r);
  for (int c = 0; c < columns; ++c) {
    out->column_oids.push_back(PQftype(r, c));
  }
  for (int row = 0; row < PQntuples(r); ++row) {
    std::vector<std::optional<std::string>> values;
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, row, c)) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(PQgetvalue(r, row, c), PQgetlength(r, row, c)));
      }
    }
    out->rows.push_back(std::move(values));
  }
}

class PostgresConnection : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Outcome Execute(std::string_view sql) override {
    Outcome out;
    if (!PQsendQuery(conn_, std::string(sql).c_str())) {
      return Failed("08006", PQerrorMessage(conn_));
    }
    while (PGresult* r = PQgetResult(conn_)) {
      switch (PQresultStatus(r)) {
        case PGRES_TUPLES_OK:
          if (out.ok) {
            TakeRows(r, &out);
          }
          break;
        case PGRES_COMMAND_OK:
        case PGRES_EMPTY_QUERY:
          if (out.ok) {
            out = Outcome();
          }
          break;
        default:
          if (out.ok) {
            out = Failed(Field(r, PG_DIAG_SQLSTATE), Field(r, PG_DIAG_MESSAGE_PRIMARY));
            const std::string position = Field(r, PG_DIAG_STATEMENT_POSITION);
            out.position = position.empty() ? 0 : std::atoi(position.c_str());
            if (out.sqlstate.empty()) {
              out.sqlstate = "XX000";
              out.message = PQresultErrorMessage(r);
            }
          }
          break;
      }
      PQclear(r);
    }
    return out;
  }

 private:
  static Outcome Failed(std::string sqlstate, std::string message) {
    Outcome out;
    out.ok = false;
    out.sqlstate = std::move(sqlstate);
    out.message = std::move(message);
    return out;
  }

  PGconn* const conn_;
};

Result<PGconn*> Connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Status::IOError("connecting to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return conn;
}

class PostgresBackend : public Backend {
 public:
  explicit PostgresBackend(std::unique_ptr<PostgresServer> server) : server_(std::move(server)) {}

  std::string_view name() const override { return kPostgres; }

  // Recreates database "blockdb" from the admin database, so every file starts empty.
  Result<std::unique_ptr<Connection>> NewDatabase() override {
    ASSIGN_OR_RETURN(PGconn * admin, Connect(server_->ConnInfo("postgres")));
    PostgresConnection admin_conn(admin);
    for (const char* sql : {"DROP DATABASE IF EXISTS blockdb",
                            "CREATE DATABASE blockdb TEMPLATE template0 LOCALE 'C' "
                            "ENCODING 'UTF8'"}) {
      Outcome out = admin_conn.Execute(sql);
      if (!out.ok) {
        return Status::IOError(std::string(sql) + ": " + out.message);
      }
    }
    ASSIGN_OR_RETURN(PGconn * conn, Connect(server_->ConnInfo("blockdb")));
    return std::unique_ptr<Connection>(new PostgresConnection(conn));
  }

 private:
  std::unique_ptr<PostgresServer> server_;
};

}  // namespace

Result<std::unique_ptr<Backend>> NewPostgresBackend(const std::string& bindir) {
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresServer> server, PostgresServer::Start(bindir));
  return std::unique_ptr<Backend>(new PostgresBackend(std::move(server)));
}

}  // namespace blockdb::sqllogic
