// blockdb-bench-ledger: what the ledger costs and how fast it checks, in one run on one machine.
//
//   blockdb-bench-ledger [--entries N] [--seconds S] [--writers W] [--proofs N]
//                        [--verify-runs R] [--pairs P] [--inserts 0|1] [--verify-chunk C]
//                        [--verify-range E]
//                        [--dir DIR] [--keep-data 0|1]
//
//   1. durable inserts with the ledger off and on (W writers, default 16): single-row batches,
//      then batches of 100, S seconds each (default 3). With P > 1 (default 1) each off/on pair
//      runs P times, alternating which goes first, and the median of the P ratios is reported:
//      on a shared machine the throughput of one run moves by more than the ledger costs
//      (`--inserts 0` skips this step). Each run also reports the process's CPU time per row
//      (writers, apply, flushes and compactions), which the machine's load moves far less;
//   2. N rows (default 10^6; 16-byte keys, 100-byte values) loaded with and without the ledger,
//      compacted: ledger bytes on disk per entry;
//   3. VERIFY over the N entries (the best of R runs, default 1), in entries/s and MB/s of entry
//      bytes, against raw single-core SHA-256 measured in the same run (target: >= 50% of raw
//      speed x cores used): OpenSSL one message at a time, and Sha256Many (which VERIFY uses).
//      Also the CPU time of one plain scan of the store per entry (the least VERIFY must read)
//      against the CPU time per entry the target allows; `--verify-chunk C` sets
//      VerifyOptions::chunk_entries,
//      `--verify-range E` VerifyOptions::join_range_entries;
//   4. inclusion and consistency proof latency (p50/p99, warm) and size at N entries.
//
// `--keep-data 1` keeps the loaded ledger store under DIR; a later run with the same DIR and N
// finds it and skips the loads (step 2), so VERIFY of two builds can be compared on the same
// files (a load of 10^7 rows takes many minutes). The last line gives the process's peak
// resident memory (with a kept store, that of opening it and steps 3 and 4).
//
// Prints figures and ratios; never fails on a time. Exit 1 only when an operation fails.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "common/sha256_lanes.h"
#include "engine/ledger/entry.h"
#include "engine/ledger_db.h"
#include "ledger_workloads.h"

namespace blockdb::bench {
namespace {

struct Args {
  uint64_t entries = 1000000;
  double seconds = 3.0;
  int writers = 16;
  uint64_t proofs = 10000;
  int verify_runs = 1;
  int pairs = 1;
  bool inserts = true;
  uint64_t verify_chunk = 0;  // 0: VerifyOptions' default
  uint64_t verify_range = 0;  // 0: VerifyOptions' default
  std::string dir;
  bool keep_data = false;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "option %s needs a value\n", k.c_str());
      std::exit(2);
    }
    const std::string v = argv[i + 1];
    if (k == "--entries") {
      a.entries = std::stoull(v);
    } else if (k == "--seconds") {
      a.seconds = std::stod(v);
    } else if (k == "--writers") {
      a.writers = std::stoi(v);
    } else if (k == "--proofs") {
      a.proofs = std::stoull(v);
    } else if (k == "--verify-runs") {
      a.verify_runs = std::max(1, std::stoi(v));
    } else if (k == "--pairs") {
      a.pairs = std::max(1, std::stoi(v));
    } else if (k == "--inserts") {
      a.inserts = std::stoi(v) != 0;
    } else if (k == "--verify-chunk") {
      a.verify_chunk = std::stoull(v);
    } else if (k == "--verify-range") {
      a.verify_range = std::stoull(v);
    } else if (k == "--dir") {
      a.dir = v;
    } else if (k == "--keep-data") {
      a.keep_data = std::stoi(v) != 0;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    a.dir = std::string(tmp ? tmp : "/tmp") + "/blockdb-bench-ledger-" + std::to_string(getpid());
  }
  return a;
}

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "blockdb-bench-ledger: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

