#include "ledger_workloads.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "common/sha256.h"
#include "common/sha256_lanes.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/proof_json.h"

namespace blockdb::bench {

EngineOptions BenchEngineOptions(const std::string& dir) {
  EngineOptions options;
  options.dir = dir;
  options.sync_mode = EngineOptions::SyncMode::kAlways;
  return options;
}

InsertFigures DurableInserts(DB* db, int writers, int rows_per_batch, double seconds) {
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::vector<Latencies> lat(writers);
  std::vector<uint64_t> rows(writers, 0);
  std::vector<std::thread> threads;
  const uint64_t start = NowNanos();
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      uint64_t next = static_cast<uint64_t>(t + 1) << 40;
      while (!stop.load(std::memory_order_relaxed)) {
        WriteBatch batch;
        for (int i = 0; i < rows_per_batch; ++i, ++next) {
          batch.Insert(MakeKey(next), MakeValue(next));
        }
        const uint64_t t0 = NowNanos();
        Result<uint64_t> r = db->Write(batch);
        if (!r.ok()) {
          std::fprintf(stderr, "write: %s\n", r.status().ToString().c_str());
          failed = true;
          return;
        }
        lat[t].ns.push_back(NowNanos() - t0);
        rows[t] += rows_per_batch;
      }
    });
  }
  while (NowNanos() - start < static_cast<uint64_t>(seconds * 1e9) && !failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the timer of the run
  }
  stop = true;
  for (auto& t : threads) {
    t.join();
  }
  const double elapsed = static_cast<double>(NowNanos() - start) / 1e9;
  Latencies all;
  uint64_t total = 0;
  for (int t = 0; t < writers; ++t) {
    all.Merge(lat[t]);
    total += rows[t];
  }
  InsertFigures f;
  f.rows = total;
  f.rows_per_s = static_cast<double>(total) / elapsed;
  f.batch_p50_us = all.PercentileMicros(50);
  f.batch_p99_us = all.PercentileMicros(99);
  f.failed = failed;
  return f;
}

double Load(DB* db, uint64_t rows) {
  constexpr uint64_t kBatch = 1000;
  std::atomic<uint64_t> next_batch{0};
  std::atomic<bool> failed{false};
  const uint64_t start = NowNanos();
  auto loader = [&] {
    for (uint64_t b = next_batch.fetch_add(1); b * kBatch < rows && !failed;
         b = next_batch.fetch_add(1)) {
      WriteBatch batch;
      for (uint64_t i = b * kBatch; i < std::min(rows, (b + 1) * kBatch); ++i) {
        batch.Insert(MakeKey(i), MakeValue(i));
      }
      Result<uint64_t> r = db->Write(batch);
      if (!r.ok()) {
        std::fprintf(stderr, "load: %s\n", r.status().ToString().c_str());
        failed = true;
      }
    }
  };
  std::thread second(loader);
  loader();
  second.join();
  return failed ? -1.0 : static_cast<double>(NowNanos() - start) / 1e9;
}

namespace {

// MB/s of `hash`, which hashes `bytes_per_call` bytes per call and returns a byte of a digest,
// called for about `seconds` on this thread.
template <typename Hash>
double MeasureMbPerS(uint64_t bytes_per_call, double seconds, Hash hash) {
  uint64_t bytes = 0;
  uint8_t sink = 0;
  const uint64_t start = NowNanos();
  const uint64_t budget = static_cast<uint64_t>(seconds * 1e9);
  while (NowNanos() - start < budget) {
    for (int i = 0; i < 64; ++i) {
      sink ^= hash();
      bytes += bytes_per_call;
    }
  }
  const double elapsed = static_cast<double>(NowNanos() - start) / 1e9;
  if (sink == 0xff) {
    std::fprintf(stderr, " ");  // keeps the hashing observable to the optimizer
  }
  return static_cast<double>(bytes) / elapsed / 1e6;
}

// OpenSSL, one message at a time.
double HashRate(size_t message_bytes, double seconds) {
  const std::string message(message_bytes, 'x');
  return MeasureMbPerS(message_bytes, seconds, [&] { return Sha256(message)[0]; });
}

// Sha256Many over batches of 48 distinct messages.
double LanesHashRate(size_t message_bytes, double seconds) {
  constexpr size_t kBatch = 48;
  std::vector<std::string> messages(kBatch, std::string(message_bytes, 'x'));
  for (size_t i = 0; i < kBatch; ++i) {
    messages[i][0] = static_cast<char>(i);
  }
  const std::vector<std::string_view> views(messages.begin(), messages.end());
  std::vector<Hash256> out(kBatch);
  return MeasureMbPerS(message_bytes * kBatch, seconds, [&] {
    Sha256Many(views, out);
    return out[0][0];
  });
}

}  // namespace

