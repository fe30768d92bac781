// VerifyLedger (engine/ledger/verify.h): a clean ledger verifies, and each kind of tampering is
// found and located at the first bad block and entry.
#include "engine/ledger/verify.h"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/coding.h"
#include "engine/ledger/block.h"
#include "engine/ledger/ledger.h"
#include "engine/ledger/mem_record_store.h"
#include "engine/ledger/records.h"
#include "engine/ledger/verify_join.h"
#include "ledger_store_util.h"
#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

using testing::ApplyCommand;
using testing::Command;
using testing::OpenLedger;

constexpr uint64_t kBatchSize = 8;

// 10 blocks of 8 entries and 5 entries after the last block; row i is "row/i" and is leaf i. The
// batches make the leaf groups [0, 2], [3, 11], [12], [13, 32], [33, 39], [40, 44], [45, 53],
// [54, 59], [60, 63] and [64, 79] (one batch, split at the chunk boundary 64), and the unsealed
// [80, 84].
struct Fixture {
  MemRecordStore store;
  std::unique_ptr<Ledger> ledger;
  std::vector<Digest> digests;  // after every command

  Fixture() {
    ledger = OpenLedger(store, kBatchSize);
    uint64_t log_index = 1;
    int key = 0;
    for (int batch : {3, 9, 1, 20, 7, 5, 9, 6, 20}) {
      Command c;
      c.log_index = log_index++;
      c.txn_id = 1000 + log_index;
      c.timestamp_micros = static_cast<int64_t>(log_index) * 1000;
      for (int r = 0; r < batch; ++r, ++key) {
        c.rows.emplace_back("row/" + std::to_string(key), "value " + std::to_string(key * 7));
      }
      ApplyCommand(ledger.get(), &store, c);
      digests.push_back(ledger->GetDigest());
    }
    REQUIRE(ledger->GetDigest().tree_size == 80);
    Command seal;
    seal.seal = true;
    seal.log_index = log_index++;
    ApplyCommand(ledger.get(), &store, seal);  // nothing pending: no block
    Command tail;
    tail.log_index = log_index++;
    for (int r = 0; r < 5; ++r, ++key) {
      tail.rows.emplace_back("row/" + std::to_string(key), "tail");
    }
    ApplyCommand(ledger.get(), &store, tail);
    digests.push_back(ledger->GetDigest());
    REQUIRE(ledger->GetDigest().tree_size == 85);
    REQUIRE(ledger->GetDigest().last_block_index == 10);
  }

  RecordSource source() const {
    return RecordSource{store.lookup(), [this] { return store.NewIterator(); }};
  }

  VerifyReport Verify(VerifyOptions options = {}) const {
    Result<VerifyReport> report = VerifyLedger(source(), options);
    REQUIRE(report.ok());
    return std::move(report).value();
  }

  BlockHeader Header(uint64_t b) {
    std::string value;
    REQUIRE(store.Get(BlockKey(b), &value).ok());
    BlockHeader header;
    REQUIRE(DecodeBlockHeader(value, &header).ok());
    return header;
  }

  void PutHeader(const BlockHeader& header) {
    std::string bytes;
    EncodeBlockHeader(header, &bytes);
    store.Put(BlockKey(header.index), bytes);
  }

  // Rewrites the leaf group ending at `last_leaf` after `edit` changed it.
  void EditGroup(uint64_t last_leaf, const std::function<void(LeafGroup*)>& edit) {
    std::string value;
    REQUIRE(store.Get(LeafGroupKey(last_leaf), &value).ok());
    LeafGroup group;
    REQUIRE(DecodeLeafGroup(last_leaf, value, &group).ok());
    edit(&group);
    std::string bytes;
    EncodeLeafGroup(group, &bytes);
    store.Put(LeafGroupKey(last_leaf), bytes);
  }
};

// An iterator over the store that fails with `error` when it reaches `bad_key` (by Next only, when
// next_only is set).
class FailingIterator : public Iterator {
 public:
  FailingIterator(std::unique_ptr<Iterator> base, std::string bad_key, Status error, bool next_only)
      : base_(std::move(base)),
        bad_key_(std::move(bad_key)),
        error_(std::move(error)),
        next_only_(next_only) {}
  bool Valid() const override { return status_.ok() && base_->Valid(); }
  void SeekToFirst() override {
    Check(!next_only_, [this] { base_->SeekToFirst(); });
  }
  void Seek(std::string_view target) override {
    Check(!next_only_, [&] { base_->Seek(target); });
  }
  void Next() override {
    Check(true, [this] { base_->Next(); });
  }
  std::string_view key() const override { return base_->key(); }
  std::string_view value() const override { return base_->value(); }
  Status status() const override { return status_; }

