// blockdb-cli verify: VERIFY over a stopped server's data directory.
//
//   verify --data-dir DIR [--config FILE] [--from-block N] [--digest FILE|JSON]
//
// Takes the directory's LOCK as the server does (so it refuses a running server's directory),
// opens the engine and its ledger with the server's options (the --config file, BLOCKDB_*
// environment variables, defaults: replaying the log must build the blocks the server would), and
// runs ledger::VerifyLedger over it. Progress goes to standard error (a bar with an ETA on a
// terminal, plain lines otherwise); the verdict goes to standard output.
//
// Exit codes: 0 the ledger verifies; 1 it does not (the first failing block and entry are
// printed), which includes a directory whose files are damaged so that the engine cannot open or
// read it (Corruption naming file and offset, or a data file the MANIFEST names that is missing);
// 2 usage errors, a missing or locked directory, an unreadable --digest, and I/O errors.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <cxxopts.hpp>

#include "cli/cli_commands.h"
#include "common/config.h"
#include "common/env.h"
#include "common/logging.h"
#include "engine/ledger/proof_json.h"
#include "engine/ledger/verify.h"
#include "engine/ledger_db.h"
#include "engine/manifest.h"
#include "server/node.h"

extern char** environ;

namespace blockdb::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: blockdb-cli verify --data-dir DIR [--config FILE] [--from-block N]\n"
    "                          [--digest FILE|JSON]\n"
    "\n"
    "Verifies the ledger of a stopped server's data directory: every entry against its row,\n"
    "every tree node, block root and the hash chain. --from-block N trusts block N's stored\n"
    "header and checks the blocks after it. --digest gives a digest you saved earlier (its JSON,\n"
    "or a file holding it): the ledger must still contain exactly that tree and block.\n"
    "--config is the server's configuration file (blockchain_batch_size must match the server's).\n"
    "Exit codes: 0 OK, 1 the ledger does not verify or the data is damaged, 2 usage error,\n"
    "missing or locked directory, I/O error.\n";

struct VerifyArgs {
  std::string data_dir;
  std::optional<std::string> config_file;
  uint64_t from_block = 0;
  std::optional<ledger::Digest> digest;
};

struct UsageError {
  std::string message;
};

int Usage(const std::string& message) {
  std::fprintf(stderr, "blockdb-cli verify: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

// An error that is not a usage error but still exit code 2 (missing directory, I/O error).
int Unusable(const std::string& message) {
  std::fprintf(stderr, "blockdb-cli verify: %s\n", message.c_str());
  return kExitUsage;
}

// --digest: JSON given inline (it starts with '{') or the name of a file holding it.
std::variant<ledger::Digest, UsageError> ParseDigestArg(const std::string& arg) {
  std::string json = arg;
  const size_t first = arg.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || arg[first] != '{') {
    Result<std::string> contents = ReadFileToString(Env::Default(), arg);
    if (!contents.ok()) {
      return UsageError{"cannot read --digest file " + arg + ": " + contents.status().ToString()};
    }
    json = std::move(*contents);
    while (!json.empty() && (json.back() == '\n' || json.back() == '\r')) {
      json.pop_back();  // a saved digest usually ends with a newline
    }
  }
  Result<ledger::Digest> digest = ledger::ParseDigestJson(json);
  if (!digest.ok()) {
    return UsageError{"--digest: " + digest.status().message()};
  }
  return *digest;
}

std::variant<VerifyArgs, UsageError> ParseArgs(const cxxopts::ParseResult& args) {
  VerifyArgs out;
  if (args.count("data-dir") == 0 || args["data-dir"].as<std::string>().empty()) {
    return UsageError{"missing --data-dir"};
  }
  out.data_dir = args["data-dir"].as<std::string>();
  if (args.count("config") > 0) {
    out.config_file = args["config"].as<std::string>();
  }
  if (args.count("from-block") > 0) {
    const std::string text = args["from-block"].as<std::string>();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out.from_block);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return UsageError{"--from-block must be a non-negative integer, got '" + text + "'"};
    }
  }
  if (args.count("digest") > 0) {
    auto digest = ParseDigestArg(args["digest"].as<std::string>());
    if (auto* error = std::get_if<UsageError>(&digest)) {
      return *error;
    }
    out.digest = std::get<ledger::Digest>(digest);
  }
  return out;
}

// The server's configuration for this directory: defaults, --config, BLOCKDB_* variables, and
// database.data_dir = --data-dir.
Result<Config> LoadServerConfig(const VerifyArgs& args) {
  ConfigSources sources;
  sources.file = args.config_file;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq != std::string_view::npos) {
      sources.environment.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  sources.overrides.push_back("database.data_dir=" + args.data_dir);
  return LoadConfig(sources);
}

// Progress on standard error: a redrawn bar with an ETA on a terminal, else a plain line at most
// every few seconds (logs and CI output stay readable).
class ProgressPrinter {
 public:
  ProgressPrinter() : tty_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

