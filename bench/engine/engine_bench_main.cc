// blockdb-bench-engine: the storage engine against RocksDB, same machine, same data, same
// durability, in one run. Each (workload, engine) pair runs in its own forked process so peak RSS
// and bytes written are measured per engine. Prints one line per pair and the BlockDB/RocksDB
// ratio per workload. Never fails on a time.
//
//   blockdb-bench-engine [--keys N] [--seconds S] [--threads 1,4,16] [--reads N] [--scans N]
//                        [--dir DIR]
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"

namespace blockdb::bench {
namespace {

struct Args {
  uint64_t keys = 1000000;
  double seconds = 3.0;
  std::vector<int> threads = {1, 4, 16};
  uint64_t reads = 200000;
  uint64_t scans = 20000;
  std::string dir;
};

// A workload's figures, passed from the child process as "name=value" lines.
using Figures = std::map<std::string, double>;

std::unique_ptr<BenchEngine> MakeEngine(const std::string& name) {
  if (name == "blockdb") {
    return NewBlockDbEngine();
  }
  return NewRocksDbEngine(name == "rocksdb-get+put");
}

// Durable single-key inserts from `threads` writers for a fixed time.
Figures DurableInserts(BenchEngine* engine, int threads, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::vector<Latencies> lat(threads);
  std::vector<std::thread> workers;
  uint64_t start = NowNanos();
  for (int t = 0; t < threads; t++) {
    workers.emplace_back([&, t] {
      for (uint64_t j = 0; !stop.load(std::memory_order_relaxed); j++) {
        uint64_t id = (static_cast<uint64_t>(t) << 40) | j;
        uint64_t t0 = NowNanos();
        if (!engine->Insert(MakeKey(id), MakeValue(id))) {
          failed = true;
          return;
        }
        lat[t].ns.push_back(NowNanos() - t0);
      }
    });
  }
  while (NowNanos() - start < static_cast<uint64_t>(seconds * 1e9) && !failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the timer of the run
  }
  stop = true;
  for (auto& w : workers) {
    w.join();
  }
  double elapsed = static_cast<double>(NowNanos() - start) / 1e9;
  Latencies all;
  for (auto& l : lat) {
    all.Merge(l);
  }
  return {{"ops_per_s", static_cast<double>(all.ns.size()) / elapsed},
          {"p50_us", all.PercentileMicros(50)},
          {"p99_us", all.PercentileMicros(99)},
          {"failed", failed ? 1.0 : 0.0}};
}

// Bulk load in durable batches of 1000, compaction, then the read workloads on the loaded data
// (point reads, 100-key scans, and a scan of the whole store without filling the block cache).
Figures LoadAndRead(BenchEngine* engine, const Args& args, const std::string& dir) {
  Figures f;
  uint64_t written_before = StorageBytesWritten();
  uint64_t start = NowNanos();
  Latencies batch_lat;
  for (uint64_t i = 0; i < args.keys; i += 1000) {
    std::vector<std::pair<std::string, std::string>> kvs;
    for (uint64_t j = i; j < std::min(args.keys, i + 1000); j++) {
      kvs.emplace_back(MakeKey(j), MakeValue(j));
    }
    uint64_t t0 = NowNanos();
    if (!engine->InsertBatch(kvs)) {
      f["failed"] = 1;
      return f;
    }
    batch_lat.ns.push_back(NowNanos() - t0);
  }
  double load_s = static_cast<double>(NowNanos() - start) / 1e9;
  f["load_keys_per_s"] = static_cast<double>(args.keys) / load_s;
  f["load_batch_p50_us"] = batch_lat.PercentileMicros(50);
  f["load_batch_p99_us"] = batch_lat.PercentileMicros(99);
  engine->CompactAll();
  double user_bytes = static_cast<double>(args.keys) * (16 + 100);
  f["write_amp"] = static_cast<double>(StorageBytesWritten() - written_before) / user_bytes;
  f["disk_mb"] = static_cast<double>(DirectoryBytes(dir)) / (1 << 20);

  std::mt19937_64 rng(42);
  auto timed = [&](const char* name, uint64_t n, auto&& op) {
    Latencies lat;
    uint64_t t_start = NowNanos();
    for (uint64_t i = 0; i < n; i++) {
      uint64_t t0 = NowNanos();
      op();
      lat.ns.push_back(NowNanos() - t0);
    }
    double secs = static_cast<double>(NowNanos() - t_start) / 1e9;
    f[std::string(name) + "_ops_per_s"] = static_cast<double>(n) / secs;
    f[std::string(name) + "_p50_us"] = lat.PercentileMicros(50);
    f[std::string(name) + "_p99_us"] = lat.PercentileMicros(99);
  };
  std::string value;
  uint64_t misses_found = 0;
  uint64_t hits_missing = 0;
  timed("get_hit", args.reads, [&] {
    if (!engine->Get(MakeKey(rng() % args.keys), &value)) {
      hits_missing++;
    }
  });
  timed("get_miss", args.reads, [&] {
    if (engine->Get(MakeKey(args.keys + rng() % args.keys), &value)) {
      misses_found++;
    }
  });
  uint64_t scanned = 0;
  timed("scan100", args.scans, [&] { scanned += engine->Scan(MakeKey(rng() % args.keys), 100); });
  // A scan of the whole store, twice (the faster counts): keys per second of elapsed time.
  double best_scan_s = 1e300;
  for (int run = 0; run < 2; ++run) {
    const uint64_t t0 = NowNanos();
    const int64_t bytes = engine->ScanAll();
    if (bytes < 0) {
      hits_missing++;  // counted as a wrong result
    }
    best_scan_s = std::min(best_scan_s, static_cast<double>(NowNanos() - t0) / 1e9);
  }
  f["full_scan_keys_per_s"] = static_cast<double>(args.keys) / best_scan_s;
  f["wrong_results"] = static_cast<double>(misses_found + hits_missing);
  f["scan_avg_keys"] = static_cast<double>(scanned) / static_cast<double>(args.scans);
  return f;
}

// Runs fn in a child process on a fresh engine in a fresh directory; returns its figures plus
// peak_rss_mb measured in the child.
Figures RunIsolated(const std::string& engine_name, const std::string& dir,
                    const std::function<Figures(BenchEngine*, const std::string&)>& fn) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto engine = MakeEngine(engine_name);
    Figures f;
    if (!engine->Open(dir, /*durable=*/true)) {
      f["failed"] = 1;
    } else {
      f = fn(engine.get(), dir);
      engine->Close();
    }
    f["peak_rss_mb"] = static_cast<double>(PeakRssBytes()) / (1 << 20);
    std::ostringstream out;
    for (const auto& [k, v] : f) {
      out << k << "=" << v << "\n";
    }
    std::string s = out.str();
    ssize_t ignored = write(fds[1], s.data(), s.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  Figures f;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) {
      f[line.substr(0, eq)] = std::stod(line.substr(eq + 1));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    f["failed"] = 1;
  }
  std::filesystem::remove_all(dir);
  return f;
}

void PrintRow(const std::string& workload, const std::string& engine, const Figures& f,
              const std::string& ops_key, const std::string& prefix) {
  auto get = [&](const std::string& k) {
    auto it = f.find(k);
    return it == f.end() ? 0.0 : it->second;
  };
  std::printf("%-22s %-16s %12.0f %10.1f %10.1f %9.0f%s\n", workload.c_str(), engine.c_str(),
              get(ops_key), get(prefix + "p50_us"), get(prefix + "p99_us"), get("peak_rss_mb"),
              get("failed") != 0 ? "  FAILED" : "");
}

std::vector<int> ParseList(const std::string& s) {
  std::vector<int> out;
  std::istringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    out.push_back(std::stoi(item));
  }
  return out;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    std::string v = argv[i + 1];
    if (k == "--keys") {
      a.keys = std::stoull(v);
    } else if (k == "--seconds") {
      a.seconds = std::stod(v);
    } else if (k == "--threads") {
      a.threads = ParseList(v);
    } else if (k == "--reads") {
      a.reads = std::stoull(v);
    } else if (k == "--scans") {
      a.scans = std::stoull(v);
    } else if (k == "--dir") {
      a.dir = v;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    a.dir = std::string(tmp ? tmp : "/tmp") + "/blockdb-bench-" + std::to_string(getpid());
  }
  return a;
}

