// The wire server running real statements: COPY in and out, notices, ParameterStatus after SET,
// cancel and statement_timeout (57014), and many clients committing at once.
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "pgwire/pg_test_server.h"
#include "pgwire/raw_pg_client.h"

namespace blockdb::pgwire::testing {
namespace {

constexpr std::chrono::milliseconds kDeadline(60'000);

PGconn* Connect(const TestPgServer& server) {
  PGconn* conn = PQconnectdb(server.ConnString().c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  return conn;
}

void Exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  ExecStatusType status = PQresultStatus(r);
  CHECK_MESSAGE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK),
                sql << ": " << PQerrorMessage(conn));
  PQclear(r);
}

std::string Scalar(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
                      ? PQgetvalue(r, 0, 0)
                      : "error: " + std::string(PQerrorMessage(conn));
  PQclear(r);
  return v;
}

TEST_CASE("pgwire sql: COPY FROM STDIN and COPY TO STDOUT through libpq") {
  TestPgServer server;
  PGconn* conn = Connect(server);
  Exec(conn, "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT)");
  PGresult* r = PQexec(conn, "COPY t FROM STDIN");
  REQUIRE(PQresultStatus(r) == PGRES_COPY_IN);
  CHECK(PQnfields(r) == 2);
  PQclear(r);
  std::string data = "1\tone\n2\ttwo\n3\t\\N\n";
  // In two pieces, split inside a line.
  CHECK(PQputCopyData(conn, data.data(), 5) == 1);
  CHECK(PQputCopyData(conn, data.data() + 5, static_cast<int>(data.size() - 5)) == 1);
  CHECK(PQputCopyEnd(conn, nullptr) == 1);
  r = PQgetResult(conn);
  CHECK_MESSAGE(PQresultStatus(r) == PGRES_COMMAND_OK, PQerrorMessage(conn));
  CHECK(std::string(PQcmdTuples(r)) == "3");
  PQclear(r);
  CHECK(PQgetResult(conn) == nullptr);
  CHECK(Scalar(conn, "SELECT count(*) FROM t") == "3");

  // A failed COPY (a duplicate key) reports its error, and the session goes on.
  r = PQexec(conn, "COPY t FROM STDIN");
  REQUIRE(PQresultStatus(r) == PGRES_COPY_IN);
  PQclear(r);
  std::string dup = "3\tthree again\n";
  PQputCopyData(conn, dup.data(), static_cast<int>(dup.size()));
  PQputCopyEnd(conn, nullptr);
  r = PQgetResult(conn);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR);
  CHECK(std::string(PQresultErrorField(r, PG_DIAG_SQLSTATE)) == "23505");
  PQclear(r);
  while ((r = PQgetResult(conn)) != nullptr) {
    PQclear(r);
  }
  // CopyFail from the client: 57014, nothing inserted.
  r = PQexec(conn, "COPY t FROM STDIN");
  REQUIRE(PQresultStatus(r) == PGRES_COPY_IN);
  PQclear(r);
  std::string more = "4\tfour\n";
  PQputCopyData(conn, more.data(), static_cast<int>(more.size()));
  PQputCopyEnd(conn, "client gave up");
  r = PQgetResult(conn);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR);
  CHECK(std::string(PQresultErrorField(r, PG_DIAG_SQLSTATE)) == "57014");
  PQclear(r);
  while ((r = PQgetResult(conn)) != nullptr) {
    PQclear(r);
  }
  CHECK(Scalar(conn, "SELECT count(*) FROM t") == "3");

  r = PQexec(conn, "COPY (SELECT id, name FROM t ORDER BY id) TO STDOUT");
  REQUIRE(PQresultStatus(r) == PGRES_COPY_OUT);
  PQclear(r);
  std::string out;
  char* line = nullptr;
  int n = 0;
  while ((n = PQgetCopyData(conn, &line, 0)) > 0) {
    out.append(line, static_cast<size_t>(n));
    PQfreemem(line);
  }
  CHECK(n == -1);
  r = PQgetResult(conn);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);
  PQclear(r);
  CHECK(out == data);
  PQfinish(conn);
}

