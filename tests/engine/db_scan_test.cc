// DB::NewIterator with IteratorOptions: a scan that does not fill the block cache sees exactly
// what a default scan sees, at any snapshot, and leaves the cache as it found it.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "db_test_util.h"
#include "engine/db.h"

namespace blockdb::db_test {
namespace {

TEST_CASE("db scan: an iterator without fill_cache adds no blocks to the cache") {
  TempDir dir;
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.block_cache_size = 8 << 20;  // holds every block: only the option keeps it empty
  std::unique_ptr<DB> db = OpenOrDie(options);
  uint64_t half = 0;
  for (uint64_t i = 0; i < 2000; ++i) {
    WriteBatch batch;
    batch.Insert(Key(i), ValueFor(Key(i)));
    Result<uint64_t> index = db->Write(batch);
    REQUIRE(index.ok());
    if (i == 999) {
      half = *index;
    }
  }
  REQUIRE(db->CompactAll().ok());
  const uint64_t cached = db->GetStats().block_cache_usage;

  IteratorOptions no_fill;
  no_fill.fill_cache = false;
  for (uint64_t snapshot : {half, kLatestSnapshot}) {
    CAPTURE(snapshot);
    std::unique_ptr<Iterator> it = db->NewIterator(snapshot, no_fill);
    const std::map<std::string, std::string> seen = ScanAll(it.get());
    CHECK(seen == ScanAll(db.get(), snapshot));
    CHECK(seen.size() == (snapshot == half ? 1000u : 2000u));
  }
  std::unique_ptr<Iterator> it = db->NewIterator(kLatestSnapshot, no_fill);
  it->Seek(Key(1500));
  REQUIRE(it->Valid());
  CHECK(it->key() == Key(1500));
  it.reset();
  // Only the default scans (ScanAll(db)) filled the cache; a no-fill scan of a cold cache adds
  // nothing.
  CHECK(db->GetStats().block_cache_usage > cached);
  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  const uint64_t cold = db->GetStats().block_cache_usage;
  it = db->NewIterator(kLatestSnapshot, no_fill);
  CHECK(ScanAll(it.get()).size() == 2000);
  it.reset();
  CHECK(db->GetStats().block_cache_usage == cold);
  ScanAll(db.get());
  CHECK(db->GetStats().block_cache_usage > cold);
}

}  // namespace
}  // namespace blockdb::db_test

namespace blockdb::db_test {
namespace {

// Rows of [begin, end) in the latest state.
size_t CountRange(DB* db, const std::string& begin, const std::string& end) {
  std::unique_ptr<Iterator> it = db->NewIterator();
  size_t n = 0;
  for (it->Seek(begin); it->Valid() && it->key() < end; it->Next()) ++n;
  REQUIRE(it->status().ok());
  return n;
}

TEST_CASE("db scan: ApproximateSplitKeys cuts a range into pieces of about equal size") {
  TempDir dir;
  std::unique_ptr<DB> db = OpenOrDie(SmallOptions(Env::Default(), dir.path()));
  for (uint64_t i = 0; i < 4000; i += 100) {
    WriteBatch batch;
    for (uint64_t j = i; j < i + 100; ++j) batch.Insert(Key(j), ValueFor(Key(j)));
    REQUIRE(db->Write(batch).ok());
  }
  REQUIRE(db->CompactAll().ok());
  Result<std::vector<std::string>> cuts = std::vector<std::string>();

  for (int parts : {2, 3, 4}) {
    CAPTURE(parts);
    for (const auto& [begin, end] :
         {std::pair(Key(0), Key(4000)), std::pair(Key(1000), Key(3000))}) {
      cuts = db->ApproximateSplitKeys(begin, end, parts, 0);
      REQUIRE(cuts.ok());
      REQUIRE(cuts->size() == static_cast<size_t>(parts - 1));
      const size_t total = CountRange(db.get(), begin, end);
      std::string from = begin;
      for (size_t i = 0; i <= cuts->size(); ++i) {
        const std::string to = i < cuts->size() ? (*cuts)[i] : end;
        CHECK(from < to);  // ascending and strictly inside the range
        const size_t n = CountRange(db.get(), from, to);
        CHECK(n * parts >= total / 2);  // within a factor of two of an equal share
        CHECK(n * parts <= total * 2);
        from = to;
      }
    }
  }
  // Too little data for min_bytes, one part, or an empty range: no cuts.
  CHECK(db->ApproximateSplitKeys(Key(0), Key(4000), 2, uint64_t{1} << 40)->empty());
  CHECK(db->ApproximateSplitKeys(Key(0), Key(4000), 1, 0)->empty());
  CHECK(db->ApproximateSplitKeys(Key(5000), Key(6000), 2, 0)->empty());
  // Rows still in the memtable are not weighed.
  TempDir dir2;
  EngineOptions big = SmallOptions(Env::Default(), dir2.path());
  big.memtable_size_limit = 64 << 20;
  std::unique_ptr<DB> fresh = OpenOrDie(big);
  WriteBatch batch;
  for (uint64_t j = 0; j < 1000; ++j) batch.Insert(Key(j), ValueFor(Key(j)));
  REQUIRE(fresh->Write(batch).ok());
  CHECK(fresh->ApproximateSplitKeys(Key(0), Key(4000), 2, 0)->empty());
}

}  // namespace
}  // namespace blockdb::db_test
