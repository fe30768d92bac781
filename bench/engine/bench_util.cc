#include "bench_util.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/db.h"

namespace blockdb::bench {

namespace {
// splitmix64: a bijection on 64-bit integers, so distinct i give distinct keys in random order.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

void PutBigEndian64(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    dst->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}
}  // namespace

std::string MakeKey(uint64_t i) {
  std::string k;
  k.reserve(16);
  // The top bit is cleared: keys starting with 0xFF are reserved for the engine's own records.
  PutBigEndian64(&k, Mix(i) >> 1);
  PutBigEndian64(&k, i);
  return k;
}

std::string MakeValue(uint64_t i) {
  // A row-like value: a readable prefix with the number, then pseudo-random filler of which half
  // repeats, so compression can save some but not most of it (as with real rows).
  std::string v = "row-" + std::to_string(i) + "|";
  uint64_t x = Mix(i ^ 0x5555);
  while (v.size() < 100) {
    x = Mix(x);
    v.push_back(static_cast<char>('a' + (x % 26)));
    v.push_back('-');
  }
  v.resize(100);
  return v;
}

double Latencies::PercentileMicros(double p) {
  if (ns.empty()) {
    return 0;
  }
  size_t idx = static_cast<size_t>(p / 100.0 * static_cast<double>(ns.size() - 1));
  std::nth_element(ns.begin(), ns.begin() + static_cast<long>(idx), ns.end());
  return static_cast<double>(ns[idx]) / 1000.0;
}

uint64_t NowNanos() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

namespace {
uint64_t ReadProcField(const char* path, const std::string& field, uint64_t scale) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) {
      std::istringstream rest(line.substr(field.size()));
      uint64_t v = 0;
      rest >> v;
      return v * scale;
    }
  }
  return 0;
}
}  // namespace

uint64_t PeakRssBytes() { return ReadProcField("/proc/self/status", "VmHWM:", 1024); }

uint64_t StorageBytesWritten() { return ReadProcField("/proc/self/io", "write_bytes:", 1); }

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      break;
    }
    if (it->is_regular_file(ec)) {
      total += it->file_size(ec);
    }
  }
  return total;
}

std::optional<StoreScan> ScanWholeStore(DB* db) {
  IteratorOptions options;
  options.fill_cache = false;
  std::unique_ptr<Iterator> it = db->NewIterator(kLatestSnapshot, options);
  StoreScan scan;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++scan.keys;
    scan.bytes += it->key().size() + it->value().size();
  }
  if (!it->status().ok()) {
    return std::nullopt;
  }
  return scan;
}

}  // namespace blockdb::bench
