#include "common/config.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <string>

#include "common/env.h"

namespace blockdb {
namespace {

// A temporary directory holding one config file; removed at the end of the test.
class ConfigFile {
 public:
  explicit ConfigFile(std::string_view text) {
    char tmpl[] = "/tmp/blockdb_config_test_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    path_ = JoinPath(dir_, "blockdb.toml");
    REQUIRE(WriteStringToFileSync(Env::Default(), text, path_).ok());
  }
  ~ConfigFile() {
    (void)Env::Default()->RemoveFile(path_);
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

// The message of the error LoadConfig returns (fails the test if it succeeds).
std::string ErrorOf(const ConfigSources& sources) {
  Result<Config> r = LoadConfig(sources);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsInvalidArgument());
  return r.status().message();
}

std::string FileError(std::string_view text) {
  ConfigFile file(text);
  ConfigSources sources;
  sources.file = file.path();
  return ErrorOf(sources);
}

TEST_CASE("config: defaults when no source is given") {
  Result<Config> r = LoadConfig({});
  REQUIRE(r.ok());
  const Config& c = *r;
  CHECK(c.database.data_dir == "./blockdb_data");
  CHECK(c.database.memtable_size_limit == 64u << 20);
  CHECK(c.database.block_cache_size == 64u << 20);
  CHECK(c.database.wal_sync_mode == WalSyncMode::kAlways);
  CHECK(c.database.wal_sync_interval_ms == 100);
  CHECK(c.database.log_segment_size == 64u << 20);
  CHECK(c.database.compaction_threshold == 4);
  CHECK(c.database.blockchain_batch_size == 1000);
  CHECK(c.database.block_interval_ms == 1000);
  CHECK(c.cluster.node_id == 1);
  CHECK(c.cluster.heartbeat_interval_ms == 150);
  CHECK(c.cluster.election_timeout_ms == 300);
  CHECK(c.cluster.enable_transactions);
  CHECK(c.cluster.transaction_timeout_s == 30);
  CHECK(c.cluster.max_transaction_rows == 1'000'000);
  CHECK(c.cluster.max_transaction_bytes == 256ull << 20);
  CHECK(c.server.host == "127.0.0.1");
  CHECK(c.server.port == 5433);
  CHECK(c.server.http_port == 8080);
  CHECK(c.server.worker_threads == 0);
  CHECK(c.server.max_connections == 100);
  CHECK(c.server.http_max_connections == 64);
  CHECK(c.server.http_read_timeout_ms == 10'000);
  CHECK(c.server.admin_token.empty());
  CHECK(c.log.level == LogLevel::kInfo);
  CHECK(c.log.format == LogFormat::kText);

  // A default-constructed Config is the same thing.
  CHECK(DescribeConfig(Config()) == DescribeConfig(c));
}

TEST_CASE("config: values from a TOML file") {
  ConfigFile file(R"(
[database]
data_dir = "/var/lib/blockdb"
memtable_size_limit = "8MiB"
block_cache_size = 1048576
wal_sync_mode = "interval"
wal_sync_interval = 250

[cluster]
node_id = 3
enable_transactions = false

[server]
port = 6000

[log]
level = "debug"
format = "json"
)");
  ConfigSources sources;
  sources.file = file.path();
  Result<Config> r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->database.data_dir == "/var/lib/blockdb");
  CHECK(r->database.memtable_size_limit == 8u << 20);
  CHECK(r->database.block_cache_size == 1u << 20);
  CHECK(r->database.wal_sync_mode == WalSyncMode::kInterval);
  CHECK(r->database.wal_sync_interval_ms == 250);
  CHECK(r->cluster.node_id == 3);
  CHECK_FALSE(r->cluster.enable_transactions);
  CHECK(r->server.port == 6000);
  CHECK(r->server.host == "127.0.0.1");  // untouched keys keep their defaults
  CHECK(r->log.level == LogLevel::kDebug);
  CHECK(r->log.format == LogFormat::kJson);
}

TEST_CASE("config: environment beats the file, overrides beat the environment") {
  ConfigFile file("[server]\nport = 6000\nhost = \"0.0.0.0\"\n[database]\ndata_dir = \"file\"\n");
  ConfigSources sources;
  sources.file = file.path();
  sources.environment = {{"BLOCKDB_SERVER_PORT", "6001"},
                         {"BLOCKDB_DATABASE_DATA_DIR", "env"},
                         {"BLOCKDB_DATABASE_MEMTABLE_SIZE_LIMIT", "1 GiB"},
                         {"BLOCKDB_CLUSTER_ENABLE_TRANSACTIONS", "false"},
                         {"PATH", "/usr/bin"},  // not ours: ignored
                         {"HOME", "/root"}};
  Result<Config> r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->server.port == 6001);
  CHECK(r->server.host == "0.0.0.0");
  CHECK(r->database.data_dir == "env");
  CHECK(r->database.memtable_size_limit == 1u << 30);
  CHECK_FALSE(r->cluster.enable_transactions);

