// The wire server with real clients (libpqxx 6.4, libpq) and with raw protocol messages:
// startup, simple and extended queries, errors, transaction status, cancel.
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "pgwire/messages.h"
#include "pgwire/pg_test_server.h"
#include "pgwire/raw_pg_client.h"

namespace blockdb::pgwire::testing {
namespace {

std::string Int32Bytes(int32_t v) {
  std::string s;
  AppendInt32(&s, v);
  return s;
}

// Type bytes of a message sequence, e.g. "12TDCZ".
std::string Types(const std::vector<BackendMessage>& messages) {
  std::string types;
  for (const BackendMessage& m : messages) {
    types.push_back(m.type);
  }
  return types;
}

// The values of a DataRow in text.
std::vector<std::string> RowValues(const BackendMessage& m) {
  std::vector<std::string> values;
  const std::string& b = m.body;
  auto int32_at = [&](size_t p) {
    return static_cast<int32_t>(
        (static_cast<uint8_t>(b[p]) << 24) | (static_cast<uint8_t>(b[p + 1]) << 16) |
        (static_cast<uint8_t>(b[p + 2]) << 8) | static_cast<uint8_t>(b[p + 3]));
  };
  int n = (static_cast<uint8_t>(b[0]) << 8) | static_cast<uint8_t>(b[1]);
  size_t pos = 2;
  for (int i = 0; i < n; ++i) {
    int32_t len = int32_at(pos);
    pos += 4;
    values.push_back(len < 0 ? "NULL" : b.substr(pos, static_cast<size_t>(len)));
    pos += len < 0 ? 0 : static_cast<size_t>(len);
  }
  return values;
}

std::map<std::string, std::string> ParameterStatuses(const std::vector<BackendMessage>& messages) {
  std::map<std::string, std::string> params;
  for (const BackendMessage& m : messages) {
    if (m.type == 'S') {
      size_t nul = m.body.find('\0');
      params[m.body.substr(0, nul)] = m.body.substr(nul + 1, m.body.find('\0', nul + 1) - nul - 1);
    }
  }
  return params;
}

TEST_CASE(
    "pgwire server: startup sends AuthenticationOk, ParameterStatus, BackendKeyData, "
    "ReadyForQuery") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  std::vector<BackendMessage> messages = client->Startup();
  REQUIRE(!messages.empty());
  CHECK(messages.front().type == 'R');
  CHECK(messages.front().body == Int32Bytes(0));
  std::map<std::string, std::string> params = ParameterStatuses(messages);
  CHECK(params["server_version"].starts_with("15"));
  CHECK(params["client_encoding"] == "UTF8");
  CHECK(params["server_encoding"] == "UTF8");
  CHECK(params["DateStyle"].starts_with("ISO"));
  CHECK(params["integer_datetimes"] == "on");
  CHECK(params["standard_conforming_strings"] == "on");
  REQUIRE(messages.size() >= 3);
  CHECK(messages[messages.size() - 2].type == 'K');
  CHECK(messages[messages.size() - 2].body.size() == 8);
  CHECK(messages.back().type == 'Z');
  CHECK(messages.back().body == "I");

  // libpq sees the same.
  PGconn* conn = PQconnectdb(server.ConnString().c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  CHECK(std::string(PQparameterStatus(conn, "server_version")).starts_with("15"));
  CHECK(PQbackendPID(conn) > 0);
  CHECK(PQtransactionStatus(conn) == PQTRANS_IDLE);
  PQfinish(conn);
}

TEST_CASE("pgwire server: SELECT 1 through libpqxx, simple and prepared") {
  TestPgServer server;
  pqxx::connection conn(server.ConnString());
  pqxx::nontransaction tx(conn);
  pqxx::result r = tx.exec("SELECT 1");
  REQUIRE(r.size() == 1);
  CHECK(r[0][0].as<int>() == 1);
  conn.prepare("one", "SELECT 1");
  for (int i = 0; i < 3; ++i) {  // re-Bind of a named statement without Parse
    pqxx::result p = tx.exec_prepared("one");
    REQUIRE(p.size() == 1);
    CHECK(p[0][0].as<int>() == 1);
  }
}

TEST_CASE("pgwire server: an error carries S, V, C, M and P, and the connection goes on") {
  TestPgServer server;
  pqxx::connection conn(server.ConnString());
  pqxx::nontransaction tx(conn);
  bool thrown = false;
  try {
    tx.exec("SELEC 1");
  } catch (const pqxx::sql_error& e) {
    thrown = true;
    CHECK(e.sqlstate() == "42601");
  }
  CHECK(thrown);
  CHECK(tx.exec("SELECT 1")[0][0].as<int>() == 1);

  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  client->Send(QueryBytes("SELEC 1"));
  std::vector<BackendMessage> messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "EZ");
  std::map<char, std::string> fields = messages[0].Fields();
  CHECK(fields['S'] == "ERROR");
  CHECK(fields['V'] == "ERROR");
  CHECK(fields['C'] == "42601");
  CHECK(!fields['M'].empty());
  CHECK(fields['P'] == "1");
  CHECK(messages[1].body == "I");
}

TEST_CASE("pgwire server: empty queries and several statements in one string") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  client->Send(QueryBytes(""));
  CHECK(Types(client->ReadUntil('Z')) == "IZ");
  client->Send(QueryBytes("-- ping"));
  CHECK(Types(client->ReadUntil('Z')) == "IZ");
  client->Send(QueryBytes("SELECT 1; SELECT 2"));
  std::vector<BackendMessage> messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "TDCTDCZ");
  CHECK(RowValues(messages[1]) == std::vector<std::string>{"1"});
  CHECK(RowValues(messages[4]) == std::vector<std::string>{"2"});
  CHECK(messages[2].body == std::string("SELECT 1") + '\0');
}

