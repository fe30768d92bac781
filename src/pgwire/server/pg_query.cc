// PgConnection: the query phase (simple and extended protocol, COPY). Startup and
// authentication are in pg_connection.cc.
#include <cctype>

#include "pgwire/server/pg_connection.h"
#include "pgwire/server/server_state.h"
#include "pgwire/server/value_codec.h"
#include "pgwire/sqlstate.h"

namespace blockdb::pgwire {
namespace {

constexpr char kSqlStateQueryCanceled[] = "57014";

// "INSERT 0 5" -> "INSERT", "CREATE TABLE" -> "CREATE TABLE": the tag without its counts.
std::string_view StatementKind(std::string_view tag) {
  while (!tag.empty()) {
    size_t space = tag.rfind(' ');
    std::string_view last = space == std::string_view::npos ? tag : tag.substr(space + 1);
    if (last.empty() || !std::isdigit(static_cast<unsigned char>(last[0]))) {
      break;
    }
    tag = space == std::string_view::npos ? std::string_view() : tag.substr(0, space);
  }
  return tag;
}

// Result format codes of Bind expanded to one per column (the zero/one/many convention).
Result<std::vector<int16_t>> ExpandFormats(const std::vector<int16_t>& codes, size_t columns) {
  if (codes.size() > 1 && codes.size() != columns) {
    return ProtocolViolation("bind message has " + std::to_string(codes.size()) +
                             " result formats but query has " + std::to_string(columns) +
                             " columns");
  }
  std::vector<int16_t> formats(columns, codes.empty() ? kFormatText : codes[0]);
  for (size_t i = 0; i < codes.size() && codes.size() > 1; ++i) {
    formats[i] = codes[i];
  }
  for (int16_t f : formats) {
    if (f != kFormatText && f != kFormatBinary) {
      return ProtocolViolation("unsupported format code: " + std::to_string(f));
    }
  }
  return formats;
}

void WriteRowDescription(const std::vector<sql::ResultColumn>& columns,
                         const std::vector<int16_t>* formats, std::string* out) {
  std::vector<FieldDescription> fields;
  fields.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    fields.push_back(DescribeColumn(columns[i], formats != nullptr ? (*formats)[i] : kFormatText));
  }
  EncodeRowDescription(out, fields);
}

std::vector<int16_t> TextFormats(int columns) {
  return std::vector<int16_t>(static_cast<size_t>(std::max(columns, 0)), kFormatText);
}

}  // namespace

PgConnection::Action PgConnection::OnQueryPhase(FrontendMessage& message, std::string* out) {
  if (std::holds_alternative<Terminate>(message)) {
    return Action::kClose;
  }
  // Parameters arrive and rows leave as text in the session's TimeZone.
  sql::ScopedSessionTimeZone zone(&session_->time_zone());
  if (copy_ != CopyMode::kNone) {
    return OnCopyMessage(message, out);
  }
  if (skip_until_sync_ && !std::holds_alternative<Sync>(message)) {
    return Action::kContinue;
  }
  if (auto* m = std::get_if<Query>(&message)) {
    OnSimpleQuery(*m, out);
  } else if (auto* m = std::get_if<Parse>(&message)) {
    OnParse(*m, out);
  } else if (auto* m = std::get_if<Bind>(&message)) {
    OnBind(*m, out);
  } else if (auto* m = std::get_if<Describe>(&message)) {
    OnDescribe(*m, out);
  } else if (auto* m = std::get_if<Execute>(&message)) {
    OnExecute(*m, out);
  } else if (auto* m = std::get_if<pgwire::Close>(&message)) {
    OnClose(*m, out);
  } else if (std::holds_alternative<Sync>(message)) {
    OnSync(out);
  } else if (std::holds_alternative<Flush>(message)) {
    // Output is sent after every batch of messages anyway.
  } else if (std::holds_alternative<CopyData>(message) ||
             std::holds_alternative<CopyDone>(message) ||
             std::holds_alternative<CopyFail>(message)) {
    // Left over from a COPY that failed: PostgreSQL ignores these outside copy mode.
  } else {
    return Fatal(ProtocolViolation("unexpected message type"), out);
  }
  return Action::kContinue;
}

// --- Simple query ---------------------------------------------------------------------------