  sources.overrides = {"server.port=6002", "database.data_dir=flag"};
  r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->server.port == 6002);
  CHECK(r->database.data_dir == "flag");
  CHECK(r->server.host == "0.0.0.0");

  // Overrides apply in order: the last one wins.
  sources.overrides.push_back("server.port=6003");
  r = LoadConfig(sources);
  REQUIRE(r.ok());
  CHECK(r->server.port == 6003);
}

TEST_CASE("config: out-of-range values name key, value and range") {
  CHECK(FileError("[server]\nport = 70000\n")
            .starts_with("config: server.port = 70000 is out of range (0..65535)"));
  ConfigSources env;
  env.environment = {{"BLOCKDB_SERVER_PORT", "70000"}};
  CHECK(ErrorOf(env) ==
        "config: server.port = 70000 is out of range (0..65535) (from environment variable "
        "BLOCKDB_SERVER_PORT)");
  ConfigSources flag;
  flag.overrides = {"server.port=-1"};
  CHECK(ErrorOf(flag) ==
        "config: server.port = -1 is out of range (0..65535) (from override 'server.port=-1')");
  CHECK(FileError("[database]\nmemtable_size_limit = \"1KiB\"\n")
            .starts_with("config: database.memtable_size_limit = \"1KiB\" is out of range "
                         "(64KiB..64GiB)"));
  CHECK(FileError("[database]\nblock_cache_size = -1\n")
            .starts_with("config: database.block_cache_size = -1 is out of range"));
  CHECK(FileError("[cluster]\nnode_id = 0\n").starts_with("config: cluster.node_id = 0"));
}

TEST_CASE("config: wrong types name key and value") {
  std::string message = FileError("\n[server]\nport = \"5433\"\n");
  CHECK(message.starts_with("config: server.port = \"5433\" is not an integer (in "));
  CHECK(message.ends_with("blockdb.toml line 3)"));
  CHECK(FileError("[server]\nport = 54.33\n")
            .starts_with("config: server.port = 54.33 is not an integer"));
  CHECK(
      FileError("[server]\nhost = 127\n").starts_with("config: server.host = 127 is not a string"));
  CHECK(FileError("[server]\nhost = \"\"\n")
            .starts_with("config: server.host = \"\" must not be empty"));
  CHECK(FileError("[cluster]\nenable_transactions = \"yes\"\n")
            .starts_with("config: cluster.enable_transactions = \"yes\" is not a boolean"));
  CHECK(FileError("[database]\nwal_sync_mode = \"sometimes\"\n")
            .starts_with("config: database.wal_sync_mode = \"sometimes\" is not one of always or "
                         "interval"));
  CHECK(FileError("[log]\nlevel = \"verbose\"\n")
            .starts_with("config: log.level = \"verbose\" is not one of trace, debug, info, warn "
                         "or error"));
  CHECK(
      FileError("[database]\nlog_segment_size = \"64 parsecs\"\n")
          .starts_with("config: database.log_segment_size = \"64 parsecs\" is not a memory size"));
  CHECK(FileError("[database]\nlog_segment_size = true\n")
            .starts_with("config: database.log_segment_size = true is not a memory size"));

  ConfigSources env;
  env.environment = {{"BLOCKDB_SERVER_MAX_CONNECTIONS", "lots"}};
  CHECK(ErrorOf(env) ==
        "config: server.max_connections = lots is not an integer (from environment variable "
        "BLOCKDB_SERVER_MAX_CONNECTIONS)");
}

TEST_CASE("config: unknown sections and keys are errors, not ignored") {
  std::string message = FileError("[server]\nprot = 6000\n");
  CHECK(message.starts_with("config: unknown key server.prot (in "));
  CHECK(message.ends_with("line 2)"));
  CHECK(FileError("[serverr]\nport = 6000\n").starts_with("config: unknown section [serverr]"));
  CHECK(FileError("port = 6000\n").starts_with("config: key port is outside any section"));
  CHECK(FileError("server = 6000\n").starts_with("config: server must be a section"));
  CHECK(FileError("[server.tls]\ncert = \"x\"\n").starts_with("config: unknown key server.tls"));

  ConfigSources env;
  env.environment = {{"BLOCKDB_SERVER_PROT", "6000"}};
  CHECK(ErrorOf(env) ==
        "config: unknown key server.prot (from environment variable BLOCKDB_SERVER_PROT)");
  env.environment = {{"BLOCKDB_SERVERR_PORT", "6000"}};
  CHECK(ErrorOf(env) ==
        "config: unknown section [serverr] (from environment variable BLOCKDB_SERVERR_PORT)");

  ConfigSources flag;
  flag.overrides = {"server.prot=1"};
  CHECK(ErrorOf(flag) == "config: unknown key server.prot (from override 'server.prot=1')");
  flag.overrides = {"port=1"};
  CHECK(ErrorOf(flag) == "config: override 'port=1' is not of the form section.key=value");
}

TEST_CASE("config: TOML syntax errors name file, line and column") {
  std::string message = FileError("[server]\nport = 5433\nhost = \"unterminated\n");
  CHECK(message.starts_with("config: "));
  CHECK(message.find("blockdb.toml:3:") != std::string::npos);
  CHECK(message.size() > std::string_view("config: blockdb.toml:3:1: ").size());
}

TEST_CASE("config: a missing file is an error naming it") {
  ConfigSources sources;
  sources.file = "/nonexistent/blockdb.toml";
  Result<Config> r = LoadConfig(sources);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("config: cannot read /nonexistent/blockdb.toml") !=
        std::string::npos);
}

