#include "server/node.h"

#include <spdlog/spdlog.h>

#include "common/check.h"
#include "common/logging.h"
#include "engine/db.h"
#include "engine/ledger_db.h"
#include "pgwire/server/pg_server.h"
#include "server/http/http_server.h"
#include "server/metrics.h"
#include "server/seal_timer.h"
#include "server/version.h"
#include "sql/session.h"

namespace blockdb {
namespace {

spdlog::logger& Log() {
  static auto* logger = Logger("server").get();
  return *logger;
}

// Config (what users set) to EngineOptions (what the engine takes): the one place where the two
// vocabularies meet.
EngineOptions ToEngineOptions(const Config& config, Env* env) {
  const Config::Database& db = config.database;
  EngineOptions options;
  options.env = env;
  options.dir = db.data_dir;
  options.memtable_size_limit = db.memtable_size_limit;
  options.block_cache_size = db.block_cache_size;
  options.sync_mode = db.wal_sync_mode == WalSyncMode::kAlways ? EngineOptions::SyncMode::kAlways
                                                               : EngineOptions::SyncMode::kInterval;
  options.sync_interval_ms = static_cast<uint32_t>(db.wal_sync_interval_ms);
  options.log_segment_size = db.log_segment_size;
  options.compaction_threshold = static_cast<int>(db.compaction_threshold);
  return options;
}

}  // namespace

LedgerDBOptions LedgerDBOptionsFor(const Config& config, Env* env) {
  LedgerDBOptions options;
  options.engine = ToEngineOptions(config, env);
  options.ledger.blockchain_batch_size = config.database.blockchain_batch_size;
  return options;
}

Node::Node(Config config, Env* env)
    : config_(std::move(config)),
      env_(env != nullptr ? env : Env::Default()),
      metrics_(std::make_unique<MetricsRegistry>()) {}

Node::~Node() {
  // A destructor cannot return the Status; Stop() logs nothing it returns, so log it here.
  Status s = Stop();
  if (!s.ok()) {
    Log().error("stop during destruction failed: {}", s.ToString());
  }
}

Status Node::Start() {
  BLOCKDB_CHECK(state() == State::kCreated);
  const std::string& dir = config_.database.data_dir;
  Log().info("starting blockdb-server {} as node {}, data directory {}", Version(),
             config_.cluster.node_id, dir);
  for (const std::string& line : DescribeConfig(config_)) {
    Log().debug("config {}", line);
  }
  Status s = PrepareDataDir();
  if (s.ok()) {
    s = LockDataDir();
  }
  if (s.ok()) {
    s = OpenEngine();
  }
  if (s.ok()) {
    s = OpenSql();
  }
  if (s.ok()) {
    s = StartPg();
  }
  if (s.ok()) {
    s = StartHttp();  // after the engine: /ready, /metrics and /status read it
  }
  if (!s.ok()) {
    StopPg();
    CloseSql();
    Status closed = CloseEngine();  // no-op unless the engine was opened
    if (!closed.ok()) {
      Log().error("after a failed start: {}", closed.ToString());
    }
    lock_.reset();
    return s;
  }
  state_.store(State::kRunning, std::memory_order_release);
  Log().info("node {} ready (data directory {})", config_.cluster.node_id, dir);
  return Status::OK();
}

Status Node::Stop() {
  if (state() != State::kRunning) {
    return Status::OK();
  }
  Log().info("node {} stopping", config_.cluster.node_id);
  StopPg();    // first: no new statements; running commits finish, then sessions close
  StopHttp();  // nothing may read the engine while it closes
  CloseSql();
  Status first = CloseEngine();
  lock_.reset();
  Log().info("released {}", JoinPath(config_.database.data_dir, kLockFileName));
  state_.store(State::kStopped, std::memory_order_release);
  Log().info("node {} stopped", config_.cluster.node_id);
  return first;
}

Status Node::PrepareDataDir() {
  const std::string& dir = config_.database.data_dir;
  if (env_->FileExists(dir)) {
    return Status::OK();
  }
  Status s = env_->CreateDirs(dir);
  if (!s.ok()) {
    return s.Annotate("cannot create data directory " + dir);
  }
  Log().info("created data directory {}", dir);
  return Status::OK();
}

Status Node::LockDataDir() {
  const std::string& dir = config_.database.data_dir;
  std::string path = JoinPath(dir, kLockFileName);
  Result<std::unique_ptr<FileLock>> lock = env_->LockFile(path);
  if (!lock.ok()) {
    // The Env's message names the lock file and the reason.
    return Status::Busy(
        "data directory " + dir +
        " is in use (is another blockdb-server running on it?): " + lock.status().message());
  }
  lock_ = std::move(lock).value();
  Log().info("locked {}", path);
  return Status::OK();
}

DB* Node::db() const { return ledger_db_ != nullptr ? ledger_db_->db() : nullptr; }

Status Node::OpenEngine() {
  LedgerDBOptions options = LedgerDBOptionsFor(config_, env_);
  Result<std::unique_ptr<LedgerDB>> ldb = LedgerDB::Open(options);
  if (!ldb.ok()) {
    return ldb.status().Annotate("cannot open the storage engine in " + options.engine.dir);
  }
  ledger_db_ = std::move(ldb).value();
  Log().info("storage engine open, applied index {}, ledger tree size {}",
             ledger_db_->db()->AppliedIndex(), ledger_db_->GetDigest().tree_size);
  seal_timer_ = std::make_unique<SealTimer>(
      ledger_db_.get(), std::chrono::milliseconds(config_.database.block_interval_ms));
  return Status::OK();
}

Status Node::CloseEngine() {
  if (ledger_db_ == nullptr) {
    return Status::OK();
  }
  seal_timer_.reset();  // joins the timer: no seal may be proposed to a closing engine
  Status s = ledger_db_->Close();
  uint64_t applied = ledger_db_->db()->AppliedIndex();
  ledger_db_.reset();
  if (!s.ok()) {
    return s.Annotate("closing the storage engine");
  }
  Log().info("storage engine closed at applied index {}", applied);
  return Status::OK();
}

}  // namespace blockdb
