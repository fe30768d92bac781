#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "common/env.h"
#include "common/mem_env.h"
#include "engine/sstable/cache.h"
#include "engine/sstable/table.h"
#include "engine/sstable/table_builder.h"

namespace blockdb {
namespace {

using Entries = std::map<std::string, std::string>;

// In-memory files, so the table tests need no file system and can damage bytes at will.
class StringSink final : public WritableFile {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Append(std::string_view data) override {
    out_->append(data);
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override { return Status::OK(); }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return out_->size(); }

 private:
  std::string* out_;
};

class StringSource final : public RandomAccessFile {
 public:
  StringSource(std::string contents, std::atomic<int>* reads)
      : contents_(std::move(contents)), reads_(reads) {}
  Status Read(uint64_t offset, size_t n, std::string* result) const override {
    if (reads_ != nullptr) {
      ++*reads_;
    }
    if (fail_) {
      return Status::IOError("injected read error");
    }
    result->assign(offset >= contents_.size() ? std::string_view()
                                              : std::string_view(contents_).substr(offset, n));
    return Status::OK();
  }
  void set_fail(bool fail) { fail_ = fail; }

 private:
  const std::string contents_;
  std::atomic<int>* reads_;
  std::atomic<bool> fail_{false};
};

std::string BuildTable(const TableOptions& options, const Entries& entries) {
  std::string contents;
  StringSink sink(&contents);
  TableBuilder builder(options, &sink);
  for (const auto& [k, v] : entries) {
    builder.Add(k, v);
  }
  REQUIRE(builder.Finish().ok());
  CHECK(builder.NumEntries() == entries.size());
  CHECK(builder.FileSize() == contents.size());
  return contents;
}

Result<std::unique_ptr<Table>> OpenTable(const std::string& contents, BlockCache* cache = nullptr,
                                         std::atomic<int>* reads = nullptr,
                                         uint64_t file_size = UINT64_MAX) {
  if (file_size == UINT64_MAX) {
    file_size = contents.size();
  }
  return Table::Open(TableOptions(), std::make_unique<StringSource>(contents, reads), file_size,
                     "000012.sst", 12, cache);
}

std::string Key(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "user%08d", i);
  return buf;
}

// 10^5 keys with values of varied length and some redundancy (so LZ4 has something to do), one
// empty value every 17 keys.
Entries ManyEntries(int n) {
  Entries e;
  std::mt19937 rng(42);
  for (int i = 0; i < n; ++i) {
    std::string value;
    if (i % 17 != 0) {
      value = 'v' + std::to_string(i);
      value.append(rng() % 48, static_cast<char>('a' + i % 5));
    }
    e[Key(i * 2)] = value;  // odd numbers are misses
  }
  return e;
}

void CheckIterationMatches(const Table& table, const Entries& entries) {
  auto it = table.NewIterator();
  auto expected = entries.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    REQUIRE(expected != entries.end());
    REQUIRE(it->key() == expected->first);
    REQUIRE(it->value() == expected->second);
  }
  CHECK(expected == entries.end());
  CHECK(it->status().ok());
}

void CheckGets(const Table& table, const Entries& entries) {
  std::string value;
  for (const auto& [k, v] : entries) {
    Status s = table.Get(k, &value);
    REQUIRE(s.ok());
    REQUIRE(value == v);
  }
}

void CheckSeeks(const Table& table, int n) {
  auto it = table.NewIterator();
  std::mt19937 rng(5);
  for (int r = 0; r < 2000; ++r) {
    int i = static_cast<int>(rng() % (2 * n));
    it->Seek(Key(i));
    int want = (i + 1) / 2 * 2;  // first even number >= i
    if (want >= 2 * n) {
      CHECK_FALSE(it->Valid());
    } else {
      REQUIRE(it->Valid());
      CHECK(it->key() == Key(want));
    }
  }
  CHECK(it->status().ok());
}