std::unique_ptr<DB> OpenPlain(const std::string& dir) {
  Result<std::unique_ptr<DB>> db = DB::Open(BenchEngineOptions(dir));
  if (!db.ok()) {
    Die("open " + dir, db.status());
  }
  return std::move(db).value();
}

std::unique_ptr<LedgerDB> OpenLedger(const std::string& dir) {
  LedgerDBOptions options;
  options.engine = BenchEngineOptions(dir);
  options.ledger.blockchain_batch_size = 1000;  // the server's default
  Result<std::unique_ptr<LedgerDB>> ldb = LedgerDB::Open(options);
  if (!ldb.ok()) {
    Die("open " + dir, ldb.status());
  }
  return std::move(ldb).value();
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

// CPU seconds (user + system) this process has used so far, all threads.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Bytes of the SSTables in dir. The log is left out: both stores log the same batches (the ledger
// writes no log records of its own), but up to one segment of already-flushed records stays on
// disk in either (docs/STORAGE.md), by an amount that depends on where segments happen to end.
uint64_t TableBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".sst") {
      bytes += e.file_size();
    }
  }
  return bytes;
}

InsertFigures InsertRun(const Args& args, const std::string& name, int rows_per_batch,
                        bool ledger) {
  const std::string dir = args.dir + "/" + name + (ledger ? "_on" : "_off");
  InsertFigures f;
  const double cpu_before = ProcessCpuSeconds();
  if (ledger) {
    auto ldb = OpenLedger(dir);
    f = DurableInserts(ldb->db(), args.writers, rows_per_batch, args.seconds);
    (void)ldb->Close();
  } else {
    auto db = OpenPlain(dir);
    f = DurableInserts(db.get(), args.writers, rows_per_batch, args.seconds);
    (void)db->Close();
  }
  f.cpu_us_per_row =
      f.rows > 0 ? (ProcessCpuSeconds() - cpu_before) * 1e6 / static_cast<double>(f.rows) : 0;
  std::filesystem::remove_all(dir);
  std::printf("%-24s %-11s %12.0f rows/s  batch p50 %8.1f us  p99 %8.1f us  CPU %6.2f us/row%s\n",
              name.c_str(), ledger ? "ledger on" : "ledger off", f.rows_per_s, f.batch_p50_us,
              f.batch_p99_us, f.cpu_us_per_row, f.failed ? "  FAILED" : "");
  return f;
}

// Durable inserts with the ledger off and on, each in a fresh directory, args.pairs times (the
// odd pairs run the ledger first); reports the median ratio.
void InsertPair(const Args& args, int rows_per_batch, std::vector<std::string>* ratios) {
  const std::string name =
      "insert_w" + std::to_string(args.writers) + "_batch" + std::to_string(rows_per_batch);
  std::vector<double> pair_ratios;
  std::vector<double> cpu_ratios;  // CPU per row, on / off: what the ledger costs in CPU
  for (int p = 0; p < args.pairs; ++p) {
    const bool ledger_first = p % 2 == 1;
    const InsertFigures first = InsertRun(args, name, rows_per_batch, ledger_first);
    const InsertFigures second = InsertRun(args, name, rows_per_batch, !ledger_first);
    const InsertFigures& on = ledger_first ? first : second;
    const InsertFigures& off = ledger_first ? second : first;
    pair_ratios.push_back(Ratio(on.rows_per_s, off.rows_per_s));
    cpu_ratios.push_back(Ratio(on.cpu_us_per_row, off.cpu_us_per_row));
  }
  std::sort(cpu_ratios.begin(), cpu_ratios.end());
  std::vector<double> sorted = pair_ratios;
  std::sort(sorted.begin(), sorted.end());
  std::string each;
  for (double r : pair_ratios) {
    char one[16];
    std::snprintf(one, sizeof(one), "%s%.2f", each.empty() ? "" : " ", r);
    each += one;
  }
  char line[300];
  std::snprintf(line, sizeof(line), "%-24s ledger on / off = %.2fx rows/s%s%s%s; CPU per row %.2fx",
                name.c_str(), sorted[sorted.size() / 2],
                args.pairs > 1 ? " (median of pairs: " : "", args.pairs > 1 ? each.c_str() : "",
                args.pairs > 1 ? ")" : "", cpu_ratios[cpu_ratios.size() / 2]);
  ratios->push_back(line);
}

