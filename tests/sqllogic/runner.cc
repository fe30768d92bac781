#include "sqllogic/runner.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>

namespace blockdb::sqllogic {
namespace {

constexpr std::string_view kRegexPrefix = "<REGEX>:";

std::string ShowValue(const std::optional<std::string>& v) {
  if (!v) {
    return "NULL";
  }
  return v->empty() ? "(empty)" : *v;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) {
      return out;
    }
    start = tab + 1;
  }
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) {
    s += "    " + l + "\n";
  }
  return s.empty() ? "    (no rows)\n" : s;
}

std::string TypeLetters(const Outcome& outcome) {
  std::string letters;
  for (uint32_t oid : outcome.column_oids) {
    letters += TypeLetterFor(oid);
  }
  return letters;
}

// The actual result as the lines a file would hold, in the record's sort mode.
std::vector<std::string> ResultLines(const Outcome& outcome, SortMode sort) {
  std::vector<std::string> lines;
  if (sort == SortMode::kValueSort) {
    for (const auto& row : outcome.rows) {
      for (const auto& v : row) {
        lines.push_back(ShowValue(v));
      }
    }
  } else {
    for (const auto& row : outcome.rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) {
          line += '\t';
        }
        line += ShowValue(row[i]);
      }
      lines.push_back(std::move(line));
    }
  }
  if (sort != SortMode::kNoSort) {
    std::sort(lines.begin(), lines.end());
  }
  return lines;
}

std::vector<std::string> ExpectedLines(const Record& r) {
  std::vector<std::string> lines;
  if (r.sort == SortMode::kValueSort) {
    for (const std::string& line : r.expected) {
      for (std::string& v : SplitTabs(line)) {
        lines.push_back(std::move(v));
      }
    }
  } else {
    lines = r.expected;
  }
  if (r.sort != SortMode::kNoSort) {
    std::sort(lines.begin(), lines.end());
  }
  return lines;
}

bool ValueMatches(const std::string& expected, const std::string& actual) {
  if (expected.starts_with(kRegexPrefix)) {
    return std::regex_match(actual, std::regex(expected.substr(kRegexPrefix.size())));
  }
  return expected == actual;
}

bool LinesMatch(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  if (expected.size() != actual.size()) {
    return false;
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    std::vector<std::string> e = SplitTabs(expected[i]);
    std::vector<std::string> a = SplitTabs(actual[i]);
    if (e.size() != a.size()) {
      return false;
    }
    for (size_t j = 0; j < e.size(); ++j) {
      if (!ValueMatches(e[j], a[j])) {
        return false;
      }
    }
  }
  return true;
}

std::string Substitute(const std::string& sql, const std::map<std::string, std::string>& vars) {
  std::string out = sql;
  for (const auto& [name, value] : vars) {
    const std::string pattern = "${" + name + "}";
    for (size_t at = out.find(pattern); at != std::string::npos;
         at = out.find(pattern, at + value.size())) {
      out.replace(at, pattern.size(), value);
    }
  }
  return out;
}

class FileRun {
 public:
  FileRun(const TestFile& file, Connection& conn, std::ostream& out)
      : file_(file), conn_(conn), out_(out) {}

  // Runs one record; returns whether it passed.
  bool Run(const Record& r) {
    const std::string sql = Substitute(r.sql, vars_);
    Outcome outcome = conn_.Execute(sql);
    switch (r.kind) {
      case RecordKind::kStatementOk:
        if (!outcome.ok) {
          return Fail(r, sql, "statement failed", "    success\n", "    " + Error(outcome) + "\n");
        }
        return true;
      case RecordKind::kStatementError:
        return CheckError(r, sql, outcome);
      case RecordKind::kQuery:
        return CheckQuery(r, sql, outcome);
      case RecordKind::kLet:
        return Let(r, sql, outcome);
      case RecordKind::kHalt:
        return true;
    }
    return true;
  }

  // For --rewrite: the result of each query that did not match, by the index of its `----` line.
  const std::map<int, std::pair<std::string, std::vector<std::string>>>& results() const {
    return results_;
  }

 private:
  static std::string Error(const Outcome& o) { return "ERROR " + o.sqlstate + ": " + o.message; }

  bool Fail(const Record& r, const std::string& sql, const std::string& what,
            const std::string& expected, const std::string& actual) {
    out_ << file_.path << ":" << r.line << ": " << what << "\n  SQL:\n";
    size_t start = 0;
    while (start <= sql.size()) {
      size_t nl = sql.find('\n', start);
      out_ << "    " << sql.substr(start, nl == std::string::npos ? nl : nl - start) << "\n";
      if (nl == std::string::npos) {
        break;
      }
      start = nl + 1;
    }
    out_ << "  expected:\n" << expected << "  actual:\n" << actual << "\n";
    return false;
  }

  bool CheckError(const Record& r, const std::string& sql, const Outcome& o) {
    std::string want = "ERROR " + r.sqlstate +
                       (r.message_regex.empty() ? "" : " matching /" + r.message_regex + "/");
    if (o.ok) {
      return Fail(r, sql, "statement succeeded, expected an error", "    " + want + "\n",
                  "    success\n");
    }
    if (o.sqlstate != r.sqlstate) {
      return Fail(r, sql, "wrong SQLSTATE", "    " + want + "\n", "    " + Error(o) + "\n");
    }
    if (r.error_position >= 0 && o.position != r.error_position) {
      return Fail(r, sql, "wrong error position",
                  "    at " + std::to_string(r.error_position) + "\n",
                  "    at " + std::to_string(o.position) + ": " + Error(o) + "\n");
    }
    if (!r.message_regex.empty() && !std::regex_search(o.message, std::regex(r.message_regex))) {
      return Fail(r, sql, "error message does not match", "    " + want + "\n",
                  "    " + Error(o) + "\n");
    }
    return true;
  }

