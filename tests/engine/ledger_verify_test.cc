// VerifyLedger (engine/ledger/verify.h): a clean ledger verifies, and each kind of tampering is
// found and located at the first bad block and entry.
#include "engine/ledger/verify.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/coding.h"
#include "engine/ledger/block.h"
#include "engine/ledger/ledger.h"
#include "engine/ledger/mem_record_store.h"
#include "engine/ledger/records.h"
#include "ledger_store_util.h"
#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

using testing::ApplyCommand;
using testing::Command;
using testing::OpenLedger;

constexpr uint64_t kBatchSize = 8;

// 10 blocks of 8 entries and 5 entries after the last block; row i is "row/i" and is leaf i.
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
  // ...but the anchor's tree nodes must still lead to its tree root.
  f.store.Put(NodeKey(5, 0), std::string(32, 'x'));
  CheckFailure(f.Verify(options), 4, std::nullopt, "starting block's tree root");
  options.start_block = 11;
  CHECK(VerifyLedger(f.source(), options).status().IsInvalidArgument());
}

TEST_CASE("ledger verify: a changed row value names its block and entry") {
  Fixture f;
  f.store.Put("row/21", "value 148");  // leaf 21 is in block 3 (leaves 16..23)
  CheckFailure(f.Verify(), 3, 21, "the row or its leaf locator was altered");
}

TEST_CASE("ledger verify: a changed stored leaf hash names its block and entry") {
  Fixture f;
  f.store.Put(NodeKey(0, 44), std::string(AsBytes(testing::NaiveLeaf("forged"))));
  CheckFailure(f.Verify(), 6, 44, "the stored leaf hash was altered");
}

TEST_CASE("ledger verify: a changed interior node is found where it is completed") {
  Fixture f;
  // Node (2, 9) covers leaves 36..39 and is completed by leaf 39 (block 5: leaves 32..39).
  std::string value;
  REQUIRE(f.store.Get(NodeKey(2, 9), &value).ok());
  value[0] ^= 1;
  f.store.Put(NodeKey(2, 9), value);
  CheckFailure(f.Verify(), 5, 39, "stored tree node (2, 9)");
  // A node of the unsealed tail: (1, 41) covers leaves 82 and 83.
  Fixture g;
  REQUIRE(g.store.Get(NodeKey(1, 41), &value).ok());
  value[5] ^= 1;
  g.store.Put(NodeKey(1, 41), value);
  CheckFailure(g.Verify(), std::nullopt, 83, "stored tree node (1, 41)");
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
  SUBCASE("a leaf locator inside a block") {
    Fixture f;
    f.store.Erase(LeafKey(13));
    CheckFailure(f.Verify(), 2, 13, "leaf locator is missing");
  }
  SUBCASE("the last leaf locators of the newest block") {
    Fixture f;
    for (uint64_t leaf = 70; leaf < 85; ++leaf) {
      f.store.Erase(LeafKey(leaf));
    }
    CheckFailure(f.Verify(), 9, 70, "leaf locator of entry 70 is missing");
  }
  SUBCASE("a leaf locator in the unsealed tail") {
    Fixture f;
    f.store.Erase(LeafKey(82));
    CheckFailure(f.Verify(), std::nullopt, 82, "leaf locator is missing");
  }
  SUBCASE("a row") {
    Fixture f;
    f.store.Erase("row/50");
    CheckFailure(f.Verify(), 7, 50, "row");
  }
  SUBCASE("a stored node") {
    Fixture f;
    f.store.Erase(NodeKey(3, 2));  // leaves 16..23, completed by leaf 23 in block 3
    CheckFailure(f.Verify(), 3, 23, "stored tree node (3, 2) is missing");
  }
  SUBCASE("a key index record") {
    Fixture f;
    f.store.Erase(KeyIndexKey("row/60"));
    CheckFailure(f.Verify(), 8, 60, "key index record is missing");
  }
  SUBCASE("a block header in the middle") {
    Fixture f;
    f.store.Erase(BlockKey(6));
    CheckFailure(f.Verify(), 6, std::nullopt, "");
  }
  SUBCASE("the newest block header and its entries: only a trusted digest catches it") {
    Fixture f;
    const Digest trusted = f.digests[f.digests.size() - 2];  // 80 entries, block 10
    f.store.Erase(BlockKey(10));
    for (uint64_t leaf = 72; leaf < 85; ++leaf) {
      std::string locator_bytes;
      REQUIRE(f.store.Get(LeafKey(leaf), &locator_bytes).ok());
      LeafLocator locator;
      REQUIRE(DecodeLeafLocator(locator_bytes, &locator).ok());
      f.store.Erase(LeafKey(leaf));
      f.store.Erase(NodeKey(0, leaf));
      f.store.Erase(KeyIndexKey(locator.key));
      f.store.Erase(locator.key);
    }
    const VerifyReport truncated = f.Verify();
    INFO(truncated.ToString());
    CHECK(truncated.ok());
    CHECK(truncated.digest.tree_size == 72);
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

TEST_CASE("ledger verify: read errors abort, corrupt reads are findings") {
  Fixture f;
  RecordSource source = f.source();
  const std::string bad_key = LeafKey(30);
  SUBCASE("I/O error") {
    source.get = [&](std::string_view key, std::string* value) {
      if (key == bad_key) {
        return Status::IOError("disk on fire");
      }
      return f.store.Get(key, value);
    };
    Result<VerifyReport> report = VerifyLedger(source, {});
    CHECK(report.status().IsIOError());
  }
  SUBCASE("corruption") {
    source.get = [&](std::string_view key, std::string* value) {
      if (key == bad_key) {
        return Status::Corruption("000012.sst offset 4096: bad block checksum");
      }
      return f.store.Get(key, value);
    };
    Result<VerifyReport> report = VerifyLedger(source, {});
    REQUIRE(report.ok());
    CheckFailure(*report, 4, 30, "bad block checksum");
  }
}

}  // namespace
}  // namespace blockdb::ledger
