#include "server/seal_timer.h"

#include "common/check.h"
#include "common/logging.h"
#include "engine/ledger_db.h"

namespace blockdb {

SealTimer::SealTimer(LedgerDB* ldb, std::chrono::milliseconds interval)
    : ldb_(ldb), interval_(interval) {
  BLOCKDB_CHECK(ldb_ != nullptr);
  BLOCKDB_CHECK(interval_.count() > 0);
  thread_ = std::thread([this] { Run(); });
}

SealTimer::~SealTimer() { Stop(); }

void SealTimer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

uint64_t SealTimer::seals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seals_;
}

uint64_t SealTimer::ticks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ticks_;
}

void SealTimer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    // A production timer, not a test waiting for an event: wait_for is the interval itself.
    if (cv_.wait_for(lock, interval_, [this] { return stop_; })) {
      break;
    }
    lock.unlock();
    Tick();
    lock.lock();
  }
}

void SealTimer::Tick() {
  Result<bool> sealed = ldb_->SealIfPending();
  if (!sealed.ok()) {
    if (!failing_) {
      Logger("server")->warn("block timer: cannot seal a block: {}", sealed.status().ToString());
      failing_ = true;
    }
    return;
  }
  failing_ = false;
  std::lock_guard<std::mutex> lock(mu_);
  ++ticks_;
  if (*sealed) {
    ++seals_;
  }
}

}  // namespace blockdb