int Main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress is visible when piped to a file
  const int cores =
      std::min(2, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  std::printf(
      "BlockDB ledger benchmark: %llu entries (16-byte keys, 100-byte values), durable "
      "writes fsynced, blocks of 1000 entries, %u hardware threads, data under %s\n\n",
      static_cast<unsigned long long>(args.entries), std::thread::hardware_concurrency(),
      args.dir.c_str());
  std::vector<std::string> ratios;

  if (args.inserts) {
    std::printf("== durable inserts, %d writers, %.1f s each\n", args.writers, args.seconds);
    InsertPair(args, 1, &ratios);
    InsertPair(args, 100, &ratios);
  }

  const std::string plain_dir = args.dir + "/load_off";
  const std::string ledger_dir = args.dir + "/load_on";
  // Written once the ledger store is loaded and compacted: entries, plain store's disk and table
  // bytes (the plain store itself is removed).
  const std::string loaded_marker = args.dir + "/load_on.done";
  uint64_t plain_bytes = 0;
  uint64_t plain_tables = 0;
  unsigned long long kept_entries = 0;
  bool reuse = false;
  if (args.keep_data) {
    if (FILE* f = std::fopen(loaded_marker.c_str(), "r")) {
      unsigned long long pb = 0;
      unsigned long long pt = 0;
      reuse = std::fscanf(f, "%llu %llu %llu", &kept_entries, &pb, &pt) == 3 &&
              kept_entries == args.entries;
      plain_bytes = pb;
      plain_tables = pt;
      std::fclose(f);
    }
  }
  std::unique_ptr<LedgerDB> ldb;
  if (reuse) {
    std::printf("\n== kept store of %llu rows under %s (no load)\n", kept_entries,
                ledger_dir.c_str());
    ldb = OpenLedger(ledger_dir);
  } else {
    std::filesystem::remove_all(ledger_dir);
    std::printf("\n== bulk load of %llu rows (batches of 1000, 2 writers), then CompactAll\n",
                static_cast<unsigned long long>(args.entries));
    {
      auto db = OpenPlain(plain_dir);
      const double s = Load(db.get(), args.entries);
      if (s < 0) {
        return 1;
      }
      if (Status c = db->CompactAll(); !c.ok()) {
        Die("compact", c);
      }
      (void)db->Close();
      plain_bytes = DirectoryBytes(plain_dir);
      plain_tables = TableBytes(plain_dir);
      std::printf("%-24s %-11s %12.0f rows/s  disk %8.1f MiB  tables %8.1f MiB\n", "load",
                  "ledger off", args.entries / s, plain_bytes / 1048576.0,
                  plain_tables / 1048576.0);
    }
    std::filesystem::remove_all(plain_dir);
    ldb = OpenLedger(ledger_dir);
    const double load_s = Load(ldb->db(), args.entries);
    if (load_s < 0) {
      return 1;
    }
    if (Status c = ldb->db()->CompactAll(); !c.ok()) {
      Die("compact", c);
    }
    std::printf("%-24s %-11s %12.0f rows/s\n", "load", "ledger on", args.entries / load_s);
    if (args.keep_data) {
      if (FILE* f = std::fopen(loaded_marker.c_str(), "w")) {
        std::fprintf(f, "%llu %llu %llu\n", static_cast<unsigned long long>(args.entries),
                     static_cast<unsigned long long>(plain_bytes),
                     static_cast<unsigned long long>(plain_tables));
        std::fclose(f);
      }
    }
  }
  const uint64_t ledger_bytes = DirectoryBytes(ledger_dir);
  const uint64_t ledger_tables = TableBytes(ledger_dir);
  const double per_entry =
      (static_cast<double>(ledger_tables) - static_cast<double>(plain_tables)) / args.entries;
  std::printf("%-24s %-11s disk %8.1f MiB  tables %8.1f MiB  ledger bytes/entry %.1f\n", "store",
              "ledger on", ledger_bytes / 1048576.0, ledger_tables / 1048576.0, per_entry);

  std::printf("\n== VERIFY over %llu entries against raw SHA-256\n",
              static_cast<unsigned long long>(args.entries));
  const size_t entry_bytes = ledger::kEntryFixedBytes + 16 + 100;
  const ShaFigures sha = MeasureSha256(entry_bytes, 0.5);
  std::printf("%-24s 1 core: %8.1f MB/s (1 MiB messages), %8.1f MB/s (%zu-byte messages)\n",
              "raw sha-256", sha.bulk_mb_per_s, sha.entry_mb_per_s, entry_bytes);
  std::printf("%-24s 1 core: %8.1f MB/s (%zu-byte messages, %zu at a time: Sha256Many)\n",
              "raw sha-256 lanes", sha.entry_lanes_mb_per_s, entry_bytes, kSha256Lanes);
  // The least VERIFY must read: the whole store once (best of two scans).
  ScanFigures scan = ScanStore(ldb->db(), ProcessCpuSeconds);
  const ScanFigures scan2 = ScanStore(ldb->db(), ProcessCpuSeconds);
  if (scan.cpu_seconds < 0 || scan2.cpu_seconds < 0) {
    std::fprintf(stderr, "scan of the store failed\n");
    return 1;
  }
  scan.cpu_seconds = std::min(scan.cpu_seconds, scan2.cpu_seconds);
  Result<ledger::VerifyReport> report = Status::Aborted("not run");
  uint64_t best_micros = UINT64_MAX;
  double best_cpu_s = 1e300;  // CPU seconds of the fastest run by CPU (load does not inflate it)
  for (int run = 0; run < args.verify_runs; ++run) {
    const double cpu_before = ProcessCpuSeconds();
    ledger::VerifyOptions options;
    if (args.verify_chunk > 0) {
      options.chunk_entries = args.verify_chunk;
    }
    if (args.verify_range > 0) {
      options.join_range_entries = args.verify_range;
    }
    report = ldb->Verify(options);
    if (!report.ok() || !report->ok()) {
      std::fprintf(stderr, "verify: %s\n",
                   report.ok() ? report->ToString().c_str() : report.status().ToString().c_str());
      return 1;
    }
    best_micros = std::min(best_micros, report->elapsed_micros);
    best_cpu_s = std::min(best_cpu_s, ProcessCpuSeconds() - cpu_before);
  }
  const double verify_s = static_cast<double>(best_micros) / 1e6;
  const double entries_per_s = report->entries_checked / verify_s;
  const double verify_mb_per_s = entries_per_s * entry_bytes / 1e6;
  std::printf("%-24s %12.0f entries/s  %8.1f MB/s of entry bytes  (%.2f s, %d cores used)\n",
              "verify", entries_per_s, verify_mb_per_s, verify_s, cores);
  // On a shared machine the elapsed time depends on what else runs; CPU time per entry does not
  // (much), and hashing an entry-sized message alone takes entry_bytes / entry_mb_per_s.
  const double cpu_us_per_entry = best_cpu_s * 1e6 / report->entries_checked;
  std::printf(
      "%-24s %.2f CPU s (both cores), %.2f CPU us per entry; raw sha-256 of one entry: "
      "%.2f us\n",
      "verify cpu", best_cpu_s, cpu_us_per_entry, entry_bytes / sha.entry_mb_per_s);
  // What the 0.5 target leaves per entry: VERIFY at half of `cores` raw single-core hashers,
  // with all `cores` busy, has 2x the raw hash time of one entry in CPU time per entry.
  const double budget_us = 2 * entry_bytes / sha.entry_mb_per_s;
  const double scan_us = scan.cpu_seconds * 1e6 / report->entries_checked;
  // Hashing VERIFY cannot skip: every entry, and the n - 1 interior nodes of the tree over n
  // entries (65-byte messages), at Sha256Many's speed.
  const double hash_us = entry_bytes / sha.entry_lanes_mb_per_s + 65 / sha.node_lanes_mb_per_s;
  std::printf(
      "%-24s %.2f CPU us per entry to read the store once (rows and ledger records, %llu keys) "
      "+ %.2f to hash each entry and one node (Sha256Many) = %.2f; the 0.5 target allows %.2f\n",
      "verify floor", scan_us, static_cast<unsigned long long>(scan.keys), hash_us,
      scan_us + hash_us, budget_us);
  char line[320];
  std::snprintf(line, sizeof(line),
                "%-24s verify / (raw sha-256 x %d cores) = %.2f (1 MiB messages), %.2f (entry-sized"
                "), %.2f (entry-sized, Sha256Many); target >= 0.50",
                "verify", cores, Ratio(verify_mb_per_s, sha.bulk_mb_per_s * cores),
                Ratio(verify_mb_per_s, sha.entry_mb_per_s * cores),
                Ratio(verify_mb_per_s, sha.entry_lanes_mb_per_s * cores));
  ratios.push_back(line);
  std::snprintf(line, sizeof(line),
                "%-24s floor (one scan + unavoidable hashing) = %.2f of the target's CPU budget "
                "per entry; VERIFY's CPU per entry = %.2f of it",
                "verify", Ratio(scan_us + hash_us, budget_us), Ratio(cpu_us_per_entry, budget_us));
  ratios.push_back(line);
  std::snprintf(line, sizeof(line),
                "%-24s raw sha-256 time / verify CPU time per entry = %.2f (entry-sized)", "verify",
                Ratio(entry_bytes / sha.entry_mb_per_s, cpu_us_per_entry));
  ratios.push_back(line);

  std::printf("\n== proofs at %llu entries, %llu each, warm\n",
              static_cast<unsigned long long>(report->digest.tree_size),
              static_cast<unsigned long long>(args.proofs));
  const ProofFigures proofs = MeasureProofs(*ldb, args.proofs);
  if (proofs.failed) {
    return 1;
  }
  std::printf("%-24s p50 %8.1f us  p99 %8.1f us  size %6.0f bytes (JSON %6.0f)\n", "inclusion",
              proofs.inclusion_p50_us, proofs.inclusion_p99_us, proofs.inclusion_bytes,
              proofs.inclusion_json_bytes);
  std::printf("%-24s p50 %8.1f us  p99 %8.1f us  size %6.0f bytes (JSON %6.0f)\n", "consistency",
              proofs.consistency_p50_us, proofs.consistency_p99_us, proofs.consistency_bytes,
              proofs.consistency_json_bytes);
  std::snprintf(line, sizeof(line),
                "%-24s %.1f bytes/entry in SSTables after CompactAll (tables %.2fx the plain "
                "store's)",
                "ledger storage", per_entry,
                Ratio(static_cast<double>(ledger_tables), static_cast<double>(plain_tables)));
  ratios.push_back(line);
  (void)ldb->Close();
  ldb.reset();
  if (!args.keep_data) {
    std::filesystem::remove_all(args.dir);
  }

  std::printf("\nRatios (same run):\n");
  for (const std::string& r : ratios) {
    std::printf("  %s\n", r.c_str());
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("\npeak resident memory: %.1f MiB\n", usage.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace
}  // namespace blockdb::bench

int main(int argc, char** argv) { return blockdb::bench::Main(argc, argv); }
