// Body parsing of typed frontend messages. Every count read from the wire is checked against the
// bytes actually left before anything is reserved, and every body must be consumed exactly
// (PostgreSQL's pq_getmsgend): trailing bytes are a protocol violation.
#include <string>

#include "pgwire/codec.h"
#include "pgwire/internal/wire.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

using internal::WireReader;

Status Malformed(std::string_view message_name, std::string_view what) {
  std::string msg(message_name);
  msg += " message: ";
  msg += what;
  return ProtocolViolation(std::move(msg));
}

// Reads the uint16 count of a list of fixed-size items and checks the items fit in the rest.
bool ReadCount(WireReader* reader, size_t item_size, uint16_t* count) {
  return reader->ReadUint16(count) && size_t{*count} * item_size <= reader->remaining();
}

bool ReadFormats(WireReader* reader, std::vector<int16_t>* formats) {
  uint16_t n;
  if (!ReadCount(reader, 2, &n)) {
    return false;
  }
  formats->resize(n);
  for (int16_t& f : *formats) {
    reader->ReadInt16(&f);  // cannot fail: counted above
  }
  return true;
}

Result<FrontendMessage> DecodeQuery(WireReader* r) {
  std::string_view sql;
  if (!r->ReadCString(&sql)) {
    return Malformed("Query", "invalid string in message");
  }
  if (!r->empty()) {
    return Malformed("Query", "invalid message format");
  }
  return FrontendMessage(Query{std::string(sql)});
}

Result<FrontendMessage> DecodeParse(WireReader* r) {
  std::string_view name;
  std::string_view query;
  if (!r->ReadCString(&name) || !r->ReadCString(&query)) {
    return Malformed("Parse", "invalid string in message");
  }
  uint16_t n;
  if (!ReadCount(r, 4, &n)) {
    return Malformed("Parse", "insufficient data left in message");
  }
  Parse parse{std::string(name), std::string(query), std::vector<Oid>(n)};
  for (Oid& oid : parse.param_types) {
    int32_t v;
    r->ReadInt32(&v);  // cannot fail: counted above
    oid = static_cast<Oid>(v);
  }
  if (!r->empty()) {
    return Malformed("Parse", "invalid message format");
  }
  return FrontendMessage(std::move(parse));
}

Status DecodeBindParams(WireReader* r, Bind* bind) {
  uint16_t n;
  // Each parameter takes at least its 4-byte length.
  if (!ReadCount(r, 4, &n)) {
    return Malformed("Bind", "insufficient data left in message");
  }
  if (bind->param_formats.size() > 1 && bind->param_formats.size() != n) {
    return Malformed("Bind", "bind message has " + std::to_string(bind->param_formats.size()) +
                                 " parameter formats but " + std::to_string(n) + " parameters");
  }
  bind->params.reserve(n);
  for (uint16_t i = 0; i < n; ++i) {
    int32_t length;
    if (!r->ReadInt32(&length)) {
      return Malformed("Bind", "insufficient data left in message");
    }
    if (length == -1) {
      bind->params.emplace_back(std::nullopt);
      continue;
    }
    std::string_view value;
    if (length < 0 || !r->ReadBytes(static_cast<size_t>(length), &value)) {
      return Malformed("Bind", "insufficient data left in message");
    }
    bind->params.emplace_back(std::string(value));
  }
  return Status::OK();
}

Result<FrontendMessage> DecodeBind(WireReader* r) {
  std::string_view portal;
  std::string_view statement;
  if (!r->ReadCString(&portal) || !r->ReadCString(&statement)) {
    return Malformed("Bind", "invalid string in message");
  }
  Bind bind;
  bind.portal = std::string(portal);
  bind.statement = std::string(statement);
  if (!ReadFormats(r, &bind.param_formats)) {
    return Malformed("Bind", "insufficient data left in message");
  }
  RETURN_IF_ERROR(DecodeBindParams(r, &bind));
  if (!ReadFormats(r, &bind.result_formats)) {
    return Malformed("Bind", "insufficient data left in message");
  }
  if (!r->empty()) {
    return Malformed("Bind", "invalid message format");
  }
  return FrontendMessage(std::move(bind));
}

