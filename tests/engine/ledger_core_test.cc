// Ledger (engine/ledger/ledger.h): entries, records, blocks, determinism, reopening and proofs.
#include "engine/ledger/ledger.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "engine/ledger/mem_record_store.h"
#include "engine/ledger/merkle.h"
#include "ledger_store_util.h"
#include "ledger_test_util.h"

namespace blockdb::ledger {
namespace {

using testing::ApplyCommand;
using testing::Command;
using testing::H;
using testing::Hex;
using testing::OpenLedger;

constexpr int64_t kTs = 1700000000000000;

TEST_CASE("ledger core: the worked example's records, byte for byte") {
  MemRecordStore store;
  auto ledger = OpenLedger(store, 1);
  Command c;
  c.log_index = 7;
  c.txn_id = 42;
  c.timestamp_micros = kTs;
  c.rows = {{"k1", "v1"}};
  const RecordWrites writes = ApplyCommand(ledger.get(), &store, c);
  std::vector<std::pair<std::string, std::string>> hex;
  for (const auto& [key, value] : writes) {
    hex.emplace_back(ToHex(key), ToHex(value));
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"ff420000000000000001",
       "010100000000000000070000000000000000401e18240a0600000000000000000001000000000000"
       "00d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364edd92981e6ba5090"
       "9605454c12a3a9d53425d122eea7a66a33747e94d2929364ed044b8bae2fba92b2f84c46393314d8"
       "b424d7f7ed4e72a38a3e60f9e52af0dd08"},
      {"ff450000000000000000",
       "0107000000000000002a0000000000000000401e18240a060001000000"
       "d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed020000006b31"},
  };
  CHECK(hex == expected);
  const Digest digest = ledger->GetDigest();
  CHECK(digest.tree_size == 1);
  CHECK(Hex(digest.root) == "d92981e6ba50909605454c12a3a9d53425d122eea7a66a33747e94d2929364ed");
  CHECK(digest.last_block_index == 1);
  CHECK(Hex(digest.last_block_hash) ==
        "b9044e14b56986cb1317f5fe14496f564c16be7c358c837b229e5452af4be5e8");
}

TEST_CASE("ledger core: blocks close at the batch size and on seal commands") {
  MemRecordStore store;
  auto ledger = OpenLedger(store, 3);
  CHECK(ledger->GetDigest().last_block_index == 0);
  CHECK(ledger->GetDigest().root == EmptyTreeRoot());

  auto batch = [](uint64_t index, int64_t ts, std::vector<std::string> keys) {
    Command c;
    c.log_index = index;
    c.txn_id = index * 10;
    c.timestamp_micros = ts;
    for (auto& key : keys) {
      c.rows.emplace_back(key, "value of " + key);
    }
    return c;
  };
  Command seal;
  seal.seal = true;

  ApplyCommand(ledger.get(), &store, batch(1, 100, {"a", "b"}));
  CHECK(ledger->GetDigest().last_block_index == 0);
  CHECK(ledger->pending_entries() == 2);
  // Four more entries: block 1 closes at "c" and block 2 at "f", both at log index 2.
  ApplyCommand(ledger.get(), &store, batch(2, 200, {"c", "d", "e", "f"}));
  CHECK(ledger->GetDigest().last_block_index == 2);
  CHECK(ledger->pending_entries() == 0);
  ApplyCommand(ledger.get(), &store, batch(3, 300, {}));  // empty batch: nothing recorded
  ApplyCommand(ledger.get(), &store, batch(4, 400, {"g"}));
  seal.log_index = 5;
  seal.timestamp_micros = 555;
  ApplyCommand(ledger.get(), &store, seal);
  seal.log_index = 6;
  CHECK(ApplyCommand(ledger.get(), &store, seal).empty());  // nothing pending: no block

  const std::vector<BlockHeader> blocks = ledger->ListBlocks(0, 100).value();
  REQUIRE(blocks.size() == 4);
  CHECK(blocks[0] == GenesisBlock());
  CHECK(blocks[1].first_leaf == 0);
  CHECK(blocks[1].leaf_count == 3);
  CHECK(blocks[1].log_index == 2);
  CHECK(blocks[1].timestamp_micros == 200);
  CHECK(blocks[2].first_leaf == 3);
  CHECK(blocks[2].leaf_count == 3);
  CHECK(blocks[2].log_index == 2);
  CHECK(blocks[3].first_leaf == 6);
  CHECK(blocks[3].leaf_count == 1);
  CHECK(blocks[3].log_index == 5);
  CHECK(blocks[3].timestamp_micros == 555);
  for (size_t i = 1; i < blocks.size(); ++i) {
    CHECK(blocks[i].index == i);
    CHECK(blocks[i].prev_hash == BlockHash(blocks[i - 1]));
  }
  CHECK(ledger->GetDigest().last_block_hash == BlockHash(blocks[3]));
  CHECK(ledger->GetBlock(3).value() == blocks[3]);
  CHECK(ledger->GetBlock(4).status().IsNotFound());
  CHECK(ledger->ListBlocks(2, 1).value() == std::vector<BlockHeader>{blocks[2]});
  CHECK(ledger->ListBlocks(9, 5).value().empty());

  // Entries can be found by key and the log index of their batch, and rebuilt from their rows.
  CHECK(ledger->FindLeaf("e", 2).value() == 4);
  CHECK(ledger->FindLeaf("a", 1).value() == 0);
  CHECK(ledger->FindLeaf("g", 4).value() == 6);
  CHECK(ledger->FindLeaf("e", 1).status().IsNotFound());
  CHECK(ledger->FindLeaf("e", 4).status().IsNotFound());
  CHECK(ledger->FindLeaf("zz", 2).status().IsNotFound());
  CHECK(ledger->FindLeaf("g", 9).status().IsNotFound());
  const Entry entry = ledger->ReadEntry(4).value();
  CHECK(entry == Entry{2, 20, 200, "e", "value of e"});
  CHECK(ledger->ReadEntry(7).status().IsNotFound());
  CHECK(ledger->last_log_index() == 6u);
}

TEST_CASE("ledger core: invalid batches are rejected and change nothing") {
  MemRecordStore store;
  auto ledger = OpenLedger(store, 2);
  Command c;
  c.log_index = 5;
  c.rows = {{"a", "1"}};
  ApplyCommand(ledger.get(), &store, c);
  const Digest before = ledger->GetDigest();

  RecordWrites writes;
  const std::vector<Insert> one = {{"b", "2"}};
  CHECK(ledger->OnApply(5, 0, 0, one, &writes).IsInvalidArgument());
  CHECK(ledger->OnApply(4, 0, 0, one, &writes).IsInvalidArgument());
  CHECK(ledger->OnSeal(5, 0, &writes).IsInvalidArgument());
  const std::vector<Insert> reserved = {{"b", "2"},
                                        {std::string_view("\xff"
                                                          "x",
                                                          2),
                                         "3"}};
  CHECK(ledger->OnApply(6, 0, 0, reserved, &writes).IsInvalidArgument());
  const std::vector<Insert> twice = {{"b", "2"}, {"b", "3"}};
  CHECK(ledger->OnApply(6, 0, 0, twice, &writes).IsInvalidArgument());
  CHECK(writes.empty());
  CHECK(ledger->GetDigest() == before);
  CHECK(ledger->last_log_index() == 5u);

  Options bad;
  bad.blockchain_batch_size = 0;
  CHECK(Ledger::Open(bad, store.source()).status().IsInvalidArgument());
}

// Feeds `commands` to a ledger that is reopened from the store after every `reopen_every`
// commands (0: never); returns every command's internal records.
std::vector<RecordWrites> Run(const std::vector<Command>& commands, uint64_t batch_size,
                              int reopen_every, MemRecordStore* store,
                              std::vector<Digest>* digests) {
  auto ledger = OpenLedger(*store, batch_size);
  std::vector<RecordWrites> all;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (reopen_every > 0 && i % reopen_every == 0) {
      ledger = OpenLedger(*store, batch_size);
    }
    all.push_back(ApplyCommand(ledger.get(), store, commands[i]));
    digests->push_back(ledger->GetDigest());
  }
  return all;
}

