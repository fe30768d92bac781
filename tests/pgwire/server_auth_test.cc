// The wire server's admission: database name, connection limit, password authentication
// (SCRAM-SHA-256, MD5, cleartext) with trust for loopback turned off, and TLS with a certificate
// generated for the test.
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "pgwire/messages.h"
#include "pgwire/pg_test_server.h"
#include "pgwire/raw_pg_client.h"
#include "sql/session.h"
#include "util/find_program.h"
#include "util/process.h"

namespace blockdb::pgwire::testing {
namespace {

using blockdb::testing::Subprocess;

constexpr std::chrono::milliseconds kDeadline(20'000);

// Connects with libpq; returns "" on success, else libpq's error message.
std::string ConnectError(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string error = PQstatus(conn) == CONNECTION_OK ? "" : PQerrorMessage(conn);
  if (error.empty()) {
    PGresult* r = PQexec(conn, "SELECT 1");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      error = "SELECT 1 failed: " + std::string(PQerrorMessage(conn));
    }
    PQclear(r);
  }
  PQfinish(conn);
  return error;
}

void PasswordsRequired(PgServerOptions& o) {
  o.trust_loopback = false;
  o.bootstrap_password = "s3cret";
}

TEST_CASE("pgwire auth: another database name is 3D000") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  std::vector<BackendMessage> r = client->Startup("blockdb", "postgres");
  REQUIRE(!r.empty());
  CHECK(r.back().type == 'E');
  CHECK(r.back().SqlState() == "3D000");
  CHECK(r.back().Fields()['M'] == "database \"postgres\" does not exist");
  CHECK(client->WaitClosed());
  CHECK(ConnectError(server.ConnString() + " dbname=other")
            .find("database \"other\" does not exist") != std::string::npos);
}

TEST_CASE("pgwire auth: connections beyond max_connections get 53300") {
  TestPgServer server([](PgServerOptions& o) { o.max_connections = 2; });
  auto a = std::make_unique<pqxx::connection>(server.ConnString());
  pqxx::connection b(server.ConnString());
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  std::vector<BackendMessage> r = client->Startup();
  REQUIRE(!r.empty());
  CHECK(r.back().SqlState() == "53300");
  CHECK(r.back().Fields()['M'] == "sorry, too many clients already");
  CHECK(ConnectError(server.ConnString()).find("too many clients") != std::string::npos);
  // A closed session frees its slot (the server notices the close asynchronously: poll).
  a->disconnect();
  auto deadline = std::chrono::steady_clock::now() + kDeadline;
  std::string error = "not tried";
  while (!error.empty() && std::chrono::steady_clock::now() < deadline) {
    error = ConnectError(server.ConnString());
  }
  CHECK(error.empty());
}

TEST_CASE("pgwire auth: with trust off, the bootstrap user logs in with SCRAM-SHA-256") {
  TestPgServer server(PasswordsRequired);
  CHECK(ConnectError(server.ConnString("password=s3cret")).empty());
  std::string wrong = ConnectError(server.ConnString("password=wrong"));
  CHECK(wrong.find("password authentication failed for user \"blockdb\"") != std::string::npos);
  std::string unknown = ConnectError(server.ConnString("password=s3cret", "mallory"));
  CHECK(unknown.find("password authentication failed for user \"mallory\"") != std::string::npos);
  std::string none = ConnectError(server.ConnString());
  CHECK(!none.empty());
}

TEST_CASE("pgwire auth: a wrong cleartext password is 28P01 and says nothing more") {
  TestPgServer server([](PgServerOptions& o) {
    PasswordsRequired(o);
    o.auth_method = AuthMethod::kPassword;
  });
  for (const std::string user : {"blockdb", "nobody"}) {
    CAPTURE(user);
    auto client = RawPgClient::Connect(server.port());
    REQUIRE(client != nullptr);
    client->Send(StartupBytes({{"user", user}, {"database", "blockdb"}}));
    std::optional<BackendMessage> m = client->Read();
    REQUIRE(m.has_value());
    CHECK(m->type == 'R');
    CHECK(m->body == std::string("\0\0\0\3", 4));  // AuthenticationCleartextPassword
    client->Send(Typed('p', std::string("wrong") + '\0'));
    m = client->Read();
    REQUIRE(m.has_value());
    CHECK(m->SqlState() == "28P01");
    CHECK(m->Fields()['M'] == "password authentication failed for user \"" + user + "\"");
    CHECK(m->Fields().count('D') == 0);
    CHECK(m->Fields().count('H') == 0);
    CHECK(client->WaitClosed());
  }
  CHECK(ConnectError(server.ConnString("password=s3cret")).empty());
}

TEST_CASE("pgwire auth: md5 for the bootstrap password") {
  TestPgServer server([](PgServerOptions& o) {
    PasswordsRequired(o);
    o.auth_method = AuthMethod::kMd5;
  });
  CHECK(ConnectError(server.ConnString("password=s3cret")).empty());
  CHECK(!ConnectError(server.ConnString("password=nope")).empty());
}

TEST_CASE("pgwire auth: CREATE ROLE ... PASSWORD stores a verifier SCRAM logins check") {
  TestPgServer server(PasswordsRequired);
  sql::Session admin(&server.db(), sql::SessionOptions{});
  Status s = admin.ExecuteSimple("CREATE ROLE alice LOGIN PASSWORD 'wonderland'",
                                 [](sql::StatementResult&&) {});
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  CHECK(ConnectError(server.ConnString("password=wonderland", "alice")).empty());
  CHECK(ConnectError(server.ConnString("password=looking-glass", "alice"))
            .find("password authentication failed for user \"alice\"") != std::string::npos);
}

// A self-signed certificate for localhost / 127.0.0.1, made with the openssl tool.
void MakeCertificate(const std::string& cert, const std::string& key) {
  std::string openssl = blockdb::testing::FindProgram("openssl");
  REQUIRE_MESSAGE(!openssl.empty(), "openssl not found on PATH");
  auto p = Subprocess::Spawn({openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                              key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext",
                              "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  REQUIRE(p.ok());
  std::optional<int> code = (*p)->WaitForExit(kDeadline);
  REQUIRE_MESSAGE(code == 0, (*p)->output());
}

TEST_CASE("pgwire auth: TLS with a generated certificate, sslmode=require and verify-full") {
  blockdb::testing::TempDir certs;
  std::string cert = certs.Join("server.crt");
  std::string key = certs.Join("server.key");
  MakeCertificate(cert, key);
  TestPgServer server([&](PgServerOptions& o) {
    o.tls_cert_file = cert;
    o.tls_key_file = key;
  });
  PGconn* conn = PQconnectdb(server.ConnString("sslmode=require").c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  CHECK(PQsslInUse(conn) == 1);
  PGresult* r = PQexec(conn, "SELECT 1");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
  PQclear(r);
  PQfinish(conn);
  std::string verify = "host=localhost hostaddr=127.0.0.1 port=" + std::to_string(server.port()) +
                       " user=blockdb dbname=blockdb sslmode=verify-full sslrootcert=" + cert;
  CHECK(ConnectError(verify).empty());
  // Without a certificate to trust, verify-full fails.
  CHECK(!ConnectError(server.ConnString("sslmode=verify-full sslrootcert=" + key)).empty());
}

TEST_CASE("pgwire auth: SCRAM-SHA-256-PLUS channel binding over TLS") {
  blockdb::testing::TempDir certs;
  std::string cert = certs.Join("server.crt");
  std::string key = certs.Join("server.key");
  MakeCertificate(cert, key);
  TestPgServer server([&](PgServerOptions& o) {
    PasswordsRequired(o);
    o.tls_cert_file = cert;
    o.tls_key_file = key;
  });
  CHECK(ConnectError(server.ConnString("sslmode=require channel_binding=require password=s3cret"))
            .empty());
  CHECK(!ConnectError(server.ConnString("sslmode=require channel_binding=require password=x"))
             .empty());
}

TEST_CASE("pgwire auth: SSLRequest is answered N without a certificate") {
  TestPgServer server;
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  client->Send(Untyped(kSslRequestCode, ""));
  CHECK(client->ReadByte() == 'N');
  client->Send(Untyped(kGssEncRequestCode, ""));
  CHECK(client->ReadByte() == 'N');
  std::vector<BackendMessage> r = client->Startup();
  REQUIRE(!r.empty());
  CHECK(r.back().type == 'Z');
  CHECK(!ConnectError(server.ConnString("sslmode=require")).empty());
}

}  // namespace
}  // namespace blockdb::pgwire::testing