 private:
  template <typename F>
  void Check(bool may_fail, F move) {
    if (!status_.ok()) {
      return;  // errors are sticky, as in the engine's iterators
    }
    move();
    if (may_fail && base_->Valid() && base_->key() == bad_key_) {
      status_ = error_;
    }
  }

  std::unique_ptr<Iterator> base_;
  std::string bad_key_;
  Status error_;
  bool next_only_;
  Status status_;
};

void CheckFailure(const VerifyReport& report, std::optional<uint64_t> block,
                  std::optional<uint64_t> leaf, const std::string& reason_part) {
  INFO(report.ToString());
  REQUIRE_FALSE(report.ok());
  CHECK(report.failure->block_index == block);
  CHECK(report.failure->leaf_index == leaf);
  CHECK(report.failure->reason.find(reason_part) != std::string::npos);
  CHECK(report.ToString().find("FAILED") == 0);
}

TEST_CASE("ledger verify: an untouched ledger verifies from genesis") {
  Fixture f;
  std::vector<VerifyProgress> progress;
  VerifyOptions options;
  options.chunk_entries = 20;
  options.progress = [&](const VerifyProgress& p) { progress.push_back(p); };
  const VerifyReport report = f.Verify(options);
  INFO(report.ToString());
  REQUIRE(report.ok());
  CHECK(report.blocks_checked == 10);
  CHECK(report.entries_checked == 85);
  CHECK(report.digest == f.ledger->GetDigest());
  CHECK(report.ToString().find("OK: 10 blocks, 85 entries verified") == 0);
  // Progress: once at the start, after each chunk of whole blocks, and after the unsealed tail.
  REQUIRE(progress.size() >= 5);
  CHECK(progress.front().entries_done == 0);
  CHECK(progress.front().blocks_total == 10);
  CHECK(progress.front().entries_total == 85);
  CHECK(progress.back().blocks_done == 10);
  CHECK(progress.back().entries_done == 85);
  for (size_t i = 1; i < progress.size(); ++i) {
    CHECK(progress[i].entries_done >= progress[i - 1].entries_done);
  }
  // Default options (one chunk) agree.
  CHECK(f.Verify().digest == report.digest);
}

TEST_CASE("ledger verify: starting from a block trusts only that block's header") {
  Fixture f;
  VerifyOptions options;
  options.start_block = 4;
  VerifyReport report = f.Verify(options);
  INFO(report.ToString());
  REQUIRE(report.ok());
  CHECK(report.blocks_checked == 6);
  CHECK(report.entries_checked == 85 - 32);
  CHECK(report.digest == f.ledger->GetDigest());

  // Damage before the anchor is not looked at...
  f.store.Put("row/3", "changed");
  CHECK(f.Verify(options).ok());
  // ...but the anchor's tree (node (5, 0), recomputed from the stored leaf hashes) must still
  // lead to its tree root.
  f.EditGroup(11, [](LeafGroup* g) { g->leaves[0].hash[0] ^= 1; });
  CheckFailure(f.Verify(options), 4, std::nullopt, "starting block's tree root");
  options.start_block = 11;
  CHECK(VerifyLedger(f.source(), options).status().IsInvalidArgument());
}

TEST_CASE("ledger verify: a changed row value names its block and entry") {
  Fixture f;
  f.store.Put("row/21", "value 148");  // leaf 21 is in block 3 (leaves 16..23)
  CheckFailure(f.Verify(), 3, 21, "the row or its leaf group was altered");
}

TEST_CASE("ledger verify: a changed stored leaf hash names its block and entry") {
  Fixture f;
  f.EditGroup(44, [](LeafGroup* g) { g->leaves[4].hash = testing::NaiveLeaf("forged"); });
  CheckFailure(f.Verify(), 6, 44, "the stored leaf hash was altered");
}

// 600 rows in batches of 50, blocks of `block_size`; row i is leaf i.
void BuildLarge(MemRecordStore* store, uint64_t block_size) {
  std::unique_ptr<Ledger> ledger = OpenLedger(*store, block_size);
  for (int b = 0; b < 12; ++b) {
    Command c;
    c.log_index = 1 + static_cast<uint64_t>(b);
    c.txn_id = 7;
    c.timestamp_micros = 1000 * (b + 1);
    for (int r = 0; r < 50; ++r) {
      c.rows.emplace_back("big/" + std::to_string(b * 50 + r), "v");
    }
    ApplyCommand(ledger.get(), store, c);
  }
}

