// LedgerDB: the engine with its ledger on. Inserts become entries, blocks close every
// blockchain_batch_size entries and on seals, digests grow, every proof verifies, VERIFY passes;
// reopening (cleanly or after a simulated crash) gives back the digest of what was acknowledged;
// two engines fed the same commands produce byte-identical blocks.

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "common/mem_env.h"
#include "engine/ledger/entry.h"
#include "engine/ledger/proof.h"
#include "engine/ledger/records.h"
#include "engine/ledger/snapshot_source.h"
#include "engine/ledger_db.h"
#include "ledger_db_test_util.h"

namespace blockdb {
namespace {

using ledger::BlockHeader;
using ledger::Digest;
using ledger_db_test::CountRows;
using ledger_db_test::LedgerOptions;
using ledger_db_test::MakeRowBatch;
using ledger_db_test::OpenOrDie;
using ledger_db_test::RowKey;
using ledger_db_test::RowsInBatch;
using ledger_db_test::RowValue;

// What the ledger must look like after a sequence of batches and seals (the rule of block.h).
struct BlockModel {
  uint64_t batch_size;
  uint64_t entries = 0;
  uint64_t pending = 0;
  uint64_t blocks = 0;

  void Add(uint64_t rows) {
    for (uint64_t i = 0; i < rows; ++i) {
      ++entries;
      if (++pending == batch_size) {
        ++blocks;
        pending = 0;
      }
    }
  }
  void Seal() {
    if (pending > 0) {
      ++blocks;
      pending = 0;
    }
  }
};

void WriteOrDie(LedgerDB* ldb, const WriteBatch& batch) {
  Result<uint64_t> r = ldb->db()->Write(batch);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
}

void SealOrDie(LedgerDB* ldb, int64_t timestamp) {
  Result<uint64_t> r = ldb->db()->Seal(timestamp);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
}

ledger::VerifyReport VerifyOrDie(const LedgerDB& ldb, const ledger::VerifyOptions& options = {}) {
  Result<ledger::VerifyReport> report = ldb.Verify(options);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  return *report;
}

// Checks the inclusion proof of every leaf at `digest` and that each proves the row's entry.
void CheckAllInclusionProofs(const LedgerDB& ldb, const Digest& digest) {
  for (uint64_t leaf = 0; leaf < digest.tree_size; ++leaf) {
    INFO("leaf " << leaf);
    Result<ledger::InclusionProof> proof = ldb.ProveInclusion(leaf, digest.tree_size);
    REQUIRE_MESSAGE(proof.ok(), proof.status().ToString());
    CHECK(proof->root_hash == digest.root);
    Result<ledger::Entry> entry = ldb.ReadEntry(leaf);
    REQUIRE_MESSAGE(entry.ok(), entry.status().ToString());
    CHECK(proof->leaf_hash == ledger::EntryLeafHash(entry->view()));
    CHECK(ledger::VerifyProof(*proof).ok());
  }
}

TEST_CASE("ledger db: inserts become entries, blocks seal, proofs and VERIFY hold") {
  MemEnv env;
  auto ldb = OpenOrDie(LedgerOptions(&env, "/db", 7));
  BlockModel model{7};
  CHECK(ldb->GetDigest().tree_size == 0);
  CHECK(ldb->GetDigest().last_block_index == 0);
  CHECK(ldb->PendingEntries() == 0);

  std::vector<Digest> digests{ldb->GetDigest()};
  std::map<std::string, uint64_t> leaf_of_key;
  int64_t seal_time = 1'800'000'000'000'000;
  for (uint64_t b = 0; b < 120; ++b) {
    const WriteBatch batch = MakeRowBatch(b);
    for (const WriteBatch::Entry& e : batch.entries()) {
      leaf_of_key[e.key] = leaf_of_key.size();
    }
    WriteOrDie(ldb.get(), batch);
    model.Add(batch.Count());
    if (b % 17 == 16) {
      SealOrDie(ldb.get(), ++seal_time);
      model.Seal();
    }
    if (b == 40) {
      REQUIRE(ldb->db()->Flush().ok());  // part of the ledger in an SSTable, part in the memtable
    }
    if (b == 80) {
      REQUIRE(ldb->db()->CompactAll().ok());
    }
    const Digest digest = ldb->GetDigest();
    INFO("batch " << b);
    CHECK(digest.tree_size == model.entries);
    CHECK(digest.last_block_index == model.blocks);
    CHECK(ldb->PendingEntries() == model.pending);
    CHECK(digest.tree_size > digests.back().tree_size);  // every batch adds entries
    digests.push_back(digest);
  }
  // A seal with nothing pending closes no block.
  SealOrDie(ldb.get(), ++seal_time);
  model.Seal();
  SealOrDie(ldb.get(), ++seal_time);
  CHECK(ldb->GetDigest().last_block_index == model.blocks);
  CHECK(ldb->PendingEntries() == 0);
  digests.push_back(ldb->GetDigest());

  SUBCASE("entries describe the rows, and each row finds its entry") {
    for (const auto& [key, leaf] : leaf_of_key) {
      Result<uint64_t> found = ldb->FindLeafByKey(key);
      REQUIRE_MESSAGE(found.ok(), found.status().ToString());
      CHECK(*found == leaf);
      Result<ledger::Entry> entry = ldb->ReadEntry(leaf);
      REQUIRE(entry.ok());
      CHECK(entry->key == key);
      CHECK(entry->value == RowValue(key));
    }
    Result<ledger::Entry> first = ldb->ReadEntry(0);
    REQUIRE(first.ok());
    CHECK(first->txn_id == 1000);
    CHECK(first->timestamp_micros == 1'700'000'000'000'000);
    CHECK(ldb->FindLeafByKey("no such row").status().IsNotFound());
    CHECK(ldb->ReadEntry(model.entries).status().IsNotFound());
  }

  SUBCASE("blocks chain and cover the entries in order") {
    Result<std::vector<BlockHeader>> blocks = ldb->ListBlocks(0, 1000);
    REQUIRE(blocks.ok());
    REQUIRE(blocks->size() == model.blocks + 1);
    CHECK((*blocks)[0] == ledger::GenesisBlock());
    for (size_t i = 1; i < blocks->size(); ++i) {
      const BlockHeader& block = (*blocks)[i];
      CHECK(block.index == i);
      CHECK(block.prev_hash == ledger::BlockHash((*blocks)[i - 1]));
      CHECK(block.first_leaf == (*blocks)[i - 1].tree_size());
      CHECK(block.leaf_count >= 1);
      CHECK(block.leaf_count <= 7);
    }
    CHECK(blocks->back().tree_size() == model.entries);
    CHECK(ledger::BlockHash(blocks->back()) == ldb->GetDigest().last_block_hash);
    Result<std::vector<BlockHeader>> tail = ldb->ListBlocks(model.blocks, 10);
    REQUIRE(tail.ok());
    CHECK(tail->size() == 1);
    CHECK(ldb->ListBlocks(model.blocks + 1, 10)->empty());
  }

  SUBCASE("every inclusion proof verifies against the digest") {
    CheckAllInclusionProofs(*ldb, ldb->GetDigest());
    CheckAllInclusionProofs(*ldb, digests[37]);  // and at an older size
    CHECK(ldb->ProveInclusion(0, model.entries + 1).status().IsInvalidArgument());
    CHECK(ldb->ProveInclusion(5, 5).status().IsInvalidArgument());
  }

  SUBCASE("consistency proofs between saved digests verify") {
    for (size_t i = 0; i < digests.size(); i += 9) {
      for (size_t j = i; j < digests.size(); j += 13) {
        INFO("digests " << i << " -> " << j);
        Result<ledger::ConsistencyProof> proof =
            ldb->ProveConsistency(digests[i].tree_size, digests[j].tree_size);
        REQUIRE_MESSAGE(proof.ok(), proof.status().ToString());
        CHECK(proof->old_root == digests[i].root);
        CHECK(proof->new_root == digests[j].root);
        CHECK(ledger::VerifyProof(*proof).ok());
      }
    }
    CHECK(ldb->ProveConsistency(3, 2).status().IsInvalidArgument());
    CHECK(ldb->ProveConsistency(1, model.entries + 1).status().IsInvalidArgument());
  }

  SUBCASE("VERIFY passes, from genesis, from a later block, against a saved digest") {
    std::vector<ledger::VerifyProgress> progress;
    ledger::VerifyOptions options;
    options.chunk_entries = 50;
    options.progress = [&](const ledger::VerifyProgress& p) { progress.push_back(p); };
    ledger::VerifyReport report = VerifyOrDie(*ldb, options);
    CHECK_MESSAGE(report.ok(), report.ToString());
    CHECK(report.digest == ldb->GetDigest());
    CHECK(report.entries_checked == model.entries);
    CHECK(report.blocks_checked == model.blocks);
    REQUIRE(progress.size() >= 2);
    for (size_t i = 1; i < progress.size(); ++i) {
      CHECK(progress[i].entries_done >= progress[i - 1].entries_done);
    }
    CHECK(progress.back().entries_done == model.entries);
    CHECK(progress.back().entries_total == model.entries);

    options = {};
    options.start_block = model.blocks / 2;
    report = VerifyOrDie(*ldb, options);
    CHECK_MESSAGE(report.ok(), report.ToString());
    CHECK(report.digest == ldb->GetDigest());

    // The first pass's join in key ranges of a few dozen entries (bounds sampled from the stored
    // leaf groups, rows walked through the engine's iterators): the same answer.
    for (uint64_t start_block : {uint64_t{0}, model.blocks / 2}) {
      options = {};
      options.start_block = start_block;
      options.join_range_entries = 37;
      report = VerifyOrDie(*ldb, options);
      CHECK_MESSAGE(report.ok(), report.ToString());
      CHECK(report.digest == ldb->GetDigest());
    }

    options = {};
    options.trusted_digest = digests[60];
    report = VerifyOrDie(*ldb, options);
    CHECK_MESSAGE(report.ok(), report.ToString());

    Digest forged = digests[60];
    forged.root[0] ^= 1;
    options.trusted_digest = forged;
    report = VerifyOrDie(*ldb, options);
    CHECK_FALSE(report.ok());

    options = {};
    options.start_block = model.blocks + 1;
    CHECK(ldb->Verify(options).status().IsInvalidArgument());
  }
}

TEST_CASE("ledger db: SealIfPending logs a seal only when entries are pending") {
  MemEnv env;
  auto ldb = OpenOrDie(LedgerOptions(&env, "/db", 100));
  Result<bool> sealed = ldb->SealIfPending();
  REQUIRE(sealed.ok());
  CHECK_FALSE(*sealed);
  const uint64_t applied = ldb->db()->AppliedIndex();
  CHECK(applied == 0);  // nothing logged
  WriteOrDie(ldb.get(), MakeRowBatch(3));
  CHECK(ldb->PendingEntries() == 4);
  sealed = ldb->SealIfPending();
  REQUIRE(sealed.ok());
  CHECK(*sealed);
  CHECK(ldb->PendingEntries() == 0);
  CHECK(ldb->GetDigest().last_block_index == 1);
  CHECK(ldb->GetDigest().tree_size == 4);
}

TEST_CASE("ledger db: options are checked") {
  MemEnv env;
  LedgerDBOptions options = LedgerOptions(&env, "/db", 0);
  CHECK(LedgerDB::Open(options).status().IsInvalidArgument());
  options = LedgerOptions(&env, "/db", 10);
  class NullHook : public ApplyHook {
    Status OnApply(uint64_t, const WriteBatch&,
                   std::vector<std::pair<std::string, std::string>>*) override {
      return Status::OK();
    }
    Status OnSeal(uint64_t, int64_t, std::vector<std::pair<std::string, std::string>>*) override {
      return Status::OK();
    }
  } hook;
  options.engine.apply_hook = &hook;
  CHECK(LedgerDB::Open(options).status().IsInvalidArgument());
}

TEST_CASE("ledger db: a duplicate batch is rejected whole and records nothing") {
  MemEnv env;
  auto ldb = OpenOrDie(LedgerOptions(&env, "/db", 3));
  WriteOrDie(ldb.get(), MakeRowBatch(1));  // 2 rows
  const Digest before = ldb->GetDigest();
  WriteBatch dup;
  dup.Insert("fresh", "v");
  dup.Insert(RowKey(1, 0), "again");
  CHECK(ldb->db()->Write(dup).status().IsDuplicateKey());
  CHECK(ldb->GetDigest() == before);
  CHECK(ldb->FindLeafByKey("fresh").status().IsNotFound());
  CHECK(VerifyOrDie(*ldb).ok());
}

// Writes batches [first, end) and returns the digest after each.
std::vector<Digest> WriteRange(LedgerDB* ldb, uint64_t first, uint64_t end, uint64_t seal_every) {
  std::vector<Digest> digests;
  for (uint64_t b = first; b < end; ++b) {
    WriteOrDie(ldb, MakeRowBatch(b));
    if (b % seal_every == seal_every - 1) {
      SealOrDie(ldb, 1'800'000'000'000'000 + static_cast<int64_t>(b));
    }
    digests.push_back(ldb->GetDigest());
  }
  return digests;
}

// Checks a freshly (re)opened ledger: VERIFY passes and covers exactly the rows present.
void CheckRecovered(const LedgerDB& ldb) {
  ledger::VerifyReport report = VerifyOrDie(ldb);
  CHECK_MESSAGE(report.ok(), report.ToString());
  CHECK(report.digest == ldb.GetDigest());
  CHECK(ldb.GetDigest().tree_size == CountRows(ldb.db()));
}

void KillAndCrash(MemEnv* env, std::unique_ptr<LedgerDB>* ldb, const CrashOptions& crash) {
  env->SimulateCrash(crash);
  env->SetWriteError(true);
  env->SetSyncError(true);
  ldb->reset();
  env->SimulateCrash();
  env->ClearFaults();
}

TEST_CASE("ledger db: reopening after a clean close gives the same digest and keeps going") {
  MemEnv env;
  const LedgerDBOptions options = LedgerOptions(&env, "/db", 5);
  auto ldb = OpenOrDie(options);
  std::vector<Digest> digests = WriteRange(ldb.get(), 0, 150, 11);
  REQUIRE(ldb->Close().ok());
  ldb.reset();

  ldb = OpenOrDie(options);
  CHECK(ldb->GetDigest() == digests.back());
  CheckRecovered(*ldb);
  // The reopened ledger continues the same tree: a consistency proof from before the restart.
  std::vector<Digest> more = WriteRange(ldb.get(), 150, 200, 11);
  Result<ledger::ConsistencyProof> proof =
      ldb->ProveConsistency(digests[70].tree_size, more.back().tree_size);
  REQUIRE(proof.ok());
  CHECK(proof->old_root == digests[70].root);
  CHECK(ledger::VerifyProof(*proof).ok());
  CheckRecovered(*ldb);
}

TEST_CASE("ledger db: after a crash every acknowledged batch's entries are back, digest equal") {
  uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  MemEnv env;
  const LedgerDBOptions options = LedgerOptions(&env, "/db", 6);
  auto ldb = OpenOrDie(options);
  uint64_t next = 0;
  Digest last = ldb->GetDigest();
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    const uint64_t n = 20 + rng() % 200;
    std::vector<Digest> digests = WriteRange(ldb.get(), next, next + n, 13);
    next += n;
    last = digests.back();
    CrashOptions crash;
    crash.seed = rng();
    crash.torn_tail = round % 2 == 1;
    crash.garble_tail = round % 4 == 3;
    KillAndCrash(&env, &ldb, crash);
    ldb = OpenOrDie(options);
    // SyncMode::kAlways: every acknowledged batch is durable, and nothing else was written.
    CHECK(ldb->GetDigest() == last);
    CheckRecovered(*ldb);
  }
  CHECK(ldb->db()->GetStats().applied_index > 0);
}

TEST_CASE("ledger db: in interval sync mode a crash leaves a prefix, tree and rows alike") {
  uint64_t seed = db_test::TestSeed();
  INFO("seed " << seed << " (rerun with BLOCKDB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  MemEnv env;
  LedgerDBOptions options = LedgerOptions(&env, "/db", 4);
  options.engine.sync_mode = EngineOptions::SyncMode::kInterval;
  options.engine.sync_interval_ms = 60 * 60 * 1000;  // only flushes sync the log in this test
  auto ldb = OpenOrDie(options);
  uint64_t next = 0;
  std::map<uint64_t, Digest> digest_at_size{{0, ldb->GetDigest()}};
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    const uint64_t n = 50 + rng() % 300;
    for (const Digest& d : WriteRange(ldb.get(), next, next + n, 9)) {
      digest_at_size[d.tree_size] = d;
    }
    next += n;
    CrashOptions crash;
    crash.seed = rng();
    crash.torn_tail = true;
    KillAndCrash(&env, &ldb, crash);
    ldb = OpenOrDie(options);
    const Digest recovered = ldb->GetDigest();
    // The recovered state is the state after some acknowledged command: the same tree and,
    // unless the lost suffix held only a seal, the same block.
    REQUIRE(digest_at_size.count(recovered.tree_size) == 1);
    CHECK(recovered.root == digest_at_size[recovered.tree_size].root);
    CheckRecovered(*ldb);
    // Writing continues from what survived; later digests of lost sizes are forgotten.
    digest_at_size.erase(digest_at_size.upper_bound(recovered.tree_size), digest_at_size.end());
    digest_at_size[recovered.tree_size] = recovered;
    next = 100000 * (round + 1);  // fresh keys: lost batches may be written again
  }
}

TEST_CASE("ledger db: two engines fed the same commands produce identical blocks and digests") {
  MemEnv env_a;
  MemEnv env_b;
  LedgerDBOptions options_a = LedgerOptions(&env_a, "/a", 9);
  LedgerDBOptions options_b = LedgerOptions(&env_b, "/b", 9);
  options_b.engine.memtable_size_limit = 64 << 10;  // a different storage layout
  options_b.engine.compaction_threshold = 2;
  auto a = OpenOrDie(options_a);
  auto b = OpenOrDie(options_b);
  for (uint64_t i = 0; i < 300; ++i) {
    WriteOrDie(a.get(), MakeRowBatch(i));
    WriteOrDie(b.get(), MakeRowBatch(i));
    if (i % 23 == 22) {
      SealOrDie(a.get(), 1'900'000'000'000'000 + static_cast<int64_t>(i));
      SealOrDie(b.get(), 1'900'000'000'000'000 + static_cast<int64_t>(i));
    }
    if (i == 150) {
      REQUIRE(b->db()->CompactAll().ok());
    }
  }
  CHECK(a->GetDigest() == b->GetDigest());
  Result<std::vector<BlockHeader>> blocks_a = a->ListBlocks(0, 10'000);
  Result<std::vector<BlockHeader>> blocks_b = b->ListBlocks(0, 10'000);
  REQUIRE(blocks_a.ok());
  REQUIRE(blocks_b.ok());
  REQUIRE(blocks_a->size() > 30);
  REQUIRE(blocks_a->size() == blocks_b->size());
  for (size_t i = 0; i < blocks_a->size(); ++i) {
    INFO("block " << i);
    std::string bytes_a;
    std::string bytes_b;
    ledger::EncodeBlockHeader((*blocks_a)[i], &bytes_a);
    ledger::EncodeBlockHeader((*blocks_b)[i], &bytes_b);
    CHECK(bytes_a == bytes_b);
    CHECK(ledger::BlockHash((*blocks_a)[i]) == ledger::BlockHash((*blocks_b)[i]));
  }
  // Same leaves, so same proofs.
  for (uint64_t leaf = 0; leaf < a->GetDigest().tree_size; leaf += 97) {
    CHECK(*a->ProveInclusion(leaf, a->GetDigest().tree_size) ==
          *b->ProveInclusion(leaf, b->GetDigest().tree_size));
  }
}

TEST_CASE("ledger db concurrency: proofs for the published digest while writers append") {
  MemEnv env;
  auto ldb = OpenOrDie(LedgerOptions(&env, "/db", 8));
  Digest previous = ldb->GetDigest();  // the empty tree
  constexpr int kWriters = 3;
  constexpr uint64_t kBatchesPerWriter = 150;
  std::atomic<int> writers_done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (uint64_t i = 0; i < kBatchesPerWriter; ++i) {
        Result<uint64_t> r = ldb->db()->Write(MakeRowBatch(w * 10'000 + i, /*fixed_time=*/false));
        if (!r.ok()) {
          FAIL_CHECK(r.status().ToString());
        }
        if (i % 40 == 39) {
          (void)ldb->SealIfPending();
        }
      }
      writers_done.fetch_add(1);
    });
  }
  // Every digest handed out while the writers run must be provable at once, and grow.
  uint64_t checks = 0;
  uint64_t verifies = 0;
  while (writers_done.load() < kWriters || checks < 10) {
    const Digest digest = ldb->GetDigest();
    REQUIRE(digest.tree_size >= previous.tree_size);
    if (digest.tree_size > 0) {
      Result<ledger::InclusionProof> inclusion =
          ldb->ProveInclusion(digest.tree_size - 1, digest.tree_size);
      REQUIRE_MESSAGE(inclusion.ok(), inclusion.status().ToString());
      REQUIRE(inclusion->root_hash == digest.root);
      REQUIRE(ledger::VerifyProof(*inclusion).ok());
      Result<ledger::ConsistencyProof> consistency =
          ldb->ProveConsistency(previous.tree_size, digest.tree_size);
      REQUIRE_MESSAGE(consistency.ok(), consistency.status().ToString());
      REQUIRE(consistency->old_root == previous.root);
      REQUIRE(ledger::VerifyProof(*consistency).ok());
      Result<std::vector<BlockHeader>> last = ldb->ListBlocks(digest.last_block_index, 1);
      REQUIRE(last.ok());
      REQUIRE(last->size() == 1);
      REQUIRE(ledger::BlockHash(last->front()) == digest.last_block_hash);
    }
    if (checks % 25 == 0) {
      ledger::VerifyReport report = VerifyOrDie(*ldb);  // at a snapshot, writers keep going
      REQUIRE_MESSAGE(report.ok(), report.ToString());
      REQUIRE(report.digest.tree_size >= digest.tree_size);
      ++verifies;
    }
    previous = digest;
    ++checks;
  }
  for (auto& t : writers) {
    t.join();
  }
  CHECK(verifies > 0);
  CHECK(ldb->GetDigest().tree_size == CountRows(ldb->db()));
  CheckRecovered(*ldb);
}

TEST_CASE("ledger db: the snapshot record source answers exactly as DB::Get at its snapshot") {
  MemEnv env;
  auto ldb = OpenOrDie(LedgerOptions(&env, "/db", 4));
  for (uint64_t b = 0; b < 60; ++b) {
    WriteOrDie(ldb.get(), MakeRowBatch(b));
    if (b == 30) {
      REQUIRE(ldb->db()->Flush().ok());
    }
  }
  DB* db = ldb->db();
  const uint64_t snapshot = db->AppliedIndex();
  const uint64_t leaves = ldb->GetDigest().tree_size;
  for (uint64_t b = 60; b < 70; ++b) {
    WriteOrDie(ldb.get(), MakeRowBatch(b));  // after the snapshot: must stay invisible
  }
  SnapshotRecordSource source(db, snapshot);
  // Keys in the orders the verifier uses and others: forward, with gaps, backwards, missing,
  // across families and levels.
  std::vector<std::string> keys;
  for (uint64_t i = 0; i < leaves + 30; ++i) {
    keys.push_back(ledger::LeafGroupKey(i));
    keys.push_back(ledger::BlockKey(i / 4));
  }
  for (uint64_t i = leaves + 30; i-- > 0;) {
    keys.push_back(ledger::BlockKey(i * 7 % (leaves + 30)));
    keys.push_back(ledger::LeafGroupKey(i));
  }
  keys.push_back(RowKey(3, 0));
  keys.push_back(RowKey(65, 0));
  auto check = [&](size_t begin, size_t step) {
    for (size_t i = begin; i < keys.size(); i += step) {
      std::string expected;
      std::string actual;
      const Status want = db->Get(keys[i], &expected, snapshot);
      const Status got = source.Get(keys[i], &actual);
      if (want.code() != got.code() || (want.ok() && expected != actual)) {
        FAIL_CHECK("key " << ToHex(keys[i]) << ": " << want.ToString() << " vs " << got.ToString());
      }
    }
  };
  std::thread other([&] { check(1, 2); });
  check(0, 2);
  other.join();
  std::string value;
  CHECK(source.Get(RowKey(65, 0), &value).IsNotFound());
  // Its iterators read at the snapshot too: the same keys as the engine's own.
  auto all_keys = [](Iterator* it) {
    std::vector<std::string> out;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(it->key());
    }
    return out;
  };
  const std::vector<std::string> expected = all_keys(db->NewIterator(snapshot).get());
  CHECK(all_keys(source.source().new_iterator().get()) == expected);
  CHECK(all_keys(db->NewIterator().get()).size() > expected.size());
}

}  // namespace
}  // namespace blockdb
