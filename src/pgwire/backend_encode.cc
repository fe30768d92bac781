// Backend message encoders. Each builds its message in place at the end of the caller's buffer
// (one append per field, no temporary message object), so a whole response batch can be
// accumulated in one std::string and written with one send.
#include <limits>

#include "common/check.h"
#include "pgwire/codec.h"
#include "pgwire/internal/wire.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {

namespace {

using internal::MessageBuilder;
using internal::PutCString;
using internal::PutInt16;
using internal::PutInt32;
using internal::PutUint8;

constexpr size_t kMaxInt16Count = std::numeric_limits<int16_t>::max();

// Authentication request codes (the int32 after 'R').
constexpr int32_t kAuthOk = 0;
constexpr int32_t kAuthCleartextPassword = 3;
constexpr int32_t kAuthMd5Password = 5;
constexpr int32_t kAuthSasl = 10;
constexpr int32_t kAuthSaslContinue = 11;
constexpr int32_t kAuthSaslFinal = 12;

void EncodeEmpty(std::string* out, char type) {
  MessageBuilder m(out, type);
  m.Finish();
}

void EncodeAuth(std::string* out, int32_t code, std::string_view payload) {
  MessageBuilder m(out, 'R');
  PutInt32(out, code);
  out->append(payload);
  m.Finish();
}

void PutField(std::string* out, char code, std::string_view value) {
  if (value.empty()) {
    return;
  }
  out->push_back(code);
  PutCString(out, value);
}

void PutIntField(std::string* out, char code, int32_t value) {
  if (value != 0) {
    PutField(out, code, std::to_string(value));
  }
}

void EncodeErrorOrNotice(std::string* out, char type, const ErrorFields& f) {
  MessageBuilder m(out, type);
  // S, V, C and M always go out, even if empty: libpq and pgjdbc index on them.
  out->push_back('S');
  PutCString(out, f.severity);
  out->push_back('V');
  PutCString(out, f.severity);
  out->push_back('C');
  PutCString(out, f.sqlstate);
  out->push_back('M');
  PutCString(out, f.message);
  PutField(out, 'D', f.detail);
  PutField(out, 'H', f.hint);
  PutIntField(out, 'P', f.position);
  PutIntField(out, 'p', f.internal_position);
  PutField(out, 'q', f.internal_query);
  PutField(out, 'W', f.where);
  PutField(out, 's', f.schema_name);
  PutField(out, 't', f.table_name);
  PutField(out, 'c', f.column_name);
  PutField(out, 'd', f.data_type_name);
  PutField(out, 'n', f.constraint_name);
  PutField(out, 'F', f.file);
  PutIntField(out, 'L', f.line);
  PutField(out, 'R', f.routine);
  out->push_back('\0');
  m.Finish();
}

void EncodeCopyResponse(std::string* out, char type, int8_t overall_format,
                        std::span<const int16_t> column_formats) {
  BLOCKDB_CHECK(column_formats.size() <= kMaxInt16Count);
  MessageBuilder m(out, type);
  PutUint8(out, static_cast<uint8_t>(overall_format));
  PutInt16(out, static_cast<int16_t>(column_formats.size()));
  for (int16_t f : column_formats) {
    PutInt16(out, f);
  }
  m.Finish();
}

}  // namespace

void EncodeSslResponse(std::string* out, bool accept) { out->push_back(accept ? 'S' : 'N'); }

void EncodeAuthenticationOk(std::string* out) { EncodeAuth(out, kAuthOk, {}); }

void EncodeAuthenticationCleartextPassword(std::string* out) {
  EncodeAuth(out, kAuthCleartextPassword, {});
}

void EncodeAuthenticationMd5Password(std::string* out, std::string_view salt) {
  BLOCKDB_CHECK(salt.size() == 4);
  EncodeAuth(out, kAuthMd5Password, salt);
}

void EncodeAuthenticationSasl(std::string* out, std::span<const std::string_view> mechanisms) {
  MessageBuilder m(out, 'R');
  PutInt32(out, kAuthSasl);
  for (std::string_view mechanism : mechanisms) {
    PutCString(out, mechanism);
  }
  out->push_back('\0');
  m.Finish();
}

void EncodeAuthenticationSaslContinue(std::string* out, std::string_view data) {
  EncodeAuth(out, kAuthSaslContinue, data);
}

void EncodeAuthenticationSaslFinal(std::string* out, std::string_view data) {
  EncodeAuth(out, kAuthSaslFinal, data);
}

void EncodeParameterStatus(std::string* out, std::string_view name, std::string_view value) {
  MessageBuilder m(out, 'S');
  PutCString(out, name);
  PutCString(out, value);
  m.Finish();
}

void EncodeBackendKeyData(std::string* out, int32_t process_id, int32_t secret_key) {
  MessageBuilder m(out, 'K');
  PutInt32(out, process_id);
  PutInt32(out, secret_key);
  m.Finish();
}

void EncodeReadyForQuery(std::string* out, TransactionStatus status) {
  MessageBuilder m(out, 'Z');
  out->push_back(static_cast<char>(status));
  m.Finish();
}

