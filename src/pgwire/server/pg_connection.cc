// PgConnection: startup and authentication. The query phase is in pg_query.cc.
#include "pgwire/server/pg_connection.h"

#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "pgwire/internal/crypto.h"
#include "pgwire/md5_auth.h"
#include "pgwire/server/server_state.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {
namespace {

constexpr char kSqlStateTooManyConnections[] = "53300";
constexpr char kSqlStateInvalidCatalogName[] = "3D000";

spdlog::logger& Log() {
  static auto* logger = Logger("pgwire").get();
  return *logger;
}

DecoderLimits LimitsFor(const PgServerOptions& options) {
  DecoderLimits limits;
  limits.max_message_size = options.max_message_size;
  return limits;
}

// Startup parameters that are not settings of the session.
bool IsConnectionParameter(std::string_view name) {
  return name == "user" || name == "database" || name == "application_name" || name == "options" ||
         name == "replication" || name.starts_with("_pq_.");
}

}  // namespace

PgConnection::PgConnection(ServerState* state, ConnectionInfo info)
    : state_(state), info_(std::move(info)), decoder_(LimitsFor(state->options())) {}

PgConnection::~PgConnection() { Close(); }

void PgConnection::Close() {
  if (session_ != nullptr) {
    state_->UnregisterCancelKey(process_id_);
    session_->Reset();
    session_.reset();
    state_->observer().ConnectionClosed();
  }
  if (holds_slot_) {
    state_->ReleaseSlot();
    holds_slot_ = false;
  }
  phase_ = Phase::kClosed;
}

void PgConnection::OnTlsEstablished(std::optional<std::string> tls_server_end_point) {
  tls_ = true;
  tls_end_point_ = std::move(tls_server_end_point);
}

PgConnection::Action PgConnection::OnBytes(std::string_view bytes, std::string* out) {
  if (phase_ == Phase::kClosed) {
    return Action::kClose;
  }
  decoder_.Feed(bytes);
  for (;;) {
    Result<std::optional<FrontendMessage>> next = decoder_.Next();
    if (!next.ok()) {
      return Fatal(next.status(), out);
    }
    if (!next->has_value()) {
      // Terminate and CancelRequest close the decoder; so does nothing else.
      return decoder_.phase() == FrontendDecoder::Phase::kClosed ? Action::kClose
                                                                 : Action::kContinue;
    }
    Action action = OnMessage(**next, out);
    if (action != Action::kContinue) {
      if (action == Action::kClose) {
        phase_ = Phase::kClosed;
      }
      return action;
    }
  }
}

PgConnection::Action PgConnection::OnMessage(FrontendMessage& message, std::string* out) {
  switch (phase_) {
    case Phase::kStartup:
      return OnStartupPhase(message, out);
    case Phase::kAuthenticating:
      return OnAuthResponse(message, out);
    case Phase::kReady:
      return OnQueryPhase(message, out);
    case Phase::kClosed:
      break;
  }
  return Action::kClose;
}

PgConnection::Action PgConnection::OnStartupPhase(FrontendMessage& message, std::string* out) {
  if (std::holds_alternative<SslRequest>(message)) {
    bool accept = info_.tls_available && !tls_;
    EncodeSslResponse(out, accept);
    return accept ? Action::kStartTls : Action::kContinue;
  }
  if (std::holds_alternative<GssEncRequest>(message)) {
    EncodeSslResponse(out, false);
    return Action::kContinue;
  }
  if (auto* cancel = std::get_if<CancelRequest>(&message)) {
    // Never answered, whether or not the key matched (as PostgreSQL).
    state_->Cancel(cancel->process_id, cancel->secret_key);
    return Action::kClose;
  }
  if (auto* startup = std::get_if<StartupMessage>(&message)) {
    return OnStartup(*startup, out);
  }
  return Fatal(ProtocolViolation("unexpected message during startup"), out);
}