TEST_CASE("ledger core: the same command stream gives byte-identical records and blocks") {
  const uint64_t seed = testing::TestSeed();
  INFO("BLOCKDB_SEED=" << seed);
  const std::vector<Command> commands = testing::MakeCommands(seed, 300, 9);
  MemRecordStore a;
  MemRecordStore b;
  std::vector<Digest> digests_a;
  std::vector<Digest> digests_b;
  const auto writes_a = Run(commands, 7, 0, &a, &digests_a);
  const auto writes_b = Run(commands, 7, 0, &b, &digests_b);
  CHECK(writes_a == writes_b);
  CHECK(digests_a == digests_b);
  CHECK(digests_a.back().last_block_index > 10);

  SUBCASE("reopening between commands changes nothing") {
    for (int every : {1, 3, 17}) {
      CAPTURE(every);
      MemRecordStore c;
      std::vector<Digest> digests_c;
      CHECK(Run(commands, 7, every, &c, &digests_c) == writes_a);
      CHECK(digests_c == digests_a);
    }
  }
  SUBCASE("a different batch size gives different blocks over the same tree") {
    MemRecordStore c;
    std::vector<Digest> digests_c;
    Run(commands, 8, 0, &c, &digests_c);
    CHECK(digests_c.back().tree_size == digests_a.back().tree_size);
    CHECK(digests_c.back().root == digests_a.back().root);
    CHECK(digests_c.back().last_block_hash != digests_a.back().last_block_hash);
  }
}

