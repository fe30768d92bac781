// End-to-end tests of the online commands of blockdb-cli (the real binary) against a real Node on
// ports the kernel picks: status and metrics over the HTTP sidecar; digest, verify and prove over
// the PostgreSQL protocol, checked against what libpq reads from the same server; saved digests,
// tampered digests and a proof tampered in transit; a server that is not there.
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cli/tampering_proxy.h"
#include "common/coding.h"
#include "common/env.h"
#include "engine/ledger/merkle.h"
#include "engine/ledger/proof_json.h"
#include "server/node.h"
#include "util/process.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using testing::Subprocess;
using testing::TempDir;

const std::string kCli = BLOCKDB_BINARY_DIR "/bin/blockdb-cli";
constexpr std::chrono::milliseconds kDeadline(60'000);

struct Run {
  int code = -1;
  std::string output;  // standard output and error
};

// Runs blockdb-cli with `args`, without the caller's PG* and BLOCKDB_* variables.
Run Cli(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
  REQUIRE_MESSAGE(Env::Default()->FileExists(kCli), kCli << " is missing: build blockdb-cli");
  std::vector<std::string> argv = {kCli};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::SpawnOptions options;
  options.unset_env = {"PG*", "BLOCKDB_*"};
  options.extra_env = std::move(env);
  auto process = Subprocess::Spawn(argv, options);
  REQUIRE(process.ok());
  std::optional<int> code = (*process)->WaitForExit(kDeadline);
  REQUIRE_MESSAGE(code.has_value(), "blockdb-cli still running: " << (*process)->output());
  return {*code, (*process)->output()};
}

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// A running Node with a libpq connection to it.
class Fixture {
 public:
  Fixture() { Start(true); }
  ~Fixture() { Stop(); }

  // Starts the node on the fixture's data directory and connects as blockdb (which needs
  // trust_loopback: the bootstrap user has no password).
  void Start(bool trust_loopback) {
    Config config;
    config.database.data_dir = tmp_.Join("data");
    config.server.port = 0;
    config.server.http_port = 0;
    config.server.worker_threads = 2;
    config.server.trust_loopback = trust_loopback;
    config.database.blockchain_batch_size = 2;  // several blocks from a few rows
    node_ = std::make_unique<Node>(config);
    Status s = node_->Start();
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    if (trust_loopback) {
      const std::string conninfo =
          "host=127.0.0.1 port=" + std::to_string(node_->pg_port()) +
          " user=blockdb dbname=blockdb sslmode=disable connect_timeout=10";
      conn_ = PQconnectdb(conninfo.c_str());
      REQUIRE_MESSAGE(PQstatus(conn_) == CONNECTION_OK, PQerrorMessage(conn_));
    }
  }
  void Stop() {
    PQfinish(conn_);
    conn_ = nullptr;
    if (node_ != nullptr) {
      CHECK(node_->Stop().ok());
    }
  }

  const TempDir& tmp() const { return tmp_; }
  std::string pg_port() const { return std::to_string(node_->pg_port()); }
  std::string http_port() const { return std::to_string(node_->http_port()); }

  // Runs `sql`; returns the rows in text form (NULL as "NULL").
  std::vector<std::vector<std::string>> Sql(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    INFO(sql);
    REQUIRE_MESSAGE((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK),
                    PQresultErrorMessage(result));
    std::vector<std::vector<std::string>> rows;
    for (int r = 0; r < PQntuples(result); ++r) {
      auto& row = rows.emplace_back();
      for (int c = 0; c < PQnfields(result); ++c) {
        row.emplace_back(PQgetisnull(result, r, c) ? "NULL" : PQgetvalue(result, r, c));
      }
    }
    PQclear(result);
    return rows;
  }

  // blockdb_digest() read through libpq: tree_size, root_hash, block_index, block_hash.
  std::vector<std::string> Digest() {
    auto rows = Sql("SELECT tree_size, root_hash, block_index, block_hash FROM blockdb_digest()");
    REQUIRE(rows.size() == 1);
    return rows[0];
  }

  void CreateAccounts(int rows) {
    Sql("CREATE TABLE acc (id INT PRIMARY KEY, owner TEXT)");
    for (int i = 1; i <= rows; ++i) {
      Sql("INSERT INTO acc VALUES (" + std::to_string(i) + ", 'owner " + std::to_string(i) + "')");
    }
  }

  // "--port N" for the PostgreSQL commands, "--http-port N" for the HTTP ones.
  std::vector<std::string> Pg(std::vector<std::string> args) const {
    args.insert(args.end(), {"--port", pg_port()});
    return args;
  }
  std::vector<std::string> Http(std::vector<std::string> args) const {
    args.insert(args.end(), {"--http-port", http_port()});
    return args;
  }

 private:
  TempDir tmp_;
  std::unique_ptr<Node> node_;
  PGconn* conn_ = nullptr;
};

// A port on which nothing listens: bound by the kernel's choice, then released.
std::string ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return std::to_string(ntohs(addr.sin_port));
}