TEST_CASE("pgwire server: extended protocol, pipelined, with Describe and Close") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  client->Send(ParseBytes("s1", "SELECT 1", {}) + TargetedBytes('D', 'S', "s1") +
               BindBytes("p1", "s1", {}, {}, {}) + TargetedBytes('D', 'P', "p1") +
               ExecuteBytes("p1", 0) + TargetedBytes('C', 'P', "p1") + Typed('S', ""));
  std::vector<BackendMessage> messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "1tT2TDC3Z");
  CHECK(RowValues(messages[5]) == std::vector<std::string>{"1"});
  // The named statement survives Sync; a second Bind reuses it.
  client->Send(BindBytes("", "s1", {}, {}, {}) + ExecuteBytes("", 0) + Typed('S', ""));
  CHECK(Types(client->ReadUntil('Z')) == "2DCZ");
  // Closed statements are gone: 26000.
  client->Send(TargetedBytes('C', 'S', "s1") + BindBytes("", "s1", {}, {}, {}) + Typed('S', ""));
  messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "3EZ");
  CHECK(messages[1].SqlState() == "26000");
}

TEST_CASE("pgwire server: after an error the extended protocol discards messages until Sync") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  client->Send(ParseBytes("", "SELEC 1", {}) + BindBytes("", "", {}, {}, {}) + ExecuteBytes("", 0) +
               Typed('S', ""));
  std::vector<BackendMessage> messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "EZ");
  CHECK(messages[0].SqlState() == "42601");
  // Execute of a portal that does not exist: 34000; the next batch works.
  client->Send(ExecuteBytes("nope", 0) + Typed('S', ""));
  messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "EZ");
  CHECK(messages[0].SqlState() == "34000");
  client->Send(ParseBytes("", "SELECT 1", {}) + BindBytes("", "", {}, {}, {}) +
               ExecuteBytes("", 0) + Typed('S', ""));
  CHECK(Types(client->ReadUntil('Z')) == "12DCZ");
}

TEST_CASE("pgwire server: Execute with a row limit suspends the portal and resumes it") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  client->Send(QueryBytes("BEGIN"));
  REQUIRE(Types(client->ReadUntil('Z')) == "CZ");
  client->Send(ParseBytes("", "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3", {}) +
               BindBytes("c", "", {}, {}, {}) + ExecuteBytes("c", 2) + ExecuteBytes("c", 2) +
               Typed('S', ""));
  std::vector<BackendMessage> messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "12DDsDCZ");
  CHECK(RowValues(messages[2]) == std::vector<std::string>{"1"});
  CHECK(RowValues(messages[5]) == std::vector<std::string>{"3"});
  CHECK(messages.back().body == "T");
}

TEST_CASE("pgwire server: binary parameters and results") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  std::string eight;
  AppendInt32(&eight, 0);
  AppendInt32(&eight, 41);
  client->Send(ParseBytes("", "SELECT $1 + 1", {20}) + TargetedBytes('D', 'S', "") +
               BindBytes("", "", {1}, {eight}, {1}) + ExecuteBytes("", 0) + Typed('S', ""));
  std::vector<BackendMessage> messages = client->ReadUntil('Z');
  REQUIRE(Types(messages) == "1tT2DCZ");
  std::string expected;
  AppendInt32(&expected, 0);
  AppendInt32(&expected, 42);
  CHECK(RowValues(messages[4]) == std::vector<std::string>{expected});

  // libpqxx text parameters.
  pqxx::connection conn(server.ConnString());
  pqxx::nontransaction tx(conn);
  CHECK(tx.exec_params("SELECT $1::int8 * 2", 21)[0][0].as<int64_t>() == 42);
}

TEST_CASE("pgwire server: ReadyForQuery reports I, T and E as PostgreSQL") {
  TestPgServer server;
  PGconn* conn = PQconnectdb(server.ConnString().c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  auto run = [&](const char* sql) {
    PGresult* r = PQexec(conn, sql);
    std::string state = PQresultErrorField(r, PG_DIAG_SQLSTATE) != nullptr
                            ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
                            : "";
    PQclear(r);
    return state;
  };
  CHECK(run("BEGIN").empty());
  CHECK(PQtransactionStatus(conn) == PQTRANS_INTRANS);
  CHECK(run("SELEC 1") == "42601");
  CHECK(PQtransactionStatus(conn) == PQTRANS_INERROR);
  CHECK(run("SELECT 1") == "25P02");
  CHECK(run("ROLLBACK").empty());
  CHECK(PQtransactionStatus(conn) == PQTRANS_IDLE);
  PQfinish(conn);
}

TEST_CASE("pgwire server: a CancelRequest with a wrong key is ignored, the right key is accepted") {
  TestPgServer server;
  PGconn* conn = PQconnectdb(server.ConnString().c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  // A wrong key: the server closes the cancel connection without an answer.
  auto raw = RawPgClient::Connect(server.port());
  REQUIRE(raw != nullptr);
  raw->Send(Untyped(kCancelRequestCode, Int32Bytes(PQbackendPID(conn)) + Int32Bytes(12345)));
  CHECK(raw->WaitClosed());
  // The right key, through libpq, on an idle session: accepted, and the session goes on.
  PGcancel* cancel = PQgetCancel(conn);
  char err[256];
  CHECK(PQcancel(cancel, err, sizeof(err)) == 1);
  PQfreeCancel(cancel);
  PGresult* r = PQexec(conn, "SELECT 1");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
  PQclear(r);
  PQfinish(conn);
}

}  // namespace
}  // namespace blockdb::pgwire::testing