  void Update(const ledger::VerifyProgress& p) {
    const auto now = Clock::now();
    const bool done = p.entries_done >= p.entries_total && p.blocks_done >= p.blocks_total;
    const auto min_gap = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
    if (!done && printed_ && now - last_ < min_gap) {
      return;
    }
    if (done && !printed_ && !tty_) {
      return;  // finished before the first line was due: the verdict says it all
    }
    last_ = now;
    printed_ = true;
    const double fraction = Fraction(p);
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::string eta = "--";
    if (fraction > 0.0 && !done) {
      eta = FormatSeconds(elapsed * (1.0 - fraction) / fraction);
    }
    char line[200];
    if (tty_) {
      constexpr int kWidth = 30;
      std::string bar(kWidth, ' ');
      for (int i = 0; i < static_cast<int>(fraction * kWidth); ++i) {
        bar[i] = '#';
      }
      std::snprintf(line, sizeof(line),
                    "\r[%s] %3d%%  %llu/%llu blocks  %llu/%llu entries  ETA %s ", bar.c_str(),
                    static_cast<int>(fraction * 100), U(p.blocks_done), U(p.blocks_total),
                    U(p.entries_done), U(p.entries_total), eta.c_str());
    } else {
      std::snprintf(line, sizeof(line),
                    "verify: %d%%, %llu/%llu blocks, %llu/%llu entries, %.1f s elapsed, ETA %s\n",
                    static_cast<int>(fraction * 100), U(p.blocks_done), U(p.blocks_total),
                    U(p.entries_done), U(p.entries_total), elapsed, eta.c_str());
    }
    std::fputs(line, stderr);
    std::fflush(stderr);
  }

  // Ends the redrawn line on a terminal.
  void Finish() {
    if (tty_ && printed_) {
      std::fputs("\n", stderr);
    }
  }

 private:
  static unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }

  static double Fraction(const ledger::VerifyProgress& p) {
    if (p.entries_total > 0) {
      return std::min(1.0, static_cast<double>(p.entries_done) / p.entries_total);
    }
    if (p.blocks_total > 0) {
      return std::min(1.0, static_cast<double>(p.blocks_done) / p.blocks_total);
    }
    return 1.0;
  }

  static std::string FormatSeconds(double s) {
    char buf[32];
    if (s < 60) {
      std::snprintf(buf, sizeof(buf), "%.0fs", s);
    } else if (s < 3600) {
      std::snprintf(buf, sizeof(buf), "%dm%02ds", static_cast<int>(s) / 60,
                    static_cast<int>(s) % 60);
    } else {
      std::snprintf(buf, sizeof(buf), "%dh%02dm", static_cast<int>(s) / 3600,
                    static_cast<int>(s) / 60 % 60);
    }
    return buf;
  }

  const bool tty_;
  const Clock::time_point start_;
  Clock::time_point last_;
  bool printed_ = false;
};

// Whether the directory holds nothing but (perhaps) a LOCK file: not a data directory at all.
bool LooksEmpty(Env* env, const std::string& dir) {
  Result<std::vector<std::string>> children = env->GetChildren(dir);
  if (!children.ok()) {
    return false;  // let the engine report it
  }
  for (const std::string& name : *children) {
    if (name != Node::kLockFileName) {
      return false;
    }
  }
  return true;
}

void PrintReport(const ledger::VerifyReport& report, const VerifyArgs& args) {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", static_cast<double>(report.elapsed_micros) / 1e6);
  if (report.ok()) {
    std::printf("OK: the ledger verifies\n");
    std::printf("blocks:  %llu verified (after block %llu, up to block %llu)\n",
                static_cast<unsigned long long>(report.blocks_checked),
                static_cast<unsigned long long>(args.from_block),
                static_cast<unsigned long long>(report.digest.last_block_index));
    std::printf("entries: %llu verified\n",
                static_cast<unsigned long long>(report.entries_checked));
    std::printf("digest:  %s\n", ledger::DigestToJson(report.digest).c_str());
    std::printf("elapsed: %s s\n", seconds);
    if (!args.digest) {
      // A prefix of a valid ledger is a valid, smaller ledger (docs/VERIFICATION.md).
      std::printf(
          "note:    without a saved digest (--digest) removed history cannot be detected: "
          "a log cut short verifies as fewer writes\n");
    }
    return;
  }
  const ledger::VerifyFailure& failure = *report.failure;
  std::printf("%s\n", report.ToString().c_str());
  std::printf("first bad block: %s\n", failure.block_index
                                           ? std::to_string(*failure.block_index).c_str()
                                           : "none (entries after the last block, or the store)");
  std::printf("first bad entry: %s\n",
              failure.leaf_index ? std::to_string(*failure.leaf_index).c_str() : "none");
  std::printf("verified before it: %llu blocks, %llu entries in %s s\n",
              static_cast<unsigned long long>(report.blocks_checked),
              static_cast<unsigned long long>(report.entries_checked), seconds);
}

