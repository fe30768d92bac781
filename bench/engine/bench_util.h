// Shared pieces of the engine benchmark: the engine adapter interface, key/value generation,
// latency recording and process measurements (peak RSS, bytes written to storage).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace blockdb {
class DB;
}  // namespace blockdb

namespace blockdb::bench {

// One storage engine under test. Every method is called from benchmark threads; Insert and Get
// may be called concurrently.
class BenchEngine {
 public:
  virtual ~BenchEngine() = default;
  virtual std::string Name() const = 0;
  // Opens (creating) the engine in dir. durable: every acknowledged write is fsynced.
  virtual bool Open(const std::string& dir, bool durable) = 0;
  // One durable insert-if-absent; false on any error other than "already exists".
  virtual bool Insert(std::string_view key, std::string_view value) = 0;
  // An atomic batch of inserts.
  virtual bool InsertBatch(const std::vector<std::pair<std::string, std::string>>& kvs) = 0;
  // Point read: true when found.
  virtual bool Get(std::string_view key, std::string* value) = 0;
  // Reads up to n consecutive keys from start; returns how many were read.
  virtual int Scan(std::string_view start, int n) = 0;
  // Reads every key and value once in order, without filling the block cache (a scan of the
  // whole store, as VERIFY makes); returns the bytes of keys and values read, or -1 on error.
  virtual int64_t ScanAll() = 0;
  // Flushes memory and compacts everything (before the read phases).
  virtual void CompactAll() = 0;
  virtual void Close() = 0;
};

std::unique_ptr<BenchEngine> NewBlockDbEngine();
// get_before_put: each insert first reads the key, the fair counterpart of insert-if-absent.
std::unique_ptr<BenchEngine> NewRocksDbEngine(bool get_before_put);

// 16-byte key for i: 8 bytes of a bijective mix of i (spreads keys) + 8 bytes big-endian i.
std::string MakeKey(uint64_t i);
// 100-byte value, deterministic, mildly compressible like real rows.
std::string MakeValue(uint64_t i);

// Latencies in nanoseconds; percentile p in [0, 100].
struct Latencies {
  std::vector<uint64_t> ns;
  void Merge(const Latencies& other) { ns.insert(ns.end(), other.ns.begin(), other.ns.end()); }
  double PercentileMicros(double p);
};

uint64_t NowNanos();

// One forward scan of every key of a BlockDB store at its latest snapshot, without filling the
// block cache (as VERIFY reads): the keys seen and the bytes of keys and values, or nullopt when
// the scan fails.
struct StoreScan {
  uint64_t keys = 0;
  uint64_t bytes = 0;
};
std::optional<StoreScan> ScanWholeStore(DB* db);
// Peak resident set size of this process in bytes (VmHWM).
uint64_t PeakRssBytes();
// Bytes this process caused to be sent to the storage layer (/proc/self/io write_bytes).
uint64_t StorageBytesWritten();
// Total size of the regular files under dir.
uint64_t DirectoryBytes(const std::string& dir);

}  // namespace blockdb::bench
