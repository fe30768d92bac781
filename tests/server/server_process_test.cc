// End-to-end tests of the real blockdb-server binary: start, lock, signals, exit codes.
#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "common/env.h"
#include "util/http_client.h"
#include "util/process.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using std::chrono::milliseconds;
using testing::SpawnOptions;
using testing::Subprocess;

// Generous: a loaded CI machine may be slow to start a process; passing tests never wait this long.
constexpr milliseconds kDeadline(30'000);

const std::string kServer = BLOCKDB_BINARY_DIR "/bin/blockdb-server";

using ::blockdb::testing::TempDir;

// Runs the server with `args`, in an environment without BLOCKDB_ variables except `env`.
std::unique_ptr<Subprocess> StartServer(std::vector<std::string> args,
                                        std::vector<std::string> env = {}) {
  args.insert(args.begin(), kServer);
  SpawnOptions options;
  options.unset_env = {"BLOCKDB_*"};
  options.extra_env = std::move(env);
  Result<std::unique_ptr<Subprocess>> process = Subprocess::Spawn(args, options);
  REQUIRE_MESSAGE(process.ok(), process.status().ToString());
  return std::move(process).value();
}

// Both listeners on ports the kernel picks: tests never rely on a fixed port being free.
const std::vector<std::string> kEphemeralPorts = {"--pg-port", "0", "--http-port", "0"};

std::vector<std::string> WithEphemeralPorts(std::vector<std::string> args) {
  args.insert(args.end(), kEphemeralPorts.begin(), kEphemeralPorts.end());
  return args;
}

// The HTTP port from the line "http listening on 127.0.0.1:NNNNN", which the server logs before
// it reports "ready". REQUIRES: the server has logged "ready".
uint16_t LoggedHttpPort(const Subprocess& server) {
  std::smatch match;
  static const std::regex kLine("http listening on 127\\.0\\.0\\.1:([0-9]+)");
  REQUIRE_MESSAGE(std::regex_search(server.output(), match, kLine), server.output());
  int port = std::stoi(match[1].str());
  REQUIRE(port > 0);
  REQUIRE(port <= 65535);
  return static_cast<uint16_t>(port);
}

// Runs the server to completion and returns its exit code.
int RunToExit(Subprocess& process) {
  std::optional<int> code = process.WaitForExit(kDeadline);
  REQUIRE_MESSAGE(code.has_value(), "server still running; output:\n" << process.output());
  return *code;
}

TEST_CASE("server process: starts, locks its data directory, stops cleanly on SIGTERM") {
  TempDir tmp;
  std::string data_dir = tmp.Join("data/node1");  // parents do not exist yet
  auto server = StartServer(WithEphemeralPorts({"--data-dir", data_dir}));
  REQUIRE_MESSAGE(server->WaitForOutput("ready", kDeadline), server->output());
  // The connection hint follows the log line (stdout and stderr share the pipe).
  CHECK(server->WaitForOutput("Connect with: psql -h 127.0.0.1 -p ", kDeadline));
  CHECK(std::filesystem::is_directory(data_dir));
  CHECK(std::filesystem::exists(JoinPath(data_dir, "LOCK")));

  // A second server on the same directory refuses to start, naming the reason.
  auto second = StartServer(WithEphemeralPorts({"--data-dir", data_dir}));
  int code = RunToExit(*second);
  CHECK(code == 1);
  CHECK_MESSAGE(
      second->output().find("data directory " + data_dir + " is in use") != std::string::npos,
      second->output());

  // The first one is unaffected and shuts down cleanly.
  REQUIRE(server->Signal(SIGTERM).ok());
  CHECK(RunToExit(*server) == 0);
  CHECK_MESSAGE(server->output().find("received SIGTERM") != std::string::npos, server->output());
  CHECK(server->output().find("node 1 stopped") != std::string::npos);

  // Once it is gone, the directory can be used again (SIGINT also stops cleanly).
  auto third = StartServer(WithEphemeralPorts({"--data-dir", data_dir, "--log-format", "json"}));
  REQUIRE_MESSAGE(third->WaitForOutput("ready", kDeadline), third->output());
  CHECK(third->output().find(R"("level":"info","logger":"server","msg":"node 1 ready)") !=
        std::string::npos);
  REQUIRE(third->Signal(SIGINT).ok());
  CHECK(RunToExit(*third) == 0);
}

TEST_CASE("server process: serves /health, /ready, /metrics and /status on the port it logged") {
  using testing::HttpGet;
  using testing::HttpReply;
  TempDir tmp;
  std::string data_dir = tmp.Join("data");
  auto server = StartServer(WithEphemeralPorts({"--data-dir", data_dir}));
  REQUIRE_MESSAGE(server->WaitForOutput("ready", kDeadline), server->output());
  uint16_t port = LoggedHttpPort(*server);
  auto get = [&](std::string_view target) {
    Result<HttpReply> reply = HttpGet(port, target, kDeadline);
    REQUIRE_MESSAGE(reply.ok(), reply.status().ToString());
    return std::move(reply).value();
  };

  HttpReply health = get("/health");
  CHECK(health.status == 200);
  CHECK(health.body == "ok\n");
  HttpReply ready = get("/ready");
  CHECK(ready.status == 200);
  CHECK(ready.body == "ready\n");

  HttpReply metrics = get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.Header("content-type").starts_with("text/plain; version=0.0.4"));
  CHECK(metrics.body.find("\nblockdb_engine_applied_index ") != std::string::npos);
  CHECK(metrics.body.find("\nblockdb_node_ready 1\n") != std::string::npos);
  CHECK(metrics.body.find("blockdb_http_requests_total{path=\"/health\",code=\"200\"} 1\n") !=
        std::string::npos);

  // /status: one JSON object; its fields read loosely (order and spacing not assumed).
  HttpReply status = get("/status");
  CHECK(status.status == 200);
  CHECK(status.Header("content-type") == "application/json");
  CHECK(std::regex_search(status.body, std::regex(R"(^\{.*\}\n$)")));
  CHECK(std::regex_search(status.body, std::regex(R"("node_id"\s*:\s*1[,}])")));
  CHECK(std::regex_search(status.body, std::regex(R"("role"\s*:\s*"leader")")));
  CHECK(std::regex_search(status.body, std::regex(R"("applied_index"\s*:\s*[0-9]+)")));
  CHECK(std::regex_search(status.body, std::regex(R"("uptime_seconds"\s*:\s*[0-9.e+-]+)")));
  CHECK(std::regex_search(status.body, std::regex(R"("version"\s*:\s*"[0-9]+\.[0-9]+\.[0-9]+")")));
  CHECK(status.body.find("\"data_dir\":\"" + data_dir + "\"") != std::string::npos);
  CHECK(std::regex_search(status.body,
                          std::regex("\"http_port\"\\s*:\\s*" + std::to_string(port) + "[,}]")));

  REQUIRE(server->Signal(SIGTERM).ok());
  CHECK(RunToExit(*server) == 0);
  CHECK(server->output().find("http stopped") != std::string::npos);
  CHECK_FALSE(testing::HttpConnection::Connect("127.0.0.1", port).ok());
}

