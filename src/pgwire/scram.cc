// The SCRAM-SHA-256 exchange (RFC 5802 section 5 grammar). Messages are split on ',' before
// parsing: no attribute value may contain a raw ',' (user names encode it as "=2C", nonces and
// base64 exclude it), so each part is exactly one attribute.
#include "pgwire/scram.h"

#include "pgwire/internal/base64.h"
#include "pgwire/internal/crypto.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

using internal::Base64Decode;
using internal::Base64Encode;

constexpr size_t kServerNonceRawLength = 18;  // as PostgreSQL (SCRAM_RAW_NONCE_LEN)
constexpr std::string_view kTlsServerEndPoint = "tls-server-end-point";

Status Malformed(std::string_view detail) {
  return ProtocolViolation("malformed SCRAM message: " + std::string(detail));
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t comma = s.find(',');
    parts.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) {
      return parts;
    }
    s.remove_prefix(comma + 1);
  }
}

bool IsAttr(std::string_view part) {
  return part.size() >= 2 && part[1] == '=' &&
         ((part[0] >= 'a' && part[0] <= 'z') || (part[0] >= 'A' && part[0] <= 'Z'));
}

// "<attr>=<value>" with the expected attribute letter.
bool ReadAttr(std::string_view part, char attr, std::string_view* value) {
  if (!IsAttr(part) || part[0] != attr) {
    return false;
  }
  *value = part.substr(2);
  return true;
}

// RFC 5802 "printable": %x21-2B / %x2D-7E (visible ASCII except ',').
bool IsPrintableNonce(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c < 0x21 || c > 0x7e || c == ',') {
      return false;
    }
  }
  return true;
}

}  // namespace

ScramServer::ScramServer(ScramVerifier verifier, ScramServerOptions options)
    : verifier_(std::move(verifier)), options_(std::move(options)) {}

std::vector<std::string_view> ScramServer::Mechanisms(bool channel_binding_available) {
  if (channel_binding_available) {
    return {kScramSha256Plus, kScramSha256};
  }
  return {kScramSha256};
}

Status ScramServer::Fail(Status s) {
  state_ = State::kFailed;
  return s;
}

Result<std::string> ScramServer::HandleClientFirst(std::string_view mechanism,
                                                   std::string_view message) {
  if (state_ != State::kWaitingClientFirst) {
    return Fail(ProtocolViolation("unexpected SCRAM client-first-message"));
  }
  if (Status s = ParseClientFirst(mechanism, message); !s.ok()) {
    return Fail(std::move(s));
  }
  std::string server_nonce = options_.server_nonce;
  if (server_nonce.empty()) {
    Result<std::string> raw = internal::RandomBytes(kServerNonceRawLength);
    if (!raw.ok()) {
      return Fail(raw.TakeStatus());
    }
    server_nonce = Base64Encode(*raw);
  }
  client_nonce_ += server_nonce;  // from here on: the combined nonce
  server_first_ = "r=" + client_nonce_ + ",s=" + Base64Encode(verifier_.salt) +
                  ",i=" + std::to_string(verifier_.iterations);
  state_ = State::kWaitingClientFinal;
  return server_first_;
}

Status ScramServer::ParseClientFirst(std::string_view mechanism, std::string_view message) {
  if (mechanism == kScramSha256Plus && options_.tls_server_end_point.has_value()) {
    use_channel_binding_ = true;
  } else if (mechanism != kScramSha256) {
    return ProtocolViolation("client selected an invalid SASL authentication mechanism");
  }
  const std::vector<std::string_view> parts = SplitCommas(message);
  // gs2-cbind-flag "," [authzid] "," username "," nonce ["," extensions]
  if (parts.size() < 4) {
    return Malformed("client-first-message is incomplete");
  }
  const std::string_view flag = parts[0];
  if (flag == "n" || flag == "y") {
    if (use_channel_binding_) {
      return ProtocolViolation(
          "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message "
          "does not include channel binding data.");
    }
    if (flag == "y" && options_.tls_server_end_point.has_value()) {
      // The client could have used channel binding but believes the server cannot: a man in
      // the middle may have removed SCRAM-SHA-256-PLUS from the offer.
      return ProtocolViolation(
          "SCRAM channel binding negotiation error: the client supports "
          "channel binding but thinks the server does not");
    }
  } else if (flag.starts_with("p=")) {
    if (!use_channel_binding_) {
      return ProtocolViolation(
          "The client selected SCRAM-SHA-256 without channel binding, but "
          "the SCRAM message includes channel binding data.");
    }
    if (flag.substr(2) != kTlsServerEndPoint) {
      return ProtocolViolation("unsupported SCRAM channel-binding type");
    }
  } else {
    return Malformed("unexpected channel-binding flag");
  }
  cbind_flag_ = flag[0];
  if (!parts[1].empty()) {
    return FeatureNotSupported("client uses authorization identity, but it is not supported");
  }
  gs2_header_ = std::string(message.substr(0, flag.size() + 2));
  client_first_bare_ = std::string(message.substr(gs2_header_.size()));
  if (parts[2].starts_with("m=")) {
    return FeatureNotSupported("client requires an unsupported SCRAM extension");
  }
  std::string_view ignored_user;  // the StartupMessage user is authoritative
  std::string_view nonce;
  if (!ReadAttr(parts[2], 'n', &ignored_user) || !ReadAttr(parts[3], 'r', &nonce)) {
    return Malformed("expected n= and r= attributes in client-first-message");
  }
  if (!IsPrintableNonce(nonce)) {
    return Malformed("client nonce contains invalid characters");
  }
  for (size_t i = 4; i < parts.size(); ++i) {
    if (!IsAttr(parts[i])) {
      return Malformed("invalid attribute in client-first-message");
    }
  }
  client_nonce_ = std::string(nonce);
  return Status::OK();
}

