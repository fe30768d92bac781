// The Node's HTTP sidecar: starting and stopping it, readiness, the /status document and the
// node's own metrics. Apart from node.cc, which wires the storage layers, so the two change
// independently.
#include <charconv>

#include <spdlog/spdlog.h>

#include "common/check.h"
#include "common/logging.h"
#include "engine/db.h"
#include "engine/ledger/proof_json.h"
#include "engine/ledger_db.h"
#include "server/engine_metrics.h"
#include "server/http/http_server.h"
#include "server/metrics.h"
#include "server/node.h"
#include "server/version.h"
#include "sql/session.h"
#include "sql/txn/lock_manager.h"

namespace blockdb {
namespace {

// Fields of GET /status that the Node itself writes; SetStatusField may not replace them.
constexpr std::string_view kFixedStatusFields[] = {
    "node_id", "role", "applied_index", "uptime_seconds", "version", "data_dir", "http_port"};

HttpServerOptions HttpOptionsFor(const Config& config) {
  HttpServerOptions options;
  options.host = config.server.host;
  options.port = config.server.http_port;
  options.max_connections = config.server.http_max_connections;
  options.read_timeout = std::chrono::milliseconds(config.server.http_read_timeout_ms);
  return options;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  auto elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<double>(
             std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()) /
         1000.0;
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  AppendJsonEscaped(text, &out);
  out += '"';
  return out;
}

// Appends `"name":value` to a JSON object being built in *out (which holds at least "{").
void AppendJsonField(std::string_view name, std::string_view json_value, std::string* out) {
  if (out->size() > 1) {
    out->push_back(',');
  }
  out->append(JsonString(name)).append(":").append(json_value);
}

std::string JsonNumber(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);  // finite here: JSON-valid
  return std::string(buf, end);
}

}  // namespace

Status Node::StartHttp() {
  start_time_ = std::chrono::steady_clock::now();
  metrics_
      ->AddGaugeFamily("blockdb_build_info", "BlockDB's version; the value is always 1.",
                       {"version"})
      .WithLabels({Version()})
      .Set(1);
  // Registered only while the engine is open (StopHttp removes it before the engine closes).
  engine_collector_ = metrics_->AddCollector([this](std::vector<MetricFamilySnapshot>* out) {
    out->push_back(SingleValue("blockdb_node_uptime_seconds", "Seconds since the node started.",
                               MetricType::kGauge, SecondsSince(start_time_)));
    out->push_back(SingleValue("blockdb_node_ready", "1 when the node can commit writes, else 0.",
                               MetricType::kGauge, CheckReady().ok() ? 1 : 0));
    if (DB* engine = db(); engine != nullptr) {
      AppendEngineMetrics(engine->GetStats(), out);
    }
    if (LedgerDB* ledger = ledger_db(); ledger != nullptr) {
      ledger::Digest d = ledger->GetDigest();
      out->push_back(SingleValue("blockdb_ledger_tree_size",
                                 "Entries in the ledger's Merkle tree (published).",
                                 MetricType::kGauge, static_cast<double>(d.tree_size)));
      out->push_back(SingleValue("blockdb_ledger_blocks_sealed",
                                 "Index of the newest sealed block (blocks after genesis).",
                                 MetricType::kCounter, static_cast<double>(d.last_block_index)));
      out->push_back(SingleValue("blockdb_ledger_pending_entries",
                                 "Entries applied but not yet in a block.", MetricType::kGauge,
                                 static_cast<double>(ledger->PendingEntries())));
    }
    if (sql::Database* sql = sql_database(); sql != nullptr) {
      auto& st = sql->stats();
      out->push_back(SingleValue("blockdb_sql_rows_inserted_total",
                                 "Rows written by INSERT and COPY.", MetricType::kCounter,
                                 static_cast<double>(st.rows_inserted.load())));
      out->push_back(SingleValue("blockdb_sql_parallel_aggregates_total",
                                 "Aggregates whose table scan ran on several threads.",
                                 MetricType::kCounter,
                                 static_cast<double>(st.parallel_aggregates.load())));
      out->push_back(SingleValue("blockdb_sql_verifications_total",
                                 "VERIFY CHAIN statements run.", MetricType::kCounter,
                                 static_cast<double>(st.verifications.load())));
      sql::txn::LockManager::Stats locks = sql->locks().GetStats();
      out->push_back(SingleValue("blockdb_lock_waits_total",
                                 "Lock requests that had to wait.", MetricType::kCounter,
                                 static_cast<double>(locks.waited)));
      out->push_back(SingleValue("blockdb_lock_deadlocks_total",
                                 "Transactions aborted as deadlock victims (40P01).",
                                 MetricType::kCounter, static_cast<double>(locks.deadlocks)));
      out->push_back(SingleValue("blockdb_lock_timeouts_total",
                                 "Lock waits ended by lock_timeout (55P03).",
                                 MetricType::kCounter, static_cast<double>(locks.timeouts)));
      out->push_back(SingleValue("blockdb_transactions_expired_total",
                                 "Transactions aborted past transaction_timeout while blocking "
                                 "another.",
                                 MetricType::kCounter, static_cast<double>(locks.expired)));
      out->push_back(SingleValue("blockdb_locks_held",
                                 "Locks held or waited for now.", MetricType::kGauge,
                                 static_cast<double>(locks.held)));
    }
  });
  HttpEndpoints endpoints{[this] { return CheckReady(); },
                          [this] { return metrics_->RenderText(); },
                          [this] { return StatusJson(); }};
  http_ = std::make_unique<HttpServer>(HttpOptionsFor(config_),
                                       HttpRouter(std::move(endpoints), config_.server.admin_token),
                                       metrics_.get());
  Status s = http_->Start();
  if (!s.ok()) {
    StopHttp();
  }
  return s;
}

