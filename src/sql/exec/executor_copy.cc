// COPY t [(cols)] FROM STDIN and COPY t|(query) TO STDOUT, in PostgreSQL's text and CSV
// formats.
#include "sql/catalog/catalog.h"
#include "sql/exec/executor.h"
#include "sql/parser.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

constexpr char kSqlStateBadCopyFormat[] = "22P04";
// Rows written per batch while loading.
constexpr size_t kCopyBatchRows = 1000;

// One field in the text format: \N is NULL; backslash escapes.
std::string EscapeText(std::string_view s, char delimiter) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == delimiter) out += '\\';
        out += c;
    }
  }
  return out;
}

std::string EscapeCsv(std::string_view s, char delimiter) {
  bool quote =
      s.empty() || s.find_first_of(std::string("\"\r\n") + delimiter) != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status BadCopy(std::string msg, size_t line) {
  return Status::InvalidArgument(msg + " (COPY line " + std::to_string(line) + ")")
      .WithSqlState(kSqlStateBadCopyFormat);
}

// Splits one text-format line into *fields (nullopt = NULL), reusing the vector. A field is
// NULL when its raw text equals null_string; otherwise its backslash escapes are decoded. Fields
// without a backslash (nearly all) are copied in one piece.
Status SplitText(std::string_view line, char delim, const std::string& null_string, size_t line_no,
                 std::vector<std::optional<std::string>>* fields) {
  fields->clear();
  size_t start = 0;
  while (true) {
    size_t end = start;
    bool escaped = false;
    while (end < line.size() && line[end] != delim) {
      if (line[end] == '\\') {
        if (end + 1 >= line.size()) {
          return BadCopy("end-of-copy marker corrupt", line_no);
        }
        escaped = true;
        end += 2;  // the escaped character, even a delimiter, belongs to the field
      } else {
        ++end;
      }
    }
    const std::string_view raw = line.substr(start, end - start);
    if (raw == null_string) {
      fields->emplace_back(std::nullopt);
    } else if (!escaped) {
      fields->emplace_back(std::string(raw));
    } else {
      std::string cur;
      cur.reserve(raw.size());
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
          cur += raw[i];
          continue;
        }
        const char n = raw[++i];
        switch (n) {
          case 'n':
            cur += '\n';
            break;
          case 'r':
            cur += '\r';
            break;
          case 't':
            cur += '\t';
            break;
          case 'b':
            cur += '\b';
            break;
          case 'f':
            cur += '\f';
            break;
          case 'v':
            cur += '\v';
            break;
          default:
            cur += n;
        }
      }
      fields->emplace_back(std::move(cur));
    }
    if (end >= line.size()) {
      return Status::OK();
    }
    start = end + 1;
  }
}

// Splits CSV text into records of fields; quoted fields may span lines. Unquoted empty = NULL.
Result<std::vector<std::vector<std::optional<std::string>>>> SplitCsv(std::string_view data,
                                                                      char delim) {
  std::vector<std::vector<std::optional<std::string>>> records;
  std::vector<std::optional<std::string>> rec;
  std::string cur;
  bool quoted = false, in_quotes = false, any = false;
  size_t line = 1;
  auto end_field = [&]() {
    if (!quoted && cur.empty()) {
      rec.emplace_back(std::nullopt);
    } else {
      rec.emplace_back(cur);
    }
    cur.clear();
    quoted = false;
  };
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    any = true;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < data.size() && data[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        cur += c;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      quoted = true;
    } else if (c == delim) {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      end_field();
      records.push_back(std::move(rec));
      rec.clear();
      any = false;
      ++line;
    } else {
      cur += c;
    }
  }
  if (in_quotes) return BadCopy("unterminated CSV quoted field", line);
  if (any) {
    end_field();
    records.push_back(std::move(rec));
  }
  return records;
}

}  // namespace

