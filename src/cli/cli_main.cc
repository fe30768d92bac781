// blockdb-cli: BlockDB's admin and verification tool.
//
//   blockdb-cli <command> [options]      (blockdb-cli <command> --help for each command)
//
// Exit codes: 0 success, 1 the checked property does not hold, 2 usage or input error, 3 the
// server could not be reached, 4 the server answered an error (cli_commands.h).
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/cli_commands.h"

namespace blockdb::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

constexpr Command kCommands[] = {
    {"status", "a running node's readiness and status (HTTP sidecar)", RunStatus},
    {"metrics", "a running node's Prometheus metrics (HTTP sidecar)", RunMetrics},
    {"digest", "the ledger's current digest, to save and check against later", RunDigest},
    {"verify", "VERIFY CHAIN on a running server, or --data-dir DIR offline", RunVerify},
    {"prove", "fetch a row's inclusion proof and check it here", RunProve},
    {"verify-proof", "check an inclusion or consistency proof offline", RunVerifyProof},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "blockdb-cli: BlockDB admin and verification tool\n\n"
               "usage: blockdb-cli <command> [options]\n\ncommands:\n");
  for (const Command& command : kCommands) {
    std::fprintf(out, "  %-14s %s\n", command.name, command.summary);
  }
  std::fprintf(out,
               "\n'blockdb-cli <command> --help' describes a command.\n"
               "Exit codes: 0 success, 1 the check failed, 2 usage or input error,\n"
               "3 cannot connect to the server, 4 the server answered an error.\n");
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  for (const Command& command : kCommands) {
    if (name == command.name) {
      return command.run(argc - 1, argv + 1);
    }
  }
  std::fprintf(stderr, "blockdb-cli: unknown command '%s'\n\n", argv[1]);
  PrintUsage(stderr);
  return kExitUsage;
}

}  // namespace
}  // namespace blockdb::cli

int main(int argc, char** argv) { return blockdb::cli::Main(argc, argv); }