VerifyReport VerifyStore(const MemRecordStore& store) {
  Result<VerifyReport> report =
      VerifyLedger(RecordSource{store.lookup(), [&store] { return store.NewIterator(); }}, {});
  REQUIRE(report.ok());
  return std::move(report).value();
}

TEST_CASE("ledger verify: a changed stored node is found where it is completed") {
  // Node (8, 1) covers leaves 256..511 and is completed by leaf 511 (block 6: leaves 500..599).
  MemRecordStore store;
  BuildLarge(&store, 100);
  REQUIRE(VerifyStore(store).ok());
  std::string value;
  REQUIRE(store.Get(NodeKey(8, 1), &value).ok());
  value[0] ^= 1;
  store.Put(NodeKey(8, 1), value);
  CheckFailure(VerifyStore(store), 6, 511, "stored tree node (8, 1)");
  store.Erase(NodeKey(8, 1));
  CheckFailure(VerifyStore(store), 6, 511, "stored tree node (8, 1) is missing");
  // In the unsealed entries (no block closes with blocks of 1000): node (8, 0), leaf 255.
  MemRecordStore unsealed;
  BuildLarge(&unsealed, 1000);
  REQUIRE(VerifyStore(unsealed).ok());
  REQUIRE(unsealed.Get(NodeKey(8, 0), &value).ok());
  value[5] ^= 1;
  unsealed.Put(NodeKey(8, 0), value);
  CheckFailure(VerifyStore(unsealed), std::nullopt, 255, "stored tree node (8, 0)");
}

TEST_CASE("ledger verify: a batch's entries are split into groups at multiples of 64 leaves") {
  MemRecordStore store;
  BuildLarge(&store, 100);
  // Batch 5 holds leaves 250..299: groups [250, 255] and [256, 299]; batch 6 holds 300..349:
  // [300, 319] and [320, 349].
  std::string value;
  LeafGroup group;
  REQUIRE(store.Get(LeafGroupKey(255), &value).ok());
  REQUIRE(DecodeLeafGroup(255, value, &group).ok());
  CHECK(group.first_leaf == 250);
  REQUIRE(store.Get(LeafGroupKey(299), &value).ok());
  REQUIRE(DecodeLeafGroup(299, value, &group).ok());
  CHECK(group.first_leaf == 256);
  CHECK(group.leaves.front().key == "big/256");
  CHECK(store.Get(LeafGroupKey(249), &value).ok());
  REQUIRE(store.Get(LeafGroupKey(319), &value).ok());
  REQUIRE(DecodeLeafGroup(319, value, &group).ok());
  CHECK(group.first_leaf == 300);
  CHECK(store.Get(LeafGroupKey(349), &value).ok());
}

TEST_CASE("ledger verify: changed block headers") {
  SUBCASE("data root") {
    Fixture f;
    BlockHeader header = f.Header(5);
    header.data_root[0] ^= 1;
    f.PutHeader(header);
    CheckFailure(f.Verify(), 5, std::nullopt, "data root");
  }
  SUBCASE("tree root") {
    Fixture f;
    BlockHeader header = f.Header(7);
    header.tree_root[31] ^= 0x80;
    f.PutHeader(header);
    CheckFailure(f.Verify(), 7, std::nullopt, "tree root");
  }
  SUBCASE("timestamp: caught by the next block's link") {
    Fixture f;
    BlockHeader header = f.Header(5);
    header.timestamp_micros += 1;
    f.PutHeader(header);
    CheckFailure(f.Verify(), 5, std::nullopt, "prev_hash in block 6");
  }
  SUBCASE("first leaf") {
    Fixture f;
    BlockHeader header = f.Header(2);
    header.first_leaf += 1;
    f.PutHeader(header);
    CheckFailure(f.Verify(), 2, std::nullopt, "must start at leaf 8");
  }
  SUBCASE("undecodable header") {
    Fixture f;
    f.store.Put(BlockKey(9), "short");
    CheckFailure(f.Verify(), 9, std::nullopt, "cannot be read");
  }
  SUBCASE("the newest block's timestamp: only a trusted digest catches it") {
    Fixture f;
    const Digest trusted = f.ledger->GetDigest();
    BlockHeader header = f.Header(10);
    header.timestamp_micros = 1;
    f.PutHeader(header);
    CHECK(f.Verify().ok());
    VerifyOptions options;
    options.trusted_digest = trusted;
    CheckFailure(f.Verify(options), 10, std::nullopt, "trusted digest");
  }
}