void PgConnection::OnSimpleQuery(const Query& query, std::string* out) {
  sql::ErrorInfo info;
  Status s = session_->ExecuteSimple(
      query.sql, [&](sql::StatementResult&& r) { WriteStatementResult(std::move(r), out); }, &info);
  if (copy_ != CopyMode::kNone) {
    return;  // CopyInResponse sent; the rest of the query runs after the data
  }
  if (!s.ok()) {
    WriteError(s, info, out);
  }
  FinishSimpleQuery(out);
}

void PgConnection::WriteStatementResult(sql::StatementResult&& r, std::string* out) {
  WriteNotices(r.notices, out);
  switch (r.kind) {
    case sql::ResultKind::kEmpty:
      EncodeEmptyQueryResponse(out);
      return;
    case sql::ResultKind::kCommand:
      WriteCommandComplete(r.tag, out);
      return;
    case sql::ResultKind::kRows:
      WriteRowDescription(r.columns, nullptr, out);
      WriteRows(r.rows, r.columns, nullptr, out);
      WriteCommandComplete(r.tag, out);
      return;
    case sql::ResultKind::kCopyIn:
      EncodeCopyInResponse(out, 0, TextFormats(r.copy_columns));
      copy_ = CopyMode::kSimple;
      return;
    case sql::ResultKind::kCopyOut:
      WriteCopyOut(r.copy_data, r.copy_columns, out);
      WriteCommandComplete(r.tag, out);
      return;
  }
}

void PgConnection::FinishSimpleQuery(std::string* out) { ReadyForQuery(out); }

void PgConnection::ReadyForQuery(std::string* out) {
  // PostgreSQL 14+ reports changed settings just before ReadyForQuery.
  for (const auto& [name, value] : session_->TakeParameterChanges()) {
    EncodeParameterStatus(out, name, value);
  }
  EncodeReadyForQuery(out, static_cast<TransactionStatus>(session_->txn_status()));
}

