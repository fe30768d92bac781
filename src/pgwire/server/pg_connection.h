// PgConnection: the protocol state machine of one client connection, from the first byte to
// Terminate, without sockets: bytes in (OnBytes), response bytes out, and an Action telling the
// transport (pg_server.cc) what to do next. It runs the startup exchange (SSLRequest,
// GSSENCRequest, StartupMessage, CancelRequest), authentication (trust for loopback clients when
// configured, else SCRAM-SHA-256, MD5 or cleartext), then the simple and extended query protocols
// and COPY over a sql::Session. docs/protocol/pgwire.md ("The server") describes the behaviour.
//
// OnBytes may block: it runs SQL statements (which may wait for an fsync), so the transport calls
// it on a WorkPool thread, never on an I/O thread.
//
// Thread safety: one thread at a time (the connection's). The session's Cancel is reached from
// other connections through ServerState only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "pgwire/codec.h"
#include "pgwire/messages.h"
#include "pgwire/scram.h"
#include "sql/session.h"

namespace blockdb::pgwire {

class ServerState;

// What the transport knows about the peer.
struct ConnectionInfo {
  bool loopback = false;       // peer on 127.0.0.0/8 or ::1
  bool tls_available = false;  // a certificate is configured: SSLRequest gets 'S'
  std::string peer;            // "address:port", for logs
};

class PgConnection {
 public:
  enum class Action {
    kContinue,  // send the output, then read more
    kStartTls,  // send the output ('S'), then run the TLS handshake, then read more
    kClose,     // send the output, then close the connection
  };

  // `state` is not owned and must outlive the connection.
  PgConnection(ServerState* state, ConnectionInfo info);
  // Calls Close().
  ~PgConnection();

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Takes bytes the client sent; appends everything to send back to *out. Once it has returned
  // kClose, it ignores further bytes.
  Action OnBytes(std::string_view bytes, std::string* out);

  // After a successful TLS handshake: `tls_server_end_point` is the channel-binding data of the
  // server certificate (RFC 5929), which enables SCRAM-SHA-256-PLUS.
  void OnTlsEstablished(std::optional<std::string> tls_server_end_point);

  // Ends the session (abandoning an open transaction) and frees its slot. Idempotent.
  void Close();

  // True once ReadyForQuery has been sent at the end of the startup exchange.
  bool authenticated() const { return session_ != nullptr; }
  // The startup user (empty before the StartupMessage).
  const std::string& user() const { return user_; }

 private:
  enum class Phase { kStartup, kAuthenticating, kReady, kClosed };
  enum class PendingAuth { kNone, kScram, kMd5, kPassword };
  enum class CopyMode { kNone, kSimple, kExtended };

  // What Bind learned about a portal: its columns and their result formats.
  struct PortalInfo {
    std::vector<sql::ResultColumn> columns;
    std::vector<int16_t> formats;  // one per column
  };

  Action OnMessage(FrontendMessage& message, std::string* out);

  // --- Startup and authentication (pg_connection.cc) ---
  Action OnStartupPhase(FrontendMessage& message, std::string* out);
  Action OnStartup(const StartupMessage& startup, std::string* out);
  Action BeginPasswordAuth(std::string* out);
  Action OnAuthResponse(FrontendMessage& message, std::string* out);
  Status CheckCleartext(const std::string& password) const;
  Action AuthFailed(const Status& status, std::string* out);
  Action Authenticated(std::string* out);
  Action Fatal(Status status, std::string* out);

  // --- Queries (pg_query.cc) ---
  Action OnQueryPhase(FrontendMessage& message, std::string* out);
  void OnSimpleQuery(const Query& query, std::string* out);
  void WriteStatementResult(sql::StatementResult&& result, std::string* out);
  void FinishSimpleQuery(std::string* out);
  void ReadyForQuery(std::string* out);
  void OnParse(const Parse& parse, std::string* out);
  void OnBind(const Bind& bind, std::string* out);
  Status BindPortal(const Bind& bind, sql::ErrorInfo* info);
  void OnDescribe(const Describe& describe, std::string* out);
  void OnExecute(const Execute& execute, std::string* out);
  void OnClose(const pgwire::Close& close, std::string* out);
  void OnSync(std::string* out);
  Action OnCopyMessage(FrontendMessage& message, std::string* out);
  void EndCopy(const Status& error, const sql::ErrorInfo& info, std::string* out);
  void WriteRows(const std::vector<std::vector<sql::Value>>& rows,
                 const std::vector<sql::ResultColumn>& columns, const std::vector<int16_t>* formats,
                 std::string* out);
  void WriteCopyOut(const std::vector<std::string>& lines, int columns, std::string* out);
  void WriteCommandComplete(const std::string& tag, std::string* out);
  void WriteNotices(const std::vector<sql::Notice>& notices, std::string* out);
  void WriteError(const Status& status, const sql::ErrorInfo& info, std::string* out);
  // An error in the extended protocol: report it and discard messages until Sync.
  void ExtendedError(const Status& status, const sql::ErrorInfo& info, std::string* out);

  ServerState* const state_;
  ConnectionInfo info_;
  FrontendDecoder decoder_;
  Phase phase_ = Phase::kStartup;
  bool tls_ = false;
  std::optional<std::string> tls_end_point_;  // channel binding data, when known

  // Startup.
  std::string user_;
  std::string database_;
  StartupMessage startup_;
  bool holds_slot_ = false;
  PendingAuth pending_ = PendingAuth::kNone;
  std::unique_ptr<ScramServer> scram_;
  std::string md5_stored_;
  std::string md5_salt_;

  // Session.
  std::unique_ptr<sql::Session> session_;
  int32_t process_id_ = 0;
  bool skip_until_sync_ = false;
  CopyMode copy_ = CopyMode::kNone;
  std::map<std::string, PortalInfo> portals_;
};

}  // namespace blockdb::pgwire