// The value of "name":<value> in a one-line JSON object (numbers and strings, no nesting).
std::string JsonValue(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const size_t at = json.find(key);
  REQUIRE_MESSAGE(at != std::string::npos, name << " missing in " << json);
  size_t start = at + key.size();
  if (json[start] == '"') {
    return json.substr(start + 1, json.find('"', start + 1) - start - 1);
  }
  return json.substr(start, json.find_first_of(",}", start) - start);
}

// `hex` with its first digit changed.
std::string FlipFirstDigit(std::string hex) {
  hex[0] = hex[0] == '0' ? '1' : '0';
  return hex;
}

TEST_CASE("cli online: digest prints the server's digest, as text and as the JSON --digest reads") {
  Fixture f;
  f.CreateAccounts(5);
  const std::vector<std::string> digest = f.Digest();

  Run text = Cli(f.Pg({"digest"}));
  INFO(text.output);
  CHECK(text.code == 0);
  CHECK(Contains(text.output, "tree_size:  " + digest[0] + "\n"));
  CHECK(Contains(text.output, "root_hash:  " + digest[1] + "\n"));
  CHECK(Contains(text.output, "block_hash: " + digest[3] + "\n"));

  Run json = Cli(f.Pg({"digest", "--json"}));
  INFO(json.output);
  REQUIRE(json.code == 0);
  REQUIRE(json.output.ends_with("\n"));
  Result<ledger::Digest> parsed =
      ledger::ParseDigestJson(json.output.substr(0, json.output.size() - 1));
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(std::to_string(parsed->tree_size) == digest[0]);
  CHECK(ToHex(AsBytes(parsed->root)) == digest[1]);
  CHECK(std::to_string(parsed->last_block_index) == digest[2]);
  CHECK(ToHex(AsBytes(parsed->last_block_hash)) == digest[3]);
}

TEST_CASE("cli online: verify runs VERIFY CHAIN on the server and reports its counts") {
  Fixture f;
  f.CreateAccounts(6);
  const std::vector<std::string> digest = f.Digest();
  auto verify_row = f.Sql("VERIFY CHAIN");
  REQUIRE(verify_row.size() == 1);
  const std::string entries = verify_row[0][2];
  CHECK(entries == digest[0]);

  Run text = Cli(f.Pg({"verify"}));
  INFO(text.output);
  CHECK(text.code == 0);
  CHECK(Contains(text.output, "OK: the server verified the ledger\n"));
  CHECK(Contains(text.output, "entries: " + entries + " verified\n"));
  CHECK(Contains(text.output, "tree:    " + digest[0] + " entries, root " + digest[1] + "\n"));

  Run json = Cli(f.Pg({"verify", "--json"}));
  INFO(json.output);
  CHECK(json.code == 0);
  CHECK(JsonValue(json.output, "status") == "ok");
  CHECK(JsonValue(json.output, "entries_checked") == entries);
  CHECK(JsonValue(json.output, "root_hash") == digest[1]);
  CHECK(JsonValue(json.output, "digest_check") == "null");

  CHECK(JsonValue(json.output, "entries_checked") == JsonValue(json.output, "tree_size"));

  // FROM BLOCK 1 trusts block 1 (which holds at least one entry): fewer entries checked than the
  // tree holds, in the same answer (the block timer may seal more blocks in between runs).
  Run from = Cli(f.Pg({"verify", "--from-block", "1", "--json"}));
  INFO(from.output);
  CHECK(from.code == 0);
  CHECK(std::stoull(JsonValue(from.output, "entries_checked")) <
        std::stoull(JsonValue(from.output, "tree_size")));
  CHECK(JsonValue(from.output, "from_block") == "1");
  Run beyond = Cli(f.Pg({"verify", "--from-block", "1000000"}));
  INFO(beyond.output);
  CHECK(beyond.code == 2);
  CHECK(Contains(beyond.output, "--from-block must be below the newest block"));

  // The offline form is still chosen by --data-dir: the running node holds the directory.
  Run offline = Cli({"verify", "--data-dir", f.tmp().Join("data")});
  CHECK(offline.code == 2);
  CHECK(Contains(offline.output, "is in use"));
}