// Opens, verifies and reports; returns the exit code. The caller holds the directory's LOCK.
int VerifyDirectory(const VerifyArgs& args, const Config& config) {
  Result<std::unique_ptr<LedgerDB>> ldb =
      LedgerDB::Open(LedgerDBOptionsFor(config, Env::Default()));
  if (!ldb.ok()) {
    if (ldb.status().IsCorruption()) {
      std::printf("FAILED: the data directory %s cannot be opened, its files are damaged: %s\n",
                  args.data_dir.c_str(), ldb.status().ToString().c_str());
      return kExitFailed;
    }
    // The directory exists and has a MANIFEST (Run checked), so a file it names that is not
    // there is damage, not a usage error. The engine's message names the file.
    if (ldb.status().IsNotFound()) {
      std::printf(
          "FAILED: the data directory %s cannot be opened, a file it needs is missing: %s\n",
          args.data_dir.c_str(), ldb.status().ToString().c_str());
      return kExitFailed;
    }
    return Unusable("cannot open " + args.data_dir + ": " + ldb.status().ToString());
  }
  const uint64_t newest_block = (*ldb)->GetDigest().last_block_index;
  if (args.from_block > newest_block) {
    (void)(*ldb)->Close();
    return Usage("--from-block " + std::to_string(args.from_block) +
                 " is beyond the newest block " + std::to_string(newest_block));
  }
  ledger::VerifyOptions options;
  options.start_block = args.from_block;
  options.trusted_digest = args.digest;
  ProgressPrinter progress;
  options.progress = [&progress](const ledger::VerifyProgress& p) { progress.Update(p); };
  Result<ledger::VerifyReport> report = (*ldb)->Verify(options);
  progress.Finish();
  const Status closed = (*ldb)->Close();
  if (!report.ok()) {
    // A data file the MANIFEST names that is gone (NotFound) is damage too.
    if (report.status().IsCorruption() || report.status().IsNotFound()) {
      std::printf("FAILED: the data cannot be read, it is damaged or missing: %s\n",
                  report.status().ToString().c_str());
      return kExitFailed;
    }
    if (report.status().IsInvalidArgument()) {
      return Usage(report.status().message());
    }
    return Unusable("verify stopped: " + report.status().ToString());
  }
  PrintReport(*report, args);
  if (!closed.ok()) {
    std::fprintf(stderr, "blockdb-cli verify: closing the engine: %s\n", closed.ToString().c_str());
  }
  return report->ok() ? kExitOk : kExitFailed;
}

int Run(const VerifyArgs& args) {
  Result<Config> config = LoadServerConfig(args);
  if (!config.ok()) {
    return Usage(config.status().message());
  }
  // Warnings (a torn log tail cut at open, ...) stay visible; info lines would bury the verdict.
  (void)SetupLogging(LogLevel::kWarn, LogFormat::kText);
  Env* env = Env::Default();
  const std::string& dir = args.data_dir;
  if (!env->FileExists(dir)) {
    return Unusable("data directory " + dir + " does not exist");
  }
  // Held until the end: a server cannot start on the directory while it is being verified.
  Result<std::unique_ptr<FileLock>> lock = env->LockFile(JoinPath(dir, Node::kLockFileName));
  if (!lock.ok()) {
    return Unusable(
        "data directory " + dir +
        " is in use (is blockdb-server running on it? stop it first): " + lock.status().message());
  }
  if (!env->FileExists(JoinPath(dir, kManifestFileName)) && LooksEmpty(env, dir)) {
    // Opening would create a new, empty database here.
    return Unusable(dir + " is not a BlockDB data directory (no MANIFEST)");
  }
  return VerifyDirectory(args, *config);
}

cxxopts::Options MakeOptions() {
  cxxopts::Options options("blockdb-cli verify", "Verify the ledger of a stopped server");
  auto text = [] { return cxxopts::value<std::string>(); };
  auto add = options.add_options();
  add("data-dir", "the server's data directory", text());
  add("config", "the server's TOML configuration file", text());
  add("from-block", "trust block N's header and verify the blocks after it", text());
  add("digest", "a saved digest, as JSON or a file holding it", text());
  add("h,help", "print this help");
  return options;
}

}  // namespace

int RunVerify(int argc, char** argv) {
  // Without --data-dir, verify asks a running server (cli_digest.cc).
  bool offline = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    offline = offline || arg == "--data-dir" || arg.starts_with("--data-dir=");
  }
  if (!offline) {
    return RunVerifyOnline(argc, argv);
  }
  cxxopts::Options options = MakeOptions();
  std::variant<VerifyArgs, UsageError> parsed = UsageError{};
  try {
    cxxopts::ParseResult args = options.parse(argc, argv);
    if (args.count("help") > 0) {
      std::printf("%s", kUsage);
      return kExitOk;
    }
    if (!args.unmatched().empty()) {
      return Usage("unexpected argument '" + args.unmatched().front() + "'");
    }
    parsed = ParseArgs(args);
  } catch (const cxxopts::exceptions::exception& e) {
    // cxxopts reports command-line errors by throwing; they end here as usage errors.
    return Usage(e.what());
  }
  if (auto* error = std::get_if<UsageError>(&parsed)) {
    return Usage(error->message);
  }
  return Run(std::get<VerifyArgs>(parsed));
}

}  // namespace blockdb::cli
