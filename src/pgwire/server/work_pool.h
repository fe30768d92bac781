// WorkPool: threads that run the blocking part of serving a connection (SQL statements, which may
// wait for an fsync), so that the I/O threads never block.
//
// The pool starts with no thread and adds one whenever a task arrives and no thread is idle, up to
// max_threads; beyond that, tasks queue in submission order. The wire server sizes it to its
// connection limit, so that every connection can have a statement running at once (concurrent
// commits share one fsync through the engine's group commit) while idle connections cost no
// thread.
//
// Thread safety: Submit may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace blockdb::pgwire {

class WorkPool {
 public:
  // REQUIRES: max_threads > 0.
  explicit WorkPool(size_t max_threads);
  // Runs the queued tasks, then joins every thread.
  ~WorkPool();

  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `task` (which may be move-only) to run on a pool thread.
  template <typename F>
  void Submit(F&& task) {
    Enqueue(std::packaged_task<void()>(std::forward<F>(task)));
  }

  size_t threads() const;

 private:
  void Enqueue(std::packaged_task<void()> task);
  void Loop();

  const size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<void()>> queue_;  // guarded by mu_
  std::vector<std::thread> threads_;              // guarded by mu_
  size_t idle_ = 0;                               // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
};

}  // namespace blockdb::pgwire
