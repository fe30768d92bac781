// Config: every tunable of a BlockDB server in one struct (STYLE.md habit 17).
//
// Each field is described once, in the table in config.cc, with its TOML key, its default, its
// environment variable and its validation side by side; docs/CONFIGURATION.md lists them for
// users. A value is resolved from these sources, later ones winning:
//
//   1. the embedded defaults (a default-constructed Config),
//   2. the TOML file, if one is given        [server]\nport = 6000
//   3. environment variables                 BLOCKDB_SERVER_PORT=6000
//   4. command-line overrides                "server.port=6000"
//
// Every source is checked strictly: an unknown section or key, a value of the wrong type or out of
// range fails with InvalidArgument naming the key and the value, for example
//   config: server.port = 70000 is out of range (0..65535)
// so a typo is reported at start instead of being silently ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/logging.h"
#include "common/status.h"

namespace blockdb {

class Env;

// When the write-ahead log is fsynced.
enum class WalSyncMode {
  // fsync before a write is acknowledged: an acknowledged write survives power loss.
  kAlways,
  // fsync every wal_sync_interval milliseconds: up to that window of acknowledged writes can be
  // lost on power loss (not on a process crash: the data is already in the OS page cache).
  kInterval,
};

std::string_view WalSyncModeName(WalSyncMode mode);

// How PostgreSQL clients that are not trusted (see Config::Server::trust_loopback) authenticate.
enum class PgAuthMethod {
  kScramSha256,  // SCRAM-SHA-256 against the role's stored verifier
  kMd5,          // MD5 where the server knows an MD5 form (the bootstrap password), else SCRAM
  kPassword,     // cleartext password (only sensible over TLS)
};

struct Config {
  // Built with every field at its documented default.
  Config();

  struct Database {
    std::string data_dir;
    uint64_t memtable_size_limit;  // bytes
    uint64_t block_cache_size;     // bytes; 0 disables the cache
    WalSyncMode wal_sync_mode;
    uint64_t wal_sync_interval_ms;   // key wal_sync_interval; used when wal_sync_mode is kInterval
    uint64_t log_segment_size;       // bytes
    uint64_t compaction_threshold;   // number of L0 files that triggers a compaction
    uint64_t blockchain_batch_size;  // ledger entries per block
    uint64_t block_interval_ms;      // a non-empty block is sealed at least this often
    std::string name;                // the database clients connect to (3D000 for another)
  } database;

  struct Cluster {
    uint64_t node_id;
    uint64_t heartbeat_interval_ms;  // key heartbeat_interval
    uint64_t election_timeout_ms;    // key election_timeout; always > heartbeat_interval_ms
    bool enable_transactions;
    uint64_t transaction_timeout_s;  // key transaction_timeout
    uint64_t max_transaction_rows;   // rows one transaction may insert
    uint64_t max_transaction_bytes;  // bytes of values one transaction may insert
  } cluster;

  struct Server {
    std::string host;
    uint16_t port;            // PostgreSQL wire protocol; 0 = an ephemeral port
    uint16_t http_port;       // HTTP sidecar (health, metrics, admin API); 0 = an ephemeral port
    uint32_t worker_threads;  // 0 = one per core
    uint32_t max_connections;
    uint32_t http_max_connections;
    uint64_t http_read_timeout_ms;  // key http_read_timeout
    // Bearer token non-loopback callers of the HTTP admin endpoints must send; empty = none.
    std::string admin_token;
    // PostgreSQL wire server.
    bool trust_loopback;             // loopback clients log in without a password
    PgAuthMethod auth_method;        // everyone else
    std::string bootstrap_password;  // password of the bootstrap user "blockdb"; empty = none
    std::string tls_cert;            // PEM certificate chain; empty = no TLS
    std::string tls_key;             // PEM private key; set together with tls_cert
    uint64_t max_message_size;       // bytes of one protocol message
    uint64_t startup_timeout_ms;     // key startup_timeout; 0 = none
    uint64_t idle_timeout_ms;        // key idle_timeout; 0 = none
    uint64_t statement_timeout_ms;   // key statement_timeout; 0 = none
  } server;

  struct Log {
    LogLevel level;
    LogFormat format;
  } log;
};

// Where LoadConfig looks. Nothing set means the embedded defaults.
struct ConfigSources {
  // A TOML file; read through `env`.
  std::optional<std::string> file;
  // Environment variables by name. Only names starting with BLOCKDB_ are read; each must name a
  // setting as BLOCKDB_<SECTION>_<KEY> in upper case. The server passes its real environment; tests
  // pass a map.
  std::map<std::string, std::string> environment;
  // "section.key=value" strings, applied last in order (command-line flags).
  std::vector<std::string> overrides;
  // File system for reading `file`; null means Env::Default(). Not owned.
  Env* env = nullptr;
};

// Resolves a Config from the sources (see the top of this file) and validates it. Errors are
// InvalidArgument with a message starting "config: " that names the key and the value, or the file,
// line and column of a TOML syntax error; a file that cannot be read gives the Env's error.
Result<Config> LoadConfig(const ConfigSources& sources);

// One line per setting, "section.key = value" in TOML syntax, in table order: what the server logs
// at start so an operator sees the effective configuration.
std::vector<std::string> DescribeConfig(const Config& config);

// Parses a memory size: a non-negative integer of bytes ("1048576") or a number with a unit,
// B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000), case-insensitive,
// with optional space between ("64MiB", "64 MiB"). InvalidArgument on anything else or overflow.
Result<uint64_t> ParseByteSize(std::string_view text);

}  // namespace blockdb