TEST_CASE("sstable table: round trip of 100000 keys, with and without compression and cache") {
  const int n = 100000;
  Entries entries = ManyEntries(n);
  for (bool compress : {false, true}) {
    TableOptions options;
    options.compress = compress;
    std::string contents = BuildTable(options, entries);
    MESSAGE("table of " << n << " keys, compress=" << compress << ": " << contents.size()
                        << " bytes");
    for (bool use_cache : {false, true}) {
      CAPTURE(compress);
      CAPTURE(use_cache);
      BlockCache cache(8 << 20);
      auto table = OpenTable(contents, use_cache ? &cache : nullptr);
      REQUIRE(table.ok());
      CHECK((*table)->NumEntries() == static_cast<uint64_t>(n));
      CHECK((*table)->smallest_key() == Key(0));
      CHECK((*table)->largest_key() == Key(2 * (n - 1)));
      CHECK((*table)->MemoryUsage() > 0);
      CheckGets(**table, entries);
      if (use_cache) {
        CHECK(cache.usage() > 0);
        CheckGets(**table, entries);  // now from the cache
      }
      std::string value;
      for (int i = 1; i < 2 * n; i += 20) {
        REQUIRE((*table)->Get(Key(i), &value).IsNotFound());
      }
      CHECK((*table)->Get("", &value).IsNotFound());
      CHECK((*table)->Get("zzz", &value).IsNotFound());
      CheckIterationMatches(**table, entries);
      CheckSeeks(**table, n);
      table->reset();
      CHECK(cache.pinned_usage() == 0);
    }
  }
}

TEST_CASE("sstable table: compression shrinks redundant data") {
  Entries entries;
  for (int i = 0; i < 2000; ++i) {
    entries[Key(i)] = std::string(100, static_cast<char>('a' + i % 3));
  }
  TableOptions plain;
  plain.compress = false;
  TableOptions lz4;
  std::string a = BuildTable(plain, entries);
  std::string b = BuildTable(lz4, entries);
  CHECK(b.size() < a.size() / 2);
  auto table = OpenTable(b);
  REQUIRE(table.ok());
  CheckGets(**table, entries);
  CheckIterationMatches(**table, entries);
}

TEST_CASE("sstable table: option variants and key shapes") {
  Entries entries;
  entries[""] = "empty key";
  entries[std::string("\0", 1)] = "";
  entries[std::string("a\0b", 3)] = std::string("\0\0", 2);
  entries[std::string(1000, 'k')] = "long key";
  entries["big"] = std::string(100000, 'B');  // larger than any block target
  entries[std::string(4, '\xff')] = "last";
  for (int i = 0; i < 500; ++i) {
    entries[std::string(100, 'p') + Key(i)] = std::to_string(i);
  }
  for (int block_size : {1, 64, 4096, 1 << 20}) {
    for (int restart_interval : {1, 16}) {
      for (int bits : {0, 10}) {
        CAPTURE(block_size);
        CAPTURE(restart_interval);
        CAPTURE(bits);
        TableOptions options;
        options.block_size = static_cast<size_t>(block_size);
        options.restart_interval = restart_interval;
        options.bloom_bits_per_key = bits;
        std::string contents = BuildTable(options, entries);
        auto table = OpenTable(contents);
        REQUIRE(table.ok());
        CheckGets(**table, entries);
        CheckIterationMatches(**table, entries);
        CHECK((*table)->smallest_key() == "");
        CHECK((*table)->largest_key() == std::string(4, '\xff'));
        std::string value;
        CHECK((*table)->Get(std::string(100, 'p'), &value).IsNotFound());
        CHECK((*table)->Get(std::string(5, '\xff'), &value).IsNotFound());
      }
    }
  }
}

TEST_CASE("sstable table: option validation") {
  CHECK(TableOptions().Validate().ok());
  TableOptions o;
  o.restart_interval = 0;
  CHECK(o.Validate().IsInvalidArgument());
  o = TableOptions();
  o.block_size = 0;
  CHECK(o.Validate().IsInvalidArgument());
  o = TableOptions();
  o.bloom_bits_per_key = 65;
  CHECK(o.Validate().IsInvalidArgument());
  o.bloom_bits_per_key = 0;
  CHECK(o.Validate().ok());
}