void EncodeNegotiateProtocolVersion(std::string* out, int32_t newest_minor,
                                    std::span<const std::string> unrecognized_options) {
  BLOCKDB_CHECK(unrecognized_options.size() <= static_cast<size_t>(INT32_MAX));
  MessageBuilder m(out, 'v');
  PutInt32(out, newest_minor);
  PutInt32(out, static_cast<int32_t>(unrecognized_options.size()));
  for (const std::string& option : unrecognized_options) {
    PutCString(out, option);
  }
  m.Finish();
}

void EncodeRowDescription(std::string* out, std::span<const FieldDescription> fields) {
  BLOCKDB_CHECK(fields.size() <= kMaxInt16Count);
  MessageBuilder m(out, 'T');
  PutInt16(out, static_cast<int16_t>(fields.size()));
  for (const FieldDescription& f : fields) {
    PutCString(out, f.name);
    PutInt32(out, static_cast<int32_t>(f.table_oid));
    PutInt16(out, f.column_attnum);
    PutInt32(out, static_cast<int32_t>(f.type_oid));
    PutInt16(out, f.type_size);
    PutInt32(out, f.type_modifier);
    PutInt16(out, f.format);
  }
  m.Finish();
}

void EncodeDataRow(std::string* out, std::span<const std::optional<std::string_view>> values) {
  BLOCKDB_CHECK(values.size() <= kMaxInt16Count);
  DataRowWriter w(out, static_cast<int16_t>(values.size()));
  for (const auto& v : values) {
    if (v.has_value()) {
      w.AddValue(*v);
    } else {
      w.AddNull();
    }
  }
  w.Finish();
}

void EncodeCommandComplete(std::string* out, std::string_view tag) {
  MessageBuilder m(out, 'C');
  PutCString(out, tag);
  m.Finish();
}

void EncodeEmptyQueryResponse(std::string* out) { EncodeEmpty(out, 'I'); }
void EncodeParseComplete(std::string* out) { EncodeEmpty(out, '1'); }
void EncodeBindComplete(std::string* out) { EncodeEmpty(out, '2'); }
void EncodeCloseComplete(std::string* out) { EncodeEmpty(out, '3'); }
void EncodeNoData(std::string* out) { EncodeEmpty(out, 'n'); }
void EncodePortalSuspended(std::string* out) { EncodeEmpty(out, 's'); }
void EncodeCopyDone(std::string* out) { EncodeEmpty(out, 'c'); }

void EncodeParameterDescription(std::string* out, std::span<const Oid> type_oids) {
  BLOCKDB_CHECK(type_oids.size() <= std::numeric_limits<uint16_t>::max());
  MessageBuilder m(out, 't');
  // PostgreSQL reads this count as unsigned 16 bits (up to 65535 parameters).
  PutInt16(out, static_cast<int16_t>(static_cast<uint16_t>(type_oids.size())));
  for (Oid oid : type_oids) {
    PutInt32(out, static_cast<int32_t>(oid));
  }
  m.Finish();
}

void EncodeErrorResponse(std::string* out, const ErrorFields& fields) {
  EncodeErrorOrNotice(out, 'E', fields);
}

void EncodeNoticeResponse(std::string* out, const ErrorFields& fields) {
  EncodeErrorOrNotice(out, 'N', fields);
}

ErrorFields ErrorFieldsFromStatus(const Status& status, std::string_view severity) {
  BLOCKDB_CHECK(!status.ok());
  ErrorFields f;
  f.severity = std::string(severity);
  if (!status.sqlstate().empty()) {
    f.sqlstate = status.sqlstate();
  } else if (status.code() == StatusCode::kNotSupported) {
    f.sqlstate = kSqlStateFeatureNotSupported;
  } else {
    f.sqlstate = kSqlStateInternalError;
  }
  f.message = status.message();
  return f;
}

void EncodeCopyInResponse(std::string* out, int8_t overall_format,
                          std::span<const int16_t> column_formats) {
  EncodeCopyResponse(out, 'G', overall_format, column_formats);
}

void EncodeCopyOutResponse(std::string* out, int8_t overall_format,
                           std::span<const int16_t> column_formats) {
  EncodeCopyResponse(out, 'H', overall_format, column_formats);
}

void EncodeCopyData(std::string* out, std::string_view data) {
  MessageBuilder m(out, 'd');
  out->append(data);
  m.Finish();
}

DataRowWriter::DataRowWriter(std::string* out, int16_t columns)
    : out_(out), start_(out->size()), columns_(columns) {
  BLOCKDB_CHECK(columns >= 0);
  out_->push_back('D');
  out_->append(4, '\0');
  PutInt16(out_, columns);
}

void DataRowWriter::AddNull() {
  BLOCKDB_CHECK(added_ < columns_);
  ++added_;
  PutInt32(out_, -1);
}

void DataRowWriter::AddValue(std::string_view bytes) {
  BLOCKDB_CHECK(added_ < columns_);
  BLOCKDB_CHECK(bytes.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  ++added_;
  PutInt32(out_, static_cast<int32_t>(bytes.size()));
  out_->append(bytes);
}

void DataRowWriter::Finish() {
  BLOCKDB_CHECK(added_ == columns_);
  const size_t length = out_->size() - start_ - 1;
  BLOCKDB_CHECK(length <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  internal::StoreUint32(out_->data() + start_ + 1, static_cast<uint32_t>(length));
}

}  // namespace blockdb::pgwire
