// ServerState: what every connection of one wire server shares: the options, the SQL database,
// the observer, the session slots (max_connections) and the cancel keys of running sessions.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "common/status.h"
#include "pgwire/scram.h"
#include "pgwire/server/server_options.h"

namespace blockdb::sql {
class Database;
class Session;
}  // namespace blockdb::sql

namespace blockdb::pgwire {

class ServerState {
 public:
  // `db` and `observer` are not owned and must outlive the state; a null observer ignores
  // everything. Errors: IOError if the random generator fails (the mock-authentication secret
  // and the bootstrap verifier need it).
  static Result<std::unique_ptr<ServerState>> Create(PgServerOptions options, sql::Database* db,
                                                     PgServerObserver* observer);

  const PgServerOptions& options() const { return options_; }
  sql::Database* db() const { return db_; }
  PgServerObserver& observer() const { return *observer_; }
  // Secret for MockScramVerifier: random per server process.
  const std::string& mock_secret() const { return mock_secret_; }

  // The verifier a password login of `user` is checked against: the catalog's for the role, or
  // for the bootstrap user the one built from options().bootstrap_password. nullopt when the
  // role does not exist or has no usable password.
  std::optional<ScramVerifier> FindVerifier(const std::string& user) const;
  // Whether `user` may log in at all: the bootstrap user, or a catalog role with LOGIN.
  // 28000 "role ... does not exist" / "is not permitted to log in" otherwise.
  Status CheckRoleCanLogin(const std::string& user) const;

  // Takes one of max_connections session slots; false when all are taken.
  bool TryAcquireSlot();
  void ReleaseSlot();
  uint32_t sessions() const { return sessions_.load(std::memory_order_relaxed); }

  // Registers a session for CancelRequest; returns its (process id, secret key).
  std::pair<int32_t, int32_t> RegisterCancelKey(sql::Session* session);
  // After this returns, Cancel will not touch the session.
  void UnregisterCancelKey(int32_t process_id);
  // Cancels the statement of the session with this key; false (and nothing done) when the key
  // does not match a session, which the client is never told (as PostgreSQL).
  bool Cancel(int32_t process_id, int32_t secret_key);
  // Cancels every running statement (server shutdown).
  void CancelAll();

 private:
  ServerState(PgServerOptions options, sql::Database* db, PgServerObserver* observer);

  const PgServerOptions options_;
  sql::Database* const db_;
  PgServerObserver default_observer_;
  PgServerObserver* const observer_;
  std::string mock_secret_;
  std::optional<ScramVerifier> bootstrap_verifier_;
  std::atomic<uint32_t> sessions_{0};

  std::mutex mu_;
  int32_t next_process_id_ = 1;                                       // guarded by mu_
  std::map<int32_t, std::pair<int32_t, sql::Session*>> cancel_keys_;  // guarded by mu_
};

}  // namespace blockdb::pgwire
