// blockdb-cli status and metrics: what the HTTP sidecar serves (docs/protocol/http.md).
//
//   status  [--json] [--http-host H] [--http-port P] [--token T]
//   metrics [NAME_PREFIX...] [--json] [--http-host H] [--http-port P] [--token T]
//
// status reads GET /ready and GET /status: exit 0 when the node is ready, 1 when it answers but
// cannot commit. metrics prints GET /metrics (the families whose name starts with one of the
// prefixes, when given). Exit 3 when the sidecar cannot be reached or refuses the token, 4 when it
// answers with an unexpected status.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_commands.h"
#include "cli/cli_online.h"
#include "engine/ledger/proof_json.h"

namespace blockdb::cli {
namespace {

constexpr const char* kStatusUsage =
    "usage: blockdb-cli status [--json] [--http-host H] [--http-port P] [--token T]\n"
    "\n"
    "Reads the node's readiness and status document from its HTTP sidecar (default\n"
    "127.0.0.1:8080). --token (or BLOCKDB_ADMIN_TOKEN) is needed from another machine when the\n"
    "server has an admin token. Exit codes: 0 ready, 1 the node answers but cannot commit,\n"
    "2 usage error, 3 cannot connect or access refused, 4 unexpected answer.\n";

constexpr const char* kMetricsUsage =
    "usage: blockdb-cli metrics [NAME_PREFIX...] [--json] [--http-host H] [--http-port P]\n"
    "                           [--token T]\n"
    "\n"
    "Prints the node's Prometheus metrics from its HTTP sidecar; with prefixes, only the metrics\n"
    "whose name starts with one of them. --json prints them as a JSON array of samples.\n"
    "Exit codes: 0 OK, 2 usage error, 3 cannot connect or access refused, 4 unexpected answer.\n";

// GET `path`, which must answer 200 (or one of `also_ok`).
Expected<HttpAnswer> GetOk(const HttpTarget& target, const std::string& path,
                           std::vector<int> also_ok = {}) {
  HttpAnswer answer;
  CLI_TAKE_OR_RETURN(answer, HttpGet(target, path));
  if (answer.status == 401) {
    return Failure{kExitUnreachable,
                   "the HTTP port refused " + path +
                       " (401): give the server's admin token with --token or BLOCKDB_ADMIN_TOKEN"};
  }
  if (answer.status != 200 &&
      std::find(also_ok.begin(), also_ok.end(), answer.status) == also_ok.end()) {
    return Failure{kExitServer, "GET " + path + " answered " + std::to_string(answer.status)};
  }
  return answer;
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

// The members of a JSON object as (name, raw value text); nullopt when `json` is not an object of
// that shape. Names with escapes are kept as written; values are not validated beyond nesting.
std::optional<std::vector<std::pair<std::string, std::string>>> Members(std::string_view json) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < json.size() && std::isspace(static_cast<unsigned char>(json[i])) != 0) ++i;
  };
  auto skip_string = [&] {  // json[i] == '"'; leaves i after the closing quote
    for (++i; i < json.size() && json[i] != '"'; ++i) {
      i += json[i] == '\\' ? 1 : 0;
    }
    return i++ < json.size();
  };
  skip_space();
  if (i >= json.size() || json[i++] != '{') return std::nullopt;
  for (skip_space(); i < json.size() && json[i] != '}';) {
    if (json[i] != '"') return std::nullopt;
    const size_t name_start = i + 1;
    if (!skip_string()) return std::nullopt;
    std::string name(json.substr(name_start, i - 1 - name_start));
    skip_space();
    if (i >= json.size() || json[i++] != ':') return std::nullopt;
    skip_space();
    const size_t value_start = i;
    int depth = 0;
    while (i < json.size() && (depth > 0 || (json[i] != ',' && json[i] != '}'))) {
      if (json[i] == '"') {
        if (!skip_string()) return std::nullopt;
        continue;
      }
      depth += (json[i] == '{' || json[i] == '[') ? 1 : (json[i] == '}' || json[i] == ']') ? -1 : 0;
      ++i;
    }
    std::string value(json.substr(value_start, i - value_start));
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())) != 0) {
      value.pop_back();
    }
    out.emplace_back(std::move(name), std::move(value));
    if (i < json.size() && json[i] == ',') ++i;
    skip_space();
  }
  return out;
}