TEST_CASE("pgwire sql: notices and ParameterStatus after SET") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  REQUIRE(client->Startup().back().type == 'Z');
  client->Send(QueryBytes("COMMIT"));
  std::vector<BackendMessage> r = client->ReadUntil('Z');
  REQUIRE(r.size() == 3);
  CHECK(r[0].type == 'N');
  CHECK(r[0].Fields()['S'] == "WARNING");
  CHECK(r[0].SqlState() == "25P01");
  CHECK(r[1].type == 'C');
  client->Send(QueryBytes("SET application_name = 'auditor'"));
  r = client->ReadUntil('Z');
  REQUIRE(r.size() == 3);
  CHECK(r[0].type == 'C');
  CHECK(r[1].type == 'S');
  CHECK(r[1].body == std::string("application_name\0auditor\0", 25));
}

// The first value of a DataRow, as sent (text or binary).
std::string FirstValue(const BackendMessage& row) {
  const std::string& b = row.body;
  REQUIRE(b.size() >= 6);
  const auto len =
      static_cast<size_t>((static_cast<uint8_t>(b[2]) << 24) | (static_cast<uint8_t>(b[3]) << 16) |
                          (static_cast<uint8_t>(b[4]) << 8) | static_cast<uint8_t>(b[5]));
  return b.substr(6, len);
}

const BackendMessage* FindMessage(const std::vector<BackendMessage>& messages, char type) {
  for (const BackendMessage& m : messages) {
    if (m.type == type) return &m;
  }
  return nullptr;
}

TEST_CASE("pgwire sql: the startup TimeZone and SET TimeZone apply to text, not to binary") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  // What pgjdbc sends: the JVM's zone as a startup parameter.
  client->Send(StartupBytes(
      {{"user", "blockdb"}, {"database", "blockdb"}, {"TimeZone", "America/New_York"}}));
  std::vector<BackendMessage> r = client->ReadUntil('Z');
  bool reported = false;
  for (const BackendMessage& m : r) {
    if (m.type == 'S' && m.body == std::string("TimeZone\0America/New_York\0", 26)) reported = true;
  }
  CHECK(reported);
  client->Send(QueryBytes("SELECT '2024-05-17 10:11:12+00'::timestamptz"));
  r = client->ReadUntil('Z');
  REQUIRE(FindMessage(r, 'D') != nullptr);
  CHECK(FirstValue(*FindMessage(r, 'D')) == "2024-05-17 06:11:12-04");

  client->Send(QueryBytes("SET TimeZone = 'Europe/Paris'"));
  r = client->ReadUntil('Z');
  REQUIRE(FindMessage(r, 'S') != nullptr);
  CHECK(FindMessage(r, 'S')->body == std::string("TimeZone\0Europe/Paris\0", 22));

  // A text parameter is read in the session zone; the binary result stays UTC microseconds
  // since 2000-01-01 (2024-05-17 10:00:00 UTC).
  client->Send(ParseBytes("", "SELECT $1::timestamptz", {1184}) +
               BindBytes("", "", {0}, {std::string("2024-05-17 12:00:00")}, {1}) +
               ExecuteBytes("", 0) + Typed('S', ""));
  r = client->ReadUntil('Z');
  REQUIRE(FindMessage(r, 'D') != nullptr);
  const std::string binary = FirstValue(*FindMessage(r, 'D'));
  REQUIRE(binary.size() == 8);
  int64_t micros = 0;
  for (char c : binary) micros = (micros << 8) | static_cast<uint8_t>(c);
  CHECK(micros == 769255200LL * 1000000);

  client->Send(QueryBytes("RESET TimeZone"));
  r = client->ReadUntil('Z');
  REQUIRE(FindMessage(r, 'S') != nullptr);
  CHECK(FindMessage(r, 'S')->body == std::string("TimeZone\0America/New_York\0", 26));
}