TEST_CASE("sstable table: empty table") {
  std::string contents = BuildTable(TableOptions(), {});
  auto table = OpenTable(contents);
  REQUIRE(table.ok());
  CHECK((*table)->NumEntries() == 0);
  CHECK((*table)->smallest_key().empty());
  CHECK((*table)->largest_key().empty());
  std::string value;
  CHECK((*table)->Get("a", &value).IsNotFound());
  CHECK((*table)->Get("", &value).IsNotFound());
  auto it = (*table)->NewIterator();
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
  it->Seek("");
  CHECK_FALSE(it->Valid());
  CHECK(it->status().ok());
}

TEST_CASE("sstable table: misses are answered by the bloom filter without reading blocks") {
  Entries entries = ManyEntries(20000);
  std::string contents = BuildTable(TableOptions(), entries);
  std::atomic<int> reads{0};
  auto table = OpenTable(contents, nullptr, &reads);
  REQUIRE(table.ok());
  int after_open = reads.load();
  std::string value;
  const int misses = 10000;
  for (int i = 0; i < misses; ++i) {
    REQUIRE((*table)->Get(Key(2 * i + 1), &value).IsNotFound());
  }
  int block_reads = reads.load() - after_open;
  MESSAGE(block_reads << " block reads for " << misses << " misses");
  CHECK(block_reads < misses / 50);
  // Hits read exactly one block each without a cache.
  reads = 0;
  REQUIRE((*table)->Get(Key(0), &value).ok());
  CHECK(reads.load() == 1);
}

TEST_CASE("sstable table: block cache serves repeated reads") {
  Entries entries = ManyEntries(5000);
  std::string contents = BuildTable(TableOptions(), entries);
  std::atomic<int> reads{0};
  BlockCache cache(1 << 20);
  auto table = OpenTable(contents, &cache, &reads);
  REQUIRE(table.ok());
  std::string value;
  reads = 0;
  REQUIRE((*table)->Get(Key(100), &value).ok());
  CHECK(reads.load() == 1);
  REQUIRE((*table)->Get(Key(100), &value).ok());
  REQUIRE((*table)->Get(Key(102), &value).ok());  // same block
  CHECK(reads.load() == 1);
  {
    auto it = (*table)->NewIterator();
    it->Seek(Key(100));
    REQUIRE(it->Valid());
    CHECK(cache.pinned_usage() > 0);  // the iterator pins its block
    CHECK(reads.load() == 1);
  }
  CHECK(cache.pinned_usage() == 0);
  // A tiny cache still answers correctly (entries are evicted as soon as they are released).
  BlockCache tiny(100);
  auto table2 = OpenTable(contents, &tiny);
  REQUIRE(table2.ok());
  CheckGets(**table2, entries);
  CheckIterationMatches(**table2, entries);
  CHECK(tiny.usage() <= tiny.capacity());
}

TEST_CASE("sstable table: an iterator without fill_cache uses cached blocks and adds none") {
  Entries entries = ManyEntries(5000);
  std::string contents = BuildTable(TableOptions(), entries);
  std::atomic<int> reads{0};
  BlockCache cache(8 << 20);
  auto table = OpenTable(contents, &cache, &reads);
  REQUIRE(table.ok());
  std::string value;
  REQUIRE((*table)->Get(Key(100), &value).ok());  // caches the block of Key(100)
  const size_t cached = cache.usage();
  REQUIRE(cached > 0);
  reads = 0;
  {
    auto it = (*table)->NewIterator(/*fill_cache=*/false);
    auto expected = entries.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
      REQUIRE(expected != entries.end());
      REQUIRE(it->key() == expected->first);
      REQUIRE(it->value() == expected->second);
    }
    REQUIRE(it->status().ok());
    CHECK(expected == entries.end());
    CHECK(cache.usage() == cached);
    const int blocks = reads.load();
    CHECK(blocks > 1);
    // The cached block was not read again.
    reads = 0;
    auto again = (*table)->NewIterator(/*fill_cache=*/false);
    again->Seek(Key(100));
    REQUIRE(again->Valid());
    CHECK(reads.load() == 0);
    again->Seek(Key(4900));
    REQUIRE(again->Valid());
    CHECK(reads.load() == 1);
    CHECK(cache.usage() == cached);
  }
  // The default iterator fills the cache: a second scan reads nothing.
  CheckIterationMatches(**table, entries);
  CHECK(cache.usage() > cached);
  reads = 0;
  CheckIterationMatches(**table, entries);
  CHECK(reads.load() == 0);
}

