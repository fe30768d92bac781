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
