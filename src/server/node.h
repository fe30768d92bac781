// Node: the composition root of one BlockDB server process.
//
// A Node owns the validated Config and everything built from it. Start() brings the node up in
// order: create the data directory, take the exclusive LOCK file in it (so two servers can never
// write the same files), open the storage engine with its ledger (LedgerDB, blocks of
// database.blockchain_batch_size entries), start the block timer (a seal every
// database.block_interval_ms while entries are pending), open the SQL layer (sql::Database) over
// the engine, start the PostgreSQL wire listener (server.port), start the HTTP sidecar. Stop()
// takes it down in reverse: stop the PostgreSQL listener (no new connections; statements already
// running, such as a commit waiting for its fsync, finish; then every session closes), stop the
// HTTP sidecar, close the SQL layer, stop the block timer, close the engine (which finishes
// in-flight writes and syncs), release the lock. Each step is logged on the "server" logger, one
// line per state change.
//
// Later layers (Raft) are wired in here too, so that main() stays a thin shell around Start() and
// Stop().
//
// Thread safety: Start() and Stop() must be called from one thread (the main thread); the other
// methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/config.h"
#include "common/env.h"
#include "common/status.h"

namespace blockdb {

class HttpServer;
class MetricsRegistry;
class DB;
class LedgerDB;
class SealTimer;
struct LedgerDBOptions;
namespace sql {
class Database;
}
namespace pgwire {
class PgServer;
class PgServerObserver;
}  // namespace pgwire

// How the server opens its engine and ledger for `config` (data directory, engine tunables,
// blockchain_batch_size). Offline tools (blockdb-cli verify) open a data directory with the same
// options, so that replaying its log builds exactly the blocks the server would.
LedgerDBOptions LedgerDBOptionsFor(const Config& config, Env* env);

class Node {
 public:
  enum class State { kCreated, kRunning, kStopped };

  // `env` is the file system (not owned, must outlive the Node); null means Env::Default().
  explicit Node(Config config, Env* env = nullptr);
  // Stops the node if it is running.
  ~Node();

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Brings the node up. On failure everything acquired so far is released, the node stays in
  // kCreated and may be started again. Errors: IOError when the directory cannot be created,
  // Busy when another process holds the data directory's LOCK, or the engine's open error.
  // REQUIRES: state() == kCreated.
  Status Start();

  // Takes the node down. Idempotent: OK (and nothing done) unless the node is running.
  // Returns the first error met; every step is attempted regardless.
  Status Stop();

  State state() const { return state_.load(std::memory_order_acquire); }
  const Config& config() const { return config_; }

  // The storage engine while running, else null.
  DB* db() const;
  // The engine with its ledger (digest, proofs, VERIFY) while running, else null.
  LedgerDB* ledger_db() const { return ledger_db_.get(); }
  // The SQL layer while running, else null.
  sql::Database* sql_database() const { return sql_db_.get(); }

  // The port the PostgreSQL listener is bound to while running (the kernel's choice when
  // server.port is 0), else 0.
  uint16_t pg_port() const;

  // --- HTTP sidecar (node_http.cc; endpoints in docs/protocol/http.md) ---
  // The sidecar starts after the engine opens and stops first in Stop().

  // The node's metrics (GET /metrics). Lives as long as the Node; later layers register theirs
  // here (statements by kind, errors by SQLSTATE...). The engine's statistics are collected at
  // scrape time while the engine is open.
  MetricsRegistry& metrics() const { return *metrics_; }

  // The port the HTTP sidecar listens on while running (the kernel's choice when
  // server.http_port is 0), else 0.
  uint16_t http_port() const;

  // OK when the node can commit a write; otherwise Busy with the reason (GET /ready answers 503
  // with it). A single node can commit once its engine is open; with Raft it will also need a
  // known leader.
  Status CheckReady() const;

  // Sets field `name` of GET /status to the JSON value `json_value()` returns (called on every
  // request, on the HTTP thread; it must return valid JSON). Replaces a field set before. The
  // ledger digest goes in field kLedgerDigestField (null until it is set). REQUIRES: name is not
  // one of the fixed fields (node_id, role, applied_index, uptime_seconds, version, data_dir,
  // http_port).
  void SetStatusField(std::string name, std::function<std::string()> json_value);
  static constexpr const char* kLedgerDigestField = "ledger_digest";

  // The JSON object GET /status serves.
  std::string StatusJson() const;

  // Name of the lock file inside the data directory.
  static constexpr const char* kLockFileName = "LOCK";

 private:
  Status PrepareDataDir();
  Status LockDataDir();
  // The single place where the storage engine is opened and closed.
  Status OpenEngine();
  Status CloseEngine();
  Status StartHttp();
  void StopHttp();
  // SQL layer and PostgreSQL listener (node_pg.cc).
  Status OpenSql();
  void CloseSql();
  Status StartPg();
  void StopPg();

  const Config config_;
  Env* const env_;
  std::atomic<State> state_{State::kCreated};
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<LedgerDB> ledger_db_;
  std::unique_ptr<SealTimer> seal_timer_;                 // runs while the engine is open
  std::unique_ptr<sql::Database> sql_db_;                 // open while the node runs
  std::unique_ptr<pgwire::PgServerObserver> pg_metrics_;  // created at the first start
  std::unique_ptr<pgwire::PgServer> pg_;                  // runs while the node is up

  // HTTP sidecar and what it serves.
  const std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<HttpServer> http_;  // runs while the node is up
  uint64_t engine_collector_ = 0;     // id of the engine statistics collector, 0 when none
  std::chrono::steady_clock::time_point start_time_;
  mutable std::mutex status_mu_;
  std::map<std::string, std::function<std::string()>> status_fields_;  // guarded by status_mu_
};

}  // namespace blockdb
