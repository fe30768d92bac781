// SCRAM-SHA-256 password authentication, server side (RFC 5802 / RFC 7677), compatible with
// PostgreSQL's: same stored verifier format, same message grammar, same channel binding
// (tls-server-end-point), same rule of ignoring the user name inside client-first-message (the
// session authenticates the user named in the StartupMessage). The exchange is described in
// docs/protocol/pgwire.md.
//
// Password preparation: RFC 5802 asks for SASLprep. PostgreSQL applies it and falls back to the
// raw bytes when the password is not valid UTF-8 or contains prohibited characters. BlockDB uses
// the password bytes as they are; that equals PostgreSQL for every ASCII password and for
// non-ASCII ones that SASLprep leaves unchanged (already NFKC, no mapped-to-space or
// mapped-to-nothing characters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::pgwire {

inline constexpr char kScramSha256[] = "SCRAM-SHA-256";
inline constexpr char kScramSha256Plus[] = "SCRAM-SHA-256-PLUS";
inline constexpr int kScramDefaultIterations = 4096;
inline constexpr size_t kScramSaltLength = 16;
inline constexpr size_t kScramKeyLength = 32;  // SHA-256 output

// What the server stores instead of a password. All byte strings are raw (not base64).
struct ScramVerifier {
  int iterations = kScramDefaultIterations;
  std::string salt;
  std::string stored_key;  // H(HMAC(SaltedPassword, "Client Key"))
  std::string server_key;  // HMAC(SaltedPassword, "Server Key")
};

// Verifier for `password` with a fresh random 16-byte salt (OpenSSL RAND_bytes).
// Fails only if the random generator or the KDF fails (IOError).
Result<ScramVerifier> MakeScramVerifier(std::string_view password,
                                        int iterations = kScramDefaultIterations);
// Deterministic variant. REQUIRES: iterations > 0.
Result<ScramVerifier> MakeScramVerifierWithSalt(std::string_view password, std::string_view salt,
                                                int iterations);

// PostgreSQL's text form: SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>.
std::string FormatScramVerifier(const ScramVerifier& verifier);
// Parses the text form; InvalidArgument when it is not a well-formed SCRAM-SHA-256 verifier.
Result<ScramVerifier> ParseScramVerifier(std::string_view text);

// A verifier no password matches, for a user that does not exist: the server runs the whole
// exchange with it so that a client cannot tell unknown users from wrong passwords (PostgreSQL's
// "mock authentication"). The salt is derived from the user name and a server-wide secret, so
// repeated attempts for one name see the same salt.
ScramVerifier MockScramVerifier(std::string_view user, std::string_view server_secret);

struct ScramServerOptions {
  // The tls-server-end-point channel binding data (the hash of the server's certificate, RFC
  // 5929) when the connection is over TLS; enables SCRAM-SHA-256-PLUS. nullopt without TLS.
  std::optional<std::string> tls_server_end_point;
  // Server part of the nonce. Empty: 18 random bytes, base64 (as PostgreSQL). Tests set it to
  // replay known exchanges; it must then be printable ASCII without ','.
  std::string server_nonce;
  // Always fail the final step with 28P01 (used with MockScramVerifier).
  bool doomed = false;
};

// One SCRAM exchange on one connection. Not thread-safe.
//
// Errors: malformed messages and channel-binding mismatches give InvalidArgument with 08P01; an
// unsupported feature the client insists on (authzid, mandatory extension) NotSupported 0A000; a
// wrong password (proof mismatch) InvalidArgument with 28P01. After an error the exchange is over
// and every later call fails.
class ScramServer {
 public:
  ScramServer(ScramVerifier verifier, ScramServerOptions options);

  // Mechanisms for AuthenticationSASL, most preferred first: PLUS only when channel binding is
  // available.
  static std::vector<std::string_view> Mechanisms(bool channel_binding_available);

  // Takes the mechanism and data of SASLInitialResponse; returns server-first-message, to send
  // in AuthenticationSASLContinue.
  Result<std::string> HandleClientFirst(std::string_view mechanism, std::string_view message);

  // Takes client-final-message (SASLResponse); returns server-final-message, to send in
  // AuthenticationSASLFinal before AuthenticationOk. OK means the password was right.
  Result<std::string> HandleClientFinal(std::string_view message);

  bool succeeded() const { return state_ == State::kSucceeded; }

 private:
  enum class State { kWaitingClientFirst, kWaitingClientFinal, kSucceeded, kFailed };

  Status ParseClientFirst(std::string_view mechanism, std::string_view message);
  Status CheckChannelBinding(std::string_view cbind_b64) const;
  Status VerifyProof(std::string_view auth_message, std::string_view proof) const;
  Status Fail(Status s);

  ScramVerifier verifier_;
  ScramServerOptions options_;
  State state_ = State::kWaitingClientFirst;
  bool use_channel_binding_ = false;
  std::string gs2_header_;         // "n,,", "y,," or "p=tls-server-end-point,,"
  char cbind_flag_ = 'n';          // 'n', 'y' or 'p'
  std::string client_first_bare_;  // client-first-message without the gs2 header
  std::string client_nonce_;
  std::string server_first_;
};

}  // namespace blockdb::pgwire
