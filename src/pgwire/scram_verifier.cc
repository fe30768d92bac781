// SCRAM-SHA-256 stored verifiers: derivation (RFC 5802 section 3), PostgreSQL's text form, and
// the mock verifier for unknown users.
#include <charconv>

#include "pgwire/internal/base64.h"
#include "pgwire/internal/crypto.h"
#include "pgwire/scram.h"

namespace blockdb::pgwire {

namespace {

using internal::Base64Decode;
using internal::Base64Encode;

constexpr std::string_view kVerifierPrefix = "SCRAM-SHA-256$";

Status BadVerifier(std::string_view why) {
  return Status::InvalidArgument("malformed SCRAM-SHA-256 verifier: " + std::string(why));
}

// Splits "a<sep>b" at the first `sep`; false when `sep` does not occur.
bool SplitOnce(std::string_view s, char sep, std::string_view* a, std::string_view* b) {
  const size_t at = s.find(sep);
  if (at == std::string_view::npos) {
    return false;
  }
  *a = s.substr(0, at);
  *b = s.substr(at + 1);
  return true;
}

}  // namespace

Result<ScramVerifier> MakeScramVerifierWithSalt(std::string_view password, std::string_view salt,
                                                int iterations) {
  ASSIGN_OR_RETURN(std::string salted, internal::Pbkdf2Sha256(password, salt, iterations));
  const std::string client_key = internal::HmacSha256(salted, "Client Key");
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = std::string(salt);
  v.stored_key = internal::Sha256Digest({client_key});
  v.server_key = internal::HmacSha256(salted, "Server Key");
  return v;
}

Result<ScramVerifier> MakeScramVerifier(std::string_view password, int iterations) {
  ASSIGN_OR_RETURN(std::string salt, internal::RandomBytes(kScramSaltLength));
  return MakeScramVerifierWithSalt(password, salt, iterations);
}

std::string FormatScramVerifier(const ScramVerifier& verifier) {
  std::string s(kVerifierPrefix);
  s += std::to_string(verifier.iterations);
  s += ':';
  s += Base64Encode(verifier.salt);
  s += '$';
  s += Base64Encode(verifier.stored_key);
  s += ':';
  s += Base64Encode(verifier.server_key);
  return s;
}

Result<ScramVerifier> ParseScramVerifier(std::string_view text) {
  if (!text.starts_with(kVerifierPrefix)) {
    return BadVerifier("missing SCRAM-SHA-256$ prefix");
  }
  text.remove_prefix(kVerifierPrefix.size());
  std::string_view params;
  std::string_view keys;
  std::string_view iterations;
  std::string_view salt;
  std::string_view stored_key;
  std::string_view server_key;
  if (!SplitOnce(text, '$', &params, &keys) || !SplitOnce(params, ':', &iterations, &salt) ||
      !SplitOnce(keys, ':', &stored_key, &server_key)) {
    return BadVerifier("expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
  }
  ScramVerifier v;
  const auto [end, ec] =
      std::from_chars(iterations.data(), iterations.data() + iterations.size(), v.iterations);
  if (ec != std::errc() || end != iterations.data() + iterations.size() || v.iterations <= 0) {
    return BadVerifier("invalid iteration count");
  }
  std::optional<std::string> salt_bytes = Base64Decode(salt);
  std::optional<std::string> stored_bytes = Base64Decode(stored_key);
  std::optional<std::string> server_bytes = Base64Decode(server_key);
  if (!salt_bytes || salt_bytes->empty()) {
    return BadVerifier("invalid salt");
  }
  if (!stored_bytes || stored_bytes->size() != kScramKeyLength || !server_bytes ||
      server_bytes->size() != kScramKeyLength) {
    return BadVerifier("invalid key");
  }
  v.salt = std::move(*salt_bytes);
  v.stored_key = std::move(*stored_bytes);
  v.server_key = std::move(*server_bytes);
  return v;
}

ScramVerifier MockScramVerifier(std::string_view user, std::string_view server_secret) {
  ScramVerifier v;
  v.salt = internal::Sha256Digest({"blockdb-scram-mock-salt", server_secret, user})
               .substr(0, kScramSaltLength);
  // Keys derived from the secret: no password hashes to them, and they look like real keys.
  v.stored_key = internal::Sha256Digest({"blockdb-scram-mock-stored", server_secret, user});
  v.server_key = internal::Sha256Digest({"blockdb-scram-mock-server", server_secret, user});
  return v;
}

}  // namespace blockdb::pgwire
