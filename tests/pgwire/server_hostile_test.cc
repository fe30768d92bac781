// The wire server under hostile input on raw sockets: garbage, truncated, oversized and
// out-of-order messages, stalled and slow-dripping clients. Each case checks both what the bad
// client gets and that a well-behaved client keeps working meanwhile.
#include <doctest/doctest.h>

#include <pqxx/pqxx>
#include <thread>

#include "pgwire/pg_test_server.h"
#include "pgwire/raw_pg_client.h"

namespace blockdb::pgwire::testing {
namespace {

constexpr uint32_t kMaxMessage = 64 * 1024;

void ConfigureLimits(PgServerOptions& options) {
  options.max_message_size = kMaxMessage;
  options.startup_timeout = std::chrono::milliseconds(2000);
}

// A well-behaved client completes a query.
void CheckOthersServed(TestPgServer& server) {
  pqxx::connection conn(server.ConnString());
  pqxx::nontransaction tx(conn);
  CHECK(tx.exec("SELECT 1")[0][0].as<int>() == 1);
}

std::vector<BackendMessage> StartedClient(TestPgServer& server, std::unique_ptr<RawPgClient>* c) {
  *c = RawPgClient::Connect(server.port());
  REQUIRE(*c != nullptr);
  return (*c)->Startup();
}

TEST_CASE("pgwire hostile: garbage instead of a startup packet is 08P01 and closes") {
  TestPgServer server(ConfigureLimits);
  auto client = RawPgClient::Connect(server.port());
  REQUIRE(client != nullptr);
  client->Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::optional<BackendMessage> m = client->Read();
  REQUIRE(m.has_value());
  CHECK(m->type == 'E');
  CHECK(m->Fields()['S'] == "FATAL");
  CHECK(m->SqlState() == "08P01");
  CHECK(client->WaitClosed());
  CheckOthersServed(server);
}

TEST_CASE("pgwire hostile: garbage after startup is 08P01 and closes") {
  TestPgServer server(ConfigureLimits);
  std::unique_ptr<RawPgClient> client;
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  client->Send(std::string("\x01\x00\x00\x00\x08zzzz", 9));
  std::optional<BackendMessage> m = client->Read();
  REQUIRE(m.has_value());
  CHECK(m->SqlState() == "08P01");
  CHECK(client->WaitClosed());
  CheckOthersServed(server);
}

TEST_CASE("pgwire hostile: an oversized message is refused from its length alone") {
  TestPgServer server(ConfigureLimits);
  std::unique_ptr<RawPgClient> client;
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  std::string header = "Q";
  AppendInt32(&header, 512 << 20);  // announces 512 MiB, sends none of it
  client->Send(header);
  std::optional<BackendMessage> m = client->Read();
  REQUIRE(m.has_value());
  CHECK(m->type == 'E');
  CHECK(m->SqlState() == "08P01");
  CHECK(client->WaitClosed());
  // Just over the configured limit, with the body actually sent: the same.
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  client->Send(QueryBytes("SELECT '" + std::string(kMaxMessage, 'x') + "'"));
  m = client->Read();
  REQUIRE(m.has_value());
  CHECK(m->SqlState() == "08P01");
  CHECK(client->WaitClosed());
  CheckOthersServed(server);
}

TEST_CASE("pgwire hostile: a truncated message followed by a hang-up leaves the server serving") {
  TestPgServer server(ConfigureLimits);
  for (int i = 0; i < 20; ++i) {
    auto client = RawPgClient::Connect(server.port());
    REQUIRE(client != nullptr);
    std::string startup = StartupBytes({{"user", "blockdb"}, {"database", "blockdb"}});
    client->Send(startup.substr(0, static_cast<size_t>(i) % startup.size()));
  }  // each closes its socket mid-message
  std::unique_ptr<RawPgClient> client;
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  client->Send(QueryBytes("SELECT 1").substr(0, 6));  // then hangs up
  client.reset();
  CheckOthersServed(server);
}

TEST_CASE("pgwire hostile: out-of-order messages") {
  TestPgServer server(ConfigureLimits);
  std::unique_ptr<RawPgClient> client;
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  // Bind to a statement that was never parsed, Describe of a missing portal: errors, then Sync.
  client->Send(BindBytes("", "ghost", {}, {}, {}) + Typed('S', ""));
  std::vector<BackendMessage> r = client->ReadUntil('Z');
  REQUIRE(r.size() == 2);
  CHECK(r[0].SqlState() == "26000");
  client->Send(TargetedBytes('D', 'P', "ghost") + Typed('S', ""));
  r = client->ReadUntil('Z');
  REQUIRE(r.size() == 2);
  CHECK(r[0].SqlState() == "34000");
  // CopyData outside COPY is ignored; Sync with nothing before it is just ReadyForQuery.
  client->Send(Typed('d', "stray") + Typed('c', "") + Typed('S', ""));
  r = client->ReadUntil('Z');
  REQUIRE(r.size() == 1);
  CHECK(r[0].type == 'Z');
  // A password message after startup: protocol violation, connection closed.
  client->Send(Typed('p', std::string("secret") + '\0'));
  std::optional<BackendMessage> m = client->Read();
  REQUIRE(m.has_value());
  CHECK(m->SqlState() == "08P01");
  CHECK(client->WaitClosed());
  // A second StartupMessage-like packet after startup is garbage too.
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  client->Send(StartupBytes({{"user", "blockdb"}}));
  m = client->Read();
  REQUIRE(m.has_value());
  CHECK(m->SqlState() == "08P01");
  CheckOthersServed(server);
}

TEST_CASE("pgwire hostile: a slow-drip client does not delay the others") {
  TestPgServer server;  // the default startup timeout: the drip takes as long as it takes
  pqxx::connection other(server.ConnString());
  pqxx::nontransaction tx(other);
  auto slow = RawPgClient::Connect(server.port());
  REQUIRE(slow != nullptr);
  std::string bytes =
      StartupBytes({{"user", "blockdb"}, {"database", "blockdb"}}) + QueryBytes("SELECT 1");
  // One byte at a time; between any two bytes another client completes a full query.
  for (char c : bytes) {
    REQUIRE(slow->Send(std::string(1, c)));
    REQUIRE(tx.exec("SELECT 1")[0][0].as<int>() == 1);
  }
  std::vector<BackendMessage> r = slow->ReadUntil('Z');  // startup
  REQUIRE(!r.empty());
  CHECK(r.back().type == 'Z');
  r = slow->ReadUntil('Z');  // the query
  REQUIRE(r.size() == 4);
  CHECK(r[1].type == 'D');
}

TEST_CASE("pgwire hostile: stalled clients are cut off at the startup timeout") {
  TestPgServer server(ConfigureLimits);
  std::vector<std::unique_ptr<RawPgClient>> stalled;
  for (int i = 0; i < 8; ++i) {
    stalled.push_back(RawPgClient::Connect(server.port()));
    REQUIRE(stalled.back() != nullptr);
    stalled.back()->Send(StartupBytes({{"user", "blockdb"}}).substr(0, 5));
  }
  CheckOthersServed(server);  // while all of them hold half a startup packet
  for (auto& c : stalled) {
    CHECK(c->WaitClosed());  // startup_timeout is 2 s
  }
}

TEST_CASE("pgwire hostile: an idle session is closed after idle_timeout") {
  TestPgServer server([](PgServerOptions& o) { o.idle_timeout = std::chrono::milliseconds(200); });
  std::unique_ptr<RawPgClient> client;
  REQUIRE(StartedClient(server, &client).back().type == 'Z');
  CHECK(client->WaitClosed());
  // The session slot is released right after the socket closes: poll for it.
  auto deadline = std::chrono::steady_clock::now() + kRawDeadline;
  while (server.server().sessions() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  CHECK(server.server().sessions() == 0);
}

}  // namespace
}  // namespace blockdb::pgwire::testing