Result<std::string> ScramServer::HandleClientFinal(std::string_view message) {
  if (state_ != State::kWaitingClientFinal) {
    return Fail(ProtocolViolation("unexpected SCRAM client-final-message"));
  }
  // channel-binding "," nonce ["," extensions] "," proof
  const std::vector<std::string_view> parts = SplitCommas(message);
  std::string_view cbind;
  std::string_view nonce;
  std::string_view proof;
  if (parts.size() < 3 || !ReadAttr(parts[0], 'c', &cbind) || !ReadAttr(parts[1], 'r', &nonce) ||
      !ReadAttr(parts.back(), 'p', &proof)) {
    return Fail(Malformed("expected c=, r= and p= attributes in client-final-message"));
  }
  for (size_t i = 2; i + 1 < parts.size(); ++i) {
    if (!IsAttr(parts[i])) {
      return Fail(Malformed("invalid attribute in client-final-message"));
    }
  }
  if (Status s = CheckChannelBinding(cbind); !s.ok()) {
    return Fail(std::move(s));
  }
  if (nonce != client_nonce_) {
    return Fail(Malformed("nonce does not match"));
  }
  const std::string_view without_proof =
      message.substr(0, message.size() - parts.back().size() - 1);
  const std::string auth_message =
      client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  if (Status s = VerifyProof(auth_message, proof); !s.ok()) {
    return Fail(std::move(s));
  }
  state_ = State::kSucceeded;
  return "v=" + Base64Encode(internal::HmacSha256(verifier_.server_key, auth_message));
}

Status ScramServer::CheckChannelBinding(std::string_view cbind_b64) const {
  std::optional<std::string> cbind = Base64Decode(cbind_b64);
  if (!cbind) {
    return Malformed("invalid channel-binding attribute");
  }
  // Without channel binding the attribute is the gs2 header itself ("biws" = "n,,", "eSws" =
  // "y,,"); with it, the header followed by the server certificate hash.
  std::string expected = gs2_header_;
  if (cbind_flag_ == 'p') {
    expected += *options_.tls_server_end_point;
  }
  if (!internal::ConstantTimeEquals(*cbind, expected)) {
    return ProtocolViolation("SCRAM channel binding check failed");
  }
  return Status::OK();
}

Status ScramServer::VerifyProof(std::string_view auth_message, std::string_view proof_b64) const {
  std::optional<std::string> proof = Base64Decode(proof_b64);
  if (!proof || proof->size() != kScramKeyLength) {
    return Malformed("malformed proof in client-final-message");
  }
  // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); the client knew the password iff
  // H(ClientKey) == StoredKey.
  std::string client_key = internal::HmacSha256(verifier_.stored_key, auth_message);
  for (size_t i = 0; i < client_key.size(); ++i) {
    client_key[i] = static_cast<char>(client_key[i] ^ (*proof)[i]);
  }
  const bool match =
      internal::ConstantTimeEquals(internal::Sha256Digest({client_key}), verifier_.stored_key);
  if (!match || options_.doomed) {
    return Status::InvalidArgument("password authentication failed")
        .WithSqlState(kSqlStateInvalidPassword);
  }
  return Status::OK();
}

}  // namespace blockdb::pgwire