  bool CheckQuery(const Record& r, const std::string& sql, const Outcome& o) {
    if (!o.ok) {
      return Fail(r, sql, "query failed", JoinLines(ExpectedLines(r)), "    " + Error(o) + "\n");
    }
    if (!o.has_rows) {
      return Fail(r, sql, "query returned no result set", JoinLines(ExpectedLines(r)),
                  "    (a command without rows)\n");
    }
    const std::string letters = TypeLetters(o);
    std::vector<std::string> actual = ResultLines(o, r.sort);
    std::vector<std::string> expected = ExpectedLines(r);
    for (std::string& line : expected) {
      line = Substitute(line, vars_);
    }
    const bool types_match = letters == r.column_types;
    const bool rows_match = LinesMatch(expected, actual);
    if (!types_match || !rows_match) {
      if (r.separator_index >= 0) {
        results_[r.separator_index] = {letters, actual};  // only mismatches are rewritten
      }
    }
    if (!types_match) {
      return Fail(r, sql, "column types differ", "    " + r.column_types + "\n",
                  "    " + letters + "\n");
    }
    if (!rows_match) {
      return Fail(r, sql, "result differs", JoinLines(expected), JoinLines(actual));
    }
    return true;
  }

  bool Let(const Record& r, const std::string& sql, const Outcome& o) {
    if (!o.ok) {
      return Fail(r, sql, "let query failed", "    one value\n", "    " + Error(o) + "\n");
    }
    if (o.rows.size() != 1 || o.rows[0].size() != 1 || !o.rows[0][0]) {
      return Fail(r, sql, "let query must return one non-null value", "    one value\n",
                  JoinLines(ResultLines(o, SortMode::kNoSort)));
    }
    vars_[r.variable] = *o.rows[0][0];
    return true;
  }

  const TestFile& file_;
  Connection& conn_;
  std::ostream& out_;
  std::map<std::string, std::string> vars_;
  std::map<int, std::pair<std::string, std::vector<std::string>>> results_;
};

// Writes the file back with each query's header and expected lines replaced by `results`.
Status Rewrite(const TestFile& file,
               const std::map<int, std::pair<std::string, std::vector<std::string>>>& results) {
  std::map<int, const Record*> by_separator;
  for (const Record& r : file.records) {
    if (r.separator_index >= 0) {
      by_separator[r.separator_index] = &r;
    }
  }
  std::string text;
  for (int i = 0; i < static_cast<int>(file.lines.size()); ++i) {
    auto it = by_separator.find(i);
    const Record* r = it == by_separator.end() ? nullptr : it->second;
    auto res = results.find(i);
    if (r == nullptr || res == results.end()) {
      text += file.lines[i] + "\n";
      continue;
    }
    // Fix the type letters on the record's command line, already written to `text`.
    const std::string& command = file.lines[r->line - 1];
    size_t at = text.rfind(command + "\n");
    std::string fixed = command;
    fixed.replace(fixed.find(r->column_types, 5), r->column_types.size(), res->second.first);
    text.replace(at, command.size(), fixed);
    text += "----\n";
    for (const std::string& line : res->second.second) {
      text += line + "\n";
    }
    i = r->expected_end_index - 1;
  }
  std::ofstream out(file.path, std::ios::trunc);
  out << text;
  out.close();
  return out ? Status::OK() : Status::IOError("cannot write " + file.path);
}

}  // namespace

char TypeLetterFor(uint32_t oid) {
  switch (oid) {
    case 16:
      return 'B';
    case 20:
    case 21:
    case 23:
    case 26:  // oid (BlockDB's catalogs show OIDs as bigint)
      return 'I';
    case 700:
    case 701:
    case 1700:
      return 'R';
    // The catalogs' "char", xid, pg_node_tree, regclass and regtype (as names) and arrays
    // (name[], text[], int2[], oid[], aclitem[], int2vector, oidvector...): text in BlockDB's catalogs.
    case 18:
    case 22:
    case 28:
    case 30:
    case 194:
    case 1002:
    case 1003:
    case 1005:
    case 1007:
    case 1016:
    case 1028:
    case 1009:
    case 1034:
    case 2205:
    case 2206:
    case 19:
    case 25:
    case 705:
    case 1042:
    case 1043:
      return 'T';
    case 1082:
    case 1083:
    case 1114:
    case 1184:
    case 1186:
    case 1266:
      return 'D';
    case 17:
      return 'X';
    case 2950:
      return 'U';
    case 114:
    case 3802:
      return 'J';
    default:
      return '?';
  }
}

Result<FileReport> RunFile(const TestFile& file, Backend& backend, const RunOptions& options,
                           std::ostream& out) {
  FileReport report;
  if (!file.required.empty() && std::find(file.required.begin(), file.required.end(),
                                          backend.name()) == file.required.end()) {
    report.skipped = true;
    return report;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, backend.NewDatabase());
  FileRun run(file, *conn, out);
  for (const Record& r : file.records) {
    if (!RunsOn(r, backend.name())) {
      ++report.not_run;
      continue;
    }
    ++report.run;
    if (!run.Run(r)) {
      ++report.failed;
    }
  }
  if (options.rewrite) {
    RETURN_IF_ERROR(Rewrite(file, run.results()));
  }
  return report;
}

}  // namespace blockdb::sqllogic
