// Session settings with PostgreSQL 15's names, defaults and the ParameterStatus set. BlockDB
// shows ISO dates and speaks UTF-8 only; settings that would change that accept only the values
// BlockDB implements (22023 otherwise), so clients can set them to what they expect. TimeZone
// takes PostgreSQL's values (default UTC, never the node's own zone).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "sql/exec/executor.h"
#include "sql/types/errors.h"

namespace blockdb::sql::exec {
namespace {

std::string FormatMillis(long long ms);
std::string FormatKilobytes(long long kb);

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status BadValue(std::string_view name, std::string_view value) {
  return InvalidParameterValue("invalid value for parameter \"" + std::string(name) + "\": \"" +
                               std::string(value) + "\"");
}

// A setting's number and its unit, as PostgreSQL reads "64kB" or "5 s": a leading integer, then
// the rest without leading spaces (lower-cased like `v`). nullopt without a leading integer.
std::optional<std::pair<long long, std::string>> NumberAndUnit(const std::string& v) {
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    std::string unit = v.substr(used);
    while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
    return std::make_pair(n, std::move(unit));
  } catch (...) {
    return std::nullopt;
  }
}

// Canonical value of `name` set to `value`, or an error. Settings not listed take any value.
Result<std::string> Canonical(const std::string& name, const std::string& value) {
  std::string v = Lower(value);
  if (name == "client_encoding") {
    if (v == "utf8" || v == "utf-8" || v == "unicode") return std::string("UTF8");
    return BadValue(name, value);
  }
  if (name == "datestyle") {
    if (v.rfind("iso", 0) == 0) return std::string("ISO, MDY");
    return BadValue(name, value);
  }
  if (name == "timezone") {
    if (v == "utc" || v == "gmt" || v == "etc/utc" || v == "z" || v == "zulu" || v == "universal" ||
        v == "+00" || v == "00:00" || v == "0") {
      return std::string(value == "0" ? "UTC" : value);
    }
    // A number is hours east of UTC (SQL's sign, unlike POSIX zone strings), as in PostgreSQL.
    char* end = nullptr;
    const double hours = std::strtod(value.c_str(), &end);
    if (!value.empty() && end != value.c_str() && *end == '\0') {
      if (!(std::fabs(hours) < 24)) {
        return BadValue("TimeZone", value);
      }
      return TimeZone::FixedOffset(std::llround(hours * 3600)).name();
    }
    Result<TimeZone> zone = TimeZone::FromName(value);
    if (!zone.ok()) {
      return BadValue("TimeZone", value);
    }
    return zone.value().name();
  }
  if (name == "intervalstyle") {
    if (v == "postgres") return v;
    return BadValue(name, value);
  }
  if (name == "extra_float_digits") {
    try {
      int n = std::stoi(v);
      if (n >= -15 && n <= 3) return std::to_string(n);
    } catch (...) {
    }
    return BadValue(name, value);
  }
  if (name == "statement_timeout" || name == "lock_timeout" ||
      name == "idle_in_transaction_session_timeout") {
    // Milliseconds, or a number with a unit (ms, s, min, h).
    if (auto nu = NumberAndUnit(v)) {
      const auto& [n, unit] = *nu;
      long long mult = unit.empty() || unit == "ms" ? 1
                       : unit == "s"                ? 1000
                       : unit == "min"              ? 60000
                       : unit == "h"                ? 3600000
                                                    : -1;
      if (n >= 0 && mult > 0) return FormatMillis(n * mult);
    }
    return BadValue(name, value);
  }
  if (name == "max_parallel_workers_per_gather") {
    try {
      size_t used = 0;
      int n = std::stoi(v, &used);
      if (used == v.size() && n >= 0 && n <= 1024) return std::to_string(n);
    } catch (...) {
    }
    return BadValue(name, value);
  }
  if (name == "work_mem") {
    // Kilobytes, or a number with a unit (kB, MB, GB, TB), 64kB to 2147483647kB as PostgreSQL.
    if (auto nu = NumberAndUnit(v)) {
      const auto& [n, unit] = *nu;
      long long kb = unit.empty() || unit == "kb" ? 1
                     : unit == "mb"               ? 1024
                     : unit == "gb"               ? 1024 * 1024
                     : unit == "tb"               ? 1024ll * 1024 * 1024
                                                  : -1;
      if (kb > 0 && n >= 0 && n <= 2147483647ll / kb && n * kb >= 64) {
        return FormatKilobytes(n * kb);
      }
    }
    return BadValue(name, value);
  }
  if (name == "min_parallel_table_scan_size") {
    // 8 kB blocks, or a number with a unit (kB, MB, GB), as PostgreSQL takes it.
    if (auto nu = NumberAndUnit(v)) {
      const auto& [n, unit] = *nu;
      long long kb = unit.empty()   ? 8
                     : unit == "kb" ? 1
                     : unit == "mb" ? 1024
                     : unit == "gb" ? 1024 * 1024
                                    : -1;
      if (n >= 0 && kb > 0 && n <= (1ll << 40) / kb) return FormatKilobytes(n * kb);
    }
    return BadValue(name, value);
  }
  if (name == "transaction_isolation" || name == "default_transaction_isolation") {
    if (v == "serializable" || v == "repeatable read" || v == "read committed" ||
        v == "read uncommitted") {
      return v;
    }
    return BadValue(name, value);
  }
  if (name == "standard_conforming_strings") {
    if (v == "on" || v == "true") return std::string("on");
    return BadValue(name, value);
  }
  return value;
}

// PostgreSQL's display of a time setting: the largest unit that divides it ("5s", "1min").
std::string FormatMillis(long long ms) {
  if (ms == 0) return "0";
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "min";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// PostgreSQL's display of a memory setting: the largest unit that divides it ("8MB", "64kB").
std::string FormatKilobytes(long long kb) {
  if (kb != 0 && kb % (1024 * 1024) == 0) return std::to_string(kb / (1024 * 1024)) + "GB";
  if (kb != 0 && kb % 1024 == 0) return std::to_string(kb / 1024) + "MB";
  return std::to_string(kb) + "kB";
}

long long ParseMillis(const std::string& display) {
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(display, &used);
  } catch (...) {
    return 0;
  }
  std::string unit = display.substr(used);
  return unit == "h" ? n * 3600000 : unit == "min" ? n * 60000 : unit == "s" ? n * 1000 : n;
}

}  // namespace

