#include "pgwire/server/work_pool.h"

#include "common/check.h"

namespace blockdb::pgwire {

WorkPool::WorkPool(size_t max_threads) : max_threads_(max_threads) {
  BLOCKDB_CHECK(max_threads > 0);
}

WorkPool::~WorkPool() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (std::thread& t : threads) {
    t.join();
  }
}

size_t WorkPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

void WorkPool::Enqueue(std::packaged_task<void()> task) {
  std::unique_lock<std::mutex> lock(mu_);
  BLOCKDB_CHECK(!stopping_);
  queue_.push_back(std::move(task));
  if (idle_ >= queue_.size() || threads_.size() >= max_threads_) {
    lock.unlock();
    cv_.notify_one();
    return;
  }
  threads_.emplace_back([this] { Loop(); });
}

void WorkPool::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) {
      return;  // stopping, and nothing left to run
    }
    std::packaged_task<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace blockdb::pgwire