// A member's value for people: strings without quotes, the ledger digest spelled out.
std::string Readable(const std::string& name, const std::string& value) {
  if (name == "ledger_digest" && value.starts_with("{")) {
    if (Result<ledger::Digest> d = ledger::ParseDigestJson(value); d.ok()) {
      return std::to_string(d->tree_size) + " entries, root " + HashHex(d->root) + ", block " +
             std::to_string(d->last_block_index) + " (hash " + HashHex(d->last_block_hash) + ")";
    }
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"' &&
      value.find('\\') == std::string::npos) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

int Status(const cxxopts::ParseResult& args) {
  HttpTarget target;
  HttpAnswer ready;
  HttpAnswer status;
  auto run = [&]() -> std::optional<Failure> {
    CLI_TAKE_OR_RETURN(target, HttpTargetFrom(args));
    CLI_TAKE_OR_RETURN(ready, GetOk(target, "/ready", {503}));
    CLI_TAKE_OR_RETURN(status, GetOk(target, "/status"));
    return std::nullopt;
  };
  if (std::optional<Failure> failure = run()) {
    return Report("status", *failure);
  }
  const std::string doc = Trimmed(status.body);
  auto members = Members(doc);
  if (!members) {
    return Report("status", {kExitServer, "GET /status did not answer a JSON object"});
  }
  const bool is_ready = ready.status == 200;
  const std::string reason = Trimmed(ready.body);
  const std::string where = target.host + ":" + std::to_string(target.port);
  if (args.count("json") > 0) {
    JsonObject out;
    out.String("http", where).Bool("ready", is_ready);
    is_ready ? out.Null("not_ready_reason") : out.String("not_ready_reason", reason);
    std::printf("%s\n", out.Raw("status", doc).Done().c_str());
  } else {
    std::printf("%-16s %s\n", "http:", where.c_str());
    std::printf("%-16s %s\n", "ready:", is_ready ? "yes" : ("no: " + reason).c_str());
    for (const auto& [name, value] : *members) {
      std::printf("%-16s %s\n", (name + ":").c_str(), Readable(name, value).c_str());
    }
  }
  return is_ready ? kExitOk : kExitFailed;
}

bool Selected(std::string_view line, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) {
    return true;
  }
  if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
    line.remove_prefix(7);
  }
  for (const std::string& prefix : prefixes) {
    if (line.starts_with(prefix)) {
      return true;
    }
  }
  return false;
}

// `name{a="x",b="y"} value` -> {"name":..,"labels":{..},"value":..}; nullopt for other lines.
std::optional<std::string> SampleJson(std::string_view line) {
  const size_t space = line.rfind(' ');
  if (line.empty() || line[0] == '#' || space == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view series = line.substr(0, space);
  const std::string_view value = line.substr(space + 1);
  JsonObject sample;
  const size_t brace = series.find('{');
  sample.String("name", series.substr(0, brace));
  JsonObject labels;
  if (brace != std::string_view::npos && series.ends_with("}")) {
    std::string_view rest = series.substr(brace + 1, series.size() - brace - 2);
    while (!rest.empty()) {
      const size_t eq = rest.find("=\"");
      if (eq == std::string_view::npos) break;
      std::string text;
      size_t i = eq + 2;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) {
          ++i;
          text += rest[i] == 'n' ? '\n' : rest[i];
        } else {
          text += rest[i];
        }
      }
      labels.String(rest.substr(0, eq), text);
      rest.remove_prefix(std::min(rest.size(), i + 1));
      if (!rest.empty() && rest[0] == ',') rest.remove_prefix(1);
    }
  }
  sample.Raw("labels", labels.Done());
  double number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec == std::errc() && end == value.data() + value.size() && std::isfinite(number)) {
    sample.Raw("value", value);
  } else {
    sample.String("value", value);  // +Inf, -Inf, NaN: JSON has no such numbers
  }
  return sample.Done();
}

int Metrics(const cxxopts::ParseResult& args) {
  HttpTarget target;
  HttpAnswer answer;
  auto run = [&]() -> std::optional<Failure> {
    CLI_TAKE_OR_RETURN(target, HttpTargetFrom(args));
    CLI_TAKE_OR_RETURN(answer, GetOk(target, "/metrics"));
    return std::nullopt;
  };
  if (std::optional<Failure> failure = run()) {
    return Report("metrics", *failure);
  }
  std::vector<std::string> prefixes;
  if (args.count("prefixes") > 0) {
    prefixes = args["prefixes"].as<std::vector<std::string>>();
  }
  const bool json = args.count("json") > 0;
  std::string out = json ? "[" : "";
  size_t start = 0;
  while (start < answer.body.size()) {
    size_t end = answer.body.find('\n', start);
    end = end == std::string::npos ? answer.body.size() : end;
    const std::string_view line = std::string_view(answer.body).substr(start, end - start);
    start = end + 1;
    if (!Selected(line, prefixes)) {
      continue;
    }
    if (!json) {
      out.append(line).append("\n");
    } else if (std::optional<std::string> sample = SampleJson(line)) {
      out.append(out.size() > 1 ? "," : "").append(*sample);
    }
  }
  std::fputs(json ? (out + "]\n").c_str() : out.c_str(), stdout);
  return kExitOk;
}

cxxopts::Options MakeOptions(const char* name, const char* description) {
  cxxopts::Options options(name, description);
  AddHttpOptions(&options);
  options.add_options()("json", "print JSON")("h,help", "print this help");
  return options;
}

}  // namespace

int RunStatus(int argc, char** argv) {
  cxxopts::Options options = MakeOptions("blockdb-cli status", "A node's status");
  auto parsed = ParseCommandLine(&options, argc, argv, "status", kStatusUsage);
  if (const int* code = std::get_if<int>(&parsed)) {
    return *code;
  }
  return Status(std::get<cxxopts::ParseResult>(parsed));
}

int RunMetrics(int argc, char** argv) {
  cxxopts::Options options = MakeOptions("blockdb-cli metrics", "A node's metrics");
  options.add_options()("prefixes", "metric name prefixes",
                        cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"prefixes"});
  auto parsed = ParseCommandLine(&options, argc, argv, "metrics", kMetricsUsage);
  if (const int* code = std::get_if<int>(&parsed)) {
    return *code;
  }
  return Metrics(std::get<cxxopts::ParseResult>(parsed));
}

}  // namespace blockdb::cli