void Node::StopHttp() {
  if (http_ != nullptr) {
    http_->Stop();
    http_.reset();
  }
  if (engine_collector_ != 0) {
    metrics_->RemoveCollector(engine_collector_);
    engine_collector_ = 0;
  }
}

uint16_t Node::http_port() const { return http_ != nullptr ? http_->port() : 0; }

Status Node::CheckReady() const {
  // The HTTP sidecar starts just before the node reports itself running, and stops first.
  if (state() != State::kRunning) {
    return Status::Busy(state() == State::kCreated ? "node is starting" : "node is stopped");
  }
  if (db() == nullptr) {
    return Status::Busy("storage engine is not open");
  }
  if (Status failure = db()->FailureStatus(); !failure.ok()) {
    return Status::Busy("storage engine failed: " + failure.ToString());
  }
  // A single node leads itself. With Raft: Busy("no leader") until a leader is known.
  return Status::OK();
}

void Node::SetStatusField(std::string name, std::function<std::string()> json_value) {
  for (std::string_view fixed : kFixedStatusFields) {
    BLOCKDB_CHECK_MSG(name != fixed, "status field is written by the Node itself");
  }
  std::lock_guard<std::mutex> lock(status_mu_);
  status_fields_[std::move(name)] = std::move(json_value);
}

std::string Node::StatusJson() const {
  std::map<std::string, std::function<std::string()>> fields;
  {
    // Copied so that a field's callback runs without the lock (it may take its own locks).
    std::lock_guard<std::mutex> lock(status_mu_);
    fields = status_fields_;
  }
  DB* engine = db();
  std::string out = "{";
  AppendJsonField("node_id", std::to_string(config_.cluster.node_id), &out);
  // A single node; Raft will report follower, candidate or leader.
  AppendJsonField("role", JsonString("leader"), &out);
  AppendJsonField("applied_index",
                  engine != nullptr ? std::to_string(engine->AppliedIndex()) : "null", &out);
  AppendJsonField("uptime_seconds", JsonNumber(SecondsSince(start_time_)), &out);
  AppendJsonField("version", JsonString(Version()), &out);
  AppendJsonField("data_dir", JsonString(config_.database.data_dir), &out);
  AppendJsonField("http_port", std::to_string(http_port()), &out);
  if (fields.count(kLedgerDigestField) == 0) {
    // The ledger's published digest while the engine is open (the sidecar stops before it
    // closes), in the JSON clients save (proof_json.h); a field set through SetStatusField wins.
    const LedgerDB* ledger = ledger_db();
    AppendJsonField(kLedgerDigestField,
                    ledger != nullptr ? ledger::DigestToJson(ledger->GetDigest()) : "null", &out);
  }
  for (const auto& [name, json_value] : fields) {
    AppendJsonField(name, json_value(), &out);
  }
  out += '}';
  return out;
}

}  // namespace blockdb
