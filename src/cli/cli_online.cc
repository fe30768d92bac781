#include "cli/cli_online.h"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "cli/cli_commands.h"
#include "common/coding.h"
#include "common/env.h"
#include "common/logging.h"
#include "engine/ledger/proof_json.h"

namespace blockdb::cli {
namespace {

using Clock = std::chrono::steady_clock;

// libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...");
// keeps the first line, without the "connection to server at ..." preamble that repeats the
// address the caller prints anyway.
std::string OneLine(std::string text) {
  const size_t newline = text.find('\n');
  if (newline != std::string::npos) {
    text.resize(newline);
  }
  const size_t failed = text.find(" failed: ");
  if (text.starts_with("connection to server") && failed != std::string::npos) {
    text.erase(0, failed + 9);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

Expected<int> ParsePositiveInt(std::string_view name, const std::string& text, int max) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 1 || v > max) {
    return Failure{kExitUsage, "--" + std::string(name) + " must be an integer from 1 to " +
                                   std::to_string(max) + ", got '" + text + "'"};
  }
  return v;
}

std::string OptionOr(const cxxopts::ParseResult& args, const char* name, std::string fallback) {
  return args.count(name) > 0 ? args[name].as<std::string>() : fallback;
}

}  // namespace

int Report(std::string_view command, const Failure& failure) {
  std::fprintf(stderr, "blockdb-cli %.*s: %s\n", static_cast<int>(command.size()), command.data(),
               failure.message.c_str());
  return failure.exit_code;
}

// --- Options -----------------------------------------------------------------------------------

void AddPgOptions(cxxopts::Options* options) {
  auto text = [] { return cxxopts::value<std::string>(); };
  options->add_options("connection")("host", "PostgreSQL host (default 127.0.0.1)", text())(
      "port", "PostgreSQL port (default 5433)", text())("user", "user (default blockdb)", text())(
      "dbname", "database (default blockdb)", text())(
      "connect-timeout", "seconds allowed to connect (default 10)", text());
}

void AddHttpOptions(cxxopts::Options* options) {
  auto text = [] { return cxxopts::value<std::string>(); };
  options->add_options("connection")("http-host", "HTTP sidecar host (default 127.0.0.1)", text())(
      "http-port", "HTTP sidecar port (default 8080)", text())(
      "token", "admin token (default: $BLOCKDB_ADMIN_TOKEN)", text())(
      "connect-timeout", "seconds allowed for the request (default 10)", text());
}

Expected<PgTarget> PgTargetFrom(const cxxopts::ParseResult& args) {
  PgTarget target;
  target.host = OptionOr(args, "host", target.host);
  target.user = OptionOr(args, "user", target.user);
  target.dbname = OptionOr(args, "dbname", target.dbname);
  if (args.count("port") > 0) {
    int port = 0;
    CLI_TAKE_OR_RETURN(port, ParsePositiveInt("port", args["port"].as<std::string>(), 65535));
    target.port = std::to_string(port);
  }
  if (args.count("connect-timeout") > 0) {
    CLI_TAKE_OR_RETURN(
        target.connect_timeout_s,
        ParsePositiveInt("connect-timeout", args["connect-timeout"].as<std::string>(), 3600));
  }
  return target;
}

Expected<HttpTarget> HttpTargetFrom(const cxxopts::ParseResult& args) {
  HttpTarget target;
  target.host = OptionOr(args, "http-host", target.host);
  if (args.count("http-port") > 0) {
    int port = 0;
    CLI_TAKE_OR_RETURN(port,
                       ParsePositiveInt("http-port", args["http-port"].as<std::string>(), 65535));
    target.port = static_cast<uint16_t>(port);
  }
  const char* env_token = std::getenv("BLOCKDB_ADMIN_TOKEN");
  target.token = OptionOr(args, "token", env_token != nullptr ? env_token : "");
  if (args.count("connect-timeout") > 0) {
    CLI_TAKE_OR_RETURN(
        target.timeout_s,
        ParsePositiveInt("connect-timeout", args["connect-timeout"].as<std::string>(), 3600));
  }
  return target;
}

std::variant<cxxopts::ParseResult, int> ParseCommandLine(cxxopts::Options* options, int argc,
                                                         char** argv, std::string_view command,
                                                         const char* usage) {
  auto usage_error = [&](const std::string& message) {
    std::fprintf(stderr, "blockdb-cli %.*s: %s\n\n%s", static_cast<int>(command.size()),
                 command.data(), message.c_str(), usage);
    return kExitUsage;
  };
  try {
    cxxopts::ParseResult args = options->parse(argc, argv);
    if (args.count("help") > 0) {
      std::printf("%s", usage);
      return kExitOk;
    }
    if (!args.unmatched().empty()) {
      return usage_error("unexpected argument '" + args.unmatched().front() + "'");
    }
    return args;
  } catch (const cxxopts::exceptions::exception& e) {
    // cxxopts reports command-line errors by throwing; they end here as usage errors.
    return usage_error(e.what());
  }
}

// --- PostgreSQL protocol ------------------------------------------------------------------------

int QueryResult::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Expected<std::unique_ptr<PgConnection>> PgConnection::Connect(const PgTarget& target) {
  const std::string timeout = std::to_string(target.connect_timeout_s);
  const char* keys[] = {"host", "port", "user", "dbname", "connect_timeout", "application_name",
                        nullptr};
  const char* values[] = {target.host.c_str(),
                          target.port.c_str(),
                          target.user.c_str(),
                          target.dbname.c_str(),
                          timeout.c_str(),
                          "blockdb-cli",
                          nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/0);
  const std::string where = target.host + ":" + target.port;
  if (conn == nullptr) {
    return Failure{kExitUnreachable, "cannot connect to " + where + ": out of memory"};
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    Failure failure{kExitUnreachable, "cannot connect to the PostgreSQL port " + where + ": " +
                                          OneLine(PQerrorMessage(conn))};
    PQfinish(conn);
    return failure;
  }
  return std::unique_ptr<PgConnection>(new PgConnection(conn, where));
}

PgConnection::~PgConnection() { PQfinish(static_cast<PGconn*>(conn_)); }

namespace {

// Waits for the result of the statement sent on `conn`, calling on_wait about every 100 ms.
// False when the connection broke.
bool AwaitResult(PGconn* conn,
                 const std::function<void(std::chrono::steady_clock::duration)>& on_wait) {
  const auto start = Clock::now();
  while (PQisBusy(conn) == 1) {
    pollfd fd{PQsocket(conn), POLLIN, 0};
    const int ready = poll(&fd, 1, 100);
    if (ready < 0 && errno != EINTR) {
      return false;
    }
    if (ready > 0 && PQconsumeInput(conn) == 0) {
      return false;
    }
    if (on_wait) {
      on_wait(Clock::now() - start);
    }
  }
  return true;
}

Failure ServerError(PGresult* result, const std::string& where) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string sqlstate = state != nullptr ? state : "";
  const std::string text = message != nullptr ? message : OneLine(PQresultErrorMessage(result));
  const bool input = sqlstate.starts_with("22") || sqlstate.starts_with("42");
  return Failure{input ? kExitUsage : kExitServer,
                 "the server at " + where + " answered " +
                     (sqlstate.empty() ? std::string("an error") : sqlstate) + ": " + text};
}

}  // namespace