// Describe and Close share their layout: byte 'S' or 'P', then a name.
template <typename T>
Result<FrontendMessage> DecodeTargeted(WireReader* r, std::string_view message_name) {
  uint8_t kind;
  std::string_view name;
  if (!r->ReadUint8(&kind)) {
    return Malformed(message_name, "insufficient data left in message");
  }
  if (kind != 'S' && kind != 'P') {
    return Malformed(message_name, "invalid subtype " + std::to_string(kind));
  }
  if (!r->ReadCString(&name)) {
    return Malformed(message_name, "invalid string in message");
  }
  if (!r->empty()) {
    return Malformed(message_name, "invalid message format");
  }
  T msg;
  msg.kind = kind == 'S' ? ObjectKind::kStatement : ObjectKind::kPortal;
  msg.name = std::string(name);
  return FrontendMessage(std::move(msg));
}

Result<FrontendMessage> DecodeExecute(WireReader* r) {
  std::string_view portal;
  Execute execute;
  if (!r->ReadCString(&portal)) {
    return Malformed("Execute", "invalid string in message");
  }
  if (!r->ReadInt32(&execute.max_rows)) {
    return Malformed("Execute", "insufficient data left in message");
  }
  if (!r->empty()) {
    return Malformed("Execute", "invalid message format");
  }
  execute.portal = std::string(portal);
  return FrontendMessage(std::move(execute));
}

template <typename T>
Result<FrontendMessage> DecodeEmpty(WireReader* r, std::string_view message_name) {
  if (!r->empty()) {
    return Malformed(message_name, "invalid message format");
  }
  return FrontendMessage(T{});
}

// A message made of one C string and nothing else (CopyFail, PasswordMessage).
Result<std::string> DecodeSingleString(WireReader* r, std::string_view message_name) {
  std::string_view s;
  if (!r->ReadCString(&s)) {
    return Malformed(message_name, "invalid string in message");
  }
  if (!r->empty()) {
    return Malformed(message_name, "invalid message format");
  }
  return std::string(s);
}

Result<FrontendMessage> DecodeSaslInitialResponse(WireReader* r) {
  std::string_view mechanism;
  int32_t length;
  if (!r->ReadCString(&mechanism)) {
    return Malformed("SASLInitialResponse", "invalid string in message");
  }
  if (!r->ReadInt32(&length)) {
    return Malformed("SASLInitialResponse", "insufficient data left in message");
  }
  SaslInitialResponse response{std::string(mechanism), std::nullopt};
  if (length != -1) {
    std::string_view data;
    if (length < 0 || !r->ReadBytes(static_cast<size_t>(length), &data)) {
      return Malformed("SASLInitialResponse", "insufficient data left in message");
    }
    response.data = std::string(data);
  }
  if (!r->empty()) {
    return Malformed("SASLInitialResponse", "invalid message format");
  }
  return FrontendMessage(std::move(response));
}

Result<FrontendMessage> DecodeAuthResponse(WireReader* r, AuthExpectation auth) {
  switch (auth) {
    case AuthExpectation::kPassword: {
      ASSIGN_OR_RETURN(std::string password, DecodeSingleString(r, "PasswordMessage"));
      return FrontendMessage(PasswordMessage{std::move(password)});
    }
    case AuthExpectation::kSaslInitial:
      return DecodeSaslInitialResponse(r);
    case AuthExpectation::kSaslResponse:
      return FrontendMessage(SaslResponse{std::string(r->rest())});
    case AuthExpectation::kNone:
      break;
  }
  return ProtocolViolation("unexpected password message outside authentication");
}

}  // namespace

Result<FrontendMessage> DecodeTypedMessage(char type, std::string_view body, AuthExpectation auth) {
  WireReader r(body);
  switch (type) {
    case 'Q':
      return DecodeQuery(&r);
    case 'P':
      return DecodeParse(&r);
    case 'B':
      return DecodeBind(&r);
    case 'D':
      return DecodeTargeted<Describe>(&r, "Describe");
    case 'E':
      return DecodeExecute(&r);
    case 'C':
      return DecodeTargeted<Close>(&r, "Close");
    case 'S':
      return DecodeEmpty<Sync>(&r, "Sync");
    case 'H':
      return DecodeEmpty<Flush>(&r, "Flush");
    case 'X':
      return DecodeEmpty<Terminate>(&r, "Terminate");
    case 'd':
      return FrontendMessage(CopyData{std::string(body)});
    case 'c':
      return DecodeEmpty<CopyDone>(&r, "CopyDone");
    case 'f': {
      ASSIGN_OR_RETURN(std::string message, DecodeSingleString(&r, "CopyFail"));
      return FrontendMessage(CopyFail{std::move(message)});
    }
    case 'p':
      return DecodeAuthResponse(&r, auth);
    default:
      break;
  }
  return ProtocolViolation("invalid frontend message type " +
                           std::to_string(static_cast<unsigned char>(type)));
}

}  // namespace blockdb::pgwire
