// SnapshotRecordSource: the ledger::RecordSource (records.h) of one engine snapshot.
//
// Every read is at the fixed applied index `snapshot`, so the verifier and snapshot readers see
// one consistent state while writes go on: point lookups through DB::Get and ordered scans through
// DB::NewIterator, both at that index.
//
// Thread safety: the source may be used from any number of threads at once. The object must
// outlive every use of source() and be destroyed before the DB.
//
// fill_cache (IteratorOptions) applies to the scans: the verifier, which reads the whole store
// once, leaves the block cache to the other reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/db.h"
#include "engine/ledger/records.h"

namespace blockdb {

class SnapshotRecordSource {
 public:
  // `db` is not owned. snapshot: an applied index (DB::AppliedIndex() when the check starts).
  SnapshotRecordSource(DB* db, uint64_t snapshot, bool fill_cache = true)
      : db_(db), snapshot_(snapshot), fill_cache_(fill_cache) {}

  // A RecordSource bound to this object.
  ledger::RecordSource source();

  // The record `key` at the snapshot: OK, NotFound, or the engine's error (Corruption naming
  // file and offset).
  Status Get(std::string_view key, std::string* value);

 private:
  DB* const db_;
  const uint64_t snapshot_;
  const bool fill_cache_;
};

}  // namespace blockdb