int Main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  std::printf("BlockDB engine benchmark: %llu keys (16-byte keys, 100-byte values), durable "
              "writes fsynced, %.1f s per insert line, data under %s\n",
              static_cast<unsigned long long>(args.keys), args.seconds, args.dir.c_str());
  std::printf("%-22s %-16s %12s %10s %10s %9s\n", "workload", "engine", "ops/s", "p50 us",
              "p99 us", "rss MiB");
  std::vector<std::string> ratios;
  auto ratio_line = [&](const std::string& workload, double bdb, double rdb, const char* what) {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "%-34s BlockDB/RocksDB = %.2fx (%s)", workload.c_str(),
                  rdb > 0 ? bdb / rdb : 0.0, what);
    ratios.push_back(buf);
  };

  for (int t : args.threads) {
    std::string workload = "durable_insert_t" + std::to_string(t);
    std::map<std::string, Figures> res;
    for (const char* e : {"blockdb", "rocksdb", "rocksdb-get+put"}) {
      res[e] = RunIsolated(e, args.dir + "/" + e, [&](BenchEngine* eng, const std::string&) {
        return DurableInserts(eng, t, args.seconds);
      });
      PrintRow(workload, e, res[e], "ops_per_s", "");
    }
    ratio_line(workload, res["blockdb"]["ops_per_s"], res["rocksdb"]["ops_per_s"], "vs Put");
    ratio_line(workload, res["blockdb"]["ops_per_s"], res["rocksdb-get+put"]["ops_per_s"],
               "vs Get+Put");
  }

  std::map<std::string, Figures> res;
  for (const char* e : {"blockdb", "rocksdb"}) {
    res[e] = RunIsolated(e, args.dir + "/" + e, [&](BenchEngine* eng, const std::string& dir) {
      return LoadAndRead(eng, args, dir);
    });
    const Figures& f = res[e];
    PrintRow("bulk_load_batch1000", e, f, "load_keys_per_s", "load_batch_");
    PrintRow("get_hit", e, f, "get_hit_ops_per_s", "get_hit_");
    PrintRow("get_miss", e, f, "get_miss_ops_per_s", "get_miss_");
    PrintRow("scan100", e, f, "scan100_ops_per_s", "scan100_");
    std::printf("%-22s %-16s %12.0f keys/s\n", "full_scan", e,
                f.count("full_scan_keys_per_s") ? f.at("full_scan_keys_per_s") : 0.0);
    auto get = [&](const char* k) { return f.count(k) ? f.at(k) : 0.0; };
    std::printf("%-22s %-16s write_amp=%.2f disk=%.1f MiB wrong_results=%.0f scan_avg=%.1f\n",
                "after_load", e, get("write_amp"), get("disk_mb"), get("wrong_results"),
                get("scan_avg_keys"));
  }
  for (const char* w :
       {"load_keys", "get_hit_ops", "get_miss_ops", "scan100_ops", "full_scan_keys"}) {
    std::string k = std::string(w) + "_per_s";
    ratio_line(w, res["blockdb"][k], res["rocksdb"][k], "throughput");
  }
  ratio_line("peak_rss (load+read)", res["blockdb"]["peak_rss_mb"], res["rocksdb"]["peak_rss_mb"],
             "lower is better");
  ratio_line("write_amp", res["blockdb"]["write_amp"], res["rocksdb"]["write_amp"],
             "lower is better");
  std::printf("\nRatios (same run):\n");
  for (const auto& r : ratios) {
    std::printf("  %s\n", r.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace blockdb::bench

int main(int argc, char** argv) { return blockdb::bench::Main(argc, argv); }