ShaFigures MeasureSha256(size_t entry_bytes, double seconds) {
  ShaFigures f;
  f.bulk_mb_per_s = HashRate(1 << 20, seconds);
  f.entry_mb_per_s = HashRate(entry_bytes, seconds);
  f.entry_lanes_mb_per_s = LanesHashRate(entry_bytes, seconds);
  f.node_lanes_mb_per_s = LanesHashRate(65, seconds);
  return f;
}

ScanFigures ScanStore(DB* db, double (*process_cpu_seconds)()) {
  ScanFigures f;
  const double before = process_cpu_seconds();
  const std::optional<StoreScan> scan = ScanWholeStore(db);
  const double cpu = process_cpu_seconds() - before;
  if (!scan || scan->bytes == 0) {
    return f;
  }
  f.cpu_seconds = cpu;
  f.keys = scan->keys;
  return f;
}

namespace {

constexpr double kFixedInclusionBytes = 8 + 8 + 32 + 32;  // leaf_index, tree_size, leaf, root
constexpr double kFixedConsistencyBytes = 8 + 8 + 32 + 32;

}  // namespace

ProofFigures MeasureProofs(const LedgerDB& ldb, uint64_t count) {
  ProofFigures f;
  const uint64_t size = ldb.GetDigest().tree_size;
  if (size < 2) {
    f.failed = true;
    return f;
  }
  std::mt19937_64 rng(7);
  Latencies inclusion;
  Latencies consistency;
  double inclusion_bytes = 0;
  double inclusion_json = 0;
  double consistency_bytes = 0;
  double consistency_json = 0;
  const uint64_t warmup = count / 10;
  for (uint64_t i = 0; i < warmup + count; ++i) {
    const bool measured = i >= warmup;
    uint64_t t0 = NowNanos();
    Result<ledger::InclusionProof> ip = ldb.ProveInclusion(rng() % size, size);
    uint64_t t1 = NowNanos();
    Result<ledger::ConsistencyProof> cp = ldb.ProveConsistency(1 + rng() % (size - 1), size);
    uint64_t t2 = NowNanos();
    if (!ip.ok() || !cp.ok()) {
      std::fprintf(stderr, "proof: %s\n",
                   (!ip.ok() ? ip.status() : cp.status()).ToString().c_str());
      f.failed = true;
      return f;
    }
    if (measured) {
      inclusion.ns.push_back(t1 - t0);
      consistency.ns.push_back(t2 - t1);
      inclusion_bytes += kFixedInclusionBytes + 32.0 * ip->path.size();
      consistency_bytes += kFixedConsistencyBytes + 32.0 * cp->path.size();
      inclusion_json += static_cast<double>(ledger::ProofToJson(*ip).size());
      consistency_json += static_cast<double>(ledger::ProofToJson(*cp).size());
    }
  }
  const double n = static_cast<double>(count);
  f.inclusion_p50_us = inclusion.PercentileMicros(50);
  f.inclusion_p99_us = inclusion.PercentileMicros(99);
  f.consistency_p50_us = consistency.PercentileMicros(50);
  f.consistency_p99_us = consistency.PercentileMicros(99);
  f.inclusion_bytes = inclusion_bytes / n;
  f.inclusion_json_bytes = inclusion_json / n;
  f.consistency_bytes = consistency_bytes / n;
  f.consistency_json_bytes = consistency_json / n;
  return f;
}

}  // namespace blockdb::bench