TEST_CASE("sstable table: I/O errors are passed up, annotated with the file name") {
  Entries entries = ManyEntries(1000);
  std::string contents = BuildTable(TableOptions(), entries);
  auto source = std::make_unique<StringSource>(contents, nullptr);
  StringSource* raw = source.get();
  auto table =
      Table::Open(TableOptions(), std::move(source), contents.size(), "000012.sst", 12, nullptr);
  REQUIRE(table.ok());
  raw->set_fail(true);
  std::string value;
  Status s = (*table)->Get(Key(0), &value);
  CHECK(s.IsIOError());
  CHECK(s.message().find("000012.sst") != std::string::npos);
  auto it = (*table)->NewIterator();
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
  CHECK(it->status().IsIOError());
  raw->set_fail(false);
  it->SeekToFirst();  // an error ends the iteration for good
  CHECK_FALSE(it->Valid());
}

TEST_CASE("sstable table: concurrency of gets and iterators sharing a small cache") {
  Entries entries = ManyEntries(20000);
  std::string contents = BuildTable(TableOptions(), entries);
  BlockCache cache(64 << 10, /*shard_bits=*/2);
  auto table = OpenTable(contents, &cache);
  REQUIRE(table.ok());
  const Table& t = **table;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      std::mt19937 rng(th);
      std::string value;
      for (int i = 0; i < 5000; ++i) {
        int k = static_cast<int>(rng() % 40000);
        Status s = t.Get(Key(k), &value);
        auto e = entries.find(Key(k));
        bool ok = e == entries.end() ? s.IsNotFound() : (s.ok() && value == e->second);
        if (!ok) {
          ++errors;
        }
      }
      auto it = t.NewIterator();
      size_t n = 0;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ++n;
      }
      if (n != entries.size() || !it->status().ok()) {
        ++errors;
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(errors.load() == 0);
  CHECK(cache.pinned_usage() == 0);
}

// Runs every read path over a possibly damaged table. Fails the test on wrong data; returns
// whether any operation reported Corruption.
bool ReadAllAndCheck(const Table& table, const Entries& entries) {
  bool corruption = false;
  auto note = [&](const Status& s) {
    if (!s.ok() && !s.IsNotFound()) {
      REQUIRE(s.IsCorruption());
      REQUIRE(s.message().find("000012.sst offset ") != std::string::npos);
      corruption = true;
    }
  };
  std::string value;
  for (const auto& [k, v] : entries) {
    Status s = table.Get(k, &value);
    REQUIRE_FALSE(s.IsNotFound());
    if (s.ok()) {
      REQUIRE(value == v);
    }
    note(s);
    Status miss = table.Get(k + "-absent", &value);
    REQUIRE_FALSE(miss.ok());
    note(miss);
  }
  auto it = table.NewIterator();
  auto expected = entries.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    REQUIRE(expected != entries.end());
    REQUIRE(it->key() == expected->first);
    REQUIRE(it->value() == expected->second);
  }
  if (it->status().ok()) {
    REQUIRE(expected == entries.end());
  }
  note(it->status());
  return corruption;
}

Entries SmallEntries() {
  Entries e;
  for (int i = 0; i < 40; ++i) {
    e[Key(i)] = i % 2 == 0 ? std::string(30, 'x') : std::to_string(i * 7919);
  }
  return e;
}