TEST_CASE("cli online: prove checks the server's inclusion proof against the current digest") {
  Fixture f;
  f.CreateAccounts(7);
  auto proof = f.Sql("SELECT * FROM blockdb_inclusion_proof('acc', 3)");
  REQUIRE(proof.size() == 1);
  const std::vector<std::string> digest = f.Digest();

  Run json = Cli(f.Pg({"prove", "acc", "3", "--json"}));
  INFO(json.output);
  REQUIRE(json.code == 0);
  CHECK(JsonValue(json.output, "status") == "ok");
  CHECK(JsonValue(json.output, "entry") == proof[0][0]);
  CHECK(JsonValue(json.output, "leaf_index") == proof[0][1]);
  CHECK(JsonValue(json.output, "tree_size") == digest[0]);
  CHECK(JsonValue(json.output, "root_hash") == digest[1]);
  CHECK(JsonValue(json.output, "digest_source") == "fetched");
  // The proof it printed checks offline too.
  const size_t start = json.output.find("{\"type\":\"inclusion\"");
  REQUIRE(start != std::string::npos);
  const std::string inclusion = json.output.substr(start, json.output.find('}', start) + 1 - start);
  Result<ledger::AnyProof> parsed = ledger::ParseProofJson(inclusion);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  const auto& p = std::get<ledger::InclusionProof>(*parsed);
  CHECK(ledger::VerifyProof(p).ok());
  CHECK(p.leaf_hash == ledger::HashLeaf(*FromHex(proof[0][0])));

  Run text = Cli(f.Pg({"prove", "acc", "3"}));
  INFO(text.output);
  CHECK(text.code == 0);
  CHECK(Contains(text.output, "OK: the row (3) of acc is entry " + proof[0][1] + " of the ledger"));

  // A text key is sent as a string literal, quotes and all.
  f.Sql("CREATE TABLE names (name TEXT PRIMARY KEY, n INT)");
  f.Sql("INSERT INTO names VALUES ('o''brien', 1)");
  Run quoted = Cli(f.Pg({"prove", "names", "o'brien"}));
  INFO(quoted.output);
  CHECK(quoted.code == 0);

  Run missing = Cli(f.Pg({"prove", "acc", "99"}));
  INFO(missing.output);
  CHECK(missing.code == 1);
  CHECK(Contains(missing.output, "FAIL: table acc has no row with key (99)"));

  Run no_table = Cli(f.Pg({"prove", "nosuch", "1"}));
  INFO(no_table.output);
  CHECK(no_table.code == 2);
  CHECK(Contains(no_table.output, "42P01"));
}