PgConnection::Action PgConnection::OnStartup(const StartupMessage& startup, std::string* out) {
  startup_ = startup;
  std::vector<std::string> unrecognized;
  for (const auto& [name, value] : startup.parameters) {
    if (name.starts_with("_pq_.")) {
      unrecognized.push_back(name);
    }
  }
  if (startup.protocol_minor > 0 || !unrecognized.empty()) {
    EncodeNegotiateProtocolVersion(out, 0, unrecognized);
  }
  user_ = std::string(startup.Find("user").value_or(""));
  if (user_.empty()) {
    return Fatal(Status::InvalidArgument("no PostgreSQL user name specified in startup packet")
                     .WithSqlState(kSqlStateInvalidAuthorization),
                 out);
  }
  database_ = std::string(startup.Find("database").value_or(user_));
  if (database_.empty()) {
    database_ = user_;
  }
  if (!state_->TryAcquireSlot()) {
    return Fatal(
        Status::Busy("sorry, too many clients already").WithSqlState(kSqlStateTooManyConnections),
        out);
  }
  holds_slot_ = true;
  if (state_->options().trust_loopback && info_.loopback) {
    Status s = state_->CheckRoleCanLogin(user_);
    if (!s.ok()) {
      return Fatal(std::move(s), out);
    }
    return Authenticated(out);
  }
  return BeginPasswordAuth(out);
}

PgConnection::Action PgConnection::BeginPasswordAuth(std::string* out) {
  const PgServerOptions& options = state_->options();
  phase_ = Phase::kAuthenticating;
  if (options.auth_method == AuthMethod::kPassword) {
    pending_ = PendingAuth::kPassword;
    EncodeAuthenticationCleartextPassword(out);
    decoder_.ExpectAuthResponse(AuthExpectation::kPassword);
    return Action::kContinue;
  }
  if (options.auth_method == AuthMethod::kMd5 && user_ == options.bootstrap_user &&
      !options.bootstrap_password.empty()) {
    Result<std::string> salt = MakeMd5Salt();
    if (!salt.ok()) {
      return Fatal(salt.status(), out);
    }
    pending_ = PendingAuth::kMd5;
    md5_salt_ = std::move(salt).value();
    md5_stored_ = Md5StoredPassword(options.bootstrap_password, user_);
    EncodeAuthenticationMd5Password(out, md5_salt_);
    decoder_.ExpectAuthResponse(AuthExpectation::kPassword);
    return Action::kContinue;
  }
  // SCRAM-SHA-256 (also for md5 when only a SCRAM verifier is known, as PostgreSQL). An unknown
  // user, or one who may not log in, runs the same exchange against a mock verifier and fails it
  // at the end, so the client learns nothing about which part was wrong.
  std::optional<ScramVerifier> verifier = state_->FindVerifier(user_);
  bool doomed = !verifier.has_value() || !state_->CheckRoleCanLogin(user_).ok();
  if (doomed) {
    verifier = MockScramVerifier(user_, state_->mock_secret());
  }
  ScramServerOptions scram_options;
  scram_options.tls_server_end_point = tls_end_point_;
  scram_options.doomed = doomed;
  scram_ = std::make_unique<ScramServer>(std::move(*verifier), std::move(scram_options));
  pending_ = PendingAuth::kScram;
  std::vector<std::string_view> mechanisms = ScramServer::Mechanisms(tls_end_point_.has_value());
  EncodeAuthenticationSasl(out, mechanisms);
  decoder_.ExpectAuthResponse(AuthExpectation::kSaslInitial);
  return Action::kContinue;
}

