// PgServer: the PostgreSQL wire-protocol listener of a node (docs/protocol/pgwire.md, "The
// server").
//
// Boost.Asio with C++20 coroutines: a few I/O threads (options.worker_threads) run one coroutine
// per connection, each on its own strand, so a slow, stalled or hostile client only ever holds its
// own coroutine. The protocol itself (PgConnection) runs on a WorkPool that grows up to the
// connection limit, because SQL statements block (a commit waits for its fsync); concurrent
// commits from many connections then share one fsync through the engine's group commit.
//
// Per connection: a startup deadline (options.startup_timeout) until authentication completes,
// then an idle deadline between messages (options.idle_timeout, 0 = none); a send that makes no
// progress for a minute closes the connection. Asio and OpenSSL stay in pg_server.cc.
//
// Thread safety: Start() and Stop() are called from one thread; the accessors from any.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "common/status.h"
#include "pgwire/server/server_options.h"

namespace blockdb::sql {
class Database;
}

namespace blockdb::pgwire {

class PgServer {
 public:
  // `db` (the node's SQL database) and `observer` (may be null) are not owned and must outlive
  // the server.
  PgServer(PgServerOptions options, sql::Database* db, PgServerObserver* observer);
  // Stops the server if it runs.
  ~PgServer();

  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // Loads the TLS certificate and key when configured, binds host:port and starts serving.
  // Logs "pgwire listening on <address>:<port>" on the "pgwire" logger. Errors: IOError naming the
  // address when it cannot be resolved or bound; InvalidArgument naming the file when the
  // certificate or key cannot be loaded. REQUIRES: not started.
  Status Start();

  // Stops accepting new connections, closes the idle ones and lets running statements (a commit
  // waiting for its fsync) finish; statements still running after `grace` are cancelled (57014).
  // Returns once every connection is closed and every thread joined. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

  // The bound port while running (the kernel's choice when options.port was 0), else 0.
  uint16_t port() const;
  // Authenticated sessions open now.
  uint32_t sessions() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace blockdb::pgwire