TEST_CASE("cli online: a saved digest is tied to the newer tree by a consistency proof") {
  Fixture f;
  f.CreateAccounts(4);
  Run saved = Cli(f.Pg({"digest", "--json"}));
  REQUIRE(saved.code == 0);
  const std::string digest_file = f.tmp().Write("digest.json", saved.output);
  const std::string old_size = JsonValue(saved.output, "tree_size");
  const std::string old_root = JsonValue(saved.output, "root_hash");
  f.Sql("INSERT INTO acc VALUES (10, 'ten'), (11, 'eleven')");
  const std::vector<std::string> now = f.Digest();
  REQUIRE(std::stoull(now[0]) > std::stoull(old_size));

  Run old_row = Cli(f.Pg({"prove", "acc", "2", "--digest", digest_file}));
  INFO(old_row.output);
  CHECK(old_row.code == 0);
  CHECK(Contains(old_row.output, "your digest of " + old_size + " entries: the proof's tree of " +
                                     now[0] + " entries extends it"));
  CHECK(Contains(old_row.output, "the row is covered by your digest"));

  Run new_row = Cli(f.Pg({"prove", "acc", "11", "--digest", old_size + ":" + old_root, "--json"}));
  INFO(new_row.output);
  CHECK(new_row.code == 0);
  CHECK(JsonValue(new_row.output, "digest_source") == "given");
  CHECK(Contains(new_row.output, "\"consistency_proof\":{\"type\":\"consistency\",\"old_size\":" +
                                     old_size + ",\"new_size\":" + now[0]));

  Run verify = Cli(f.Pg({"verify", "--digest", saved.output}));
  INFO(verify.output);
  CHECK(verify.code == 0);
  CHECK(Contains(verify.output, "extends your digest of " + old_size));

  // A digest whose root differs in one digit: the history it describes is not the server's.
  const std::string changed = saved.output.substr(0, saved.output.find(old_root)) +
                              FlipFirstDigit(old_root) +
                              saved.output.substr(saved.output.find(old_root) + old_root.size());
  Run bad_prove = Cli(f.Pg({"prove", "acc", "2", "--digest", changed}));
  INFO(bad_prove.output);
  CHECK(bad_prove.code == 1);
  CHECK(Contains(bad_prove.output, "FAIL: "));
  CHECK(Contains(bad_prove.output, "the history was rewritten"));
  Run bad_verify = Cli(f.Pg({"verify", "--digest", changed, "--json"}));
  INFO(bad_verify.output);
  CHECK(bad_verify.code == 1);
  CHECK(JsonValue(bad_verify.output, "status") == "failed");
  CHECK(JsonValue(bad_verify.output, "digest_check") == "failed");

  // A digest larger than the server's tree: entries are gone.
  Run bigger = Cli(f.Pg({"prove", "acc", "2", "--digest", "1000000:" + old_root}));
  INFO(bigger.output);
  CHECK(bigger.code == 1);
  CHECK(Contains(bigger.output, "entries were removed"));
}

TEST_CASE("cli online: verify-proof --json checks the proofs in prove --json's output") {
  Fixture f;
  f.CreateAccounts(4);
  Run saved = Cli(f.Pg({"digest", "--json"}));
  REQUIRE(saved.code == 0);
  const std::string old_size = JsonValue(saved.output, "tree_size");
  const std::string old_root = JsonValue(saved.output, "root_hash");
  f.Sql("INSERT INTO acc VALUES (10, 'ten'), (11, 'eleven')");

  // The whole document, as prove printed it: its inclusion proof, and with 'consistency' the
  // consistency proof from the saved digest to the proof's tree.
  Run prove = Cli(f.Pg({"prove", "acc", "2", "--digest", old_size + ":" + old_root, "--json"}));
  INFO(prove.output);
  REQUIRE(prove.code == 0);
  const std::string file = f.tmp().Write("prove.json", prove.output);
  for (const char* kind : {"", "inclusion", "consistency"}) {
    std::vector<std::string> args = {"verify-proof", "--json", file};
    if (*kind != '\0') args.insert(args.begin() + 1, kind);
    Run run = Cli(args);
    INFO(kind << ": " << run.output);
    CHECK(run.code == 0);
    CHECK(run.output == "OK\n");
  }

  // The proof is checked, not just found: a changed root in the inclusion proof fails.
  const std::string root = JsonValue(prove.output, "root_hash");
  std::string changed = prove.output;
  const size_t at = changed.find(root, changed.find("\"inclusion_proof\""));
  REQUIRE(at != std::string::npos);
  changed.replace(at, root.size(), FlipFirstDigit(root));
  Run bad = Cli({"verify-proof", "--json", f.tmp().Write("bad.json", changed)});
  INFO(bad.output);
  CHECK(bad.code == 1);
  CHECK(Contains(bad.output, "FAIL: "));

  // Without a digest of another size prove has no consistency proof to give.
  Run same = Cli(f.Pg({"prove", "acc", "2", "--json"}));
  REQUIRE(same.code == 0);
  Run none =
      Cli({"verify-proof", "consistency", "--json", f.tmp().Write("same.json", same.output)});
  INFO(none.output);
  CHECK(none.code == 2);
  CHECK(Contains(none.output, "no consistency_proof"));
}

