// PostgreSQL v3 wire codec: incremental decoding of what a client sends (FrontendDecoder) and
// encoders for every backend message BlockDB sends. Pure functions over bytes: no sockets, no
// clock, no logging. Byte layouts, limits and examples: docs/protocol/pgwire.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pgwire/messages.h"

namespace blockdb::pgwire {

// Size limits of the decoder, in bytes of one message including its length field (but not the
// type byte). A message over its limit is rejected as soon as its length field arrives, before
// its body is buffered. Defaults follow PostgreSQL 15.
struct DecoderLimits {
  uint32_t max_startup_packet_size = 10000;  // MAX_STARTUP_PACKET_LENGTH
  uint32_t max_message_size = 64u << 20;     // Query, Parse, Bind, CopyData
  uint32_t max_small_message_size = 10000;   // Describe, Execute, Close, Sync, Flush, ...
  uint32_t max_auth_message_size = 65535;    // 'p' (PG_MAX_AUTH_TOKEN_LENGTH)
};

// What the server last asked for in an Authentication request: fixes how the next 'p' message
// is read. kNone (the state outside authentication) makes a 'p' message a protocol violation.
enum class AuthExpectation { kNone, kPassword, kSaslInitial, kSaslResponse };

// Splits the byte stream of one client connection into decoded messages.
//
// Feed() appends bytes in whatever pieces the socket delivered; Next() returns the next complete
// message, or nullopt when more bytes are needed. Starts in the startup phase (untyped messages);
// a StartupMessage switches to typed messages. After SslRequest / GssEncRequest the decoder stays
// in the startup phase (the client sends its StartupMessage next, possibly over TLS).
//
// Errors: a malformed message gives InvalidArgument with SQLSTATE 08P01; a startup packet for a
// protocol other than 3.x gives NotSupported with 0A000 (as PostgreSQL). An error is final: the
// framing is lost, so every later Next() returns the same error and the server should send it as
// a FATAL ErrorResponse and close. After Terminate or CancelRequest the connection is over:
// Next() returns nullopt and ignores anything else the client sent.
//
// Memory: the buffer holds at most the bytes fed and not yet decoded; no allocation is sized by a
// length read from the wire. Not thread-safe (one connection, one strand).
class FrontendDecoder {
 public:
  enum class Phase { kStartup, kTyped, kClosed };

  explicit FrontendDecoder(DecoderLimits limits = {});

  void Feed(std::string_view bytes);
  Result<std::optional<FrontendMessage>> Next();

  // Set before sending an AuthenticationCleartextPassword / MD5Password (kPassword),
  // AuthenticationSASL (kSaslInitial), AuthenticationSASLContinue (kSaslResponse); back to kNone
  // once authentication has finished. While not kNone, only 'p' and 'X' are accepted.
  void ExpectAuthResponse(AuthExpectation expectation) { auth_ = expectation; }

  Phase phase() const { return phase_; }
  // Bytes received but not yet returned as messages.
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  Result<std::optional<FrontendMessage>> NextStartup();
  Result<std::optional<FrontendMessage>> NextTyped();
  // `packet` excludes the length field; `more_bytes` says whether bytes follow it in the buffer.
  Result<FrontendMessage> DecodeStartupPacket(std::string_view packet, bool more_bytes);
  Result<FrontendMessage> DecodeNegotiation(int32_t code, std::string_view packet, bool more_bytes);
  Status CheckTypeAllowed(char type) const;
  uint32_t LimitFor(char type) const;
  void Consume(size_t n);
  void DropBufferIfClosed();
  Status Fail(Status s);

  DecoderLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;  // start of undecoded bytes in buffer_
  Phase phase_ = Phase::kStartup;
  AuthExpectation auth_ = AuthExpectation::kNone;
  bool ssl_requested_ = false;
  bool gss_requested_ = false;
  Status error_;
};

// Decodes the body (the bytes after the length field) of one typed message. Exposed for tests
// and the fuzzer; FrontendDecoder is the normal entry point. `auth` says how to read 'p'.
Result<FrontendMessage> DecodeTypedMessage(char type, std::string_view body, AuthExpectation auth);

// ---- Backend encoders: each appends one complete message to *out ----

// The single unframed byte answering SSLRequest / GSSENCRequest: 'S' (go ahead) or 'N'.
void EncodeSslResponse(std::string* out, bool accept);

void EncodeAuthenticationOk(std::string* out);
void EncodeAuthenticationCleartextPassword(std::string* out);
// REQUIRES: salt.size() == 4.
void EncodeAuthenticationMd5Password(std::string* out, std::string_view salt);
// Mechanisms in order of preference, e.g. {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}.
void EncodeAuthenticationSasl(std::string* out, std::span<const std::string_view> mechanisms);
void EncodeAuthenticationSaslContinue(std::string* out, std::string_view data);
void EncodeAuthenticationSaslFinal(std::string* out, std::string_view data);

void EncodeParameterStatus(std::string* out, std::string_view name, std::string_view value);
void EncodeBackendKeyData(std::string* out, int32_t process_id, int32_t secret_key);
void EncodeReadyForQuery(std::string* out, TransactionStatus status);
// Protocol 3.0 answer to a StartupMessage asking for minor version > 0 or "_pq_." options.
void EncodeNegotiateProtocolVersion(std::string* out, int32_t newest_minor,
                                    std::span<const std::string> unrecognized_options);

// REQUIRES: fields.size() <= 32767 (PostgreSQL itself caps a row at 1664 columns).
void EncodeRowDescription(std::string* out, std::span<const FieldDescription> fields);
// nullopt = SQL NULL. REQUIRES: values.size() <= 32767.
void EncodeDataRow(std::string* out, std::span<const std::optional<std::string_view>> values);
void EncodeCommandComplete(std::string* out, std::string_view tag);
void EncodeEmptyQueryResponse(std::string* out);
void EncodeParseComplete(std::string* out);
void EncodeBindComplete(std::string* out);
void EncodeCloseComplete(std::string* out);
void EncodeNoData(std::string* out);
void EncodePortalSuspended(std::string* out);
// REQUIRES: type_oids.size() <= 65535.
void EncodeParameterDescription(std::string* out, std::span<const Oid> type_oids);

void EncodeErrorResponse(std::string* out, const ErrorFields& fields);
void EncodeNoticeResponse(std::string* out, const ErrorFields& fields);
// Error fields for a non-OK Status: its SQLSTATE (XX000 when it has none, 0A000 for
// NotSupported) and its message. REQUIRES: !status.ok().
ErrorFields ErrorFieldsFromStatus(const Status& status, std::string_view severity = "ERROR");

// overall_format: 0 text, 1 binary. REQUIRES: column_formats.size() <= 32767.
void EncodeCopyInResponse(std::string* out, int8_t overall_format,
                          std::span<const int16_t> column_formats);
void EncodeCopyOutResponse(std::string* out, int8_t overall_format,
                           std::span<const int16_t> column_formats);
void EncodeCopyData(std::string* out, std::string_view data);
void EncodeCopyDone(std::string* out);

// Builds a DataRow column by column straight into *out, for result rows whose values are
// produced one at a time (no intermediate vector). Exactly `columns` Add calls, then Finish().
class DataRowWriter {
 public:
  // REQUIRES: columns <= 32767.
  DataRowWriter(std::string* out, int16_t columns);
  DataRowWriter(const DataRowWriter&) = delete;
  DataRowWriter& operator=(const DataRowWriter&) = delete;

  void AddNull();
  void AddValue(std::string_view bytes);
  void Finish();

 private:
  std::string* out_;
  size_t start_;
  int16_t columns_;
  int16_t added_ = 0;
};

}  // namespace blockdb::pgwire