uint64_t Settings::StatementTimeoutMs() const { return statement_timeout_ms_; }

// Every statement asks for the timeout: it is parsed here, once per change, rather than looked
// up and parsed each time.
void Settings::Changed() {
  ++generation_;
  std::optional<std::string> v = Get("statement_timeout");
  statement_timeout_ms_ = v ? static_cast<uint64_t>(ParseMillis(*v)) : 0;
  std::optional<std::string> workers = Get("max_parallel_workers_per_gather");
  parallel_workers_ = workers ? std::atoi(workers->c_str()) : 2;
  // Canonical forms: digits, then GB, MB or kB (FormatKilobytes).
  auto bytes = [](const std::string& size) {
    uint64_t unit = size.ends_with("GB") ? 1ull << 30 : size.ends_with("MB") ? 1ull << 20 : 1024;
    return static_cast<uint64_t>(std::atoll(size.c_str())) * unit;
  };
  if (std::optional<std::string> size = Get("min_parallel_table_scan_size")) {
    parallel_min_bytes_ = bytes(*size);
  }
  if (std::optional<std::string> size = Get("work_mem")) {
    work_mem_bytes_ = bytes(*size);
  }
}

uint64_t Settings::LockTimeoutMs() const {
  std::optional<std::string> v = Get("lock_timeout");
  return v ? static_cast<uint64_t>(ParseMillis(*v)) : 0;
}