Expected<QueryResult> PgConnection::Query(
    const std::string& sql,
    const std::function<void(std::chrono::steady_clock::duration)>& on_wait) {
  PGconn* conn = static_cast<PGconn*>(conn_);
  if (PQsendQuery(conn, sql.c_str()) == 0 || !AwaitResult(conn, on_wait)) {
    return Failure{kExitUnreachable,
                   "lost the connection to " + where_ + ": " + OneLine(PQerrorMessage(conn))};
  }
  Expected<QueryResult> out = Failure{kExitServer, "the server at " + where_ + " sent no result"};
  while (PGresult* result = PQgetResult(conn)) {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_TUPLES_OK && std::holds_alternative<Failure>(out)) {
      QueryResult rows;
      for (int c = 0; c < PQnfields(result); ++c) {
        rows.columns.emplace_back(PQfname(result, c));
      }
      for (int r = 0; r < PQntuples(result); ++r) {
        auto& row = rows.rows.emplace_back();
        for (int c = 0; c < PQnfields(result); ++c) {
          if (PQgetisnull(result, r, c) == 1) {
            row.emplace_back(std::nullopt);
          } else {
            row.emplace_back(std::string(PQgetvalue(result, r, c), PQgetlength(result, r, c)));
          }
        }
      }
      out = std::move(rows);
    } else if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) {
      out = ServerError(result, where_);
    }
    PQclear(result);
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    return Failure{kExitUnreachable,
                   "lost the connection to " + where_ + ": " + OneLine(PQerrorMessage(conn))};
  }
  return out;
}

