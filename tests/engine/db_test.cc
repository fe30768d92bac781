#include "engine/db.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "common/key_coding.h"
#include "db_test_util.h"

namespace blockdb {
namespace {

using db_test::Key;
using db_test::OpenOrDie;
using db_test::ScanAll;
using db_test::SmallOptions;
using db_test::TempDir;
using db_test::ValueFor;

Result<uint64_t> Put(DB* db, std::vector<std::pair<std::string, std::string>> kvs) {
  WriteBatch batch;
  for (const auto& [k, v] : kvs) {
    batch.Insert(k, v);
  }
  return db->Write(batch);
}

// Fills keys [from, to) in batches of `per_batch`.
void Fill(DB* db, uint64_t from, uint64_t to, uint64_t per_batch = 10) {
  for (uint64_t i = from; i < to; i += per_batch) {
    WriteBatch batch;
    for (uint64_t k = i; k < std::min(to, i + per_batch); ++k) {
      batch.Insert(Key(k), ValueFor(Key(k)));
    }
    Result<uint64_t> r = db->Write(batch);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
}

void CheckFilled(DB* db, uint64_t from, uint64_t to) {
  std::string value;
  for (uint64_t k = from; k < to; ++k) {
    Status s = db->Get(Key(k), &value);
    REQUIRE_MESSAGE(s.ok(), Key(k), ": ", s.ToString());
    REQUIRE(value == ValueFor(Key(k)));
  }
  auto all = ScanAll(db);
  REQUIRE(all.size() == to - from);
}

TEST_CASE("db: insert, get and iterate") {
  TempDir dir;
  auto db = OpenOrDie(SmallOptions(Env::Default(), dir.path()));
  CHECK(db->AppliedIndex() == 0);
  Result<uint64_t> first = Put(db.get(), {{"b", "2"}, {"a", "1"}});
  REQUIRE(first.ok());
  CHECK(*first == 1);
  Result<uint64_t> second = Put(db.get(), {{std::string("a\0", 2), ""}, {"c", "3"}});
  REQUIRE(second.ok());
  CHECK(*second == 2);
  CHECK(db->AppliedIndex() == 2);

  std::string value;
  REQUIRE(db->Get("a", &value).ok());
  CHECK(value == "1");
  REQUIRE(db->Get(std::string("a\0", 2), &value).ok());
  CHECK(value.empty());
  CHECK(db->Get("d", &value).IsNotFound());
  CHECK(db->Get("", &value).IsNotFound());

  std::map<std::string, std::string> expected = {
      {"a", "1"}, {std::string("a\0", 2), ""}, {"b", "2"}, {"c", "3"}};
  CHECK(ScanAll(db.get()) == expected);

  auto it = db->NewIterator();
  it->Seek("a\x01");
  REQUIRE(it->Valid());
  CHECK(it->key() == "b");
  it->Seek("zz");
  CHECK_FALSE(it->Valid());
  CHECK(it->status().ok());
}

TEST_CASE("db: GetWithIndex returns the log index that inserted the key, also after a flush") {
  TempDir dir;
  auto db = OpenOrDie(SmallOptions(Env::Default(), dir.path()));
  Result<uint64_t> first = Put(db.get(), {{"a", "1"}});
  Result<uint64_t> second = Put(db.get(), {{"b", "2"}, {"c", "3"}});
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  auto check = [&] {
    std::string value;
    uint64_t index = 0;
    REQUIRE(db->GetWithIndex("a", &value, &index).ok());
    CHECK(value == "1");
    CHECK(index == *first);
    REQUIRE(db->GetWithIndex("c", &value, &index).ok());
    CHECK(value == "3");
    CHECK(index == *second);
    CHECK(db->GetWithIndex("c", &value, &index, *first).IsNotFound());  // not yet at that snapshot
    CHECK(db->GetWithIndex("zz", &value, &index).IsNotFound());
  };
  check();
  REQUIRE(db->Flush().ok());
  check();
}

TEST_CASE("db: duplicate key within a batch rejects the batch") {
  TempDir dir;
  auto db = OpenOrDie(SmallOptions(Env::Default(), dir.path()));
  Result<uint64_t> r = Put(db.get(), {{"x", "1"}, {"y", "2"}, {"x", "3"}});
  REQUIRE(r.status().IsDuplicateKey());
  CHECK(r.status().message().find("'x'") != std::string::npos);
  std::string value;
  CHECK(db->Get("x", &value).IsNotFound());
  CHECK(db->Get("y", &value).IsNotFound());
  CHECK(ScanAll(db.get()).empty());
}

TEST_CASE("db: duplicate key across batches rejects the whole later batch") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  auto db = OpenOrDie(options);
  REQUIRE(Put(db.get(), {{"k1", "first"}}).ok());
  Result<uint64_t> r = Put(db.get(), {{"k0", "new"}, {"k1", "second"}, {"k2", "new"}});
  REQUIRE(r.status().IsDuplicateKey());
  CHECK(r.status().message().find("'k1'") != std::string::npos);
  // The rejected batch still consumed its log index (it was logged, then rejected by apply).
  CHECK(db->AppliedIndex() == 2);
  std::string value;
  REQUIRE(db->Get("k1", &value).ok());
  CHECK(value == "first");
  CHECK(db->Get("k0", &value).IsNotFound());
  CHECK(db->Get("k2", &value).IsNotFound());

  // Binary keys are named in hex.
  REQUIRE(Put(db.get(), {{std::string("\x01\x02", 2), ""}}).ok());
  r = Put(db.get(), {{std::string("\x01\x02", 2), ""}});
  CHECK(r.status().message().find("0x0102") != std::string::npos);

  // Also after a flush (the existing key is then in an SSTable), and after reopening (the
  // rejected batch is replayed and rejected again: same state).
  REQUIRE(db->Flush().ok());
  CHECK(Put(db.get(), {{"k3", "x"}, {"k1", "third"}}).status().IsDuplicateKey());
  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  CHECK(db->AppliedIndex() == 5);
  CHECK(ScanAll(db.get()) ==
        std::map<std::string, std::string>{{std::string("\x01\x02", 2), ""}, {"k1", "first"}});
}

TEST_CASE("db: invalid options are refused by Open") {
  TempDir dir;
  EngineOptions options = SmallOptions(Env::Default(), dir.path());
  options.memtable_size_limit = 1000;
  CHECK(DB::Open(options).status().IsInvalidArgument());
  options = SmallOptions(Env::Default(), dir.path());
  options.table.restart_interval = 0;
  CHECK(DB::Open(options).status().IsInvalidArgument());
  options = SmallOptions(Env::Default(), "");
  CHECK(DB::Open(options).status().IsInvalidArgument());
}

TEST_CASE("db: invalid batches are refused before logging") {
  TempDir dir;
  auto db = OpenOrDie(SmallOptions(Env::Default(), dir.path()));
  WriteBatch empty;
  CHECK(db->Write(empty).status().IsInvalidArgument());
  CHECK(Put(db.get(), {{"ok", "1"},
                       {std::string("\xff"
                                    "ledger",
                                    7),
                        "x"}})
            .status()
            .IsInvalidArgument());
  CHECK(db->AppliedIndex() == 0);
  std::string value;
  CHECK(db->Get("ok", &value).IsNotFound());
}

TEST_CASE("db: snapshots see exactly the writes at or below their index") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  auto db = OpenOrDie(options);
  std::vector<uint64_t> indexes;
  for (int i = 0; i < 30; ++i) {
    Result<uint64_t> r = Put(db.get(), {{Key(i), ValueFor(Key(i))}});
    REQUIRE(r.ok());
    indexes.push_back(*r);
  }
  auto check_snapshots = [&](DB* d) {
    for (int s = 0; s < 30; ++s) {
      uint64_t snapshot = indexes[s];
      auto visible = ScanAll(d, snapshot);
      REQUIRE(visible.size() == static_cast<size_t>(s + 1));
      std::string value;
      CHECK(d->Get(Key(s), &value, snapshot).ok());
      if (s + 1 < 30) {
        CHECK(d->Get(Key(s + 1), &value, snapshot).IsNotFound());
      }
    }
    CHECK(ScanAll(d, 0).empty());
  };
  check_snapshots(db.get());
  // An iterator keeps its snapshot while later writes arrive.
  auto it = db->NewIterator();
  REQUIRE(Put(db.get(), {{"later", "x"}}).ok());
  CHECK(ScanAll(it.get()).size() == 30);
  it.reset();

