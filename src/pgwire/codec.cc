// FrontendDecoder: framing of the client byte stream. Body parsing of typed messages is in
// frontend_decode.cc.
#include "pgwire/codec.h"

#include <string>

#include "pgwire/internal/wire.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

using internal::LoadUint32;
using internal::WireReader;

constexpr size_t kLengthSize = 4;
constexpr size_t kTypedHeaderSize = 1 + kLengthSize;

std::string TypeName(char type) {
  // PostgreSQL reports the type as a number; the character helps a reader of the log.
  const auto code = static_cast<unsigned char>(type);
  std::string s = std::to_string(code);
  if (code >= 0x20 && code < 0x7f) {
    s += " ('";
    s += type;
    s += "')";
  }
  return s;
}

bool IsKnownType(char type) {
  switch (type) {
    case 'Q':
    case 'P':
    case 'B':
    case 'D':
    case 'E':
    case 'C':
    case 'S':
    case 'H':
    case 'X':
    case 'd':
    case 'c':
    case 'f':
    case 'p':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string_view> StartupMessage::Find(std::string_view name) const {
  for (const auto& [key, value] : parameters) {
    if (key == name) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

int16_t Bind::ParamFormat(size_t i) const {
  if (param_formats.empty()) {
    return kFormatText;
  }
  if (param_formats.size() == 1) {
    return param_formats[0];
  }
  return i < param_formats.size() ? param_formats[i] : kFormatText;
}

FrontendDecoder::FrontendDecoder(DecoderLimits limits) : limits_(limits) {}

void FrontendDecoder::Feed(std::string_view bytes) {
  if (phase_ == Phase::kClosed || !error_.ok()) {
    return;  // nothing more will be decoded; do not let a client grow the buffer
  }
  // Compact lazily: decoded bytes at the front are dropped once they are at least half the
  // buffer, so the cost of moving the tail is amortised over what was consumed.
  if (pos_ > 0 && pos_ * 2 >= buffer_.size()) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
}

Result<std::optional<FrontendMessage>> FrontendDecoder::Next() {
  if (!error_.ok()) {
    return error_;
  }
  if (phase_ == Phase::kClosed) {
    return std::optional<FrontendMessage>();
  }
  return phase_ == Phase::kStartup ? NextStartup() : NextTyped();
}

void FrontendDecoder::Consume(size_t n) {
  pos_ += n;
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  }
}

void FrontendDecoder::DropBufferIfClosed() {
  if (phase_ == Phase::kClosed) {
    buffer_.clear();
    buffer_.shrink_to_fit();
    pos_ = 0;
  }
}

Status FrontendDecoder::Fail(Status s) {
  error_ = s;
  buffer_.clear();
  buffer_.shrink_to_fit();
  pos_ = 0;
  return s;
}

Result<std::optional<FrontendMessage>> FrontendDecoder::NextStartup() {
  if (buffered() < kLengthSize) {
    return std::optional<FrontendMessage>();
  }
  const uint32_t length = LoadUint32(buffer_.data() + pos_);
  // The length counts itself; every startup-phase packet carries at least a 4-byte code.
  if (length < 2 * kLengthSize || length > limits_.max_startup_packet_size) {
    return Fail(ProtocolViolation("invalid length of startup packet"));
  }
  if (buffered() < length) {
    return std::optional<FrontendMessage>();
  }
  const std::string_view packet(buffer_.data() + pos_ + kLengthSize, length - kLengthSize);
  const bool more_bytes = buffered() > length;
  Result<FrontendMessage> msg = DecodeStartupPacket(packet, more_bytes);
  Consume(length);
  if (!msg.ok()) {
    return Fail(msg.TakeStatus());
  }
  DropBufferIfClosed();
  return std::optional<FrontendMessage>(std::move(msg).value());
}

Result<FrontendMessage> FrontendDecoder::DecodeStartupPacket(std::string_view packet,
                                                             bool more_bytes) {
  const auto code = static_cast<int32_t>(LoadUint32(packet.data()));
  if (code == kSslRequestCode || code == kGssEncRequestCode || code == kCancelRequestCode) {
    return DecodeNegotiation(code, packet, more_bytes);
  }
  const auto major = static_cast<uint16_t>(static_cast<uint32_t>(code) >> 16);
  const auto minor = static_cast<uint16_t>(static_cast<uint32_t>(code) & 0xffff);
  if (major != 3) {
    return FeatureNotSupported("unsupported frontend protocol " + std::to_string(major) + "." +
                               std::to_string(minor) + ": server supports 3.0 to 3.0");
  }
  StartupMessage startup;
  startup.protocol_major = major;
  startup.protocol_minor = minor;
  // name NUL value NUL ... NUL: the list ends with an empty name, which must be the last byte.
  WireReader reader(packet.substr(kLengthSize));
  while (true) {
    std::string_view name;
    std::string_view value;
    if (!reader.ReadCString(&name)) {
      return ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    if (name.empty()) {
      break;
    }
    if (!reader.ReadCString(&value)) {
      return ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    startup.parameters.emplace_back(std::string(name), std::string(value));
  }
  if (!reader.empty()) {
    return ProtocolViolation("invalid startup packet layout: expected terminator as last byte");
  }
  phase_ = Phase::kTyped;
  return FrontendMessage(std::move(startup));
}

Result<FrontendMessage> FrontendDecoder::DecodeNegotiation(int32_t code, std::string_view packet,
                                                           bool more_bytes) {
  if (code == kCancelRequestCode) {
    WireReader reader(packet.substr(kLengthSize));
    CancelRequest cancel;
    if (!reader.ReadInt32(&cancel.process_id) || !reader.ReadInt32(&cancel.secret_key) ||
        !reader.empty()) {
      return ProtocolViolation("invalid length of cancel request packet");
    }
    phase_ = Phase::kClosed;
    return FrontendMessage(cancel);
  }
  if (packet.size() != kLengthSize) {
    return ProtocolViolation("invalid length of startup packet");
  }
  bool& seen = code == kSslRequestCode ? ssl_requested_ : gss_requested_;
  if (seen) {
    return ProtocolViolation(code == kSslRequestCode ? "duplicate SSLRequest"
                                                     : "duplicate GSSENCRequest");
  }
  seen = true;
  // Bytes after the request were sent before the server's answer, so they cannot belong to the
  // TLS handshake: accepting them would let a man in the middle inject plaintext commands
  // (CVE-2021-23214). PostgreSQL rejects them the same way.
  if (more_bytes) {
    return ProtocolViolation("received unencrypted data after SSL request");
  }
  if (code == kSslRequestCode) {
    return FrontendMessage(SslRequest{});
  }
  return FrontendMessage(GssEncRequest{});
}

Status FrontendDecoder::CheckTypeAllowed(char type) const {
  if (!IsKnownType(type)) {
    return ProtocolViolation("invalid frontend message type " + TypeName(type));
  }
  if (auth_ != AuthExpectation::kNone) {
    if (type != 'p' && type != 'X') {
      return ProtocolViolation("expected password response, got message type " + TypeName(type));
    }
  } else if (type == 'p') {
    return ProtocolViolation("unexpected password message outside authentication");
  }
  return Status::OK();
}

uint32_t FrontendDecoder::LimitFor(char type) const {
  switch (type) {
    case 'Q':
    case 'P':
    case 'B':
    case 'd':
      return limits_.max_message_size;
    case 'p':
      return limits_.max_auth_message_size;
    default:
      return limits_.max_small_message_size;
  }
}

Result<std::optional<FrontendMessage>> FrontendDecoder::NextTyped() {
  if (buffered() < 1) {
    return std::optional<FrontendMessage>();
  }
  const char type = buffer_[pos_];
  // Checked before the length arrives, so garbage is rejected at its first byte.
  if (Status s = CheckTypeAllowed(type); !s.ok()) {
    return Fail(std::move(s));
  }
  if (buffered() < kTypedHeaderSize) {
    return std::optional<FrontendMessage>();
  }
  const uint32_t length = LoadUint32(buffer_.data() + pos_ + 1);
  if (length < kLengthSize || length > LimitFor(type)) {
    return Fail(ProtocolViolation("invalid message length " + std::to_string(length) +
                                  " for message type " + TypeName(type)));
  }
  if (buffered() < 1 + size_t{length}) {
    return std::optional<FrontendMessage>();
  }
  const std::string_view body(buffer_.data() + pos_ + kTypedHeaderSize, length - kLengthSize);
  Result<FrontendMessage> msg = DecodeTypedMessage(type, body, auth_);
  Consume(1 + size_t{length});
  if (!msg.ok()) {
    return Fail(msg.TakeStatus());
  }
  if (std::holds_alternative<Terminate>(*msg)) {
    phase_ = Phase::kClosed;
  }
  DropBufferIfClosed();
  return std::optional<FrontendMessage>(std::move(msg).value());
}

}  // namespace blockdb::pgwire
