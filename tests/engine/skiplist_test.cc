#include "engine/skiplist.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "engine/arena.h"

namespace blockdb {
namespace {

struct U64Comparator {
  int operator()(uint64_t a, uint64_t b) const { return a < b ? -1 : (a > b ? 1 : 0); }
};
using IntList = SkipList<uint64_t, U64Comparator>;

TEST_CASE("skiplist: empty list") {
  Arena arena;
  IntList list(U64Comparator(), &arena);
  CHECK_FALSE(list.Contains(10));
  IntList::Iterator it(&list);
  it.SeekToFirst();
  CHECK_FALSE(it.Valid());
  it.Seek(100);
  CHECK_FALSE(it.Valid());
}

TEST_CASE("skiplist: insert, contains, ordered iteration and seek") {
  Arena arena;
  IntList list(U64Comparator(), &arena);
  std::set<uint64_t> model;
  std::mt19937_64 rng(301);
  for (int i = 0; i < 5000; ++i) {
    uint64_t key = rng() % 20000;
    if (model.insert(key).second) {
      list.Insert(key);
    }
  }
  for (uint64_t k = 0; k < 20000; ++k) {
    REQUIRE(list.Contains(k) == (model.count(k) == 1));
  }
  IntList::Iterator it(&list);
  it.SeekToFirst();
  for (uint64_t expected : model) {
    REQUIRE(it.Valid());
    CHECK(it.key() == expected);
    it.Next();
  }
  CHECK_FALSE(it.Valid());
  for (uint64_t target = 0; target < 20000; target += 37) {
    it.Seek(target);
    auto m = model.lower_bound(target);
    if (m == model.end()) {
      CHECK_FALSE(it.Valid());
    } else {
      REQUIRE(it.Valid());
      CHECK(it.key() == *m);
    }
  }
  CHECK(arena.MemoryUsage() > 0);
}

// One writer inserts while readers run lock-free: every key whose insertion completed before a
// reader looked must be found, and iteration must always be strictly increasing.
TEST_CASE("skiplist: concurrency one writer many readers") {
  Arena arena;
  IntList list(U64Comparator(), &arena);
  constexpr size_t kKeys = 20000;
  std::vector<uint64_t> keys(kKeys);
  for (size_t i = 0; i < kKeys; ++i) {
    keys[i] = i * 7919 + 1;
  }
  std::shuffle(keys.begin(), keys.end(), std::mt19937_64(7));
  std::atomic<size_t> inserted{0};
  std::atomic<bool> failed{false};

  auto reader = [&](uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (inserted.load(std::memory_order_acquire) < kKeys) {
      size_t known = inserted.load(std::memory_order_acquire);
      if (known > 0 && !list.Contains(keys[rng() % known])) {
        failed = true;
      }
      IntList::Iterator it(&list);
      size_t seen = 0;
      uint64_t prev = 0;
      for (it.SeekToFirst(); it.Valid(); it.Next()) {
        if (seen > 0 && it.key() <= prev) {
          failed = true;
        }
        prev = it.key();
        ++seen;
      }
      if (seen < known) {
        failed = true;
      }
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back(reader, 100 + r);
  }
  for (size_t i = 0; i < kKeys; ++i) {
    list.Insert(keys[i]);
    inserted.store(i + 1, std::memory_order_release);
  }
  for (auto& t : readers) {
    t.join();
  }
  CHECK_FALSE(failed.load());
}

}  // namespace
}  // namespace blockdb