  REQUIRE(db->Flush().ok());
  check_snapshots(db.get());
  REQUIRE(db->CompactAll().ok());
  check_snapshots(db.get());
  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  check_snapshots(db.get());
}

TEST_CASE("db: reopen recovers every write from the log") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  {
    auto db = OpenOrDie(options);
    Fill(db.get(), 0, 300);
    REQUIRE(db->Close().ok());
    REQUIRE(db->Close().ok());  // idempotent
    CHECK(Put(db.get(), {{"after", "close"}}).status().code() == StatusCode::kShutdown);
  }
  auto db = OpenOrDie(options);
  CHECK(db->AppliedIndex() == 30);
  CheckFilled(db.get(), 0, 300);
  Fill(db.get(), 300, 400);
  db.reset();  // the destructor closes
  db = OpenOrDie(options);
  CheckFilled(db.get(), 0, 400);
}

TEST_CASE("db: row-id placeholders are filled from the log index at apply, and again on replay") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  auto id_bytes = [](uint64_t id) {
    std::string out;
    AppendKeyInt64(&out, static_cast<int64_t>(id));
    return out;
  };
  const std::string placeholder(kRowIdSize, '\0');
  // Two rows with identical placeholder keys (distinct once filled) and an entry whose value
  // names the first row.
  WriteBatch batch;
  batch.InsertWithRowId("r" + placeholder, "first", {0, 1, kNoRowIdSlot});
  batch.InsertWithRowId("r" + placeholder, "second", {1, 1, kNoRowIdSlot});
  batch.InsertWithRowId("u", "->" + placeholder, {0, kNoRowIdSlot, 2});
  WriteBatch again;
  again.InsertWithRowId("r" + placeholder, "third", {0, 1, kNoRowIdSlot});
  uint64_t index = 0;
  {
    auto db = OpenOrDie(options);
    REQUIRE(Put(db.get(), {{"a", "1"}}).ok());
    Result<uint64_t> r = db->Write(batch);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    index = *r;
    // The same placeholder key in a later batch becomes another id: it never conflicts.
    REQUIRE(db->Write(again).ok());
  }
  auto db = OpenOrDie(options);
  std::string value;
  REQUIRE(db->Get("r" + id_bytes(RowIdAt(index, 0)), &value).ok());
  CHECK(value == "first");
  REQUIRE(db->Get("r" + id_bytes(RowIdAt(index, 1)), &value).ok());
  CHECK(value == "second");
  REQUIRE(db->Get("r" + id_bytes(RowIdAt(index + 1, 0)), &value).ok());
  CHECK(value == "third");
  REQUIRE(db->Get("u", &value).ok());
  CHECK(value == "->" + id_bytes(RowIdAt(index, 0)));
  CHECK(ScanAll(db.get()).size() == 5);

  // A placeholder outside its key, or an ordinal past the limit, is refused before logging.
  WriteBatch bad;
  bad.InsertWithRowId("short", "", {0, 1, kNoRowIdSlot});
  CHECK(db->Write(bad).status().IsInvalidArgument());
  WriteBatch too_many;
  too_many.InsertWithRowId("r" + placeholder, "", {kMaxRowIdsPerBatch, 1, kNoRowIdSlot});
  CHECK(db->Write(too_many).status().IsInvalidArgument());
}