TEST_CASE("server process: configuration errors exit 2 naming the key") {
  TempDir tmp;
  std::string data_dir = tmp.Join("data");

  auto bad_flag = StartServer({"--data-dir", data_dir, "--pg-port", "70000"});
  CHECK(RunToExit(*bad_flag) == 2);
  CHECK_MESSAGE(bad_flag->output().find("config: server.port = 70000 is out of range (0..65535)") !=
                    std::string::npos,
                bad_flag->output());

  auto bad_env = StartServer({"--data-dir", data_dir}, {"BLOCKDB_SERVER_PROT=6000"});
  CHECK(RunToExit(*bad_env) == 2);
  CHECK_MESSAGE(bad_env->output().find("unknown key server.prot") != std::string::npos,
                bad_env->output());

  std::string config_path = tmp.Join("blockdb.toml");
  REQUIRE(WriteStringToFileSync(Env::Default(), "[log]\nlevel = \"loud\"\n", config_path).ok());
  auto bad_file = StartServer({"--config", config_path, "--data-dir", data_dir});
  CHECK(RunToExit(*bad_file) == 2);
  CHECK_MESSAGE(bad_file->output().find("config: log.level = \"loud\"") != std::string::npos,
                bad_file->output());

  auto bad_usage = StartServer({"--no-such-flag"});
  CHECK(RunToExit(*bad_usage) == 2);

  // Nothing was created for a configuration that was rejected.
  CHECK_FALSE(std::filesystem::exists(data_dir));
}

TEST_CASE("server process: --version and --help") {
  auto version = StartServer({"--version"});
  CHECK(RunToExit(*version) == 0);
  CHECK(version->output().starts_with("blockdb-server "));
  auto help = StartServer({"--help"});
  CHECK(RunToExit(*help) == 0);
  CHECK(help->output().find("--pg-port") != std::string::npos);
}

}  // namespace
}  // namespace blockdb
