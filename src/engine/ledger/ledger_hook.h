// LedgerHook: the ApplyHook (engine/apply_hook.h) that drives a Ledger (ledger.h) from the
// engine's deterministic apply step, so that every accepted write batch becomes ledger entries and
// every seal command closes a block, in the same atomic batch as the rows.
//
//   OnOpen(db)   opens the Ledger over a source that reads the engine's internal 0xFF records
//                through DB::Get and DB::NewIterator (the SSTables' state: recovery replays the
//                log afterwards).
//   OnApply      turns the batch's inserts into entries (txn id and timestamp from the batch).
//   OnSeal       forwards the seal command.
//
// Published digest. The ledger updates its in-memory digest inside OnApply, before the engine has
// inserted the records into the memtable and published the batch's log index. A proof for that
// size could then miss a node. The hook therefore remembers the digest reached at each log index
// and PublishedDigest() answers the newest one whose index the engine has published
// (DB::AppliedIndex()): every record it covers is readable at the latest snapshot.
//
// Thread safety: OnOpen/OnApply/OnSeal come from the engine's applying thread (one at a time);
// PublishedDigest() and ledger() may be called from any thread once DB::Open has returned.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/apply_hook.h"
#include "engine/internal/mutex.h"
#include "engine/ledger/ledger.h"
#include "engine/ledger/proof.h"

namespace blockdb {

class LedgerHook : public ApplyHook {
 public:
  explicit LedgerHook(const ledger::Options& options) : options_(options) {}

  // (Re)opens the ledger over `db`'s internal records; the digest they describe is published at
  // once (the engine has applied them). Corruption when the stored records are inconsistent.
  Status OnOpen(DB* db) override;
  Status OnApply(uint64_t index, const WriteBatch& batch,
                 std::vector<std::pair<std::string, std::string>>* internal_writes) override;
  Status OnSeal(uint64_t index, int64_t timestamp_micros,
                std::vector<std::pair<std::string, std::string>>* internal_writes) override;

  // The ledger; null before a successful OnOpen. Owned by the hook. Its GetDigest() may run ahead
  // of what readers can see; use PublishedDigest() for anything handed out.
  ledger::Ledger* ledger() const { return ledger_.get(); }

  // The digest of every entry and block applied at or before the engine's applied index.
  // REQUIRES: OnOpen succeeded.
  ledger::Digest PublishedDigest() const EXCLUDES(mu_);

 private:
  // Remembers the ledger's digest state as reached at log index `index` when the call changed it
  // (the root is hashed only when a digest is asked for).
  void Remember(uint64_t index, size_t writes_before, size_t writes_after) EXCLUDES(mu_);
  // Moves every remembered digest whose index is <= applied into published_.
  void PublishUpTo(uint64_t applied) const REQUIRES(mu_);

  const ledger::Options options_;
  DB* db_ = nullptr;  // not owned; set by OnOpen
  std::unique_ptr<ledger::Ledger> ledger_;

  mutable Mutex mu_;
  // Digest states reached at log indexes not yet known to be published, oldest first. Bounded by
  // the commit group being applied: OnApply trims it against the applied index.
  mutable std::deque<std::pair<uint64_t, ledger::DigestState>> unpublished_ GUARDED_BY(mu_);
  mutable ledger::DigestState published_ GUARDED_BY(mu_);
  // published_.ToDigest(), once computed; reset when published_ moves.
  mutable std::optional<ledger::Digest> published_digest_ GUARDED_BY(mu_);
};

}  // namespace blockdb