Settings::Settings(const DatabaseOptions& db, const SessionOptions& session) {
  auto add = [this](const char* display, std::string value, bool reported, const char* desc) {
    settings_[Lower(display)] = Setting{display, value, value, reported, desc};
  };
  // The ParameterStatus set, in the order PostgreSQL 15 sends it.
  add("application_name", session.application_name, true, "Sets the application name.");
  add("client_encoding", "UTF8", true, "Sets the client's character set encoding.");
  add("DateStyle", "ISO, MDY", true, "Sets the display format for date and time values.");
  add("default_transaction_read_only", "off", true,
      "Sets the default read-only status of new transactions.");
  add("in_hot_standby", "off", true, "Shows whether hot standby is currently active.");
  add("integer_datetimes", "on", true, "Shows whether datetimes are integer based.");
  add("IntervalStyle", "postgres", true, "Sets the display format for interval values.");
  add("is_superuser", "on", true, "Shows whether the current user is a superuser.");
  add("server_encoding", "UTF8", true, "Shows the server (database) character set encoding.");
  add("server_version", db.server_version, true, "Shows the server version.");
  add("session_authorization", session.user, true, "Sets the session user name.");
  add("standard_conforming_strings", "on", true,
      "Causes '...' strings to treat backslashes literally.");
  add("TimeZone", "UTC", true, "Sets the time zone for displaying and interpreting time stamps.");
  // Others clients ask for with SHOW or current_setting().
  int major = 15, minor = 0;
  sscanf(db.server_version.c_str(), "%d.%d", &major, &minor);
  add("server_version_num", std::to_string(major * 10000 + minor), false,
      "Shows the server version as an integer.");
  add("extra_float_digits", "1", false, "Sets the number of digits displayed for floats.");
  add("search_path", "\"$user\", public", false, "Sets the schema search order.");
  add("transaction_isolation", "serializable", false,
      "Sets the current transaction's isolation level.");
  add("default_transaction_isolation", "serializable", false,
      "Sets the transaction isolation level of each new transaction.");
  add("transaction_read_only", "off", false, "Sets the current transaction's read-only status.");
  add("statement_timeout", FormatMillis(static_cast<long long>(session.statement_timeout_ms)),
      false, "Sets the maximum allowed duration of any statement (ms).");
  add("lock_timeout", "0", false, "Sets the maximum allowed duration of any wait for a lock.");
  add("idle_in_transaction_session_timeout", "0", false,
      "Sets the maximum allowed idle time between queries, when in a transaction.");
  add("work_mem", FormatKilobytes(static_cast<long long>(db.work_mem / 1024)), false,
      "Sets the maximum memory to be used for query workspaces.");
  add("max_parallel_workers_per_gather", "2", false,
      "Sets the maximum number of parallel processes per executor node.");
  add("min_parallel_table_scan_size", "8MB", false,
      "Sets the minimum amount of table data for a parallel scan.");
  add("max_identifier_length", "63", false, "Shows the maximum identifier length.");
  add("lc_collate", "C", false, "Shows the collation order locale.");
  add("lc_ctype", "C", false, "Shows the character classification and case conversion locale.");
  add("max_connections", "100", false, "Sets the maximum number of concurrent connections.");
  add("block_size", "8192", false, "Shows the size of a disk block.");
  add("max_index_keys", "32", false, "Shows the maximum number of index keys.");
  add("role", "none", false, "Sets the current role.");
  add("synchronous_commit", "on", false, "Sets the current transaction's synchronization level.");
  add("bytea_output", "hex", false, "Sets the output format for bytea.");
  add("row_security", "on", false, "Enable row security.");
  add("jit", "off", false, "Allow JIT compilation.");
  for (const auto& [name, value] : session.parameters) {
    std::string key = Lower(name);
    if (key == "user" || key == "database" || key == "options" || key == "replication") continue;
    Status s = Set(key, value);  // bad startup values fall back to the default, as harmless
    (void)s;
  }
  for (auto& [key, setting] : settings_) setting.default_value = setting.value;
  changed_.clear();
  Changed();
}