Status Executor::RunCopy(const CopyStmt& stmt, Execution& exec, bool describe_only) {
  Binder& binder = exec.binder;
  if (stmt.endpoint != CopyEndpoint::kStdin && stmt.endpoint != CopyEndpoint::kStdout) {
    return binder.ErrorAt(FeatureNotSupported("COPY to or from a file or program is not "
                                              "supported; use STDIN or STDOUT"),
                          stmt.position);
  }
  bool csv = false, header = false;
  char delimiter = '\t';
  std::string null_string = "\\N";
  bool delimiter_set = false, null_set = false;
  for (const OptionItem& o : stmt.options) {
    std::string v = o.value.value_or("");
    if (o.name == "format") {
      if (v == "csv") {
        csv = true;
      } else if (v != "text") {
        return binder.ErrorAt(FeatureNotSupported("COPY format \"" + v + "\" is not supported"),
                              o.position);
      }
    } else if (o.name == "header") {
      header = v.empty() || v == "true" || v == "on" || v == "1";
    } else if (o.name == "delimiter" && v.size() == 1) {
      delimiter = v[0];
      delimiter_set = true;
    } else if (o.name == "null") {
      null_string = v;
      null_set = true;
    } else {
      return binder.ErrorAt(FeatureNotSupported("COPY option \"" + o.name + "\" is not supported"),
                            o.position);
    }
  }
  if (csv && !delimiter_set) delimiter = ',';
  if (csv && !null_set) null_string = "";
  StatementResult r;
  r.copy_csv = csv;
  if (stmt.is_from) {
    if (stmt.where != nullptr) {
      return binder.ErrorAt(FeatureNotSupported("COPY FROM ... WHERE is not supported"),
                            stmt.position);
    }
    ASSIGN_OR_RETURN(std::shared_ptr<const TableDef> table, FindTableOrError(stmt.table, binder));
    RETURN_IF_ERROR(CheckWritable("COPY FROM"));
    ASSIGN_OR_RETURN(std::vector<uint32_t> columns,
                     TargetColumns(*table, stmt.columns, binder, stmt.table.position));
    r.kind = ResultKind::kCopyIn;
    r.copy_columns = static_cast<int>(columns.size());
    if (!describe_only) {
      copy_in_ = CopyIn{table, columns, csv, header, delimiter, null_string, ""};
    }
    exec.result = std::move(r);
    return Status::OK();
  }
  // COPY ... TO STDOUT: the table's rows or the query's.
  std::unique_ptr<Statement> owned;
  const Query* query = nullptr;
  std::vector<StatementPtr> parsed;
  if (stmt.query != nullptr) {
    if (!stmt.query->Is<SelectStmt>()) {
      return binder.ErrorAt(FeatureNotSupported("COPY of this statement is not supported"),
                            stmt.position);
    }
    query = stmt.query->As<SelectStmt>().query.get();
  } else {
    std::string cols = "*";
    if (!stmt.columns.empty()) {
      cols.clear();
      for (size_t i = 0; i < stmt.columns.size(); ++i) {
        cols += (i > 0 ? ", " : "") + QuoteIdentifierIfNeeded(stmt.columns[i]);
      }
    }
    ASSIGN_OR_RETURN(parsed,
                     Parse("SELECT " + cols + " FROM " + QuoteIdentifierIfNeeded(stmt.table.name)));
    query = parsed[0]->As<SelectStmt>().query.get();
  }
  PlanContext ctx = MakePlanContext(exec, describe_only);
  ASSIGN_OR_RETURN(QueryPlan plan, PlanQuery(*query, ctx));
  r.kind = ResultKind::kCopyOut;
  r.copy_columns = static_cast<int>(plan.columns.size());
  if (describe_only) {
    exec.result = std::move(r);
    return Status::OK();
  }
  if (csv && header) {
    std::string line;
    for (size_t i = 0; i < plan.columns.size(); ++i) {
      line += (i > 0 ? std::string(1, delimiter) : "") + EscapeCsv(plan.columns[i].name, delimiter);
    }
    r.copy_data.push_back(line + "\n");
  }
  std::vector<Value> row;
  uint64_t n = 0;
  int digits = std::stoi(settings_->Get("extra_float_digits").value_or("1"));
  while (true) {
    ASSIGN_OR_RETURN(bool more, plan.source->Next(&row));
    if (!more) break;
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += delimiter;
      if (row[i].is_null()) {
        line += null_string;
      } else {
        std::string text = FormatValue(row[i], digits);
        line += csv ? EscapeCsv(text, delimiter) : EscapeText(text, delimiter);
      }
    }
    r.copy_data.push_back(line + "\n");
    ++n;
  }
  r.tag = "COPY " + std::to_string(n);
  exec.result = std::move(r);
  return Status::OK();
}