TEST_CASE("cli online: a proof tampered in transit fails, the same proof passed through holds") {
  Fixture f;
  f.CreateAccounts(9);
  auto proof = f.Sql("SELECT path FROM blockdb_inclusion_proof('acc', 5)");
  REQUIRE(proof.size() == 1);
  const std::string first = proof[0][0].substr(0, 64);
  REQUIRE(first.size() == 64);
  const std::vector<std::string> plain_env = {"PGSSLMODE=disable", "PGGSSENCMODE=disable"};

  {
    testing::TamperingProxy honest(std::stoi(f.pg_port()), first, first);
    Run run = Cli({"prove", "acc", "5", "--port", std::to_string(honest.port())}, plain_env);
    INFO(run.output);
    CHECK(run.code == 0);
    CHECK(honest.rewritten() == 1);
  }
  testing::TamperingProxy liar(std::stoi(f.pg_port()), first, FlipFirstDigit(first));
  Run run = Cli({"prove", "acc", "5", "--port", std::to_string(liar.port())}, plain_env);
  INFO(run.output);
  CHECK(liar.rewritten() == 1);
  CHECK(run.code == 1);
  CHECK(Contains(run.output, "FAIL: the inclusion proof of leaf"));
  CHECK(Contains(run.output, "does not verify"));
  Run json = Cli({"prove", "acc", "5", "--json", "--port", std::to_string(liar.port())}, plain_env);
  INFO(json.output);
  CHECK(json.code == 1);
  CHECK(JsonValue(json.output, "status") == "failed");
}

TEST_CASE("cli online: a VERIFY CHAIN that does not report ok exits 1 with the server's detail") {
  Fixture f;
  f.CreateAccounts(3);
  // The status column of VERIFY's row, as a DataRow carries it: length 2, then "ok".
  const std::string ok("\0\0\0\2ok", 6);
  const std::string not_ok("\0\0\0\2no", 6);
  testing::TamperingProxy liar(std::stoi(f.pg_port()), ok, not_ok);
  const std::vector<std::string> plain_env = {"PGSSLMODE=disable", "PGGSSENCMODE=disable"};
  Run run = Cli({"verify", "--port", std::to_string(liar.port())}, plain_env);
  INFO(run.output);
  CHECK(liar.rewritten() == 1);
  CHECK(run.code == 1);
  CHECK(Contains(run.output, "FAILED: the server's VERIFY CHAIN reports"));
  CHECK(Contains(run.output, "first bad block: "));
  Run json = Cli({"verify", "--json", "--port", std::to_string(liar.port())}, plain_env);
  INFO(json.output);
  CHECK(json.code == 1);
  CHECK(JsonValue(json.output, "status") == "failed");
  CHECK(JsonValue(json.output, "server_status") == "no");
}

TEST_CASE("cli online: status and metrics read the HTTP sidecar") {
  Fixture f;
  f.CreateAccounts(3);
  const std::vector<std::string> digest = f.Digest();

  Run status = Cli(f.Http({"status"}));
  INFO(status.output);
  CHECK(status.code == 0);
  CHECK(Contains(status.output, "ready:           yes\n"));
  CHECK(Contains(status.output, "role:            leader\n"));
  CHECK(Contains(status.output, "ledger_digest:   " + digest[0] + " entries, root " + digest[1]));

  Run json = Cli(f.Http({"status", "--json"}));
  INFO(json.output);
  CHECK(json.code == 0);
  CHECK(json.output.starts_with("{\"http\":\"127.0.0.1:" + f.http_port() + "\",\"ready\":true,"));
  CHECK(Contains(json.output, "\"ledger_digest\":{\"type\":\"digest\",\"tree_size\":" + digest[0] +
                                  ",\"root_hash\":\"" + digest[1] + "\""));

  Run metrics = Cli(f.Http({"metrics"}));
  CHECK(metrics.code == 0);
  CHECK(Contains(metrics.output, "# TYPE blockdb_node_ready gauge\nblockdb_node_ready 1\n"));
  CHECK(Contains(metrics.output, "blockdb_pg_statements_total{kind=\"INSERT\"} 3\n"));

  Run only = Cli(f.Http({"metrics", "blockdb_pg_statements"}));
  INFO(only.output);
  CHECK(only.code == 0);
  CHECK(Contains(only.output, "blockdb_pg_statements_total{kind=\"CREATE TABLE\"} 1\n"));
  size_t lines = 0;
  for (size_t at = 0; at < only.output.size(); at = only.output.find('\n', at) + 1, ++lines) {
    const std::string line = only.output.substr(at, only.output.find('\n', at) - at);
    CHECK_MESSAGE((line.starts_with("blockdb_pg_statements") ||
                   line.starts_with("# HELP blockdb_pg_statements") ||
                   line.starts_with("# TYPE blockdb_pg_statements")),
                  line);
  }
  CHECK(lines >= 3);

  Run samples = Cli(f.Http({"metrics", "--json", "blockdb_node_ready", "blockdb_pg_statements"}));
  INFO(samples.output);
  CHECK(samples.code == 0);
  CHECK(samples.output.starts_with("[{"));
  CHECK(Contains(samples.output, "{\"name\":\"blockdb_node_ready\",\"labels\":{},\"value\":1}"));
  CHECK(Contains(samples.output,
                 "{\"name\":\"blockdb_pg_statements_total\",\"labels\":"
                 "{\"kind\":\"INSERT\"},\"value\":3}"));
}

