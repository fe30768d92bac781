// SealTimer: the node's block timer. Every `interval` it asks the ledger whether entries are
// waiting for a block and, if so, proposes a seal command (LedgerDB::SealIfPending), so a block
// that holds entries closes within about one interval even when fewer than blockchain_batch_size
// entries arrive (config key database.block_interval_ms).
//
// The seal goes through the log like any command, so replicas and recovery close the same block;
// the timer only decides when to propose one. A failed seal (the engine has failed or is closing)
// is logged once per run of failures; the timer keeps ticking until stopped.
//
// Thread safety: the constructor starts one thread; Stop() (or the destructor) joins it and may be
// called from any one thread. Stop() must be called before the LedgerDB is closed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace blockdb {

class LedgerDB;

class SealTimer {
 public:
  // `ldb` is not owned and must stay open until Stop() returns. REQUIRES: interval > 0.
  SealTimer(LedgerDB* ldb, std::chrono::milliseconds interval);
  // Stops the timer.
  ~SealTimer();

  SealTimer(const SealTimer&) = delete;
  SealTimer& operator=(const SealTimer&) = delete;

  // Wakes the thread and waits for it to finish its current step. Idempotent.
  void Stop();

  // Seal commands proposed so far, and ticks run so far (for tests and stats).
  uint64_t seals() const;
  uint64_t ticks() const;

 private:
  void Run();
  // One tick: seal if entries are pending.
  void Tick();

  LedgerDB* const ldb_;
  const std::chrono::milliseconds interval_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;     // guarded by mu_
  uint64_t seals_ = 0;    // guarded by mu_
  uint64_t ticks_ = 0;    // guarded by mu_
  bool failing_ = false;  // only touched by the timer thread
  std::thread thread_;    // started last, in the constructor
};

}  // namespace blockdb