TEST_CASE("db: a flush lets the log drop the records it covers, even within one large segment") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  options.log_segment_size = 64ull << 20;  // far larger than everything this test writes
  auto db = OpenOrDie(options);
  Fill(db.get(), 0, 2000, 20);
  uint64_t before = db->GetStats().log_bytes;
  REQUIRE(db->Flush().ok());
  Fill(db.get(), 2000, 2010, 20);  // lands in the segment started at the memtable switch
  EngineStats stats = db->GetStats();
  CHECK(stats.log_segments == 1);
  CHECK(stats.log_bytes * 10 < before);
  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  CheckFilled(db.get(), 0, 2010);
}

TEST_CASE("db: flush writes a level-0 table and truncates the log") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  options.compaction_threshold = 100;  // keep the level-0 files where they are
  options.sync_mode = EngineOptions::SyncMode::kInterval;
  auto db = OpenOrDie(options);
  Fill(db.get(), 0, 2000, 20);
  REQUIRE(db->Flush().ok());
  EngineStats stats = db->GetStats();
  CHECK(stats.flushes >= 1);
  CHECK(stats.files_per_level[0] == stats.flushes);
  CHECK(stats.flush_bytes > 0);
  CHECK(stats.log_segments <= 2);
  CHECK(db->Flush().ok());  // nothing to flush
  CheckFilled(db.get(), 0, 2000);
  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  CheckFilled(db.get(), 0, 2000);
  CHECK(db->GetStats().files_per_level[0] == stats.files_per_level[0]);
}

