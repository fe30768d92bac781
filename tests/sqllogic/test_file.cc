#include "sqllogic/test_file.h"

#include <algorithm>
#include <sstream>

namespace blockdb::sqllogic {
namespace {

std::vector<std::string> SplitLines(std::string_view contents) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string_view::npos) {
      end = contents.size();
    }
    std::string line(contents.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// Splits at runs of spaces and tabs.
std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  std::string w;
  while (in >> w) {
    words.push_back(w);
  }
  return words;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool IsBackend(std::string_view name) { return name == kBlockDB || name == kPostgres; }

class Parser {
 public:
  Parser(std::string path, std::vector<std::string> lines)
      : path_(std::move(path)), lines_(std::move(lines)) {}

  Result<TestFile> Parse() {
    TestFile file;
    Record pending;  // conditions gathered for the next record
    while (i_ < static_cast<int>(lines_.size())) {
      const std::string& line = lines_[i_];
      if (IsBlank(line) || line[0] == '#') {
        ++i_;
        continue;
      }
      std::vector<std::string> w = Words(line);
      const int line_no = i_ + 1;
      ++i_;
      if (w[0] == "skipif" || w[0] == "onlyif" || w[0] == "require") {
        if (w.size() != 2 || !IsBackend(w[1])) {
          return Error(line_no, "expected '" + w[0] + " blockdb' or '" + w[0] + " postgresql'");
        }
        auto& list = w[0] == "skipif"   ? pending.skip_if
                     : w[0] == "onlyif" ? pending.only_if
                                        : file.required;
        list.push_back(w[1]);
        continue;
      }
      Record record = std::move(pending);
      pending = Record();
      record.line = line_no;
      RETURN_IF_ERROR(ParseCommand(w, line, &record));
      if (record.kind == RecordKind::kHalt) {
        break;
      }
      RETURN_IF_ERROR(ReadBody(&record));
      file.records.push_back(std::move(record));
    }
    file.path = path_;
    file.lines = std::move(lines_);
    return file;
  }

 private:
  Status Error(int line_no, const std::string& what) const {
    return Status::InvalidArgument(path_ + ":" + std::to_string(line_no) + ": " + what);
  }

  Status ParseCommand(const std::vector<std::string>& w, const std::string& line, Record* r) {
    if (w[0] == "halt" && w.size() == 1) {
      r->kind = RecordKind::kHalt;
    } else if (w[0] == "statement" && w.size() == 2 && w[1] == "ok") {
      r->kind = RecordKind::kStatementOk;
    } else if (w[0] == "statement" && w.size() >= 3 && w[1] == "error") {
      r->kind = RecordKind::kStatementError;
      r->sqlstate = w[2];
      if (r->sqlstate.size() != 5) {
        return Error(r->line, "a SQLSTATE has five characters: " + r->sqlstate);
      }
      // Then an optional @position, then the regex: the rest of the line, spaces included.
      size_t at = line.find(r->sqlstate, line.find("error") + 5) + r->sqlstate.size();
      size_t begin = line.find_first_not_of(" \t", at);
      if (begin != std::string::npos && line[begin] == '@') {
        size_t end = line.find_first_of(" \t", begin);
        std::string digits =
            line.substr(begin + 1, end == std::string::npos ? end : end - begin - 1);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
          return Error(r->line, "expected @<position>: " + line.substr(begin));
        }
        r->error_position = std::stoi(digits);
        begin = end == std::string::npos ? end : line.find_first_not_of(" \t", end);
      }
      if (begin != std::string::npos) {
        r->message_regex = line.substr(begin);
      }
    } else if (w[0] == "query" && (w.size() == 2 || w.size() == 3)) {
      r->kind = RecordKind::kQuery;
      r->column_types = w[1];
      if (w.size() == 3) {
        if (w[2] == "nosort") {
          r->sort = SortMode::kNoSort;
        } else if (w[2] == "rowsort") {
          r->sort = SortMode::kRowSort;
        } else if (w[2] == "valuesort") {
          r->sort = SortMode::kValueSort;
        } else {
          return Error(r->line, "unknown sort mode " + w[2]);
        }
      }
    } else if (w[0] == "let" && w.size() == 2) {
      r->kind = RecordKind::kLet;
      r->variable = w[1][0] == '$' ? w[1].substr(1) : w[1];
    } else {
      return Error(r->line, "unknown record: " + line);
    }
    return Status::OK();
  }

  // The SQL lines (up to a blank line, or `----` in a query), then a query's expected lines.
  Status ReadBody(Record* r) {
    std::string sql;
    r->sql_line = i_ + 1;
    while (i_ < static_cast<int>(lines_.size()) && !IsBlank(lines_[i_]) &&
           !(r->kind == RecordKind::kQuery && lines_[i_] == "----")) {
      if (!sql.empty()) {
        sql += '\n';
      }
      sql += lines_[i_++];
    }
    if (sql.empty()) {
      return Error(r->line, "record without SQL");
    }
    r->sql = std::move(sql);
    if (r->kind != RecordKind::kQuery || i_ >= static_cast<int>(lines_.size()) ||
        lines_[i_] != "----") {
      return Status::OK();
    }
    r->separator_index = i_++;
    while (i_ < static_cast<int>(lines_.size()) && !lines_[i_].empty()) {
      r->expected.push_back(lines_[i_++]);
    }
    r->expected_end_index = i_;
    return Status::OK();
  }

  const std::string path_;
  std::vector<std::string> lines_;
  int i_ = 0;  // index of the next line to read
};

}  // namespace

Result<TestFile> ParseTestFile(std::string path, std::string_view contents) {
  return Parser(std::move(path), SplitLines(contents)).Parse();
}

bool RunsOn(const Record& record, std::string_view backend) {
  auto named = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), backend) != list.end();
  };
  if (named(record.skip_if)) {
    return false;
  }
  return record.only_if.empty() || named(record.only_if);
}

}  // namespace blockdb::sqllogic