TEST_CASE("config: the election timeout must exceed the heartbeat") {
  ConfigSources sources;
  sources.overrides = {"cluster.heartbeat_interval=300"};
  CHECK(ErrorOf(sources) ==
        "config: cluster.election_timeout = 300 must exceed cluster.heartbeat_interval = 300");
  sources.overrides.push_back("cluster.election_timeout=900");
  CHECK(LoadConfig(sources).ok());
}

TEST_CASE("config: memory sizes") {
  CHECK(*ParseByteSize("0") == 0);
  CHECK(*ParseByteSize("1048576") == 1u << 20);
  CHECK(*ParseByteSize("64MiB") == 64u << 20);
  CHECK(*ParseByteSize("64 MiB") == 64u << 20);
  CHECK(*ParseByteSize("64mib") == 64u << 20);
  CHECK(*ParseByteSize("2GiB") == 2ull << 30);
  CHECK(*ParseByteSize("1TiB") == 1ull << 40);
  CHECK(*ParseByteSize("512KiB") == 512u << 10);
  CHECK(*ParseByteSize("10KB") == 10'000);
  CHECK(*ParseByteSize("3MB") == 3'000'000);
  CHECK(*ParseByteSize("7B") == 7);
  for (const char* bad : {"", "MiB", "-1", "1.5GiB", "64 ", "64  MiB", "64MiBs", "0x10",
                          "99999999999999999999", "20000000TiB"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseByteSize(bad).ok());
  }
}

TEST_CASE("config: blockdb.toml.example is valid and shows the defaults") {
  ConfigSources sources;
  sources.file = BLOCKDB_SOURCE_DIR "/blockdb.toml.example";
  Result<Config> r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(DescribeConfig(*r) == DescribeConfig(Config()));
}

TEST_CASE("config: DescribeConfig prints every setting as TOML") {
  Config c;
  c.server.port = 6000;
  c.database.block_cache_size = 12345;
  std::vector<std::string> lines = DescribeConfig(c);
  CHECK(lines.size() == 36);
  CHECK(lines.front() == "database.data_dir = \"./blockdb_data\"");
  auto has = [&](std::string_view line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  CHECK(has("database.memtable_size_limit = \"64MiB\""));
  CHECK(has("database.block_cache_size = 12345"));
  CHECK(has("database.wal_sync_mode = \"always\""));
  CHECK(has("cluster.enable_transactions = true"));
  CHECK(has("server.port = 6000"));
  CHECK(has("log.level = \"info\""));
  CHECK(has("server.admin_token = \"\""));
}

TEST_CASE("config: ports may be 0 (ephemeral)") {
  ConfigSources sources;
  sources.overrides = {"server.port=0", "server.http_port=0"};
  Result<Config> r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->server.port == 0);
  CHECK(r->server.http_port == 0);
  sources.overrides = {"server.http_port=65536"};
  CHECK(ErrorOf(sources) ==
        "config: server.http_port = 65536 is out of range (0..65535) (from override "
        "'server.http_port=65536')");
}

TEST_CASE("config: HTTP sidecar settings") {
  ConfigSources sources;
  sources.environment = {{"BLOCKDB_SERVER_ADMIN_TOKEN", "s3cret"},
                         {"BLOCKDB_SERVER_HTTP_READ_TIMEOUT", "250"},
                         {"BLOCKDB_SERVER_HTTP_MAX_CONNECTIONS", "8"}};
  Result<Config> r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->server.admin_token == "s3cret");
  CHECK(r->server.http_read_timeout_ms == 250);
  CHECK(r->server.http_max_connections == 8);

  // The token is never printed, neither in the effective configuration nor in errors.
  std::vector<std::string> lines = DescribeConfig(*r);
  CHECK(std::find(lines.begin(), lines.end(), "server.admin_token = \"(redacted)\"") !=
        lines.end());
  for (const std::string& line : lines) {
    CHECK(line.find("s3cret") == std::string::npos);
  }
  std::string message = FileError("[server]\nadmin_token = 12345\n");
  CHECK(message.starts_with("config: server.admin_token is not a string (in "));
  CHECK(message.find("12345") == std::string::npos);

  // An explicitly empty token is allowed (and means none).
  ConfigFile empty_token("[server]\nadmin_token = \"\"\n");
  ConfigSources from_file;
  from_file.file = empty_token.path();
  r = LoadConfig(from_file);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->server.admin_token.empty());
  CHECK(FileError("[server]\nhttp_read_timeout = 5\n")
            .starts_with("config: server.http_read_timeout = 5 is out of range (10..3600000)"));
  CHECK(FileError("[server]\nhttp_max_connections = 0\n")
            .starts_with("config: server.http_max_connections = 0 is out of range (1..10000)"));
}

