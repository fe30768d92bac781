// Test helpers that drive a Ledger over a MemRecordStore the way the engine's apply step does:
// the batch's rows and the ledger's internal records are stored together after each call.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "engine/ledger/ledger.h"
#include "engine/ledger/mem_record_store.h"

namespace blockdb::ledger::testing {

// One command of the log: a write batch (possibly empty) or a seal.
struct Command {
  bool seal = false;
  uint64_t log_index = 0;
  uint64_t txn_id = 0;
  int64_t timestamp_micros = 0;
  std::vector<std::pair<std::string, std::string>> rows;
};

// Applies one command; stores the rows and internal records; returns the internal records.
inline RecordWrites ApplyCommand(Ledger* ledger, MemRecordStore* store, const Command& c) {
  RecordWrites writes;
  if (c.seal) {
    REQUIRE(ledger->OnSeal(c.log_index, c.timestamp_micros, &writes).ok());
  } else {
    std::vector<Insert> inserts;
    for (const auto& [key, value] : c.rows) {
      inserts.emplace_back(key, value);
    }
    REQUIRE(ledger->OnApply(c.log_index, c.txn_id, c.timestamp_micros, inserts, &writes).ok());
  }
  RecordWrites all = writes;
  all.insert(all.end(), c.rows.begin(), c.rows.end());
  REQUIRE(store->Apply(all).ok());
  return writes;
}

// A random command stream: batches of 0..max_batch rows with unique keys, and seals.
inline std::vector<Command> MakeCommands(uint64_t seed, int count, int max_batch) {
  std::mt19937_64 rng(seed);
  std::vector<Command> commands;
  uint64_t key_counter = 0;
  for (int i = 0; i < count; ++i) {
    Command c;
    c.log_index = 10 + 2 * static_cast<uint64_t>(i);
    c.timestamp_micros = 1700000000000000 + static_cast<int64_t>(i) * 1000;
    if (rng() % 5 == 0) {
      c.seal = true;
    } else {
      c.txn_id = 500 + static_cast<uint64_t>(i);
      const int rows = static_cast<int>(rng() % (max_batch + 1));
      for (int r = 0; r < rows; ++r) {
        c.rows.emplace_back("row/" + std::to_string(key_counter++),
                            std::string(rng() % 40, static_cast<char>('a' + rng() % 26)));
      }
    }
    commands.push_back(std::move(c));
  }
  return commands;
}

inline std::unique_ptr<Ledger> OpenLedger(const MemRecordStore& store, uint64_t batch_size) {
  Options options;
  options.blockchain_batch_size = batch_size;
  Result<std::unique_ptr<Ledger>> ledger = Ledger::Open(options, store.source());
  REQUIRE(ledger.ok());
  return std::move(ledger).value();
}

}  // namespace blockdb::ledger::testing
