// The PostgreSQL listener wired into a Node and into the blockdb-server binary: SQL over the
// wire, the pgwire metrics, data surviving a restart, psql, and SIGTERM.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pgwire/raw_pg_client.h"
#include "server/metrics.h"
#include "server/node.h"
#include "util/find_program.h"
#include "util/process.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using pgwire::testing::BackendMessage;
using pgwire::testing::QueryBytes;
using pgwire::testing::RawPgClient;
using std::chrono::milliseconds;
using testing::Subprocess;
using testing::TempDir;

constexpr milliseconds kDeadline(30'000);

Config NodeConfig(const TempDir& tmp) {
  Config config;
  config.database.data_dir = tmp.Join("data");
  config.server.port = 0;
  config.server.http_port = 0;
  config.server.worker_threads = 2;
  return config;
}

// Runs one simple query on a new connection; returns the messages after startup.
std::vector<BackendMessage> Query(uint16_t port, const std::string& sql) {
  auto client = RawPgClient::Connect(port);
  REQUIRE(client != nullptr);
  std::vector<BackendMessage> startup = client->Startup();
  REQUIRE(!startup.empty());
  REQUIRE(startup.back().type == 'Z');
  client->Send(QueryBytes(sql));
  return client->ReadUntil('Z');
}

std::string Types(const std::vector<BackendMessage>& messages) {
  std::string types;
  for (const BackendMessage& m : messages) {
    types.push_back(m.type);
  }
  return types;
}

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST_CASE(
    "pg node: a Node serves SQL over the wire, counts it, and keeps the data across restarts") {
  TempDir tmp;
  {
    Node node(NodeConfig(tmp));
    Status s = node.Start();
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    REQUIRE(node.pg_port() != 0);
    CHECK(Types(Query(node.pg_port(), "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")) == "CZ");
    CHECK(Types(Query(node.pg_port(), "INSERT INTO t VALUES (1, 'one'), (2, 'two')")) == "CZ");
    CHECK(Types(Query(node.pg_port(), "SELECT 1")) == "TDCZ");
    std::vector<BackendMessage> error = Query(node.pg_port(), "SELEC 1");
    REQUIRE(Types(error) == "EZ");
    CHECK(error[0].SqlState() == "42601");

    std::string metrics = node.metrics().RenderText();
    CAPTURE(metrics);
    CHECK(Contains(metrics, "blockdb_pg_connections_total 4"));
    CHECK(Contains(metrics, "blockdb_pg_statements_total{kind=\"CREATE TABLE\"} 1"));
    CHECK(Contains(metrics, "blockdb_pg_statements_total{kind=\"INSERT\"} 1"));
    CHECK(Contains(metrics, "blockdb_pg_statements_total{kind=\"SELECT\"} 1"));
    CHECK(Contains(metrics, "blockdb_pg_errors_total{sqlstate=\"42601\"} 1"));
    CHECK(Contains(metrics, "blockdb_sql_rows_inserted_total 2"));
    CHECK(Contains(metrics, "blockdb_sql_verifications_total 0"));
    CHECK(Contains(metrics, "blockdb_lock_deadlocks_total 0"));
    CHECK(Contains(metrics, "blockdb_locks_held 0"));  // the INSERT's locks went at its commit
    CHECK(Contains(metrics, "blockdb_ledger_tree_size "));
    CHECK(Contains(metrics, "blockdb_ledger_blocks_sealed "));
    REQUIRE(node.Stop().ok());
    CHECK(node.pg_port() == 0);
  }
  Node node(NodeConfig(tmp));
  REQUIRE(node.Start().ok());
  std::vector<BackendMessage> rows = Query(node.pg_port(), "SELECT id, v FROM t ORDER BY id");
  CHECK(Types(rows) == "TDDCZ");
  REQUIRE(node.Stop().ok());
}

TEST_CASE("pg node: a PostgreSQL port in use fails Start, which can then be retried") {
  TempDir tmp;
  Node first(NodeConfig(tmp));
  REQUIRE(first.Start().ok());
  TempDir other;
  Config config = NodeConfig(other);
  config.server.port = first.pg_port();  // taken by the first node
  Node second(config);
  Status s = second.Start();
  CHECK(s.IsIOError());
  CHECK_MESSAGE(
      Contains(s.message(), "cannot listen on 127.0.0.1:" + std::to_string(first.pg_port())),
      s.message());
  CHECK(second.state() == Node::State::kCreated);
  CHECK(second.sql_database() == nullptr);
  REQUIRE(first.Stop().ok());
  // The failed start released the data directory and the engine: a retry works.
  Status retry = second.Start();
  CHECK_MESSAGE(retry.ok(), retry.ToString());
  REQUIRE(second.Stop().ok());
}

// Sends INSERTs one by one until the connection ends; records the ids whose CommandComplete
// arrived (acknowledged, hence durable).
void InsertUntilClosed(uint16_t port, int64_t first_id, std::mutex* mu, std::set<int64_t>* acked,
                       std::atomic<int>* count) {
  auto client = RawPgClient::Connect(port);
  if (client == nullptr || client->Startup().empty()) {
    return;
  }
  for (int64_t id = first_id;; ++id) {
    if (!client->Send(QueryBytes("INSERT INTO t VALUES (" + std::to_string(id) + ", 'x')"))) {
      return;
    }
    std::vector<BackendMessage> reply = client->ReadUntil('Z');
    if (reply.empty() || reply[0].type != 'C') {
      return;
    }
    std::lock_guard<std::mutex> lock(*mu);
    acked->insert(id);
    ++*count;
  }
}

TEST_CASE("pg node: Stop during concurrent commits keeps every acknowledged row") {
  TempDir tmp;
  std::mutex mu;
  std::set<int64_t> acked;
  std::atomic<int> count{0};
  {
    Node node(NodeConfig(tmp));
    REQUIRE(node.Start().ok());
    CHECK(Types(Query(node.pg_port(), "CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)")) == "CZ");
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w) {
      writers.emplace_back(InsertUntilClosed, node.pg_port(), int64_t{w} * 1'000'000, &mu, &acked,
                           &count);
    }
    auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (count < 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    CHECK(count >= 200);
    REQUIRE(node.Stop().ok());  // while the writers are still sending
    for (std::thread& t : writers) {
      t.join();
    }
  }
  Node node(NodeConfig(tmp));
  REQUIRE(node.Start().ok());
  std::vector<BackendMessage> rows = Query(node.pg_port(), "SELECT id FROM t");
  REQUIRE(!rows.empty());
  std::set<std::string> stored;
  for (const BackendMessage& m : rows) {
    if (m.type == 'D') {
      // DataRow: int16 count, int32 length, value.
      stored.insert(m.body.substr(6));
    }
  }
  for (int64_t id : acked) {
    CHECK_MESSAGE(stored.count(std::to_string(id)) == 1, "acknowledged id " << id << " lost");
  }
  REQUIRE(node.Stop().ok());
}

// The port from "pgwire listening on 127.0.0.1:NNNNN".
uint16_t LoggedPgPort(const Subprocess& server) {
  std::smatch match;
  static const std::regex kLine("pgwire listening on 127\\.0\\.0\\.1:([0-9]+)");
  REQUIRE_MESSAGE(std::regex_search(server.output(), match, kLine), server.output());
  return static_cast<uint16_t>(std::stoi(match[1].str()));
}

// Runs psql with `args` against the server; returns (exit code, output).
std::pair<int, std::string> Psql(uint16_t port, std::vector<std::string> args) {
  std::string psql = testing::FindProgram("psql");
  REQUIRE_MESSAGE(!psql.empty(), "psql not found on PATH");
  std::vector<std::string> argv = {
      psql, "-X", "-h", "127.0.0.1", "-p", std::to_string(port), "-U", "blockdb", "blockdb"};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::SpawnOptions options;
  options.unset_env = {"PG*"};
  auto p = Subprocess::Spawn(argv, options);
  REQUIRE(p.ok());
  std::optional<int> code = (*p)->WaitForExit(kDeadline);
  REQUIRE_MESSAGE(code.has_value(), (*p)->output());
  return {*code, (*p)->output()};
}

TEST_CASE("pg node: psql against blockdb-server, then SIGTERM exits 0") {
  TempDir tmp;
  testing::SpawnOptions options;
  options.unset_env = {"BLOCKDB_*"};
  auto started = Subprocess::Spawn({BLOCKDB_BINARY_DIR "/bin/blockdb-server", "--data-dir",
                                    tmp.Join("data"), "--pg-port", "0", "--http-port", "0"},
                                   options);
  REQUIRE(started.ok());
  Subprocess& server = **started;
  REQUIRE_MESSAGE(server.WaitForOutput("-U blockdb blockdb", kDeadline), server.output());
  uint16_t port = LoggedPgPort(server);
  CHECK(Contains(server.output(), "Connect with: psql -h 127.0.0.1 -p " + std::to_string(port) +
                                      " -U blockdb blockdb"));

  auto [code, out] = Psql(port, {"-A", "-t", "-c", "SELECT 1"});
  CHECK_MESSAGE(code == 0, out);
  CHECK(out == "1\n");
  // A script with ON_ERROR_STOP: the error stops it with exit code 3 and the SQLSTATE shown.
  std::string script = tmp.Join("script.sql");
  tmp.Write("script.sql",
            "\\set ON_ERROR_STOP on\n\\set VERBOSITY verbose\nSELECT 1;\nSELEC 2;\nSELECT 3;\n");
  std::tie(code, out) = Psql(port, {"-A", "-t", "-f", script});
  CHECK(code == 3);
  CHECK_MESSAGE(Contains(out, "ERROR:  42601"), out);
  CHECK_FALSE(Contains(out, "3\n"));

  REQUIRE(server.Signal(SIGTERM).ok());
  std::optional<int> exit_code = server.WaitForExit(kDeadline);
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
  CHECK(Contains(server.output(), "pgwire stopped"));
}

}  // namespace
}  // namespace blockdb
