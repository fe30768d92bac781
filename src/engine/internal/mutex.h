// An annotated mutex and condition variable for the engine, so that clang's -Wthread-safety can
// check GUARDED_BY / REQUIRES contracts (STYLE.md habit 9). The macros expand to nothing on
// compilers without the analysis. std::mutex itself carries no annotations, hence the wrapper.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define BLOCKDB_TSA(x) __attribute__((x))
#else
#define BLOCKDB_TSA(x)
#endif

#define CAPABILITY(x) BLOCKDB_TSA(capability(x))
#define SCOPED_CAPABILITY BLOCKDB_TSA(scoped_lockable)
#define GUARDED_BY(x) BLOCKDB_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) BLOCKDB_TSA(pt_guarded_by(x))
#define REQUIRES(...) BLOCKDB_TSA(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) BLOCKDB_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) BLOCKDB_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) BLOCKDB_TSA(release_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) BLOCKDB_TSA(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS BLOCKDB_TSA(no_thread_safety_analysis)

namespace blockdb {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  void AssertHeld() ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable bound to one Mutex. Wait* require that mutex held and return with it held.
class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}

  void Wait() NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // Returns false on timeout. Used by the periodic sync thread (a production timer, not a test
  // waiting for an event).
  bool WaitFor(std::chrono::microseconds timeout) NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    bool signalled = cv_.wait_for(lock, timeout) == std::cv_status::no_timeout;
    lock.release();
    return signalled;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace blockdb
