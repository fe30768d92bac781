// Subprocess: runs a real binary for end-to-end tests (the server, the CLI, crash-loop writers),
// captures its output through a pipe and waits for it with deadlines instead of sleeps.
//
// The child's standard output and standard error go to one pipe (interleaved as written), its
// standard input is /dev/null, its signal mask is empty and its signal dispositions default, so
// it behaves as if started from a shell. Output is read only while a Wait* method runs; a child
// that writes more than a pipe holds (64 KiB) between calls blocks until the next one.
//
// Not thread-safe: one thread drives one Subprocess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace blockdb::testing {

struct SpawnOptions {
  // Extra "NAME=value" entries added to the child's environment (replacing inherited ones of the
  // same name).
  std::vector<std::string> extra_env;
  // Names of inherited variables to drop, or prefixes when they end in '*' ("BLOCKDB_*").
  std::vector<std::string> unset_env;
};

class Subprocess {
 public:
  // Starts argv[0] (a path, not searched in PATH) with arguments argv[1..].
  static Result<std::unique_ptr<Subprocess>> Spawn(const std::vector<std::string>& argv,
                                                   const SpawnOptions& options = {});

  // Kills the child with SIGKILL if it is still running and reaps it.
  ~Subprocess();

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // Reads output until it contains `needle` (true), or the child closes its output or the
  // timeout passes (false).
  bool WaitForOutput(std::string_view needle, std::chrono::milliseconds timeout);

  // Waits for the child to exit, collecting its output. Returns the exit code, 128 + the signal
  // number if a signal killed it, or nullopt if it still runs at the timeout.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);

  // Sends a signal. OK if the child has already exited but not been reaped.
  Status Signal(int signal);

  // SIGKILL and reap (no-op once reaped).
  void Kill();

  // Everything read from the child so far.
  const std::string& output() const { return output_; }

 private:
  Subprocess(pid_t pid, int output_fd);

  // Waits up to `timeout` for output or exit, appending what arrives to output_.
  void Pump(std::chrono::milliseconds timeout);
  // Reaps the child if it has exited; returns true when it has been reaped.
  bool TryReap();

  pid_t pid_;
  int output_fd_;  // -1 once the child closed its end
  int pid_fd_;     // pidfd of the child (readable when it exits), or -1 if unsupported
  std::optional<int> exit_code_;
  std::string output_;
};

}  // namespace blockdb::testing