TEST_CASE("ledger core: a lowered batch size closes the pending block at the next entry") {
  MemRecordStore store;
  auto ledger = OpenLedger(store, 10);
  Command c;
  c.log_index = 1;
  c.rows = {{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}};
  ApplyCommand(ledger.get(), &store, c);
  ledger = OpenLedger(store, 2);
  CHECK(ledger->pending_entries() == 4);
  c.log_index = 2;
  c.rows = {{"e", ""}};
  ApplyCommand(ledger.get(), &store, c);
  CHECK(ledger->pending_entries() == 0);
  CHECK(ledger->GetBlock(1).value().leaf_count == 5);
}

TEST_CASE("ledger core: proofs against every earlier digest verify") {
  const uint64_t seed = testing::TestSeed();
  INFO("BLOCKDB_SEED=" << seed);
  const std::vector<Command> commands = testing::MakeCommands(seed, 60, 6);
  MemRecordStore store;
  std::vector<Digest> digests;
  Run(commands, 5, 0, &store, &digests);
  auto ledger = OpenLedger(store, 5);
  const Digest now = ledger->GetDigest();
  REQUIRE(now.tree_size > 20);
  for (const Digest& old : digests) {
    CAPTURE(old.tree_size);
    const ConsistencyProof consistency =
        ledger->ProveConsistency(old.tree_size, now.tree_size).value();
    CHECK(consistency.old_root == old.root);
    CHECK(consistency.new_root == now.root);
    CHECK(VerifyProof(consistency).ok());
    for (uint64_t i = 0; i < old.tree_size; i += 3) {
      const InclusionProof inclusion = ledger->ProveInclusion(i, old.tree_size).value();
      CHECK(inclusion.root_hash == old.root);
      CHECK(inclusion.leaf_hash == EntryLeafHash(ledger->ReadEntry(i).value().view()));
      CHECK(VerifyProof(inclusion).ok());
    }
  }
  CHECK(ledger->ProveInclusion(0, now.tree_size + 1).status().IsInvalidArgument());
  CHECK(ledger->ProveInclusion(now.tree_size, now.tree_size).status().IsInvalidArgument());
  CHECK(ledger->ProveConsistency(3, 2).status().IsInvalidArgument());
  CHECK(ledger->ProveConsistency(1, now.tree_size + 1).status().IsInvalidArgument());
  // A reader over the same records gives the same digest without any in-memory state.
  CHECK(LedgerReader(store.source()).ReadDigest().value() == now);
}

TEST_CASE("ledger concurrency: proofs and digests read while entries are applied") {
  // The apply thread publishes a digest once its records are stored (as the engine makes a batch
  // visible); two readers prove against published digests meanwhile.
  MemRecordStore store;
  auto ledger = OpenLedger(store, 16);
  const std::vector<Command> commands = testing::MakeCommands(7, 400, 8);
  std::mutex published_mu;
  std::vector<Digest> published;
  std::atomic<bool> done{false};
  std::atomic<int> proofs_checked{0};
  auto reader = [&](uint64_t salt) {
    std::mt19937_64 rng(salt);
    while (!done.load()) {
      Digest old;
      Digest now;
      {
        std::lock_guard<std::mutex> lock(published_mu);
        if (published.empty()) {
          continue;
        }
        old = published[rng() % published.size()];
        now = published.back();
      }
      CHECK(VerifyProof(ledger->ProveConsistency(old.tree_size, now.tree_size).value()).ok());
      if (now.tree_size > 0) {
        const InclusionProof p =
            ledger->ProveInclusion(rng() % now.tree_size, now.tree_size).value();
        CHECK(p.root_hash == now.root);
        CHECK(VerifyProof(p).ok());
      }
      CHECK(ledger->GetDigest().tree_size >= now.tree_size);
      ++proofs_checked;
    }
  };
  std::thread r1(reader, 1);
  std::thread r2(reader, 2);
  for (const Command& c : commands) {
    ApplyCommand(ledger.get(), &store, c);
    std::lock_guard<std::mutex> lock(published_mu);
    published.push_back(ledger->GetDigest());
  }
  // Let the readers finish at least a few rounds against the final state.
  const int seen = proofs_checked.load();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (proofs_checked.load() < seen + 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  done = true;
  r1.join();
  r2.join();
  CHECK(proofs_checked.load() >= 20);
}

TEST_CASE("ledger core: opening over inconsistent records fails with Corruption") {
  MemRecordStore store;
  auto ledger = OpenLedger(store, 2);
  Command c;
  c.log_index = 1;
  c.rows = {{"a", ""}, {"b", ""}, {"c", ""}};
  ApplyCommand(ledger.get(), &store, c);
  // The newest block claims leaves 0 and 1, whose group (leaves 0..2) is gone.
  store.Erase(LeafGroupKey(2));
  Options options;
  CHECK(Ledger::Open(options, store.source()).status().IsCorruption());
}

}  // namespace
}  // namespace blockdb::ledger
