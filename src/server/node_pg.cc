// The Node's SQL layer and PostgreSQL wire server: opening the sql::Database over the engine,
// starting and stopping the listener, and the wire server's metrics. Apart from node.cc, which
// wires the storage layers.
#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "pgwire/scram.h"
#include "pgwire/server/pg_server.h"
#include "server/metrics.h"
#include "server/node.h"
#include "sql/session.h"

namespace blockdb {
namespace {

spdlog::logger& Log() {
  static auto* logger = Logger("server").get();
  return *logger;
}

pgwire::PgServerOptions PgOptionsFor(const Config& config) {
  const Config::Server& s = config.server;
  pgwire::PgServerOptions options;
  options.host = s.host;
  options.port = s.port;
  options.worker_threads = s.worker_threads;
  options.max_connections = s.max_connections;
  options.max_message_size = static_cast<uint32_t>(s.max_message_size);
  options.startup_timeout = std::chrono::milliseconds(s.startup_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(s.idle_timeout_ms);
  options.statement_timeout_ms = s.statement_timeout_ms;
  options.trust_loopback = s.trust_loopback;
  switch (s.auth_method) {
    case PgAuthMethod::kScramSha256:
      options.auth_method = pgwire::AuthMethod::kScramSha256;
      break;
    case PgAuthMethod::kMd5:
      options.auth_method = pgwire::AuthMethod::kMd5;
      break;
    case PgAuthMethod::kPassword:
      options.auth_method = pgwire::AuthMethod::kPassword;
      break;
  }
  options.bootstrap_password = s.bootstrap_password;
  options.tls_cert_file = s.tls_cert;
  options.tls_key_file = s.tls_key;
  return options;
}

// CREATE ROLE ... PASSWORD stores what this returns: a SCRAM-SHA-256 verifier, never the
// password.
Result<std::string> MakePasswordVerifier(std::string_view password) {
  ASSIGN_OR_RETURN(pgwire::ScramVerifier verifier, pgwire::MakeScramVerifier(password));
  return pgwire::FormatScramVerifier(verifier);
}

// The wire server's metrics (docs/protocol/http.md lists them).
class PgMetrics : public pgwire::PgServerObserver {
 public:
  explicit PgMetrics(MetricsRegistry& registry)
      : connections_(registry.AddCounter("blockdb_pg_connections_total",
                                         "PostgreSQL sessions opened (authenticated).")),
        open_(registry.AddGauge("blockdb_pg_open_connections", "PostgreSQL sessions open now.")),
        rejected_(registry.AddCounterFamily(
            "blockdb_pg_rejected_connections_total",
            "PostgreSQL connections refused at startup, by SQLSTATE.", {"sqlstate"})),
        statements_(registry.AddCounterFamily("blockdb_pg_statements_total",
                                              "Statements completed, by command tag.", {"kind"})),
        errors_(registry.AddCounterFamily("blockdb_pg_errors_total",
                                          "ErrorResponses sent, by SQLSTATE.", {"sqlstate"})) {}

  void ConnectionOpened() override {
    connections_.Increment();
    open_.Add(1);
  }
  void ConnectionClosed() override { open_.Add(-1); }
  void ConnectionRejected(std::string_view sqlstate) override {
    rejected_.WithLabels({std::string(sqlstate)}).Increment();
  }
  void StatementCompleted(std::string_view kind) override {
    statements_.WithLabels({std::string(kind)}).Increment();
  }
  void ErrorSent(std::string_view sqlstate) override {
    errors_.WithLabels({std::string(sqlstate)}).Increment();
  }

 private:
  Counter& connections_;
  Gauge& open_;
  CounterFamily& rejected_;
  CounterFamily& statements_;
  CounterFamily& errors_;
};

}  // namespace

Status Node::OpenSql() {
  sql::DatabaseOptions options;
  options.name = config_.database.name;
  options.transaction_timeout_ms = config_.cluster.transaction_timeout_s * 1000;
  options.enable_transactions = config_.cluster.enable_transactions;
  options.max_transaction_rows = config_.cluster.max_transaction_rows;
  options.max_transaction_bytes = config_.cluster.max_transaction_bytes;
  options.make_password_verifier = MakePasswordVerifier;
  Result<std::unique_ptr<sql::Database>> db = sql::Database::Open(ledger_db_.get(), options);
  if (!db.ok()) {
    return db.status().Annotate("cannot open the SQL catalog");
  }
  sql_db_ = std::move(db).value();
  Log().info("SQL layer open, database \"{}\"", options.name);
  return Status::OK();
}

Status Node::StartPg() {
  if (pg_metrics_ == nullptr) {
    pg_metrics_ = std::make_unique<PgMetrics>(*metrics_);
  }
  auto server =
      std::make_unique<pgwire::PgServer>(PgOptionsFor(config_), sql_db_.get(), pg_metrics_.get());
  Status s = server->Start();
  if (!s.ok()) {
    return s.Annotate("cannot start the PostgreSQL listener");
  }
  pg_ = std::move(server);
  return Status::OK();
}

void Node::StopPg() {
  if (pg_ != nullptr) {
    pg_->Stop();  // stops accepting; running statements (commits) finish first
    pg_.reset();
  }
}

void Node::CloseSql() { sql_db_.reset(); }

uint16_t Node::pg_port() const { return pg_ != nullptr ? pg_->port() : 0; }

}  // namespace blockdb
