// SnapshotRecordSource: the ledger::RecordSource (verify.h) of one engine snapshot, built for the
// way VerifyLedger reads.
//
// Every read is at the fixed applied index `snapshot`, so the verifier sees one consistent state
// while writes go on. The verifier walks the leaf locators ('L') and the tree nodes of each level
// ('N' level) in increasing index order, which are adjacent keys in the engine. A DB::Get per
// record costs a full LSM lookup (the engine mutex, every level's filter and index) and was 80% of
// VERIFY's time; here those families are read through iterators that step forward from the last
// record read (falling back to a Seek when the next key is not a few steps ahead). Rows and
// key-index records ('K') are read in leaf order, which is random in key order in general, so
// they stay point lookups.
//
// Thread safety: get() may be called from any number of threads at once; each thread gets its own
// iterators. The object must outlive every use of source() and be destroyed before the DB.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "common/status.h"
#include "engine/db.h"
#include "engine/ledger/verify.h"

namespace blockdb {

class SnapshotRecordSource {
 public:
  // `db` is not owned. snapshot: an applied index (DB::AppliedIndex() when the check starts).
  SnapshotRecordSource(DB* db, uint64_t snapshot) : db_(db), snapshot_(snapshot) {}

  // A RecordSource bound to this object.
  ledger::RecordSource source();

  // The record `key` at the snapshot: OK, NotFound, or the engine's error (Corruption naming
  // file and offset).
  Status Get(std::string_view key, std::string* value);

 private:
  // One thread's iterators, by record family (the key prefix they share).
  using Cursors = std::map<std::string, std::unique_ptr<Iterator>, std::less<>>;

  Cursors* ThreadCursors();
  Status CursorGet(Cursors* cursors, std::string_view family, std::string_view key,
                   std::string* value);

  DB* const db_;
  const uint64_t snapshot_;
  std::mutex mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<Cursors>> cursors_;  // guarded by mu_
};

}  // namespace blockdb