TEST_CASE("cli online: a server that is not there is one line on stderr and exit 3") {
  const std::string port = ClosedPort();
  const std::vector<std::vector<std::string>> commands = {
      {"status", "--http-port", port},      {"metrics", "--http-port", port},
      {"digest", "--port", port},           {"verify", "--port", port},
      {"verify", "--port", port, "--json"}, {"prove", "acc", "1", "--port", port}};
  for (const auto& args : commands) {
    Run run = Cli(args);
    INFO(args[0] << ": " << run.output);
    CHECK(run.code == 3);
    CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
    CHECK(run.output.starts_with("blockdb-cli " + args[0] + ": cannot connect to the "));
    CHECK(Contains(run.output, "127.0.0.1:" + port + ": Connection refused\n"));
  }
}

TEST_CASE("cli online: a refused login is one line and exit 3, the right password gets in") {
  Fixture f;
  f.CreateAccounts(2);
  f.Sql("CREATE ROLE auditor WITH LOGIN PASSWORD 'right horse'");
  f.Stop();
  f.Start(/*trust_loopback=*/false);

  Run refused = Cli(f.Pg({"digest", "--user", "auditor"}), {"PGPASSWORD=wrong horse"});
  INFO(refused.output);
  CHECK(refused.code == 3);
  CHECK(std::count(refused.output.begin(), refused.output.end(), '\n') == 1);
  CHECK(refused.output.starts_with("blockdb-cli digest: cannot connect to the PostgreSQL port"));
  CHECK(Contains(refused.output, "auditor"));

  Run in = Cli(f.Pg({"prove", "acc", "1", "--user", "auditor"}), {"PGPASSWORD=right horse"});
  INFO(in.output);
  CHECK(in.code == 0);
  CHECK(Contains(in.output, "OK: the row (1) of acc is entry "));
}

TEST_CASE("cli online: usage errors exit 2 before connecting") {
  const std::string port = ClosedPort();  // reaching it would exit 3, not 2
  CHECK(Cli({"prove", "--port", port}).code == 2);
  CHECK(Cli({"prove", "acc", "--port", port}).code == 2);
  CHECK(Cli({"digest", "--port", "x"}).code == 2);
  CHECK(Cli({"digest", "--port", "70000"}).code == 2);
  CHECK(Cli({"status", "--http-port", port, "--bogus"}).code == 2);
  CHECK(Cli({"verify", "--port", port, "--from-block", "-1"}).code == 2);
  CHECK(Cli({"verify", "--port", port, "--digest", "{\"type\":\"digest\"}"}).code == 2);
  CHECK(Cli({"prove", "acc", "1", "--port", port, "--digest", "12:abc"}).code == 2);
  CHECK(Cli({"digest", "--port", port, "stray"}).code == 2);
  for (const char* command : {"status", "metrics", "digest", "verify", "prove"}) {
    Run help = Cli({command, "--help"});
    CHECK(help.code == 0);
    CHECK(Contains(help.output, std::string("usage: blockdb-cli ") + command));
  }
}

}  // namespace
}  // namespace blockdb