TEST_CASE("sstable table: every flipped byte is reported as corruption, never as wrong data") {
  Entries entries = SmallEntries();
  for (bool compress : {false, true}) {
    TableOptions options;
    options.block_size = 128;  // several data blocks
    options.restart_interval = 4;
    options.compress = compress;
    const std::string good = BuildTable(options, entries);
    CAPTURE(compress);
    for (size_t pos = 0; pos < good.size(); ++pos) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        CAPTURE(pos);
        CAPTURE(int{mask});
        std::string bad = good;
        bad[pos] = static_cast<char>(bad[pos] ^ mask);
        BlockCache cache(4096);
        auto table = OpenTable(bad, &cache);
        if (!table.ok()) {
          REQUIRE(table.status().IsCorruption());
          REQUIRE(table.status().message().find("000012.sst offset ") != std::string::npos);
          continue;
        }
        // The CRC32C over every block and the footer detects any single-byte change.
        CHECK(ReadAllAndCheck(**table, entries));
      }
    }
  }
}

TEST_CASE("sstable table: truncated files are corruption") {
  Entries entries = SmallEntries();
  TableOptions options;
  options.block_size = 128;
  const std::string good = BuildTable(options, entries);
  for (size_t len = 0; len < good.size(); ++len) {
    CAPTURE(len);
    std::string cut = good.substr(0, len);
    auto table = OpenTable(cut);
    REQUIRE_FALSE(table.ok());
    CHECK(table.status().IsCorruption());
    // The size recorded elsewhere (the MANIFEST) is larger than what is left on disk.
    auto stale = OpenTable(cut, nullptr, nullptr, good.size());
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.status().IsCorruption());
  }
  CHECK(OpenTable(good).ok());
}

TEST_CASE("sstable table: bytes appended after the footer are corruption") {
  std::string contents = BuildTable(TableOptions(), SmallEntries());
  auto table = OpenTable(contents + "garbage");
  CHECK(table.status().IsCorruption());
}

TEST_CASE("sstable table: error messages name the file and offset") {
  std::string contents = BuildTable(TableOptions(), SmallEntries());
  std::string bad = contents;
  bad[bad.size() - 1] ^= 1;
  Status s = OpenTable(bad).status();
  CHECK(s.ToString().find("000012.sst offset " + std::to_string(contents.size() - 8)) !=
        std::string::npos);
  bad = contents;
  bad[3] ^= 1;  // inside the first (only) data block
  auto table = OpenTable(bad);
  REQUIRE(table.ok());
  std::string value;
  s = (*table)->Get(Key(0), &value);
  CHECK(s.IsCorruption());
  CHECK(s.message() == "000012.sst offset 0: block checksum mismatch");
}

// The tiny table of docs/format/sstable.md ("Worked example"), byte for byte.
TEST_CASE("sstable table: golden bytes of a two-key table") {
  TableOptions options;
  options.compress = false;
  std::string contents = BuildTable(options, {{"k1", "v1"}, {"k2", "v2"}});
  // clang-format off
  const std::string golden_hex =
      // data block @0: "k1"->"v1", then "k2"->"v2" sharing 1 byte; restart [0]; count 1
      "0002026b317631" "010102327632" "00000000" "01000000"
      "00" "3341526c"  // trailer: type none, masked CRC32C
      // filter block @26: 64 bits, k = 6
      "a0020c0040070060" "06"
      "00" "b4ab8466"
      // properties block @40: 2 entries, smallest "k1", largest "k2"
      "02" "026b31" "026b32"
      "00" "430e1403"
      // index block @52: separator "l" -> handle (0, 21); restart [0]; count 1
      "0001026c0015" "00000000" "01000000"
      "00" "9e372dc6"
      // footer @71: index, filter, properties handles, version, CRC, magic "BDBSSTBL"
      "3400000000000000" "0e00000000000000"
      "1a00000000000000" "0900000000000000"
      "2800000000000000" "0700000000000000"
      "01000000" "3bce57e2"
      "424442535354424c";
  // clang-format on
  CHECK(contents.size() == 135);
  CHECK(ToHex(contents) == golden_hex);
  auto table = OpenTable(contents);
  REQUIRE(table.ok());
  std::string value;
  REQUIRE((*table)->Get("k2", &value).ok());
  CHECK(value == "v2");
}

