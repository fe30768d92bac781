#include "sqllogic/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace blockdb::sqllogic {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kInitdbTimeout(120);
constexpr std::chrono::seconds kStartTimeout(60);
constexpr std::chrono::seconds kStopTimeout(30);
constexpr std::chrono::milliseconds kPollInterval(10);

struct RunAs {
  bool drop = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The child's environment: ours with the locale forced to C, so that messages are in English.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with("LC_") && !entry.starts_with("LANG=") &&
        !entry.starts_with("LANGUAGE=") && !entry.starts_with("PG")) {
      env.emplace_back(entry);
    }
  }
  env.emplace_back("LC_ALL=C");
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

// Starts argv[0] with output appended to `log`, as another user when run_as.drop. The child gets
// SIGKILL when this process dies.
Result<pid_t> Spawn(std::vector<std::string> argv, const std::string& log, const RunAs& run_as) {
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> c_argv = CStrings(argv);
  std::vector<char*> c_env = CStrings(env);
  pid_t pid = fork();
  if (pid < 0) {
    return Status::IOError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    if (run_as.drop &&
        (setgroups(0, nullptr) != 0 || setgid(run_as.gid) != 0 || setuid(run_as.uid) != 0)) {
      _exit(126);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
      _exit(126);
    }
    execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }
  return pid;
}

// The exit status of `pid` once it exits, or nullopt when it still runs at the deadline.
std::optional<int> WaitFor(pid_t pid, Clock::time_point deadline) {
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (r < 0 || Clock::now() >= deadline) {
      return r < 0 ? std::optional<int>(-1) : std::nullopt;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string ReadFileTail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
}

// A TCP port nobody listened on a moment ago. The server listens only on its Unix socket, whose
// name is made from the port, so this just keeps the socket name unlike any other server's.
Result<int> PickPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return Status::IOError(std::string("socket: ") + std::strerror(errno));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return Status::IOError(std::string("bind: ") + std::strerror(errno));
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

}  // namespace

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start(const std::string& bindir) {
  for (const char* tool : {"initdb", "postgres"}) {
    if (access((bindir + "/" + tool).c_str(), X_OK) != 0) {
      return Status::NotFound("PostgreSQL binary " + bindir + "/" + tool + " not found");
    }
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  RETURN_IF_ERROR(server->Init(bindir));
  return server;
}

Status PostgresServer::Init(const std::string& bindir) {
  if (geteuid() == 0) {
    struct passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return Status::NotFound("running as root and there is no postgres user to run PostgreSQL");
    }
    as_postgres_user_ = true;
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
  }
  char tmpl[] = "/tmp/blockdb_pg_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return Status::IOError(std::string("mkdtemp: ") + std::strerror(errno));
  }
  dir_ = tmpl;
  if (as_postgres_user_ && chown(dir_.c_str(), uid_, gid_) != 0) {
    return Status::IOError("chown " + dir_ + ": " + std::strerror(errno));
  }
  ASSIGN_OR_RETURN(port_, PickPort());
  RETURN_IF_ERROR(RunInitdb(bindir));
  return StartPostgres(bindir);
}

Status PostgresServer::RunInitdb(const std::string& bindir) {
  const std::string log = dir_ + "/initdb.log";
  std::vector<std::string> argv = {
      bindir + "/initdb", "-D",         dir_ + "/data",    "-U",        "blockdb",
      "--auth=trust",     "--locale=C", "--encoding=UTF8", "--no-sync", "--no-instructions"};
  ASSIGN_OR_RETURN(pid_t initdb, Spawn(std::move(argv), log, {as_postgres_user_, uid_, gid_}));
  std::optional<int> rc = WaitFor(initdb, Clock::now() + kInitdbTimeout);
  if (rc == 0) {
    return Status::OK();
  }
  if (!rc) {
    kill(initdb, SIGKILL);
    waitpid(initdb, nullptr, 0);
  }
  return Status::IOError("initdb failed:\n" + ReadFileTail(log));
}

// The server is tuned for throwaway data (no fsync) and set up as BlockDB formats values.
Status PostgresServer::StartPostgres(const std::string& bindir) {
  std::vector<std::string> argv = {bindir + "/postgres", "-D", dir_ + "/data", "-k", dir_, "-p",
                                   std::to_string(port_)};
  for (const char* setting :
       {"listen_addresses=", "fsync=off", "synchronous_commit=off", "full_page_writes=off",
        "TimeZone=UTC", "DateStyle=ISO, MDY", "lc_messages=C"}) {
    argv.push_back("-c");
    argv.push_back(setting);
  }
  ASSIGN_OR_RETURN(pid_,
                   Spawn(std::move(argv), dir_ + "/postgres.log", {as_postgres_user_, uid_, gid_}));
  return WaitUntilReady();
}

Status PostgresServer::WaitUntilReady() {
  const std::string conninfo = ConnInfo("postgres");
  const Clock::time_point deadline = Clock::now() + kStartTimeout;
  while (PQping(conninfo.c_str()) != PQPING_OK) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::IOError("PostgreSQL exited at startup:\n" +
                             ReadFileTail(dir_ + "/postgres.log"));
    }
    if (Clock::now() >= deadline) {
      return Status::IOError("PostgreSQL did not accept connections within a minute:\n" +
                             ReadFileTail(dir_ + "/postgres.log"));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Status::OK();
}

std::string PostgresServer::ConnInfo(const std::string& dbname) const {
  return "host=" + dir_ + " port=" + std::to_string(port_) + " user=blockdb dbname=" + dbname;
}

void PostgresServer::Stop() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGINT);  // fast shutdown
  if (!WaitFor(pid_, Clock::now() + kStopTimeout)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

PostgresServer::~PostgresServer() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace blockdb::sqllogic
