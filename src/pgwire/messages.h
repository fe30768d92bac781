// The PostgreSQL v3 frontend (client-to-server) messages BlockDB understands, as decoded by
// FrontendDecoder (codec.h), and the value types used by the backend encoders.
//
// Wire layouts, limits and the order of the startup exchange are in docs/protocol/pgwire.md.
// Every decoded message owns its data (no views into the decoder's buffer), so messages may be
// kept after the decoder has moved on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace blockdb::pgwire {

using Oid = uint32_t;

// Format codes of Bind, RowDescription and Copy*Response.
inline constexpr int16_t kFormatText = 0;
inline constexpr int16_t kFormatBinary = 1;

// Codes in the first int32 of an untyped startup-phase message.
inline constexpr int32_t kProtocolVersion3 = 3 << 16;    // 196608: protocol 3.0
inline constexpr int32_t kSslRequestCode = 80877103;     // 1234 << 16 | 5679
inline constexpr int32_t kGssEncRequestCode = 80877104;  // 1234 << 16 | 5680
inline constexpr int32_t kCancelRequestCode = 80877102;  // 1234 << 16 | 5678

// ---- Startup phase (untyped messages: int32 length, int32 code, body) ----

// Protocol 3.x startup. Minor versions above 0 are accepted here; the server answers them with
// NegotiateProtocolVersion (as do PostgreSQL servers), together with any "_pq_." parameters.
struct StartupMessage {
  uint16_t protocol_major = 3;
  uint16_t protocol_minor = 0;
  // In the order sent. Names are unique only if the client made them so.
  std::vector<std::pair<std::string, std::string>> parameters;

  // Value of the first parameter called `name`, or nullopt.
  std::optional<std::string_view> Find(std::string_view name) const;
};

struct SslRequest {};
struct GssEncRequest {};

struct CancelRequest {
  int32_t process_id = 0;
  int32_t secret_key = 0;
};

// ---- Authentication responses (type 'p', meaning fixed by what the server asked for) ----

struct PasswordMessage {  // cleartext or "md5..." response
  std::string password;
};

struct SaslInitialResponse {
  std::string mechanism;
  // Absent when the client sent length -1 (no initial response).
  std::optional<std::string> data;
};

struct SaslResponse {
  std::string data;
};

// ---- Typed messages (byte type, int32 length, body) ----

struct Query {  // 'Q'
  std::string sql;
};

struct Parse {            // 'P'
  std::string statement;  // "" = unnamed
  std::string query;
  std::vector<Oid> param_types;  // 0 = let the server infer
};

struct Bind {             // 'B'
  std::string portal;     // "" = unnamed
  std::string statement;  // "" = unnamed
  // Zero entries: all text; one entry: applies to all; otherwise one per parameter (checked).
  std::vector<int16_t> param_formats;
  std::vector<std::optional<std::string>> params;  // nullopt = SQL NULL
  // Same convention, applied to result columns (checked by the session against the columns).
  std::vector<int16_t> result_formats;

  // The format code of parameter i under the zero/one/many convention.
  int16_t ParamFormat(size_t i) const;
};

enum class ObjectKind : char { kStatement = 'S', kPortal = 'P' };

struct Describe {  // 'D'
  ObjectKind kind = ObjectKind::kStatement;
  std::string name;
};

struct Execute {  // 'E'
  std::string portal;
  int32_t max_rows = 0;  // <= 0: no limit
};

struct Close {  // 'C'
  ObjectKind kind = ObjectKind::kStatement;
  std::string name;
};

struct Sync {};       // 'S'
struct Flush {};      // 'H'
struct Terminate {};  // 'X'

struct CopyData {  // 'd'
  std::string data;
};

struct CopyDone {};  // 'c'

struct CopyFail {  // 'f'
  std::string message;
};

using FrontendMessage =
    std::variant<StartupMessage, SslRequest, GssEncRequest, CancelRequest, PasswordMessage,
                 SaslInitialResponse, SaslResponse, Query, Parse, Bind, Describe, Execute, Close,
                 Sync, Flush, Terminate, CopyData, CopyDone, CopyFail>;

// ---- Values for backend messages ----

// ReadyForQuery status byte.
enum class TransactionStatus : char { kIdle = 'I', kInTransaction = 'T', kFailed = 'E' };

// One column of RowDescription.
struct FieldDescription {
  std::string name;
  Oid table_oid = 0;
  int16_t column_attnum = 0;
  Oid type_oid = 0;
  int16_t type_size = -1;  // pg_type.typlen
  int32_t type_modifier = -1;
  int16_t format = kFormatText;
};

// The fields of ErrorResponse / NoticeResponse. Empty strings are not sent. S, V, C and M are
// always sent (PostgreSQL clients expect them on every error).
struct ErrorFields {
  std::string severity = "ERROR";  // S (localized) and V (never localized): ERROR, FATAL, PANIC,
                                   // WARNING, NOTICE, DEBUG, INFO, LOG
  std::string sqlstate = "XX000";  // C
  std::string message;             // M
  std::string detail;              // D
  std::string hint;                // H
  int32_t position = 0;            // P, 1-based character position in the query; 0 = absent
  int32_t internal_position = 0;   // p
  std::string internal_query;      // q
  std::string where;               // W
  std::string schema_name;         // s
  std::string table_name;          // t
  std::string column_name;         // c
  std::string data_type_name;      // d
  std::string constraint_name;     // n
  std::string file;                // F
  int32_t line = 0;                // L
  std::string routine;             // R
};

}  // namespace blockdb::pgwire