TEST_CASE("ledger verify: missing records") {
  SUBCASE("a leaf group inside a block") {
    Fixture f;
    f.store.Erase(LeafGroupKey(12));
    CheckFailure(f.Verify(), 2, 12, "leaf group of entry 12 is missing");
  }
  SUBCASE("the last leaf groups") {
    Fixture f;
    for (uint64_t last : {63, 79, 84}) {
      f.store.Erase(LeafGroupKey(last));
    }
    CheckFailure(f.Verify(), 8, 60, "leaf group of entry 60 is missing");
  }
  SUBCASE("an undecodable leaf group in the unsealed tail") {
    Fixture f;
    f.store.Put(LeafGroupKey(84), "junk");
    CheckFailure(f.Verify(), std::nullopt, 80, "leaf group ending at entry 84 cannot be decoded");
  }
  SUBCASE("a leaf group that overlaps the one before") {
    Fixture f;
    f.EditGroup(44, [](LeafGroup* g) {
      g->leaves.insert(g->leaves.begin(), g->leaves.front());  // now claims leaves 39..44
    });
    // One chunk of leaves 0..79: the group is the first the second half's scan finds (leaves 40..),
    // so the check where the two halves meet catches it.
    CheckFailure(f.Verify(), 6, 40, "overlaps the group before it");
    // Chunks of 24 leaves: leaves 24..47 split at 36, so one scan meets both groups.
    VerifyOptions options;
    options.chunk_entries = 20;
    CheckFailure(f.Verify(options), 6, 40, "overlaps the group before it");
  }
  SUBCASE("a row") {
    Fixture f;
    f.store.Erase("row/50");
    CheckFailure(f.Verify(), 7, 50, "row");
  }
  SUBCASE("a block header in the middle") {
    Fixture f;
    f.store.Erase(BlockKey(6));
    CheckFailure(f.Verify(), 6, std::nullopt, "");
  }
  SUBCASE("the newest block header and its entries: only a trusted digest catches it") {
    Fixture f;
    const Digest trusted = f.digests[f.digests.size() - 2];  // 80 entries, block 10
    // Back to 60 entries and block 7: the blocks, groups and rows of leaves 60..84.
    for (uint64_t b : {8, 9, 10}) {
      f.store.Erase(BlockKey(b));
    }
    for (uint64_t last : {63, 79, 84}) {
      f.store.Erase(LeafGroupKey(last));
    }
    for (uint64_t leaf = 60; leaf < 85; ++leaf) {
      const std::string key = "row/" + std::to_string(leaf);
      f.store.Erase(key);
    }
    const VerifyReport truncated = f.Verify();
    INFO(truncated.ToString());
    CHECK(truncated.ok());
    CHECK(truncated.digest.tree_size == 60);
    VerifyOptions options;
    options.trusted_digest = trusted;
    CheckFailure(f.Verify(options), 10, std::nullopt, "blocks were removed");
  }
}

TEST_CASE("ledger verify: rows outside the ledger are found") {
  Fixture f;
  f.store.Put("row/zzz", "inserted behind the ledger's back");
  CheckFailure(f.Verify(), std::nullopt, std::nullopt, "86 rows but the ledger has 85 entries");
  VerifyOptions options;
  options.check_rows_covered = false;
  CHECK(f.Verify(options).ok());
}

TEST_CASE("ledger verify: a trusted digest from the past is checked on the way") {
  Fixture f;
  for (const Digest& trusted : f.digests) {
    VerifyOptions options;
    options.trusted_digest = trusted;
    CHECK(f.Verify(options).ok());
  }
  Digest forged = f.digests[3];
  forged.root[0] ^= 1;
  VerifyOptions options;
  options.trusted_digest = forged;
  const VerifyReport report = f.Verify(options);
  REQUIRE_FALSE(report.ok());
  CHECK(report.failure->reason.find("trusted digest's root") != std::string::npos);
}

