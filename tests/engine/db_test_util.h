// Helpers shared by the DB tests (db_test.cc, db_model_test.cc, db_fault_test.cc,
// db_concurrency_test.cc).
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "engine/db.h"
#include "util/temp_dir.h"

namespace blockdb::db_test {

using ::blockdb::testing::TempDir;

// Options with small sizes so that tests exercise flushes, segment rotation and compactions.
inline EngineOptions SmallOptions(Env* env, const std::string& dir) {
  EngineOptions options;
  options.env = env;
  options.dir = dir;
  options.memtable_size_limit = 128 << 10;
  options.block_cache_size = 256 << 10;
  options.table_cache_size = 64 << 10;
  options.log_segment_size = 32 << 10;
  options.compaction_threshold = 3;
  options.target_file_size = 32 << 10;
  options.level1_max_bytes = 128 << 10;
  options.table.block_size = 1024;
  return options;
}

inline std::unique_ptr<DB> OpenOrDie(const EngineOptions& options) {
  Result<std::unique_ptr<DB>> db = DB::Open(options);
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  return std::move(db).value();
}

inline std::string Key(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key%010llu", static_cast<unsigned long long>(i));
  return buf;
}

inline std::string ValueFor(std::string_view key, size_t size = 40) {
  std::string v;
  v.reserve(size);
  for (size_t i = 0; v.size() < size; ++i) {
    v.push_back(static_cast<char>('a' + (key[i % key.size()] + i) % 26));
  }
  return v;
}

// Every visible (key, value) of an iterator, checking its status.
inline std::map<std::string, std::string> ScanAll(Iterator* it) {
  std::map<std::string, std::string> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace(std::string(it->key()), std::string(it->value()));
  }
  REQUIRE_MESSAGE(it->status().ok(), it->status().ToString());
  return out;
}

inline std::map<std::string, std::string> ScanAll(DB* db, uint64_t snapshot = kLatestSnapshot) {
  std::unique_ptr<Iterator> it = db->NewIterator(snapshot);
  return ScanAll(it.get());
}

// Seed from BLOCKDB_SEED, else random. Tests report it with INFO so that a failure prints it.
inline uint64_t TestSeed() {
  const char* env = std::getenv("BLOCKDB_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : std::random_device{}();
}

}  // namespace blockdb::db_test
