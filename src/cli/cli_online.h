// What the online commands of blockdb-cli (status, metrics, digest, verify, prove) share: how they
// reach a running server (the PostgreSQL protocol through libpq, the HTTP sidecar through a plain
// HTTP/1.1 GET), how they report failures (one line on standard error, an exit code from
// cli_commands.h), how they read a saved digest and how they write --json output.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <cxxopts.hpp>

#include "common/sha256.h"
#include "engine/ledger/proof.h"

namespace blockdb::cli {

// Why a command stops early: the exit code and one line for standard error.
struct Failure {
  int exit_code;
  std::string message;
};

// A value or the Failure that prevented it.
template <typename T>
using Expected = std::variant<T, Failure>;

// Unwraps an Expected<T> into `out`, or returns its Failure from the enclosing function (which
// returns an Expected<...> or a Failure).
#define CLI_TAKE_OR_RETURN(out, expr)                     \
  do {                                                    \
    auto _expected = (expr);                              \
    if (auto* _fail = std::get_if<Failure>(&_expected)) { \
      return std::move(*_fail);                           \
    }                                                     \
    out = std::move(std::get<0>(_expected));              \
  } while (0)

// Prints "blockdb-cli <command>: <message>" on standard error; returns the failure's exit code.
int Report(std::string_view command, const Failure& failure);

// --- Options -----------------------------------------------------------------------------------

// --host, --port, --user, --dbname, --connect-timeout (PostgreSQL protocol).
void AddPgOptions(cxxopts::Options* options);
// --http-host, --http-port, --token, --connect-timeout (HTTP sidecar).
void AddHttpOptions(cxxopts::Options* options);

struct PgTarget {
  std::string host = "127.0.0.1";
  std::string port = "5433";
  std::string user = "blockdb";
  std::string dbname = "blockdb";
  int connect_timeout_s = 10;
};

struct HttpTarget {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string token;  // empty: no Authorization header
  int timeout_s = 10;
};

// The targets the parsed options describe (defaults for options not given); usage failures for
// malformed ports and timeouts.
Expected<PgTarget> PgTargetFrom(const cxxopts::ParseResult& args);
Expected<HttpTarget> HttpTargetFrom(const cxxopts::ParseResult& args);

// Parses argv with `options`. Returns the parse result, or the exit code to return at once: 0
// after printing `usage` for --help, 2 after printing the error and `usage` for bad options or
// unexpected positional arguments (positional names must be declared with parse_positional).
std::variant<cxxopts::ParseResult, int> ParseCommandLine(cxxopts::Options* options, int argc,
                                                         char** argv, std::string_view command,
                                                         const char* usage);

// --- PostgreSQL protocol ------------------------------------------------------------------------

// One result set in text format; a SQL NULL is nullopt.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;

  // Index of the column called `name`, or -1.
  int Column(std::string_view name) const;
};

// A libpq connection. Not thread-safe.
class PgConnection {
 public:
  // Connects and authenticates (libpq reads a password from PGPASSWORD or ~/.pgpass). Failure:
  // kExitUnreachable with libpq's reason on one line.
  static Expected<std::unique_ptr<PgConnection>> Connect(const PgTarget& target);
  ~PgConnection();

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with the simple protocol. `on_wait(elapsed)` (may be empty) is called
  // about every 100 ms while the server works on it. Failures: the server's error as
  // "SQLSTATE: message" (kExitUsage for SQLSTATE classes 22 and 42, which blame the input,
  // kExitServer otherwise), kExitUnreachable when the connection breaks.
  Expected<QueryResult> Query(
      const std::string& sql,
      const std::function<void(std::chrono::steady_clock::duration)>& on_wait = {});

  const std::string& where() const { return where_; }

 private:
  PgConnection(void* conn, std::string where) : conn_(conn), where_(std::move(where)) {}

  void* conn_;         // PGconn*
  std::string where_;  // "host:port", for messages
};

// `text` as a SQL string literal ('it''s').
std::string SqlLiteral(std::string_view text);

// --- HTTP sidecar -------------------------------------------------------------------------------

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// GET `path` with "Connection: close" (and the bearer token when set); any status code is an
// answer. Failure: kExitUnreachable when the connection cannot be made or breaks, kExitServer
// when the answer is not HTTP.
Expected<HttpAnswer> HttpGet(const HttpTarget& target, const std::string& path);

// --- Ledger queries (cli_digest.cc) ------------------------------------------------------------

// The value of column `name` in row `row`; kExitServer when the column is missing or NULL.
Expected<std::string> Field(const QueryResult& result, size_t row, std::string_view name);

// SELECT * FROM blockdb_digest(). kExitServer when the answer has another shape.
Expected<ledger::Digest> FetchDigest(PgConnection* conn);

// Checks that the tree (old_size, old_root), which the caller trusts, is a prefix of the tree
// (new_size, new_root): fetches blockdb_consistency_proof(old_size, new_size) and verifies it
// here. Returns the proof (empty when the sizes are equal). kExitFailed, saying why, when it does
// not hold: a smaller new tree, other roots in the server's proof, a proof that does not verify.
Expected<ledger::ConsistencyProof> CheckConsistency(PgConnection* conn, uint64_t old_size,
                                                    const Hash256& old_root, uint64_t new_size,
                                                    const Hash256& new_root);

// --- Digests, hashes, JSON ----------------------------------------------------------------------

// A digest the user trusts (--digest): the JSON of proof_json.h (inline, or the name of a file
// holding it), or "TREE_SIZE:ROOT_HASH". Block fields are known only from the JSON.
struct TrustedDigest {
  uint64_t tree_size = 0;
  Hash256 root{};
  std::optional<ledger::Digest> full;  // when given as JSON
};
Expected<TrustedDigest> ParseTrustedDigest(const std::string& arg);

// 64 hex digits -> hash; `what` names the field in the failure (kExitServer: values the server
// sent are parsed with this).
Expected<Hash256> ParseHashField(std::string_view what, std::string_view hex, int exit_code);
Expected<uint64_t> ParseCountField(std::string_view what, std::string_view text, int exit_code);
// "h1,h2,..." -> hashes; "" is an empty path.
Expected<std::vector<Hash256>> ParsePathField(std::string_view what, std::string_view text,
                                              int exit_code);
std::string HashHex(const Hash256& hash);

// Builds one JSON object on one line, members in the order added.
class JsonObject {
 public:
  JsonObject& String(std::string_view name, std::string_view value);
  JsonObject& Number(std::string_view name, uint64_t value);
  JsonObject& Double(std::string_view name, double value);
  JsonObject& Bool(std::string_view name, bool value);
  JsonObject& Null(std::string_view name);
  // `json` must be valid JSON.
  JsonObject& Raw(std::string_view name, std::string_view json);
  std::string Done() const { return text_ + "}"; }

 private:
  void Name(std::string_view name);
  std::string text_ = "{";
};

// A JSON string literal.
std::string JsonQuote(std::string_view text);

}  // namespace blockdb::cli