Result<uint64_t> Executor::WriteCopyIn(ErrorInfo* error) {
  CopyIn copy = std::move(*copy_in_);
  copy_in_.reset();
  Execution exec;
  exec.eval.statement_time = NowMicros();
  ASSIGN_OR_RETURN(ColumnDefaults defaults, ParseDefaults(*copy.table));
  uint64_t total = 0;
  std::vector<std::vector<Value>> batch;
  // One record's fields into a complete row of the batch; the batch is written every
  // kCopyBatchRows rows. `line` is the record's line in the data (the header is line 1).
  auto add_record = [&](const std::vector<std::optional<std::string>>& fields,
                        size_t line) -> Status {
    if (fields.size() != copy.columns.size()) {
      return BadCopy(fields.size() < copy.columns.size() ? "missing data for a column"
                                                         : "extra data after last expected column",
                     line);
    }
    std::vector<Value> values;
    values.reserve(fields.size());
    for (size_t f = 0; f < fields.size(); ++f) {
      const ColumnSchema& col = copy.table->columns[copy.columns[f]];
      if (!fields[f]) {
        values.push_back(Value::Null(col.type.id()));
        continue;
      }
      Result<Value> v = ParseValue(*fields[f], col.type);
      if (!v.ok()) {
        Status s = v.TakeStatus();
        return Status::InvalidArgument(s.message() + " (COPY " + copy.table->name + ", line " +
                                       std::to_string(line) + ", column " + col.name + ")")
            .WithSqlState(s.sqlstate());
      }
      values.push_back(std::move(v).value());
    }
    ASSIGN_OR_RETURN(std::vector<Value> row, CompleteRow(*copy.table, copy.columns,
                                                         std::move(values), defaults.exprs, exec));
    batch.push_back(std::move(row));
    if (batch.size() >= kCopyBatchRows) {
      ASSIGN_OR_RETURN(uint64_t n, WriteRows(copy.table, std::move(batch), false, error));
      total += n;
      batch.clear();
    }
    return Status::OK();
  };
  if (copy.csv) {
    ASSIGN_OR_RETURN(auto records, SplitCsv(copy.data, copy.delimiter));
    for (size_t i = copy.header ? 1 : 0; i < records.size(); ++i) {
      RETURN_IF_ERROR(add_record(records[i], i + 1));
    }
  } else {
    // Line by line, so that only one batch of rows is held at a time besides the data.
    std::vector<std::optional<std::string>> fields;
    size_t start = 0, line_no = 0;
    while (start < copy.data.size()) {
      size_t end = copy.data.find('\n', start);
      if (end == std::string::npos) end = copy.data.size();
      std::string_view line(copy.data.data() + start, end - start);
      start = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line == "\\.") break;
      RETURN_IF_ERROR(SplitText(line, copy.delimiter, copy.null_string, line_no, &fields));
      if (copy.header && line_no == 1) continue;
      RETURN_IF_ERROR(add_record(fields, line_no));
    }
  }
  if (!batch.empty()) {
    ASSIGN_OR_RETURN(uint64_t n, WriteRows(copy.table, std::move(batch), false, error));
    total += n;
  }
  db_->stats().rows_inserted.fetch_add(total, std::memory_order_relaxed);
  return total;
}

}  // namespace blockdb::sql::exec