TEST_CASE("config: PostgreSQL wire server settings") {
  Config defaults;
  CHECK(defaults.database.name == "blockdb");
  CHECK(defaults.server.trust_loopback);
  CHECK(defaults.server.auth_method == PgAuthMethod::kScramSha256);
  CHECK(defaults.server.tls_cert.empty());
  CHECK(defaults.server.max_message_size == 64ull << 20);
  CHECK(defaults.server.startup_timeout_ms == 60'000);
  CHECK(defaults.server.idle_timeout_ms == 0);
  CHECK(defaults.server.statement_timeout_ms == 0);

  ConfigSources sources;
  sources.environment = {{"BLOCKDB_SERVER_AUTH_METHOD", "md5"},
                         {"BLOCKDB_SERVER_TRUST_LOOPBACK", "false"},
                         {"BLOCKDB_SERVER_BOOTSTRAP_PASSWORD", "pw-secret"},
                         {"BLOCKDB_DATABASE_NAME", "ledger"}};
  sources.overrides = {"server.max_message_size=1MiB", "server.idle_timeout=250",
                       "server.statement_timeout=1000", "server.tls_cert=/c.pem",
                       "server.tls_key=/k.pem"};
  Result<Config> r = LoadConfig(sources);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->server.auth_method == PgAuthMethod::kMd5);
  CHECK_FALSE(r->server.trust_loopback);
  CHECK(r->server.bootstrap_password == "pw-secret");
  CHECK(r->database.name == "ledger");
  CHECK(r->server.max_message_size == 1ull << 20);
  CHECK(r->server.idle_timeout_ms == 250);
  CHECK(r->server.statement_timeout_ms == 1000);
  CHECK(r->server.tls_cert == "/c.pem");
  CHECK(r->server.tls_key == "/k.pem");
  for (const std::string& line : DescribeConfig(*r)) {
    CHECK(line.find("pw-secret") == std::string::npos);
  }

  sources = {};
  sources.overrides = {"server.auth_method=trust"};
  CHECK(ErrorOf(sources) ==
        "config: server.auth_method = trust is not one of scram-sha-256, md5 or password (from "
        "override 'server.auth_method=trust')");
  sources.overrides = {"server.max_message_size=1KiB"};
  CHECK(ErrorOf(sources).starts_with("config: server.max_message_size = 1KiB is out of range"));
  sources.overrides = {"server.tls_cert=/c.pem"};
  CHECK(ErrorOf(sources).starts_with(
      "config: server.tls_cert and server.tls_key must be set together"));
}

}  // namespace
}  // namespace blockdb