PgConnection::Action PgConnection::OnAuthResponse(FrontendMessage& message, std::string* out) {
  if (std::holds_alternative<Terminate>(message)) {
    return Action::kClose;
  }
  if (auto* initial = std::get_if<SaslInitialResponse>(&message);
      initial != nullptr && pending_ == PendingAuth::kScram) {
    Result<std::string> first =
        scram_->HandleClientFirst(initial->mechanism, initial->data.value_or(""));
    if (!first.ok()) {
      return AuthFailed(first.status(), out);
    }
    EncodeAuthenticationSaslContinue(out, *first);
    decoder_.ExpectAuthResponse(AuthExpectation::kSaslResponse);
    return Action::kContinue;
  }
  if (auto* response = std::get_if<SaslResponse>(&message);
      response != nullptr && pending_ == PendingAuth::kScram) {
    Result<std::string> final_message = scram_->HandleClientFinal(response->data);
    if (!final_message.ok()) {
      return AuthFailed(final_message.status(), out);
    }
    EncodeAuthenticationSaslFinal(out, *final_message);
    return Authenticated(out);
  }
  if (auto* password = std::get_if<PasswordMessage>(&message)) {
    Status s = pending_ == PendingAuth::kMd5
                   ? VerifyMd5Response(md5_stored_, md5_salt_, password->password)
                   : CheckCleartext(password->password);
    if (!s.ok()) {
      return AuthFailed(s, out);
    }
    return Authenticated(out);
  }
  return Fatal(ProtocolViolation("unexpected message during authentication"), out);
}

Status PgConnection::CheckCleartext(const std::string& password) const {
  Status wrong = Status::InvalidArgument("wrong password").WithSqlState(kSqlStateInvalidPassword);
  std::optional<ScramVerifier> verifier = state_->FindVerifier(user_);
  bool usable = verifier.has_value() && state_->CheckRoleCanLogin(user_).ok();
  if (!usable) {
    // The same work as a real check, so that timing does not reveal unknown users.
    verifier = MockScramVerifier(user_, state_->mock_secret());
  }
  Result<ScramVerifier> attempt =
      MakeScramVerifierWithSalt(password, verifier->salt, verifier->iterations);
  if (!attempt.ok()) {
    return attempt.status();
  }
  bool match = internal::ConstantTimeEquals(attempt->stored_key, verifier->stored_key);
  return usable && match ? Status::OK() : wrong;
}

PgConnection::Action PgConnection::AuthFailed(const Status& status, std::string* out) {
  if (status.sqlstate() == kSqlStateInvalidPassword) {
    Log().info("password authentication failed for user \"{}\" from {}", user_, info_.peer);
    return Fatal(
        Status::InvalidArgument("password authentication failed for user \"" + user_ + "\"")
            .WithSqlState(kSqlStateInvalidPassword),
        out);
  }
  return Fatal(status, out);
}

PgConnection::Action PgConnection::Authenticated(std::string* out) {
  decoder_.ExpectAuthResponse(AuthExpectation::kNone);
  pending_ = PendingAuth::kNone;
  scram_.reset();
  EncodeAuthenticationOk(out);
  const std::string& name = state_->db()->options().name;
  if (database_ != name) {
    return Fatal(Status::NotFound("database \"" + database_ + "\" does not exist")
                     .WithSqlState(kSqlStateInvalidCatalogName),
                 out);
  }
  sql::SessionOptions options;
  options.user = user_;
  options.database = database_;
  options.application_name = std::string(startup_.Find("application_name").value_or(""));
  options.statement_timeout_ms = state_->options().statement_timeout_ms;
  for (const auto& [param, value] : startup_.parameters) {
    if (!IsConnectionParameter(param)) {
      options.parameters[param] = value;
    }
  }
  session_ = std::make_unique<sql::Session>(state_->db(), std::move(options));
  auto [pid, secret] = state_->RegisterCancelKey(session_.get());
  process_id_ = pid;
  for (const auto& [param, value] : session_->InitialParameters()) {
    EncodeParameterStatus(out, param, value);
  }
  (void)session_->TakeParameterChanges();  // the initial set above already reports them
  EncodeBackendKeyData(out, pid, secret);
  EncodeReadyForQuery(out, TransactionStatus::kIdle);
  phase_ = Phase::kReady;
  state_->observer().ConnectionOpened();
  return Action::kContinue;
}

PgConnection::Action PgConnection::Fatal(Status status, std::string* out) {
  ErrorFields fields = ErrorFieldsFromStatus(status, "FATAL");
  EncodeErrorResponse(out, fields);
  state_->observer().ErrorSent(fields.sqlstate);
  if (session_ == nullptr) {
    state_->observer().ConnectionRejected(fields.sqlstate);
  }
  phase_ = Phase::kClosed;
  return Action::kClose;
}

}  // namespace blockdb::pgwire
