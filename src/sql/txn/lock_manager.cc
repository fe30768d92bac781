// A single mutex over one list of requests. Transactions hold tens of locks and a node runs
// tens of transactions at once, so a linear pass over the list is cheaper than any interval
// index would be at that size, and far simpler to get right; see docs/TRANSACTIONS.md.
#include "sql/txn/lock_manager.h"

#include <algorithm>

namespace blockdb::sql::txn {
namespace {

bool Overlap(std::string_view b1, std::string_view e1, std::string_view b2, std::string_view e2) {
  return b1 < e2 && b2 < e1;
}

// Mode a is at least as strong as b (a lock in mode a makes a request for b redundant).
bool Covers(LockMode a, LockMode b) { return a == b || a == LockMode::kExclusive; }

}  // namespace

const char* LockModeName(LockMode mode) {
  switch (mode) {
    case LockMode::kShared:
      return "Shared";
    case LockMode::kInsert:
      return "Insert";
    case LockMode::kExclusive:
      return "Exclusive";
  }
  return "?";
}

bool LockModesConflict(LockMode a, LockMode b) { return !(a == b && a != LockMode::kExclusive); }

TxnId LockManager::Begin(Clock::time_point deadline) {
  std::lock_guard lock(mu_);
  TxnId id = next_txn_++;
  txns_[id].deadline = deadline;
  return id;
}

Status LockManager::LockKey(TxnId txn, std::string_view key, LockMode mode, const LockWait& wait) {
  std::string end(key);
  end.push_back('\0');
  return Lock(txn, key, end, mode, wait);
}

Status LockManager::Lock(TxnId txn, std::string_view begin, std::string_view end, LockMode mode,
                         const LockWait& wait) {
  if (!(begin < end)) {
    return Status::InvalidArgument("lock range is empty");
  }
  std::unique_lock lock(mu_);
  auto found = txns_.find(txn);
  if (found == txns_.end()) {
    return Status::InvalidArgument("lock requested for an unknown transaction");
  }
  TxnState& self = found->second;
  auto expired = [] {
    return Status::Aborted("the transaction was aborted: it ran longer than transaction_timeout")
        .WithSqlState(kSqlStateTransactionTimeout);
  };
  if (self.aborted) return expired();
  if (CoveredLocked(self, begin, end, mode)) return Status::OK();

  auto it = requests_.insert(requests_.end(), Request{txn, std::string(begin), std::string(end),
                                                      mode, false, next_seq_++});
  self.requests.push_back(it);
  const Clock::time_point started = Clock::now();
  bool counted_wait = false;
  while (true) {
    // self stays valid: only End erases a TxnState, and End is called by this transaction's
    // owner, which is here.
    if (self.aborted) return expired();  // the request went with the rest of its locks
    std::vector<TxnId> blockers = BlockersLocked(*it);
    if (blockers.empty()) {
      it->granted = true;
      ++stats_.acquired;
      return Status::OK();
    }
    // Abort blockers past their deadline; their locks go, and the check starts over.
    const Clock::time_point now = Clock::now();
    bool freed = false;
    for (TxnId b : blockers) {
      TxnState& other = txns_.at(b);
      if (!other.aborted && !other.committing && other.deadline <= now) {
        other.aborted = true;
        ReleaseAllLocked(other);
        ++stats_.expired;
        freed = true;
      }
    }
    if (freed) {
      changed_.notify_all();
      continue;
    }
    std::vector<TxnId> seen;
    bool cycle = false;
    for (TxnId b : blockers) {
      if (b == txn || ReachesLocked(b, txn, &seen)) {
        cycle = true;
        break;
      }
    }
    Status stop;
    if (cycle) {
      ++stats_.deadlocks;
      stop = Status::Aborted("deadlock detected").WithSqlState(kSqlStateDeadlock);
    } else if (wait.no_wait) {
      ++stats_.timeouts;
      stop =
          Status::Aborted("could not obtain lock on key range").WithSqlState(kSqlStateLockTimeout);
    } else if (wait.timeout.count() > 0 && now - started >= wait.timeout) {
      ++stats_.timeouts;
      stop = Status::Aborted("canceling statement due to lock timeout")
                 .WithSqlState(kSqlStateLockTimeout);
    } else if (wait.check) {
      stop = wait.check();
    }
    if (!stop.ok()) {
      RemoveRequestLocked(self, it);
      changed_.notify_all();  // requests queued behind this one may go now
      return stop;
    }
    if (!counted_wait) {
      ++stats_.waited;
      counted_wait = true;
    }
    Clock::time_point until = now + wait.poll;
    if (wait.timeout.count() > 0) until = std::min(until, started + wait.timeout);
    changed_.wait_until(lock, until);
  }
}

bool LockManager::Aborted(TxnId txn) const {
  std::lock_guard lock(mu_);
  auto it = txns_.find(txn);
  return it != txns_.end() && it->second.aborted;
}

bool LockManager::StartCommit(TxnId txn) {
  std::lock_guard lock(mu_);
  auto it = txns_.find(txn);
  if (it == txns_.end()) return true;  // holds no lock: nothing to lose
  if (it->second.aborted) return false;
  it->second.committing = true;
  return true;
}

void LockManager::End(TxnId txn) {
  std::lock_guard lock(mu_);
  auto it = txns_.find(txn);
  if (it == txns_.end()) return;
  ReleaseAllLocked(it->second);
  txns_.erase(it);
  changed_.notify_all();
}

LockManager::Stats LockManager::GetStats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.held = requests_.size();
  s.transactions = txns_.size();
  return s;
}

