// LockManager: the locks that make BlockDB's read-write transactions serializable (strict
// two-phase locking on key ranges, docs/TRANSACTIONS.md).
//
// A lock covers a range [begin, end) of the engine's key space; a point key k is the range
// [k, k + '\0'). A predicate read locks the whole key range it scanned ("no row with account = 7"
// is the range of the index on account for 7, or the whole table when no index helps), so an
// insert into that range waits, and write skew through phantoms cannot happen.
//
// Modes and what they conflict with, between different transactions on overlapping ranges:
//
//              kShared  kInsert  kExclusive
//   kShared       -        X        X          (reads)
//   kInsert       X        -        X          (new keys that cannot collide: two inserts into
//                                               one range proceed together)
//   kExclusive    X        X        X          (unique keys: a second inserter waits)
//
// A transaction never conflicts with itself, so it may lock a range again in a stronger mode (an
// upgrade): the upgrade waits only for other holders, never behind waiters, which is what keeps
// "read, then insert into what was read" from deadlocking against a queue it is part of. Other
// requests are queued first come, first served: a request waits behind an earlier waiting
// request it conflicts with, so a stream of readers cannot starve an inserter.
//
// Waiting builds a wait-for graph (a waiter waits for the holders and earlier waiters it
// conflicts with). Before every wait the requester looks for a cycle through itself; when there
// is one, the requester is the victim and gets 40P01 (its other locks stay until End).
//
// Every transaction has a deadline (transaction_timeout). A waiter that is blocked by a
// transaction past its deadline aborts that transaction: its locks are released and its owner
// learns at its next call (Lock or Aborted). No background thread is needed: a transaction past
// its deadline that blocks nobody harms nobody.
//
// Thread safety: all methods may be called concurrently; Lock blocks the calling thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace blockdb::sql::txn {

enum class LockMode : uint8_t { kShared, kInsert, kExclusive };

const char* LockModeName(LockMode mode);

// True when locks of modes a and b held by different transactions on overlapping ranges
// cannot coexist.
bool LockModesConflict(LockMode a, LockMode b);

// SQLSTATEs of the lock manager's errors.
inline constexpr char kSqlStateDeadlock[] = "40P01";
inline constexpr char kSqlStateLockTimeout[] = "55P03";
inline constexpr char kSqlStateTransactionTimeout[] = "25P04";

using TxnId = uint64_t;
using Clock = std::chrono::steady_clock;

struct LockWait {
  // How long to wait for this lock (lock_timeout); zero: as long as it takes.
  std::chrono::milliseconds timeout{0};
  // Fail with 55P03 at once instead of waiting (NOWAIT).
  bool no_wait = false;
  // Called while waiting (at least every `poll` interval): a non-OK status ends the wait with
  // that status (statement_timeout, a cancel request).
  std::function<Status()> check;
  std::chrono::milliseconds poll{20};
};

class LockManager {
 public:
  struct Stats {
    uint64_t acquired = 0;    // requests granted (not counting ones already covered)
    uint64_t waited = 0;      // requests that had to wait
    uint64_t deadlocks = 0;   // 40P01 errors
    uint64_t timeouts = 0;    // 55P03 errors
    uint64_t expired = 0;     // transactions aborted past their deadline
    size_t held = 0;          // locks held or waited for now
    size_t transactions = 0;  // transactions registered now
  };

  LockManager() = default;
  LockManager(const LockManager&) = delete;
  LockManager& operator=(const LockManager&) = delete;

  // Registers a new transaction, to be ended with End. Ids are never reused.
  TxnId Begin(Clock::time_point deadline);

  // Locks [begin, end) in `mode` for `txn`, waiting while other transactions hold or wait ahead
  // for a conflicting lock. Returns at once when txn already holds a lock covering the range in
  // a mode at least as strong. Errors (the request is withdrawn; locks already held stay):
  // 40P01 when waiting would close a cycle of waits, 55P03 after wait.timeout, whatever
  // wait.check returns, 25P04 when txn was aborted past its deadline (all its locks are gone),
  // InvalidArgument for an unknown txn or an empty range.
  Status Lock(TxnId txn, std::string_view begin, std::string_view end, LockMode mode,
              const LockWait& wait = {});
  Status LockKey(TxnId txn, std::string_view key, LockMode mode, const LockWait& wait = {});

  // True when txn was aborted for running past its deadline (its locks are released).
  bool Aborted(TxnId txn) const;

  // Called just before txn's writes are logged: false when it was aborted (it must not commit);
  // otherwise it can no longer be aborted past its deadline (its locks stay until End).
  bool StartCommit(TxnId txn);

  // Releases every lock of txn and forgets it. Safe to call for an unknown or aborted txn.
  void End(TxnId txn);

  Stats GetStats() const;

 private:
  struct Request {
    TxnId txn;
    std::string begin, end;
    LockMode mode;
    bool granted = false;
    uint64_t seq = 0;  // arrival order
  };
  using RequestList = std::list<Request>;
  struct TxnState {
    Clock::time_point deadline;
    bool aborted = false;
    bool committing = false;  // StartCommit was called: never aborted past the deadline
    std::vector<RequestList::iterator> requests;
  };

  // The transactions `r` must wait for now (empty: it can be granted).
  std::vector<TxnId> BlockersLocked(const Request& r) const;
  bool HoldsOverlappingLocked(const TxnState& t, const Request& r) const;
  bool CoveredLocked(const TxnState& t, std::string_view begin, std::string_view end,
                     LockMode mode) const;
  // True when the wait-for graph has a path from `from` back to `to`.
  bool ReachesLocked(TxnId from, TxnId to, std::vector<TxnId>* seen) const;
  // The waiting request of txn, or nullptr.
  const Request* WaitingRequestLocked(TxnId txn) const;
  void RemoveRequestLocked(TxnState& t, RequestList::iterator it);
  void ReleaseAllLocked(TxnState& t);

  mutable std::mutex mu_;
  std::condition_variable changed_;  // a lock was released or a request withdrawn
  RequestList requests_;             // GUARDED_BY(mu_): granted and waiting, in arrival order
  std::unordered_map<TxnId, TxnState> txns_;  // GUARDED_BY(mu_)
  TxnId next_txn_ = 1;                        // GUARDED_BY(mu_)
  uint64_t next_seq_ = 1;                     // GUARDED_BY(mu_)
  Stats stats_;                               // GUARDED_BY(mu_)
};

}  // namespace blockdb::sql::txn
