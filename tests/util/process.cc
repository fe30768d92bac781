#include "util/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace blockdb::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Without a pidfd, exit is noticed by polling waitpid this often.
constexpr std::chrono::milliseconds kReapPollInterval(10);

Status Errno(std::string_view what, int err) {
  return Status::IOError(std::string(what) + ": " + std::strerror(err));
}

bool Unset(std::string_view entry, const SpawnOptions& options) {
  std::string_view name = entry.substr(0, entry.find('='));
  for (const std::string& pattern : options.unset_env) {
    bool prefix = !pattern.empty() && pattern.back() == '*';
    std::string_view stem(pattern.data(), pattern.size() - (prefix ? 1 : 0));
    if (prefix ? name.starts_with(stem) : name == stem) {
      return true;
    }
  }
  for (const std::string& extra : options.extra_env) {
    if (name == std::string_view(extra).substr(0, extra.find('='))) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> ChildEnvironment(const SpawnOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!Unset(*e, options)) {
      env.emplace_back(*e);
    }
  }
  env.insert(env.end(), options.extra_env.begin(), options.extra_env.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  return -1;
#endif
}

// posix_spawn with stdout and stderr on `write_fd`, stdin from /dev/null, and the signal state a
// shell would give.
Result<pid_t> SpawnWithPipe(std::vector<std::string> argv, std::vector<std::string> env,
                            int write_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, write_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = -1;
  int err = posix_spawn(&pid, c_argv[0], &actions, &attr, c_argv.data(), c_env.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    return Errno("spawn " + argv[0], err);
  }
  return pid;
}

}  // namespace

Result<std::unique_ptr<Subprocess>> Subprocess::Spawn(const std::vector<std::string>& argv,
                                                      const SpawnOptions& options) {
  if (argv.empty()) {
    return Status::InvalidArgument("spawn: empty argv");
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Errno("pipe2", errno);
  }
  Result<pid_t> pid = SpawnWithPipe(argv, ChildEnvironment(options), fds[1]);
  close(fds[1]);
  if (!pid.ok()) {
    close(fds[0]);
    return pid.status();
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<Subprocess>(new Subprocess(*pid, fds[0]));
}

Subprocess::Subprocess(pid_t pid, int output_fd)
    : pid_(pid), output_fd_(output_fd), pid_fd_(OpenPidFd(pid)) {}

Subprocess::~Subprocess() {
  Kill();
  if (output_fd_ >= 0) {
    close(output_fd_);
  }
  if (pid_fd_ >= 0) {
    close(pid_fd_);
  }
}

void Subprocess::Pump(std::chrono::milliseconds timeout) {
  pollfd fds[2];
  nfds_t n = 0;
  if (output_fd_ >= 0) {
    fds[n++] = {output_fd_, POLLIN, 0};
  }
  if (pid_fd_ >= 0 && !exit_code_) {
    fds[n++] = {pid_fd_, POLLIN, 0};
  } else if (!exit_code_) {
    timeout = std::min(timeout, kReapPollInterval);
  }
  poll(fds, n, static_cast<int>(std::max<int64_t>(timeout.count(), 0)));
  char buf[4096];
  while (output_fd_ >= 0) {
    ssize_t r = read(output_fd_, buf, sizeof(buf));
    if (r > 0) {
      output_.append(buf, static_cast<size_t>(r));
    } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(output_fd_);  // EOF: the child (and any grandchild) closed its end
      output_fd_ = -1;
    } else if (errno == EAGAIN) {
      break;
    }
  }
}

bool Subprocess::TryReap() {
  if (exit_code_) {
    return true;
  }
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r != pid_) {
    return false;
  }
  exit_code_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  return true;
}

bool Subprocess::WaitForOutput(std::string_view needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (output_.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || (output_fd_ < 0 && TryReap())) {
      return false;
    }
    Pump(left);
    TryReap();
  }
  return true;
}

std::optional<int> Subprocess::WaitForExit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!TryReap()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    Pump(left);
  }
  Pump(std::chrono::milliseconds(0));  // what the child wrote just before exiting
  return exit_code_;
}

Status Subprocess::Signal(int signal) {
  if (exit_code_) {
    return Status::OK();
  }
  if (kill(pid_, signal) != 0) {
    return Errno("kill", errno);
  }
  return Status::OK();
}

void Subprocess::Kill() {
  if (exit_code_) {
    return;
  }
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = 128 + SIGKILL;
}

}  // namespace blockdb::testing
