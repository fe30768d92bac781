// blockdb-server: runs one BlockDB node until SIGTERM or SIGINT.
//
//   blockdb-server [--config blockdb.toml] [--data-dir DIR] [--host H] [--pg-port P] ...
//
// Configuration comes from the embedded defaults, the --config file, BLOCKDB_<SECTION>_<KEY>
// environment variables and the flags, in that order (docs/CONFIGURATION.md).
//
// Exit codes: 0 after a clean shutdown (or --help, --version); 1 when the node fails to start or to
// stop cleanly; 2 for a usage or configuration error.
//
// Signals: SIGTERM and SIGINT are blocked before any thread exists, so every thread the node starts
// inherits the mask and the signals stay pending for the main thread, which takes them with
// sigwait(). Shutdown therefore runs as ordinary code, not inside a signal handler, where almost
// nothing (no locks, no allocation, no logging) would be allowed.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "common/config.h"
#include "common/logging.h"
#include "server/node.h"
#include "server/version.h"

extern char** environ;

namespace blockdb {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Flags that set one configuration key each: flag name -> "section.key".
const std::vector<std::pair<std::string, std::string>> kConfigFlags = {
    {"data-dir", "database.data_dir"}, {"host", "server.host"},    {"pg-port", "server.port"},
    {"http-port", "server.http_port"}, {"log-level", "log.level"}, {"log-format", "log.format"},
};

cxxopts::Options MakeOptions() {
  cxxopts::Options options("blockdb-server", "BlockDB: a tamper-evident append-only SQL ledger");
  auto text = [] { return cxxopts::value<std::string>(); };
  auto add = options.add_options();
  add("c,config", "TOML configuration file", text());
  add("data-dir", "data directory (database.data_dir)", text());
  add("host", "address to listen on (server.host)", text());
  add("pg-port", "PostgreSQL protocol port (server.port)", text());
  add("http-port", "HTTP port for health, metrics and admin (server.http_port)", text());
  add("log-level", "trace, debug, info, warn or error (log.level)", text());
  add("log-format", "text or json (log.format)", text());
  // A string option read from ParseResult::arguments(), which lists every occurrence: a vector
  // option would split values at commas.
  add("set", "any setting, as section.key=value (repeatable)", text());
  add("h,help", "print this help and exit");
  add("version", "print the version and exit");
  return options;
}

// The configuration sources the command line and the process environment describe.
ConfigSources SourcesFrom(const cxxopts::ParseResult& args) {
  ConfigSources sources;
  if (args.count("config") > 0) {
    sources.file = args["config"].as<std::string>();
  }
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos) {
      sources.environment.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  for (const cxxopts::KeyValue& kv : args.arguments()) {
    if (kv.key() == "set") {
      sources.overrides.push_back(kv.value());
    }
  }
  // Dedicated flags come after --set: the more specific spelling wins.
  for (const auto& [flag, key] : kConfigFlags) {
    if (args.count(flag) > 0) {
      sources.overrides.push_back(key + "=" + args[flag].as<std::string>());
    }
  }
  return sources;
}

void BlockShutdownSignals(sigset_t* set) {
  sigemptyset(set);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGINT);
  pthread_sigmask(SIG_BLOCK, set, nullptr);
  // Writes to a closed client socket return EPIPE instead of killing the process.
  signal(SIGPIPE, SIG_IGN);
}

int WaitForShutdownSignal(const sigset_t& set) {
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

int Serve(const Config& config, const sigset_t& signals) {
  auto log = Logger("server");
  Node node(config);
  Status s = node.Start();
  if (!s.ok()) {
    log->error("start failed: {}", s.ToString());
    return kExitFailure;
  }
  std::printf("blockdb-server is up. Connect with: psql -h %s -p %u -U blockdb %s\n",
              config.server.host.c_str(), static_cast<unsigned>(node.pg_port()),
              config.database.name.c_str());
  std::fflush(stdout);
  int sig = WaitForShutdownSignal(signals);
  log->info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  s = node.Stop();
  if (!s.ok()) {
    log->error("shutdown failed: {}", s.ToString());
    return kExitFailure;
  }
  return kExitOk;
}

int Main(int argc, char** argv) {
  sigset_t signals;
  BlockShutdownSignals(&signals);  // first: before anything can start a thread

  cxxopts::Options options = MakeOptions();
  ConfigSources sources;
  try {  // cxxopts reports bad flags by throwing; main is the boundary where that ends
    cxxopts::ParseResult args = options.parse(argc, argv);
    if (args.count("help") > 0) {
      std::cout << options.help() << "\nConfiguration: see docs/CONFIGURATION.md\n";
      return kExitOk;
    }
    if (args.count("version") > 0) {
      std::cout << "blockdb-server " << Version() << "\n";
      return kExitOk;
    }
    sources = SourcesFrom(args);
  } catch (const std::exception& e) {
    std::cerr << "blockdb-server: " << e.what() << "\n(try --help)\n";
    return kExitUsage;
  }

  Result<Config> config = LoadConfig(sources);
  if (!config.ok()) {
    std::cerr << "blockdb-server: " << config.status().message() << "\n";
    return kExitUsage;
  }
  Status s = SetupLogging(config->log.level, config->log.format);
  if (!s.ok()) {
    std::cerr << "blockdb-server: " << s.ToString() << "\n";
    return kExitFailure;
  }
  return Serve(*config, signals);
}

}  // namespace
}  // namespace blockdb

int main(int argc, char** argv) { return blockdb::Main(argc, argv); }