// Writes entries to path through env; returns Finish()'s status (the file is synced on success).
Status WriteTableFile(Env* env, const std::string& path, const Entries& entries,
                      uint64_t* file_size) {
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  TableOptions options;
  options.block_size = 256;
  TableBuilder builder(options, file.get());
  for (const auto& [k, v] : entries) {
    builder.Add(k, v);
  }
  Status s = builder.Finish();
  CHECK(s.code() == builder.status().code());
  *file_size = builder.FileSize();
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

TEST_CASE("sstable table: write errors surface from Finish and leave no usable table") {
  MemEnv env;
  REQUIRE(env.CreateDirs("/db").ok());
  Entries entries = ManyEntries(2000);
  uint64_t size = 0;
  REQUIRE(WriteTableFile(&env, "/db/000001.sst", entries, &size).ok());
  for (uint64_t n : {0, 1, 5, 20}) {
    CAPTURE(n);
    env.FailAfterWrites(n);
    uint64_t partial = 0;
    Status s = WriteTableFile(&env, "/db/000002.sst", entries, &partial);
    env.ClearFaults();
    CHECK(s.IsIOError());
    CHECK(partial < size);
    auto reader = env.NewRandomAccessFile("/db/000002.sst");
    REQUIRE(reader.ok());
    auto actual = env.GetFileSize("/db/000002.sst");
    REQUIRE(actual.ok());
    auto table = Table::Open(TableOptions(), std::move(*reader), *actual, "000002.sst", 2, nullptr);
    CHECK(table.status().IsCorruption());
  }
}

TEST_CASE("sstable table: a crash before the sync leaves a torn file that fails to open") {
  Entries entries = ManyEntries(2000);
  int torn = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    CAPTURE(seed);
    MemEnv env;
    REQUIRE(env.CreateDirs("/db").ok());
    REQUIRE(env.SyncDir("/db").ok());
    {
      auto file = env.NewWritableFile("/db/000003.sst");
      REQUIRE(file.ok());
      REQUIRE(env.SyncDir("/db").ok());
      TableBuilder builder(TableOptions(), file->get());
      for (const auto& [k, v] : entries) {
        builder.Add(k, v);
      }
      REQUIRE(builder.Finish().ok());
      env.SimulateCrash(CrashOptions{seed, /*torn_tail=*/true, /*garble_tail=*/seed % 2 == 1});
    }
    auto size = env.GetFileSize("/db/000003.sst");
    REQUIRE(size.ok());
    auto reader = env.NewRandomAccessFile("/db/000003.sst");
    REQUIRE(reader.ok());
    auto table = Table::Open(TableOptions(), std::move(*reader), *size, "000003.sst", 3, nullptr);
    if (table.ok()) {
      // The whole tail survived intact: then every entry must read back.
      CheckGets(**table, entries);
    } else {
      CHECK(table.status().IsCorruption());
      ++torn;
    }
  }
  CHECK(torn > 0);
}

TEST_CASE("sstable table: files through Env::Default in a temporary directory") {
  char dir_template[] = "/tmp/blockdb_sstable_XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  std::string dir = dir_template;
  std::string path = JoinPath(dir, "000012.sst");
  Env* env = Env::Default();
  Entries entries = ManyEntries(3000);
  {
    auto file = env->NewWritableFile(path);
    REQUIRE(file.ok());
    TableBuilder builder(TableOptions(), file->get());
    for (const auto& [k, v] : entries) {
      builder.Add(k, v);
    }
    REQUIRE(builder.Finish().ok());
    REQUIRE((*file)->Sync().ok());
    REQUIRE((*file)->Close().ok());
    auto size = env->GetFileSize(path);
    REQUIRE(size.ok());
    CHECK(*size == builder.FileSize());
  }
  auto size = env->GetFileSize(path);
  auto reader = env->NewRandomAccessFile(path);
  REQUIRE(reader.ok());
  BlockCache cache(1 << 20);
  auto table = Table::Open(TableOptions(), std::move(*reader), *size, "000012.sst", 12, &cache);
  REQUIRE(table.ok());
  CheckGets(**table, entries);
  CheckIterationMatches(**table, entries);
  table->reset();
  CHECK(env->RemoveFile(path).ok());
  CHECK(std::remove(dir.c_str()) == 0);
}

}  // namespace
}  // namespace blockdb
