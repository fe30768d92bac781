// Randomized model test: the DB against a std::map of key -> (applied index, value).
// Seeded from BLOCKDB_SEED (or randomly); the seed is printed when a check fails.

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/mem_env.h"
#include "db_test_util.h"
#include "engine/db.h"

namespace blockdb {
namespace {

using db_test::OpenOrDie;
using db_test::SmallOptions;

struct ModelEntry {
  uint64_t index;
  std::string value;
};
using Model = std::map<std::string, ModelEntry>;

class ModelTest {
 public:
  // In memory (MemEnv): the test is about the engine's logic, and a disk's fsync latency would
  // make its run time depend on the machine.
  explicit ModelTest(uint64_t seed) : rng_(seed), options_(SmallOptions(&env_, "/db")) {
    options_.memtable_size_limit = 64 << 10;
    db_ = OpenOrDie(options_);
  }

  void Run(int operations) {
    for (int op = 0; op < operations; ++op) {
      INFO("operation " << op);
      int dice = static_cast<int>(rng_() % 100);
      if (dice < 50) {
        RandomWrite();
      } else if (dice < 65) {
        CheckGet(kLatestSnapshot);
      } else if (dice < 75) {
        CheckGet(RandomSnapshot());
      } else if (dice < 85) {
        CheckRange(RandomSnapshot());
      } else if (dice < 93) {
        CheckPrefix(dice % 2 == 0 ? kLatestSnapshot : RandomSnapshot());
      } else if (dice < 96) {
        REQUIRE(db_->Flush().ok());
      } else if (dice < 97) {
        REQUIRE(db_->CompactAll().ok());
      } else {
        Reopen();
      }
    }
    CheckRange(kLatestSnapshot);
    Reopen();
    CheckEverything();
  }

 private:
  std::string RandomKey() {
    // Decimal numbers without padding: many keys are prefixes of others ("k1", "k12", "k123").
    // Appended rather than `"k" + ...`, which trips a false -Wrestrict in GCC 12.
    std::string key = "k";
    key += std::to_string(rng_() % 3000);
    return key;
  }

  std::string RandomValue() {
    std::string v(rng_() % 120, '\0');
    for (char& c : v) {
      c = static_cast<char>(rng_() % 256);
    }
    return v;
  }

  void RandomWrite() {
    WriteBatch batch;
    std::set<std::string> keys;
    bool repeat = false;
    size_t n = 1 + rng_() % 8;
    for (size_t i = 0; i < n; ++i) {
      std::string key = RandomKey();
      repeat |= !keys.insert(key).second;
      batch.Insert(key, RandomValue());
    }
    if (rng_() % 10 == 0 && batch.Count() > 0) {  // a deliberate repeat within the batch
      batch.Insert(batch.entries()[0].key, "again");
      repeat = true;
    }
    bool exists = false;
    for (const std::string& k : keys) {
      exists |= model_.count(k) != 0;
    }
    uint64_t before = db_->AppliedIndex();
    Result<uint64_t> r = db_->Write(batch);
    if (repeat || exists) {
      REQUIRE_MESSAGE(r.status().IsDuplicateKey(), r.status().ToString());
      // A repeat within the batch is refused before logging; an existing key at apply time.
      CHECK(db_->AppliedIndex() == before + (repeat ? 0 : 1));
      return;
    }
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    REQUIRE(*r == before + 1);
    for (const WriteBatch::Entry& e : batch.entries()) {
      model_[e.key] = ModelEntry{*r, e.value};
    }
    snapshots_.push_back(*r);
  }

  uint64_t RandomSnapshot() {
    if (snapshots_.empty() || rng_() % 8 == 0) {
      return rng_() % 2 == 0 ? 0 : kLatestSnapshot;
    }
    return snapshots_[rng_() % snapshots_.size()];
  }

  void CheckGet(uint64_t snapshot) {
    std::string key = RandomKey();
    std::string value;
    Status s = db_->Get(key, &value, snapshot);
    auto it = model_.find(key);
    bool visible = it != model_.end() && it->second.index <= snapshot;
    INFO("get " << key << " at " << snapshot);
    if (visible) {
      REQUIRE_MESSAGE(s.ok(), s.ToString());
      CHECK(value == it->second.value);
    } else {
      CHECK_MESSAGE(s.IsNotFound(), s.ToString());
    }
  }

  // Compares the DB's scan from `start` (at most `limit` keys, stopping at `end` when non-empty)
  // with the model's.
  void CompareScan(uint64_t snapshot, const std::string& start, const std::string& prefix,
                   size_t limit) {
    std::unique_ptr<Iterator> it = db_->NewIterator(snapshot);
    it->Seek(start);
    auto m = model_.lower_bound(start);
    size_t seen = 0;
    while (seen < limit) {
      while (m != model_.end() && m->second.index > snapshot) {
        ++m;
      }
      bool model_done = m == model_.end() || !m->first.starts_with(prefix);
      bool db_done = !it->Valid() || !it->key().starts_with(prefix);
      REQUIRE(model_done == db_done);
      if (model_done) {
        break;
      }
      REQUIRE(it->key() == m->first);
      REQUIRE(it->value() == m->second.value);
      it->Next();
      ++m;
      ++seen;
    }
    REQUIRE_MESSAGE(it->status().ok(), it->status().ToString());
  }

  void CheckRange(uint64_t snapshot) {
    INFO("range scan at " << snapshot);
    CompareScan(snapshot, RandomKey(), "", 1 + rng_() % 200);
  }

  void CheckPrefix(uint64_t snapshot) {
    std::string prefix = "k";
    prefix += std::to_string(rng_() % 40);
    INFO("prefix scan " << prefix << " at " << snapshot);
    CompareScan(snapshot, prefix, prefix, ~size_t{0});
  }

  void Reopen() {
    REQUIRE(db_->Close().ok());
    db_ = OpenOrDie(options_);
  }

  void CheckEverything() {
    CompareScan(kLatestSnapshot, "", "", ~size_t{0});
    for (uint64_t snapshot : {uint64_t{0}, snapshots_.empty() ? 0 : snapshots_.front(),
                              snapshots_.empty() ? 0 : snapshots_[snapshots_.size() / 2]}) {
      CompareScan(snapshot, "", "", ~size_t{0});
    }
  }

  std::mt19937_64 rng_;
  MemEnv env_;
  EngineOptions options_;
  std::unique_ptr<DB> db_;
  Model model_;
  std::vector<uint64_t> snapshots_;
};

TEST_CASE("db model: random batches, reads, scans, snapshots, flushes, compactions, reopens") {
  uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  ModelTest test(seed);
  test.Run(3000);
}

}  // namespace
}  // namespace blockdb
