// blockdb_sqllogic: runs sqllogictest-style files (tests/sql/logic/*.test) against BlockDB, or
// with --postgres against a PostgreSQL 15 started for the run. See docs/SQL.md.
//
//   blockdb_sqllogic [--postgres] [--pg-bindir DIR] [--rewrite] [--expect-failures N] FILE...
//
// Each file runs on a fresh, empty database. Exit status: 0 when every record of every file
// passed, 1 when one failed, 77 when nothing ran (PostgreSQL's binaries are missing, or every
// file `require`s the other backend; CTest counts 77 as skipped), 2 on bad usage or when the
// database could not be set up. --pg-bindir defaults to $BLOCKDB_PG_BINDIR, else
// /usr/lib/postgresql/15/bin. --expect-failures N (the runner's own test) exits 0 when exactly N
// records failed in all, 1 otherwise.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/logging.h"
#include "sql/internal/literal_insert.h"
#include "sqllogic/backend.h"
#include "sqllogic/runner.h"
#include "sqllogic/test_file.h"

namespace blockdb::sqllogic {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSkipped = 77;

struct Args {
  bool postgres = false;
  std::string pg_bindir;
  RunOptions run;
  int expect_failures = -1;
  std::vector<std::string> files;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  const char* env_bindir = std::getenv("BLOCKDB_PG_BINDIR");
  args->pg_bindir = env_bindir != nullptr ? env_bindir : "/usr/lib/postgresql/15/bin";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--postgres") {
      args->postgres = true;
    } else if (a == "--rewrite") {
      args->run.rewrite = true;
    } else if (a == "--expect-failures" && i + 1 < argc) {
      args->expect_failures = std::atoi(argv[++i]);
    } else if (a == "--pg-bindir" && i + 1 < argc) {
      args->pg_bindir = argv[++i];
    } else if (a.starts_with("--")) {
      return false;
    } else {
      args->files.push_back(a);
    }
  }
  return !args->files.empty();
}

Result<TestFile> Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::NotFound("cannot open " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseTestFile(path, ss.str());
}

int Main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::cerr << "usage: " << argv[0]
              << " [--postgres] [--pg-bindir DIR] [--rewrite] [--expect-failures N] FILE...\n";
    return kExitUsage;
  }
  // The engine's info lines (database created, opened) would bury the test output.
  (void)SetupLogging(LogLevel::kWarn, LogFormat::kText);
  Result<std::unique_ptr<Backend>> backend =
      args.postgres ? NewPostgresBackend(args.pg_bindir) : NewBlockDBBackend();
  if (!backend.ok()) {
    std::cout << "cannot start the backend: " << backend.status().ToString() << "\n";
    return backend.status().IsNotFound() ? kExitSkipped : kExitUsage;
  }
  int failed_files = 0;
  int failed_records = 0;
  int ran_files = 0;
  for (const std::string& path : args.files) {
    Result<TestFile> file = Load(path);
    if (!file.ok()) {
      std::cout << file.status().ToString() << "\n";
      return kExitUsage;
    }
    Result<FileReport> report = RunFile(*file, **backend, args.run, std::cout);
    if (!report.ok()) {
      std::cout << path << ": " << report.status().ToString() << "\n";
      return kExitUsage;
    }
    if (report->skipped) {
      std::cout << path << ": skipped (requires another backend than " << (*backend)->name()
                << ")\n";
      continue;
    }
    ++ran_files;
    failed_files += report->failed > 0 ? 1 : 0;
    failed_records += report->failed;
    std::cout << path << ": " << (*backend)->name() << ": " << report->run << " records run, "
              << report->failed << " failed, " << report->not_run << " not for this backend\n";
  }
  if (ran_files == 0) {
    return kExitSkipped;
  }
  if (args.expect_failures >= 0) {
    std::cout << failed_records << " records failed, " << args.expect_failures << " expected to\n";
    return failed_records == args.expect_failures ? 0 : kExitFailed;
  }
  return failed_files > 0 ? kExitFailed : 0;
}

}  // namespace
}  // namespace blockdb::sqllogic

int main(int argc, char** argv) {
  // Statements the literal-INSERT fast path parses are parsed by the full parser too, and the run
  // aborts if the two ASTs differ.
  blockdb::sql::internal::SetLiteralInsertCrossCheck(true);
  return blockdb::sqllogic::Main(argc, argv);
}