void PgConnection::WriteRows(const std::vector<std::vector<sql::Value>>& rows,
                             const std::vector<sql::ResultColumn>& columns,
                             const std::vector<int16_t>* formats, std::string* out) {
  int extra_float_digits = session_->extra_float_digits();
  std::string value;
  for (const std::vector<sql::Value>& row : rows) {
    DataRowWriter writer(out, static_cast<int16_t>(row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      if (row[i].is_null()) {
        writer.AddNull();
        continue;
      }
      value.clear();
      int16_t format = formats != nullptr && i < formats->size() ? (*formats)[i] : kFormatText;
      if (i < columns.size()) {
        EncodeResultValue(&value, row[i], columns[i], format, extra_float_digits);
      } else {
        EncodeResultValue(&value, row[i], sql::Type::Of(row[i].type()), format, extra_float_digits);
      }
      writer.AddValue(value);
    }
    writer.Finish();
  }
}

void PgConnection::WriteCopyOut(const std::vector<std::string>& lines, int columns,
                                std::string* out) {
  EncodeCopyOutResponse(out, 0, TextFormats(columns));
  for (const std::string& line : lines) {
    EncodeCopyData(out, line);
  }
  EncodeCopyDone(out);
}

void PgConnection::WriteCommandComplete(const std::string& tag, std::string* out) {
  EncodeCommandComplete(out, tag);
  state_->observer().StatementCompleted(StatementKind(tag));
}

void PgConnection::WriteNotices(const std::vector<sql::Notice>& notices, std::string* out) {
  for (const sql::Notice& n : notices) {
    ErrorFields fields;
    fields.severity = n.severity;
    fields.sqlstate = n.sqlstate;
    fields.message = n.message;
    EncodeNoticeResponse(out, fields);
  }
}

void PgConnection::WriteError(const Status& status, const sql::ErrorInfo& info, std::string* out) {
  ErrorFields fields = ErrorFieldsFromStatus(status);
  fields.detail = info.detail;
  fields.position = info.position;
  fields.schema_name = info.schema_name;
  fields.table_name = info.table_name;
  fields.column_name = info.column_name;
  fields.constraint_name = info.constraint_name;
  EncodeErrorResponse(out, fields);
  state_->observer().ErrorSent(fields.sqlstate);
}

// --- Extended query -------------------------------------------------------------------------

void PgConnection::ExtendedError(const Status& status, const sql::ErrorInfo& info,
                                 std::string* out) {
  WriteError(status, info, out);
  skip_until_sync_ = true;
}

void PgConnection::OnParse(const Parse& parse, std::string* out) {
  std::vector<std::optional<sql::Type>> types;
  types.reserve(parse.param_types.size());
  for (Oid oid : parse.param_types) {
    std::optional<sql::TypeId> id = sql::TypeIdFromOid(oid);
    if (!id.has_value()) {
      ExtendedError(FeatureNotSupported("parameter type with OID " + std::to_string(oid) +
                                        " is not supported"),
                    {}, out);
      return;
    }
    types.push_back(*id == sql::TypeId::kUnknown ? std::nullopt
                                                 : std::optional(sql::Type::Of(*id)));
  }
  sql::ErrorInfo info;
  Status s = session_->Prepare(parse.statement, parse.query, types, &info);
  if (!s.ok()) {
    ExtendedError(s, info, out);
    return;
  }
  EncodeParseComplete(out);
}

void PgConnection::OnBind(const Bind& bind, std::string* out) {
  sql::ErrorInfo info;
  Status s = BindPortal(bind, &info);
  if (!s.ok()) {
    ExtendedError(s, info, out);
    return;
  }
  EncodeBindComplete(out);
}

Status PgConnection::BindPortal(const Bind& bind, sql::ErrorInfo* info) {
  ASSIGN_OR_RETURN(sql::StatementDescription desc, session_->DescribeStatement(bind.statement));
  if (bind.params.size() != desc.param_types.size()) {
    return ProtocolViolation("bind message supplies " + std::to_string(bind.params.size()) +
                             " parameters, but prepared statement \"" + bind.statement +
                             "\" requires " + std::to_string(desc.param_types.size()));
  }
  if (bind.param_formats.size() > 1 && bind.param_formats.size() != bind.params.size()) {
    return ProtocolViolation("bind message has " + std::to_string(bind.param_formats.size()) +
                             " parameter formats but " + std::to_string(bind.params.size()) +
                             " parameters");
  }
  ASSIGN_OR_RETURN(std::vector<int16_t> formats,
                   ExpandFormats(bind.result_formats, desc.columns.size()));
  std::vector<sql::Value> values;
  values.reserve(bind.params.size());
  for (size_t i = 0; i < bind.params.size(); ++i) {
    ASSIGN_OR_RETURN(sql::Value v,
                     DecodeParameter(bind.params[i], bind.ParamFormat(i), desc.param_types[i]));
    values.push_back(std::move(v));
  }
  RETURN_IF_ERROR(session_->Bind(bind.portal, bind.statement, std::move(values), info));
  portals_[bind.portal] = PortalInfo{std::move(desc.columns), std::move(formats)};
  return Status::OK();
}

void PgConnection::OnDescribe(const Describe& describe, std::string* out) {
  if (describe.kind == ObjectKind::kStatement) {
    Result<sql::StatementDescription> desc = session_->DescribeStatement(describe.name);
    if (!desc.ok()) {
      ExtendedError(desc.status(), {}, out);
      return;
    }
    std::vector<Oid> oids;
    for (const sql::Type& t : desc->param_types) {
      oids.push_back(t.id() == sql::TypeId::kUnknown ? 25u : t.oid());
    }
    EncodeParameterDescription(out, oids);
    if (desc->columns.empty()) {
      EncodeNoData(out);
    } else {
      WriteRowDescription(desc->columns, nullptr, out);
    }
    return;
  }
  Result<std::vector<sql::ResultColumn>> columns = session_->DescribePortal(describe.name);
  if (!columns.ok()) {
    ExtendedError(columns.status(), {}, out);
    return;
  }
  if (columns->empty()) {
    EncodeNoData(out);
    return;
  }
  auto it = portals_.find(describe.name);
  bool known = it != portals_.end() && it->second.formats.size() == columns->size();
  WriteRowDescription(*columns, known ? &it->second.formats : nullptr, out);
}

void PgConnection::OnExecute(const Execute& execute, std::string* out) {
  sql::ErrorInfo info;
  uint64_t max_rows = execute.max_rows > 0 ? static_cast<uint64_t>(execute.max_rows) : 0;
  Result<sql::ExecuteResult> r = session_->Execute(execute.portal, max_rows, &info);
  if (!r.ok()) {
    ExtendedError(r.status(), info, out);
    return;
  }
  WriteNotices(r->notices, out);
  switch (r->kind) {
    case sql::ResultKind::kEmpty:
      EncodeEmptyQueryResponse(out);
      return;
    case sql::ResultKind::kCommand:
      WriteCommandComplete(r->tag, out);
      return;
    case sql::ResultKind::kRows: {
      auto it = portals_.find(execute.portal);
      const PortalInfo* portal = it != portals_.end() ? &it->second : nullptr;
      static const std::vector<sql::ResultColumn> kNoColumns;
      WriteRows(r->rows, portal != nullptr ? portal->columns : kNoColumns,
                portal != nullptr ? &portal->formats : nullptr, out);
      if (r->suspended) {
        EncodePortalSuspended(out);
      } else {
        WriteCommandComplete(r->tag, out);
      }
      return;
    }
    case sql::ResultKind::kCopyIn:
      EncodeCopyInResponse(out, 0, TextFormats(r->copy_columns));
      copy_ = CopyMode::kExtended;
      return;
    case sql::ResultKind::kCopyOut:
      WriteCopyOut(r->copy_data, r->copy_columns, out);
      WriteCommandComplete(r->tag, out);
      return;
  }
}

void PgConnection::OnClose(const pgwire::Close& close, std::string* out) {
  if (close.kind == ObjectKind::kStatement) {
    session_->CloseStatement(close.name);
  } else {
    session_->ClosePortal(close.name);
    portals_.erase(close.name);
  }
  EncodeCloseComplete(out);
}

void PgConnection::OnSync(std::string* out) {
  session_->Sync();
  portals_.erase("");
  skip_until_sync_ = false;
  ReadyForQuery(out);
}

// --- COPY FROM STDIN ------------------------------------------------------------------------

PgConnection::Action PgConnection::OnCopyMessage(FrontendMessage& message, std::string* out) {
  sql::ErrorInfo info;
  if (auto* data = std::get_if<CopyData>(&message)) {
    Status s = session_->CopyData(data->data);
    if (!s.ok()) {
      EndCopy(s, info, out);
    }
    return Action::kContinue;
  }
  if (std::holds_alternative<CopyDone>(message)) {
    Result<std::string> tag = session_->CopyDone(&info);
    if (!tag.ok()) {
      EndCopy(tag.status(), info, out);
      return Action::kContinue;
    }
    WriteCommandComplete(*tag, out);
    CopyMode mode = copy_;
    copy_ = CopyMode::kNone;
    if (mode == CopyMode::kSimple) {
      Status s = session_->ResumeSimple(
          [&](sql::StatementResult&& r) { WriteStatementResult(std::move(r), out); }, &info);
      if (copy_ != CopyMode::kNone) {
        return Action::kContinue;  // another COPY FROM STDIN in the same query string
      }
      if (!s.ok()) {
        WriteError(s, info, out);
      }
      FinishSimpleQuery(out);
    }
    return Action::kContinue;
  }
  if (auto* fail = std::get_if<CopyFail>(&message)) {
    session_->CopyFail(fail->message);
    EndCopy(Status::Aborted("COPY from stdin failed: " + fail->message)
                .WithSqlState(kSqlStateQueryCanceled),
            info, out);
    return Action::kContinue;
  }
  if (std::holds_alternative<Sync>(message) || std::holds_alternative<Flush>(message)) {
    return Action::kContinue;  // ignored in copy-in mode, as PostgreSQL does
  }
  return Fatal(ProtocolViolation("unexpected message type during COPY from stdin"), out);
}

void PgConnection::EndCopy(const Status& error, const sql::ErrorInfo& info, std::string* out) {
  if (session_->in_copy()) {
    session_->CopyFail(error.message());
  }
  CopyMode mode = copy_;
  copy_ = CopyMode::kNone;
  if (mode == CopyMode::kSimple) {
    WriteError(error, info, out);
    FinishSimpleQuery(out);
  } else {
    ExtendedError(error, info, out);
  }
}

}  // namespace blockdb::pgwire