TEST_CASE("db: background flushes and compactions keep every key") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  options.sync_mode = EngineOptions::SyncMode::kInterval;  // many writes: spare the disk
  auto db = OpenOrDie(options);
  Fill(db.get(), 0, 12000, 25);
  CheckFilled(db.get(), 0, 12000);
  REQUIRE(db->Flush().ok());
  // How far background compaction has got at this moment depends on timing: only what Flush()
  // guarantees is checked here, the rest after CompactAll().
  EngineStats stats = db->GetStats();
  CHECK(stats.flushes >= 3);
  CHECK(stats.WriteAmplification() > 1.0);

  REQUIRE(db->CompactAll().ok());
  stats = db->GetStats();
  CHECK(stats.compactions >= 1);
  CHECK(stats.compaction_bytes_written > 0);
  CHECK(stats.files_per_level[0] == 0);
  int levels_in_use = 0;
  for (int level = 0; level < kNumLevels; ++level) {
    levels_in_use += stats.files_per_level[level] > 0 ? 1 : 0;
  }
  CHECK(levels_in_use == 1);
  CheckFilled(db.get(), 0, 12000);

  // Only the live tables remain on disk.
  size_t sst_files = 0;
  Result<std::vector<std::string>> children = Env::Default()->GetChildren(dir.path());
  REQUIRE(children.ok());
  for (const auto& name : *children) {
    uint64_t number = 0;
    sst_files += ParseTableFileName(name, &number) ? 1 : 0;
  }
  uint64_t live = 0;
  for (uint64_t n : stats.files_per_level) {
    live += n;
  }
  CHECK(sst_files == live);

  REQUIRE(db->Close().ok());
  db = OpenOrDie(options);
  CheckFilled(db.get(), 0, 12000);
}

TEST_CASE("db: iterator seeks and prefix scans across memtable and tables") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  auto db = OpenOrDie(options);
  Fill(db.get(), 0, 3000, 50);
  REQUIRE(db->Flush().ok());
  Fill(db.get(), 3000, 3500, 50);  // in the memtable
  auto it = db->NewIterator();
  it->Seek(Key(2990));
  for (uint64_t k = 2990; k < 3010; ++k) {
    REQUIRE(it->Valid());
    CHECK(it->key() == Key(k));
    CHECK(it->value() == ValueFor(Key(k)));
    it->Next();
  }
  // Prefix "key000000012" covers keys 120..129 only.
  std::string prefix = "key000000012";
  size_t count = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ++count;
  }
  CHECK(count == 10);
  CHECK(it->status().ok());
}

}  // namespace
}  // namespace blockdb

namespace blockdb {
namespace {

TEST_CASE("db: memory stays within the memtable, block cache and table cache bounds") {
  TempDir dir;
  auto options = SmallOptions(Env::Default(), dir.path());
  options.sync_mode = EngineOptions::SyncMode::kInterval;
  options.memtable_size_limit = 64 << 10;
  options.block_cache_size = 32 << 10;
  options.table_cache_size = 16 << 10;
  options.compaction_threshold = 100;  // many level-0 tables: more open tables than fit
  auto db = OpenOrDie(options);
  // One batch, plus an arena block per memtable, is all a memtable can exceed its half by.
  uint64_t slack = 2 * (10 * (16 + 40 + 32) + 4096 + 64);
  for (uint64_t i = 0; i < 8000; i += 10) {
    Fill(db.get(), i, i + 10, 10);
    REQUIRE(db->GetStats().memtable_bytes <= options.memtable_size_limit + slack);
  }
  REQUIRE(db->Flush().ok());
  EngineStats stats = db->GetStats();
  REQUIRE(stats.files_per_level[0] > 8);
  std::string value;
  for (uint64_t i = 0; i < 8000; i += 3) {
    REQUIRE(db->Get(Key(i), &value).ok());
  }
  CheckFilled(db.get(), 0, 8000);
  stats = db->GetStats();
  CHECK(stats.block_cache_usage <= options.block_cache_size);
  CHECK(stats.table_cache_usage <= options.table_cache_size);
  CHECK(stats.table_cache_usage > 0);
}

}  // namespace
}  // namespace blockdb