std::optional<std::string> Settings::Get(std::string_view name) const {
  auto it = settings_.find(Lower(name));
  if (it == settings_.end()) return std::nullopt;
  return it->second.value;
}

Status Settings::Set(std::string_view name, std::string value) {
  std::string key = Lower(name);
  auto it = settings_.find(key);
  if (it == settings_.end()) {
    if (key.find('.') == std::string::npos) {
      return Status::InvalidArgument("unrecognized configuration parameter \"" + key + "\"")
          .WithSqlState("42704");
    }
    it = settings_.emplace(key, Setting{key, "", "", false, "A custom setting."}).first;
  }
  static const char* const kReadOnly[] = {
      "server_version",    "server_version_num",    "server_encoding",
      "integer_datetimes", "max_identifier_length", "lc_collate",
      "lc_ctype",          "in_hot_standby",        "block_size",
      "max_connections",   "max_index_keys"};
  for (const char* ro : kReadOnly) {
    if (key == ro) {
      return Status::InvalidArgument("parameter \"" + key + "\" cannot be changed")
          .WithSqlState("55P02");
    }
  }
  ASSIGN_OR_RETURN(std::string canonical, Canonical(key, value));
  if (it->second.value != canonical) {
    it->second.value = std::move(canonical);
    if (it->second.reported) changed_.push_back(key);
    if (key == "timezone") SyncTimeZone();
    Changed();
  }
  return Status::OK();
}

void Settings::SyncTimeZone() {
  // Every stored value passed Canonical: a name FromName knows, a "<+02>-02" offset (a POSIX
  // string FromName reads), or a spelling of UTC (default-constructed).
  Result<TimeZone> zone = TimeZone::FromName(settings_.at("timezone").value);
  zone_ = zone.ok() ? std::move(zone).value() : TimeZone();
}

Status Settings::Reset(std::string_view name) {
  std::string key = Lower(name);
  auto it = settings_.find(key);
  if (it == settings_.end()) {
    return Status::InvalidArgument("unrecognized configuration parameter \"" + key + "\"")
        .WithSqlState("42704");
  }
  if (it->second.value != it->second.default_value) {
    it->second.value = it->second.default_value;
    if (it->second.reported) changed_.push_back(key);
    if (key == "timezone") SyncTimeZone();
    Changed();
  }
  return Status::OK();
}

void Settings::ResetAll() {
  for (auto& [key, s] : settings_) {
    if (s.value != s.default_value) {
      s.value = s.default_value;
      if (s.reported) changed_.push_back(key);
    }
  }
  SyncTimeZone();
  Changed();
}

std::vector<std::vector<Value>> Settings::ShowAll() const {
  std::vector<std::vector<Value>> rows;
  for (const auto& [key, s] : settings_) {
    rows.push_back({Value::Text(s.display_name), Value::Text(s.value), Value::Text(s.description)});
  }
  return rows;
}

std::vector<std::pair<std::string, std::string>> Settings::TakeChanges() {
  std::vector<std::pair<std::string, std::string>> out;
  std::sort(changed_.begin(), changed_.end());
  changed_.erase(std::unique(changed_.begin(), changed_.end()), changed_.end());
  for (const std::string& key : changed_) {
    const Setting& s = settings_.at(key);
    out.emplace_back(s.display_name, s.value);
  }
  changed_.clear();
  return out;
}

std::vector<std::pair<std::string, std::string>> Settings::Reported() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, s] : settings_) {
    if (s.reported) out.emplace_back(s.display_name, s.value);
  }
  return out;
}

}  // namespace blockdb::sql::exec
