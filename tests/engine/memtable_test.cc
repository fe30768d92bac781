#include "engine/memtable.h"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine_value.h"

namespace blockdb {
namespace {

std::string Key(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key%08d", i);
  return buf;
}

TEST_CASE("memtable: add and get") {
  MemTable mem;
  mem.Add("b", 7, "value-b");
  mem.Add("a", 3, "");
  mem.Add(std::string("a\0", 2), 9, std::string("\0\1", 2));

  uint64_t index = 0;
  std::string value;
  REQUIRE(mem.Get("b", &index, &value));
  CHECK(index == 7);
  CHECK(value == "value-b");
  REQUIRE(mem.Get("a", &index, &value));
  CHECK(index == 3);
  CHECK(value.empty());
  REQUIRE(mem.Get(std::string("a\0", 2), &index, &value));
  CHECK(index == 9);
  CHECK(value == std::string("\0\1", 2));
  CHECK_FALSE(mem.Get("c", &index, &value));
  CHECK_FALSE(mem.Get("", &index, &value));
  CHECK(mem.Contains("a"));
  CHECK_FALSE(mem.Contains("ab"));
  CHECK(mem.NumEntries() == 3);
}

TEST_CASE("memtable: iterator yields user keys in order and engine values") {
  MemTable mem;
  std::map<std::string, std::pair<uint64_t, std::string>> model;
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string key = Key(static_cast<int>(rng() % 100000));
    if (model.count(key)) {
      continue;
    }
    std::string value(rng() % 50, static_cast<char>('a' + i % 26));
    model[key] = {static_cast<uint64_t>(i + 1), value};
    mem.Add(key, i + 1, value);
  }
  auto it = mem.NewIterator();
  it->SeekToFirst();
  for (const auto& [key, entry] : model) {
    REQUIRE(it->Valid());
    CHECK(it->key() == key);
    uint64_t index = 0;
    std::string_view user;
    REQUIRE(DecodeEngineValue(it->value(), &index, &user));
    CHECK(index == entry.first);
    CHECK(user == entry.second);
    it->Next();
  }
  CHECK_FALSE(it->Valid());
  CHECK(it->status().ok());

  it->Seek("key0005");
  auto m = model.lower_bound("key0005");
  REQUIRE(it->Valid());
  CHECK(it->key() == m->first);
  it->Seek("zzz");
  CHECK_FALSE(it->Valid());
}

TEST_CASE("memtable: memory usage grows with data") {
  MemTable mem;
  size_t before = mem.ApproximateMemoryUsage();
  for (int i = 0; i < 1000; ++i) {
    mem.Add(Key(i), i, std::string(100, 'v'));
  }
  size_t after = mem.ApproximateMemoryUsage();
  CHECK(after >= before + 1000 * 100);
  CHECK(after < before + 1000 * 300);
}

TEST_CASE("memtable: concurrency readers see completed inserts") {
  MemTable mem;
  constexpr int kKeys = 10000;
  std::atomic<int> inserted{0};
  std::atomic<bool> failed{false};
  auto reader = [&](unsigned seed) {
    std::mt19937 rng(seed);
    while (inserted.load(std::memory_order_acquire) < kKeys) {
      int known = inserted.load(std::memory_order_acquire);
      if (known == 0) {
        continue;
      }
      int i = static_cast<int>(rng() % known);
      uint64_t index = 0;
      std::string value;
      if (!mem.Get(Key(i), &index, &value) || index != static_cast<uint64_t>(i + 1) ||
          value != Key(i) + "-v") {
        failed = true;
      }
    }
  };
  std::thread r1(reader, 1);
  std::thread r2(reader, 2);
  for (int i = 0; i < kKeys; ++i) {
    mem.Add(Key(i), i + 1, Key(i) + "-v");
    inserted.store(i + 1, std::memory_order_release);
  }
  r1.join();
  r2.join();
  CHECK_FALSE(failed.load());
}

}  // namespace
}  // namespace blockdb