TEST_CASE("ledger verify: the first pass joins leaves and rows by key ranges of any size") {
  const std::atomic<bool> go{false};
  for (uint64_t range : {1, 3, 7, 20, 85, 1000}) {
    CAPTURE(range);
    Fixture f;
    Result<JoinResult> joined = JoinLeavesWithRows(f.source(), 0, 85, range, &go);
    REQUIRE(joined.ok());
    CHECK(joined->all_match);
    CHECK(joined->rows == 85);
    CHECK(joined->leaves == 85);
    // From a later leaf, the rows of the leaves before it are counted, not matched.
    joined = JoinLeavesWithRows(f.source(), 32, 85, range, &go);
    REQUIRE(joined.ok());
    CHECK(joined->all_match);
    CHECK(joined->rows == 85);
    CHECK(joined->leaves == 85 - 32);
    const std::atomic<bool> stopped{true};
    joined = JoinLeavesWithRows(f.source(), 0, 85, range, &stopped);
    REQUIRE(joined.ok());
    CHECK_FALSE(joined->all_match);

    VerifyOptions options;
    options.join_range_entries = range;
    VerifyReport report = f.Verify(options);
    CHECK(report.ok());
    CHECK(report.entries_checked == 85);
    CHECK(report.digest == f.ledger->GetDigest());

    // The first and last rows in key order, one in the middle, and one beyond the ledger.
    for (const char* key : {"row/0", "row/9", "row/50"}) {
      CAPTURE(key);
      Fixture changed;
      changed.store.Put(key, "changed");
      joined = JoinLeavesWithRows(changed.source(), 0, 85, range, &go);
      REQUIRE(joined.ok());
      CHECK_FALSE(joined->all_match);
      Fixture erased;
      erased.store.Erase(key);
      joined = JoinLeavesWithRows(erased.source(), 0, 85, range, &go);
      REQUIRE(joined.ok());
      CHECK_FALSE(joined->all_match);
    }
    f.store.Put("row/21", "value 148");
    CheckFailure(f.Verify(options), 3, 21, "the row or its leaf group was altered");
    Fixture extra;
    extra.store.Put("row/5a", "inserted behind the ledger's back");
    joined = JoinLeavesWithRows(extra.source(), 0, 85, range, &go);
    REQUIRE(joined.ok());
    CHECK(joined->all_match);
    CHECK(joined->rows == 86);
    CheckFailure(extra.Verify(options), std::nullopt, std::nullopt,
                 "86 rows but the ledger has 85 entries");
    Fixture junk;
    junk.store.Put(LeafGroupKey(53), "junk");
    joined = JoinLeavesWithRows(junk.source(), 0, 85, range, &go);
    REQUIRE(joined.ok());
    CHECK_FALSE(joined->all_match);
  }
}

TEST_CASE("ledger verify: read errors abort, corrupt reads are findings") {
  Fixture f;
  RecordSource source = f.source();
  // Block headers are read by point lookup; rows and leaf groups through iterators,
  // whose errors are sticky: a damaged record is then read again by point lookup.
  auto fail_get = [&](const std::string& bad_key, Status error) {
    source.get = [&f, bad_key, error](std::string_view key, std::string* value) {
      return key == bad_key ? error : f.store.Get(key, value);
    };
  };
  auto fail_iterators = [&](const std::string& bad_key, Status error, bool next_only = false) {
    source.new_iterator = [&f, bad_key, error, next_only] {
      return std::make_unique<FailingIterator>(f.store.NewIterator(), bad_key, error, next_only);
    };
  };
  const Status io_error = Status::IOError("disk on fire");
  const Status corruption = Status::Corruption("000012.sst offset 4096: bad block checksum");
  SUBCASE("I/O error reading a header") {
    fail_get(BlockKey(4), io_error);
    CHECK(VerifyLedger(source, {}).status().IsIOError());
  }
  SUBCASE("corrupt header") {
    fail_get(BlockKey(4), corruption);
    Result<VerifyReport> report = VerifyLedger(source, {});
    REQUIRE(report.ok());
    CheckFailure(*report, 4, std::nullopt, "bad block checksum");
  }
  SUBCASE("I/O error reading a row") {
    fail_get("row/30", io_error);
    fail_iterators("row/30", io_error);
    CHECK(VerifyLedger(source, {}).status().IsIOError());
  }
  SUBCASE("corrupt row; the rows after it are still read") {
    fail_get("row/30", corruption);
    fail_iterators("row/30", corruption);
    Result<VerifyReport> report = VerifyLedger(source, {});
    REQUIRE(report.ok());
    CheckFailure(*report, 4, 30, "bad block checksum");
    // The point lookup decides: with it answering, every entry verifies (the count of rows is
    // left out, since it reads all rows through one iterator, which fails there).
    source.get = f.source().get;
    VerifyOptions options;
    options.check_rows_covered = false;
    report = VerifyLedger(source, options);
    REQUIRE(report.ok());
    CHECK(report->ok());
  }
  SUBCASE("a leaf group the first seeks cannot read: a read error") {
    fail_iterators(LeafGroupKey(32), corruption);
    CHECK(VerifyLedger(source, {}).status().IsCorruption());
  }
  SUBCASE("a leaf group the scan cannot read: a finding at its first entry") {
    fail_iterators(LeafGroupKey(32), corruption, /*next_only=*/true);
    Result<VerifyReport> report = VerifyLedger(source, {});
    REQUIRE(report.ok());
    CheckFailure(*report, 2, 13, "leaf group of entry 13 cannot be read");
  }
}

}  // namespace
}  // namespace blockdb::ledger