std::string SqlLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  out += '\'';
  return out;
}

// --- Digests, hashes, JSON ----------------------------------------------------------------------

Expected<Hash256> ParseHashField(std::string_view what, std::string_view hex, int exit_code) {
  std::optional<std::string> bytes = FromHex(hex);
  Hash256 hash;
  if (!bytes || bytes->size() != hash.size()) {
    return Failure{exit_code,
                   std::string(what) + " must be 64 hex digits, got '" + std::string(hex) + "'"};
  }
  std::memcpy(hash.data(), bytes->data(), hash.size());
  return hash;
}

Expected<uint64_t> ParseCountField(std::string_view what, std::string_view text, int exit_code) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Failure{exit_code, std::string(what) + " must be a non-negative integer, got '" +
                                  std::string(text) + "'"};
  }
  return v;
}

Expected<std::vector<Hash256>> ParsePathField(std::string_view what, std::string_view text,
                                              int exit_code) {
  std::vector<Hash256> path;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    Hash256 hash;
    CLI_TAKE_OR_RETURN(hash, ParseHashField(what, text.substr(start, comma - start), exit_code));
    path.push_back(hash);
    start = comma + 1;
  }
  if (!text.empty() && text.back() == ',') {
    return Failure{exit_code, std::string(what) + " ends with a comma"};
  }
  return path;
}

std::string HashHex(const Hash256& hash) { return ToHex(AsBytes(hash)); }

Expected<TrustedDigest> ParseTrustedDigest(const std::string& arg) {
  TrustedDigest out;
  const size_t colon = arg.find(':');
  const size_t brace = arg.find_first_not_of(" \t\r\n");
  if (colon != std::string::npos && colon > 0 && arg.find_first_not_of("0123456789") == colon) {
    CLI_TAKE_OR_RETURN(out.tree_size,
                       ParseCountField("--digest's tree size",
                                       std::string_view(arg).substr(0, colon), kExitUsage));
    CLI_TAKE_OR_RETURN(
        out.root, ParseHashField("--digest's root hash", std::string_view(arg).substr(colon + 1),
                                 kExitUsage));
    return out;
  }
  std::string json = arg;
  if (brace == std::string::npos || arg[brace] != '{') {
    Result<std::string> contents = ReadFileToString(Env::Default(), arg);
    if (!contents.ok()) {
      return Failure{kExitUsage,
                     "cannot read --digest file " + arg + ": " + contents.status().ToString()};
    }
    json = std::move(*contents);
  }
  while (!json.empty() && (json.back() == '\n' || json.back() == '\r' || json.back() == ' ')) {
    json.pop_back();  // a saved digest usually ends with a newline
  }
  Result<ledger::Digest> digest = ledger::ParseDigestJson(json);
  if (!digest.ok()) {
    return Failure{kExitUsage, "--digest: " + digest.status().message()};
  }
  out.tree_size = digest->tree_size;
  out.root = digest->root;
  out.full = *digest;
  return out;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  AppendJsonEscaped(text, &out);
  out += '"';
  return out;
}

void JsonObject::Name(std::string_view name) {
  if (text_.size() > 1) {
    text_ += ',';
  }
  text_ += JsonQuote(name);
  text_ += ':';
}

JsonObject& JsonObject::String(std::string_view name, std::string_view value) {
  Name(name);
  text_ += JsonQuote(value);
  return *this;
}

JsonObject& JsonObject::Number(std::string_view name, uint64_t value) {
  Name(name);
  text_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::Double(std::string_view name, double value) {
  Name(name);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  text_.append(buf, end);
  return *this;
}

JsonObject& JsonObject::Bool(std::string_view name, bool value) {
  Name(name);
  text_ += value ? "true" : "false";
  return *this;
}

JsonObject& JsonObject::Null(std::string_view name) {
  Name(name);
  text_ += "null";
  return *this;
}

JsonObject& JsonObject::Raw(std::string_view name, std::string_view json) {
  Name(name);
  text_ += json;
  return *this;
}

}  // namespace blockdb::cli
