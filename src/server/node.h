// Node: the composition root of one BlockDB server process.
//
// A Node owns the validated Config and everything built from it. Start() brings the node up in
// order: create the data directory, take the exclusive LOCK file in it (so two servers can never
// write the same files), open the storage engine with its ledger (LedgerDB, blocks of
// database.blockchain_batch_size entries), start the block timer (a seal every
// database.block_interval_ms while entries are pending). Stop() takes it down in reverse: stop
// the block timer, close the engine (which finishes in-flight writes and syncs), release the
// lock. Each step is logged on
// the "server" logger, one line per state change.
//
// Later layers (Raft, the SQL layer, the pgwire listener, the HTTP sidecar) are wired in here too,
// so that main() stays a thin shell around Start() and Stop().
//
// Thread safety: Start() and Stop() must be called from one thread (the main thread); the other
// methods may be called from any thread.
#pragma once

#include <atomic>
#include <memory>

#include "common/config.h"
#include "common/env.h"
#include "common/status.h"

namespace blockdb {

class DB;
class LedgerDB;
class SealTimer;

class Node {
 public:
  enum class State { kCreated, kRunning, kStopped };

  // `env` is the file system (not owned, must outlive the Node); null means Env::Default().
  explicit Node(Config config, Env* env = nullptr);
  // Stops the node if it is running.
  ~Node();

  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Brings the node up. On failure everything acquired so far is released, the node stays in
  // kCreated and may be started again. Errors: IOError when the directory cannot be created,
  // Busy when another process holds the data directory's LOCK, or the engine's open error.
  // REQUIRES: state() == kCreated.
  Status Start();

  // Takes the node down. Idempotent: OK (and nothing done) unless the node is running.
  // Returns the first error met; every step is attempted regardless.
  Status Stop();

  State state() const { return state_.load(std::memory_order_acquire); }
  const Config& config() const { return config_; }

  // The storage engine while running, else null.
  DB* db() const;
  // The engine with its ledger (digest, proofs, VERIFY) while running, else null.
  LedgerDB* ledger_db() const { return ledger_db_.get(); }

  // Name of the lock file inside the data directory.
  static constexpr const char* kLockFileName = "LOCK";

 private:
  Status PrepareDataDir();
  Status LockDataDir();
  // The single place where the storage engine is opened and closed.
  Status OpenEngine();
  Status CloseEngine();

  const Config config_;
  Env* const env_;
  std::atomic<State> state_{State::kCreated};
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<LedgerDB> ledger_db_;
  std::unique_ptr<SealTimer> seal_timer_;  // runs while the engine is open
};

}  // namespace blockdb
