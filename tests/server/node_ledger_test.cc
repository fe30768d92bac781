// The node runs the engine with its ledger: blocks of database.blockchain_batch_size entries, a
// block timer sealing pending entries every database.block_interval_ms, stopped before the engine
// closes; the ledger survives a restart.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "common/env.h"
#include "engine/db.h"
#include "engine/ledger_db.h"
#include "server/node.h"
#include "server/seal_timer.h"
#include "util/temp_dir.h"

namespace blockdb {
namespace {

using ::blockdb::testing::TempDir;

void Insert(DB* db, const std::string& key) {
  WriteBatch batch;
  batch.Insert(key, "value of " + key);
  Result<uint64_t> r = db->Write(batch);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
}

// Polls `done` until it holds or a generous deadline passes (no fixed sleep).
template <typename Pred>
bool PollUntil(Pred done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) {
      return true;
    }
    std::this_thread::yield();
  }
  return done();
}

TEST_CASE("node ledger: blocks close at blockchain_batch_size and by the block timer") {
  TempDir tmp;
  Config config;
  config.database.data_dir = tmp.path() + "/data";
  config.server.port = 0;  // the node starts its listeners: never a fixed port
  config.server.http_port = 0;
  config.database.blockchain_batch_size = 3;
  config.database.block_interval_ms = 5;
  ledger::Digest before_restart;
  {
    Node node(config);
    REQUIRE(node.Start().ok());
    REQUIRE(node.ledger_db() != nullptr);
    REQUIRE(node.db() == node.ledger_db()->db());
    LedgerDB* ldb = node.ledger_db();

    Insert(node.db(), "a");
    // One entry pending: the timer seals it into block 1 within an interval or so.
    REQUIRE(PollUntil([&] { return ldb->GetDigest().last_block_index == 1; }));
    CHECK(ldb->GetDigest().tree_size == 1);
    CHECK(ldb->PendingEntries() == 0);

    // Nothing pending: the timer proposes nothing, the log does not grow.
    const uint64_t applied = node.db()->AppliedIndex();
    Insert(node.db(), "b");
    REQUIRE(PollUntil([&] { return ldb->GetDigest().last_block_index == 2; }));
    CHECK(node.db()->AppliedIndex() >= applied + 2);  // the write and the timer's seal

    // A batch of blockchain_batch_size entries closes its block at once.
    WriteBatch three;
    three.Insert("c", "1");
    three.Insert("d", "2");
    three.Insert("e", "3");
    REQUIRE(node.db()->Write(three).ok());
    CHECK(ldb->GetDigest().last_block_index == 3);
    CHECK(ldb->GetDigest().tree_size == 5);

    Result<ledger::VerifyReport> report = ldb->Verify({});
    REQUIRE(report.ok());
    CHECK_MESSAGE(report->ok(), report->ToString());
    before_restart = ldb->GetDigest();
    REQUIRE(node.Stop().ok());
    CHECK(node.ledger_db() == nullptr);
    CHECK(node.db() == nullptr);
  }
  Node again(config);
  REQUIRE(again.Start().ok());
  CHECK(again.ledger_db()->GetDigest() == before_restart);
}

TEST_CASE("node ledger: the seal timer stops promptly and proposes nothing without entries") {
  TempDir tmp;
  LedgerDBOptions options;
  options.engine.dir = tmp.path();
  options.ledger.blockchain_batch_size = 1000;
  Result<std::unique_ptr<LedgerDB>> ldb = LedgerDB::Open(options);
  REQUIRE(ldb.ok());
  {
    SealTimer timer(ldb->get(), std::chrono::milliseconds(1));
    Insert((*ldb)->db(), "x");
    REQUIRE(PollUntil([&] { return timer.seals() == 1; }));
    const uint64_t applied = (*ldb)->db()->AppliedIndex();
    // Many more ticks pass with nothing pending: no further seal is logged.
    const uint64_t ticks = timer.ticks();
    REQUIRE(PollUntil([&] { return timer.ticks() >= ticks + 20; }));
    timer.Stop();
    CHECK(timer.seals() == 1);
    CHECK((*ldb)->db()->AppliedIndex() == applied);
    timer.Stop();  // idempotent
  }
  CHECK((*ldb)->GetDigest().last_block_index == 1);
}

}  // namespace
}  // namespace blockdb
