// ApplyHook: how derived state (the ledger) follows the engine's deterministic apply step.
//
// The DB calls the hook from its single applying thread, in log order, during normal writes and
// during recovery replay alike, so the hook sees exactly the same sequence after a crash as
// before it. It must itself be deterministic: no clock, no randomness, no local configuration
// that could differ between replicas (the batch carries the leader's timestamp).
//
// Internal writes returned by the hook are (key, value) pairs whose keys start with byte 0xFF
// (kInternalKeyPrefix). They are inserted into the memtable at the same log index as the batch,
// atomically with it (a reader sees both or neither), without the insert-if-absent check. Each
// internal key must nevertheless be new, as the engine keeps one version per key: returning a
// key without the prefix, or one that repeats or is still in a memtable, is a hook bug and fails
// the DB (keys already flushed to SSTables are not looked up: that check cost too much for a
// guard against bugs).
//
// Any error returned by the hook puts the DB in its permanent failed state (the derived state
// could otherwise diverge from the log); Open fails the same way if replay hits the error again.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/write_batch.h"

namespace blockdb {

class DB;

class ApplyHook {
 public:
  virtual ~ApplyHook() = default;

  // Called for every ACCEPTED write batch (after the insert-if-absent check passed), before any
  // of its keys is visible. `index` is the batch's log index.
  virtual Status OnApply(uint64_t index, const WriteBatch& batch,
                         std::vector<std::pair<std::string, std::string>>* internal_writes) = 0;

  // Called once by DB::Open after the SSTables are loaded and before the log is replayed, with
  // the DB being opened: reads through it (Get, NewIterator) see the state applied so far, which
  // is the SSTables' state now and grows with each replayed record. Lets the hook rebuild its
  // in-memory state (e.g. the ledger's Merkle frontier) from its internal records. The DB must
  // not be written to from the hook.
  virtual Status OnOpen(DB* db) { return Status::OK(); }

  // Called for every seal command (log record type kLogRecordSeal), in log order.
  virtual Status OnSeal(uint64_t index, int64_t timestamp_micros,
                        std::vector<std::pair<std::string, std::string>>* internal_writes) = 0;
};

}  // namespace blockdb