std::vector<TxnId> LockManager::BlockersLocked(const Request& r) const {
  std::vector<TxnId> out;
  const TxnState& self = txns_.at(r.txn);
  // An upgrade (a range overlapping one this transaction holds) waits only for holders.
  const bool upgrade = HoldsOverlappingLocked(self, r);
  for (const Request& q : requests_) {
    if (q.txn == r.txn || !Overlap(q.begin, q.end, r.begin, r.end) ||
        !LockModesConflict(q.mode, r.mode)) {
      continue;
    }
    // A waiter blocks r only when it came first and r is not an upgrade.
    if (!q.granted && (upgrade || q.seq > r.seq)) continue;
    if (std::find(out.begin(), out.end(), q.txn) == out.end()) out.push_back(q.txn);
  }
  return out;
}

bool LockManager::HoldsOverlappingLocked(const TxnState& t, const Request& r) const {
  for (RequestList::iterator q : t.requests) {
    if (q->granted && Overlap(q->begin, q->end, r.begin, r.end)) return true;
  }
  return false;
}

bool LockManager::CoveredLocked(const TxnState& t, std::string_view begin, std::string_view end,
                                LockMode mode) const {
  for (RequestList::iterator q : t.requests) {
    if (q->granted && Covers(q->mode, mode) && q->begin <= begin && end <= q->end) return true;
  }
  return false;
}

const LockManager::Request* LockManager::WaitingRequestLocked(TxnId txn) const {
  auto it = txns_.find(txn);
  if (it == txns_.end()) return nullptr;
  for (RequestList::iterator q : it->second.requests) {
    if (!q->granted) return &*q;
  }
  return nullptr;
}

bool LockManager::ReachesLocked(TxnId from, TxnId to, std::vector<TxnId>* seen) const {
  if (std::find(seen->begin(), seen->end(), from) != seen->end()) return false;
  seen->push_back(from);
  const Request* waiting = WaitingRequestLocked(from);
  if (waiting == nullptr) return false;
  for (TxnId next : BlockersLocked(*waiting)) {
    if (next == to || ReachesLocked(next, to, seen)) return true;
  }
  return false;
}

void LockManager::RemoveRequestLocked(TxnState& t, RequestList::iterator it) {
  t.requests.erase(std::find(t.requests.begin(), t.requests.end(), it));
  requests_.erase(it);
}

void LockManager::ReleaseAllLocked(TxnState& t) {
  for (RequestList::iterator q : t.requests) requests_.erase(q);
  t.requests.clear();
}

}  // namespace blockdb::sql::txn