// Starts `sql` on conn and sends CancelRequests until it ends; returns its SQLSTATE.
std::string CancelWhileRunning(PGconn* conn, const std::string& sql) {
  REQUIRE(PQsendQuery(conn, sql.c_str()) == 1);
  PGcancel* cancel = PQgetCancel(conn);
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  std::string state = "no result";
  while (std::chrono::steady_clock::now() < deadline) {
    char err[256];
    CHECK(PQcancel(cancel, err, sizeof(err)) == 1);
    // Wait (up to 100 ms) for the answer; a cancel that arrived before the statement started is
    // lost, so keep sending them until the statement ends.
    pollfd p{PQsocket(conn), POLLIN, 0};
    poll(&p, 1, 100);
    PQconsumeInput(conn);
    if (!PQisBusy(conn)) {
      break;
    }
  }
  PQfreeCancel(cancel);
  PGresult* r = nullptr;
  while ((r = PQgetResult(conn)) != nullptr) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) {
      state = s;
    } else if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      state = "completed";
    }
    PQclear(r);
  }
  return state;
}

// A table of 100 rows, so that a 4-way cross join has 10^8 rows (minutes of work).
void MakeBigJoin(PGconn* conn) {
  Exec(conn, "CREATE TABLE h (id BIGINT PRIMARY KEY)");
  std::string insert = "INSERT INTO h VALUES (0)";
  for (int i = 1; i < 100; ++i) {
    insert += ", (" + std::to_string(i) + ")";
  }
  Exec(conn, insert);
}

constexpr char kBigJoin[] = "SELECT count(*) FROM h a, h b, h c, h d";

TEST_CASE("pgwire sql: CancelRequest stops a running statement with 57014") {
  TestPgServer server;
  PGconn* conn = Connect(server);
  MakeBigJoin(conn);
  CHECK(CancelWhileRunning(conn, kBigJoin) == "57014");
  CHECK(Scalar(conn, "SELECT 1") == "1");
  PQfinish(conn);
}

TEST_CASE("pgwire sql: statement_timeout cancels with 57014") {
  // The server's default reaches every session; SET changes it for one.
  TestPgServer server([](PgServerOptions& o) { o.statement_timeout_ms = 45'000; });
  PGconn* conn = Connect(server);
  CHECK(Scalar(conn, "SHOW statement_timeout") == "45s");
  MakeBigJoin(conn);
  Exec(conn, "SET statement_timeout = 50");
  PGresult* r = PQexec(conn, kBigJoin);
  REQUIRE(PQresultStatus(r) == PGRES_FATAL_ERROR);
  CHECK(std::string(PQresultErrorField(r, PG_DIAG_SQLSTATE)) == "57014");
  CHECK(std::string(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)).find("statement timeout") !=
        std::string::npos);
  PQclear(r);
  CHECK(Scalar(conn, "SHOW statement_timeout") == "50ms");
  PQfinish(conn);
}

TEST_CASE("pgwire sql: concurrency of many clients inserting through prepared statements") {
  TestPgServer server;
  {
    pqxx::connection admin(server.ConnString());
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE TABLE c (id BIGINT PRIMARY KEY, who INT)");
  }
  constexpr int kClients = 16;
  constexpr int kRows = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      try {
        pqxx::connection conn(server.ConnString());
        conn.prepare("ins", "INSERT INTO c VALUES ($1, $2)");
        pqxx::nontransaction tx(conn);
        for (int i = 0; i < kRows; ++i) {
          tx.exec_prepared("ins", c * kRows + i, c);
        }
      } catch (const std::exception& e) {
        failures++;
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  CHECK(failures == 0);
  pqxx::connection conn(server.ConnString());
  pqxx::nontransaction tx(conn);
  CHECK(tx.exec("SELECT count(*), count(DISTINCT who) FROM c")[0][0].as<int>() == kClients * kRows);
}

}  // namespace
}  // namespace blockdb::pgwire::testing
