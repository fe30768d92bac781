#include "pgwire/server/server_state.h"

#include <cstring>

#include "pgwire/internal/crypto.h"
#include "pgwire/sqlstate.h"
#include "sql/catalog/catalog.h"
#include "sql/session.h"

namespace blockdb::pgwire {

ServerState::ServerState(PgServerOptions options, sql::Database* db, PgServerObserver* observer)
    : options_(std::move(options)),
      db_(db),
      observer_(observer != nullptr ? observer : &default_observer_) {}

Result<std::unique_ptr<ServerState>> ServerState::Create(PgServerOptions options, sql::Database* db,
                                                         PgServerObserver* observer) {
  std::unique_ptr<ServerState> state(new ServerState(std::move(options), db, observer));
  ASSIGN_OR_RETURN(state->mock_secret_, internal::RandomBytes(32));
  if (!state->options_.bootstrap_password.empty()) {
    ASSIGN_OR_RETURN(ScramVerifier v, MakeScramVerifier(state->options_.bootstrap_password));
    state->bootstrap_verifier_ = std::move(v);
  }
  return state;
}

std::optional<ScramVerifier> ServerState::FindVerifier(const std::string& user) const {
  std::shared_ptr<const sql::RoleDef> role = db_->catalog().FindRole(user);
  if (role != nullptr && role->login && !role->scram_verifier.empty()) {
    Result<ScramVerifier> v = ParseScramVerifier(role->scram_verifier);
    if (v.ok()) {
      return std::move(v).value();
    }
  }
  if (user == options_.bootstrap_user) {
    return bootstrap_verifier_;
  }
  return std::nullopt;
}

Status ServerState::CheckRoleCanLogin(const std::string& user) const {
  if (user == options_.bootstrap_user) {
    return Status::OK();
  }
  std::shared_ptr<const sql::RoleDef> role = db_->catalog().FindRole(user);
  if (role == nullptr) {
    return Status::InvalidArgument("role \"" + user + "\" does not exist")
        .WithSqlState(kSqlStateInvalidAuthorization);
  }
  if (!role->login) {
    return Status::InvalidArgument("role \"" + user + "\" is not permitted to log in")
        .WithSqlState(kSqlStateInvalidAuthorization);
  }
  return Status::OK();
}

bool ServerState::TryAcquireSlot() {
  uint32_t n = sessions_.load(std::memory_order_relaxed);
  while (n < options_.max_connections) {
    if (sessions_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

void ServerState::ReleaseSlot() { sessions_.fetch_sub(1, std::memory_order_relaxed); }

std::pair<int32_t, int32_t> ServerState::RegisterCancelKey(sql::Session* session) {
  int32_t secret = 0;
  Result<std::string> random = internal::RandomBytes(sizeof(secret));
  if (random.ok()) {
    std::memcpy(&secret, random->data(), sizeof(secret));
  }
  std::lock_guard<std::mutex> lock(mu_);
  // Process ids are positive and unique among live sessions; they wrap after 2^31 connections.
  int32_t pid = next_process_id_;
  while (cancel_keys_.count(pid) > 0) {
    pid = pid == INT32_MAX ? 1 : pid + 1;
  }
  next_process_id_ = pid == INT32_MAX ? 1 : pid + 1;
  cancel_keys_[pid] = {secret, session};
  return {pid, secret};
}

void ServerState::UnregisterCancelKey(int32_t process_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cancel_keys_.erase(process_id);
}

bool ServerState::Cancel(int32_t process_id, int32_t secret_key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cancel_keys_.find(process_id);
  if (it == cancel_keys_.end() ||
      !internal::ConstantTimeEquals(
          std::string_view(reinterpret_cast<const char*>(&it->second.first), sizeof(int32_t)),
          std::string_view(reinterpret_cast<const char*>(&secret_key), sizeof(int32_t)))) {
    return false;
  }
  it->second.second->Cancel();
  return true;
}

void ServerState::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [pid, key] : cancel_keys_) {
    key.second->Cancel();
  }
}

}  // namespace blockdb::pgwire
