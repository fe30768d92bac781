// Settings and observation hooks of the PostgreSQL wire server (pg_server.h). The Node fills
// PgServerOptions from the server's Config (docs/CONFIGURATION.md describes each setting).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace blockdb::pgwire {

// How a client that is not trusted proves who it is.
enum class AuthMethod {
  kScramSha256,  // SCRAM-SHA-256 against the verifier stored for the role (the default)
  kMd5,          // MD5 where the server knows an MD5 form (the bootstrap password); else SCRAM,
                 // as PostgreSQL does for a role whose stored password is a SCRAM verifier
  kPassword,     // cleartext password, checked against the SCRAM verifier (use only over TLS)
};

struct PgServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;               // 0: the kernel picks a port (see PgServer::port())
  uint32_t worker_threads = 0;     // I/O threads; 0 = one per core
  uint32_t max_connections = 100;  // authenticated sessions at once; beyond: 53300
  uint32_t max_message_size = 64u << 20;
  // Time a client has from connecting to finishing authentication; 0 = none.
  std::chrono::milliseconds startup_timeout{10'000};
  // A session idle (waiting for a query) longer than this is closed; 0 = never.
  std::chrono::milliseconds idle_timeout{0};
  uint64_t statement_timeout_ms = 0;  // default statement_timeout of every session; 0 = none

  bool trust_loopback = true;  // clients on 127.0.0.0/8 and ::1 need no password
  AuthMethod auth_method = AuthMethod::kScramSha256;
  // Password of the bootstrap user when it connects from a non-trusted address (empty: such
  // logins fail, unless the catalog holds a verifier for it).
  std::string bootstrap_user = "blockdb";
  std::string bootstrap_password;

  // PEM certificate chain and private key; both set: SSLRequest is answered 'S'.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Hooks the server calls as it works, for metrics. Called from I/O and worker threads at once:
// implementations must be thread-safe and fast.
class PgServerObserver {
 public:
  virtual ~PgServerObserver() = default;
  virtual void ConnectionOpened() {}
  virtual void ConnectionClosed() {}
  // A connection refused before or at startup (53300, 3D000, 28P01...).
  virtual void ConnectionRejected(std::string_view sqlstate) {}
  // A statement completed; `kind` is its command tag without the counts ("INSERT", "SELECT",
  // "CREATE TABLE").
  virtual void StatementCompleted(std::string_view kind) {}
  // An ErrorResponse was sent with this SQLSTATE.
  virtual void ErrorSent(std::string_view sqlstate) {}
};

}  // namespace blockdb::pgwire
